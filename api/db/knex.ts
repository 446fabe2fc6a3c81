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

interface SqliteStatement {
  readonly busy: boolean;
}
interface SqliteConnection {
  pragma(sql: string): unknown;
  prepare(sql: string): SqliteStatement;
}

/** Statements kept per SQLite connection, and the longest SQL text kept (bulk inserts are not). */
const STATEMENT_CACHE_SIZE = 500;
const STATEMENT_CACHE_MAX_SQL = 4096;

/**
 * knex prepares every statement anew (better-sqlite3 `prepare`, about a third of a small query's
 * cost). The connection's `prepare` hands back the statement it prepared earlier for the same
 * text unless that one is busy (an open iterator). So nothing may change a prepared statement's
 * modes (`pluck`, `raw`, `expand`, `safeIntegers`): the next user of that text would inherit them.
 */
function reusePreparedStatements(conn: SqliteConnection): void {
  const prepare = conn.prepare.bind(conn);
  const cache = new Map<string, SqliteStatement>();
  conn.prepare = (sql: string): SqliteStatement => {
    if (sql.length > STATEMENT_CACHE_MAX_SQL) return prepare(sql);
    const cached = cache.get(sql);
    if (cached && !cached.busy) return cached;
    const statement = prepare(sql);
    if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
    cache.set(sql, statement);
    return statement;
  };
}

/** How long a PostgreSQL connection attempt may take before it is given up (and its socket closed). */
export const PG_CONNECT_TIMEOUT_MS = 10_000;

export function createKnex(db: DatabaseConfig): Knex {
  if (db.client === 'pg') {
    return knexFactory({
      client: 'pg',
      // A connection attempt that the server never answers (a database being dropped, a server
      // stuck in start-up) is abandoned by the pool after a while; without a client-side timeout
      // its socket stays open, and the pool's next attempts pile up until PostgreSQL refuses
      // every client ("too many clients already"). pg closes the socket when this expires.
      connection: { connectionString: db.connectionString, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS },
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
      afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) {
        conn.pragma('journal_mode = WAL');
        conn.pragma('foreign_keys = ON');
        conn.pragma('busy_timeout = 5000');
        reusePreparedStatements(conn);
        done(null, conn);
      },
    },
  });
}
