/**
 * Hot read paths without the query builder (issue 4: the API's per-request cost). `readAll` runs a
 * fixed SQL text with `?` placeholders:
 * - SQLite: it borrows the pool's connection through knex (so it waits for a running transaction
 *   exactly like a knex query, and never reads one half-written) and reuses the connection's
 *   prepared better-sqlite3 statement instead of compiling a builder and preparing anew per call;
 * - PostgreSQL (or inside a transaction): `knex.raw`, which skips the builder only.
 */
import type { Knex } from 'knex';

export type SqlRow = Record<string, unknown>;

interface SqliteStatement {
  all(...params: readonly unknown[]): unknown[];
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}
interface PooledClient {
  acquireConnection(): Promise<SqliteConnection>;
  releaseConnection(connection: SqliteConnection): Promise<unknown>;
  config?: { client?: unknown };
}

/** Prepared statements kept per connection (distinct texts: one per id-list length and range). */
const MAX_STATEMENTS = 128;
const statements = new WeakMap<SqliteConnection, Map<string, SqliteStatement>>();

function isSqlite(knex: Knex): boolean {
  const client = (knex.client as PooledClient).config?.client;
  return client === 'better-sqlite3';
}

/** `?, ?, ?` for an IN list of `n` values. */
export function placeholders(n: number): string {
  return n === 1 ? '?' : `?${', ?'.repeat(n - 1)}`;
}

export async function readAll(knex: Knex, sql: string, bindings: readonly (string | number)[]): Promise<SqlRow[]> {
  if (!isSqlite(knex) || knex.isTransaction) {
    const result = (await knex.raw(sql, bindings as Knex.RawBinding[])) as SqlRow[] | { rows: SqlRow[] };
    return Array.isArray(result) ? result : result.rows;
  }
  // Listeners of knex's 'query' event (statement counts in tests, debug logs) still see it.
  if (knex.listenerCount('query') > 0) knex.emit('query', { method: 'raw', sql, bindings: [...bindings] });
  const client = knex.client as PooledClient;
  const connection = await client.acquireConnection();
  try {
    let cache = statements.get(connection);
    if (!cache) statements.set(connection, (cache = new Map()));
    let statement = cache.get(sql);
    if (!statement) {
      if (cache.size >= MAX_STATEMENTS) cache.clear();
      statement = connection.prepare(sql);
      cache.set(sql, statement);
    }
    return statement.all(...bindings) as SqlRow[];
  } finally {
    await client.releaseConnection(connection);
  }
}
