/** Builds the knex instance for a database config. The only place a knex connection is made. */
import knexFactory, { type Knex } from 'knex';
import type { DatabaseConfig } from '../config/env.js';

export type { Knex };

export function createKnex(db: DatabaseConfig): Knex {
  if (db.client === 'pg') {
    return knexFactory({
      client: 'pg',
      connection: db.connectionString,
      pool: { min: 0, max: 10 },
    });
  }
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename: db.filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      // WAL lets readers go on while a writer (import, training results) works; foreign keys
      // are off by default in SQLite and must be switched on per connection.
      afterCreate(conn: { pragma(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) {
        conn.pragma('journal_mode = WAL');
        conn.pragma('foreign_keys = ON');
        conn.pragma('busy_timeout = 5000');
        done(null, conn);
      },
    },
  });
}
