/**
 * Hot read paths without the query builder (issue 4: the API's per-request cost). `readAll` runs a
 * fixed SQL text with `?` placeholders:
 * - SQLite: it borrows the pool's connection through knex (so it waits for a running transaction
 *   exactly like a knex query, and never reads one half-written) and runs the connection's
 *   prepared statement (createKnex makes `prepare` reuse statements), without knex's builder,
 *   compiler and runner;
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
    return connection.prepare(sql).all(...bindings) as SqlRow[];
  } finally {
    await client.releaseConnection(connection);
  }
}
