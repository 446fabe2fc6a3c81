/** Builds the knex instance for a database config. The only place a knex connection is made. */
import knexFactory, { type Knex } from 'knex';
import { types as pgTypes } from 'pg';
import type { DatabaseConfig } from '../config/env.js';

export type { Knex };

// Same values on both dialects: a DATE column reads as the ISO string 'YYYY-MM-DD' (pg would
// otherwise build a local-midnight Date and shift it by the time zone), and int8 (count(*), sums,
// bigint columns) reads as a number, which is exact below 2^53.
pgTypes.setTypeParser(pgTypes.builtins.DATE, (value: string) => value);
pgTypes.setTypeParser(pgTypes.builtins.INT8, (value: string) => Number(value));

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
