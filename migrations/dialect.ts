/**
 * Small helpers the migrations share. Not a migration itself: `index.ts` lists the migrations.
 */
import type { Knex } from 'knex';

/** True when the connection is SQLite (better-sqlite3), false for PostgreSQL. */
export function isSqlite(knex: Knex): boolean {
  const client = (knex.client as { config?: { client?: unknown } }).config?.client;
  return client === 'better-sqlite3' || client === 'sqlite3';
}

/** `created_at`/`updated_at` with timezone on PostgreSQL, defaulting to now. */
export function timestamps(knex: Knex, table: Knex.CreateTableBuilder): void {
  table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
}

/** The owning tenant: every row of every table carries one (ARCHITECTURE §6). */
export function tenantColumn(table: Knex.CreateTableBuilder): void {
  table.integer('tenant_id').notNullable().references('id').inTable('tenants').onDelete('CASCADE');
}

/**
 * Runs `change` with SQLite's views set aside: knex rebuilds a SQLite table to drop or alter a
 * column (a new table, then RENAME), and SQLite refuses that rename while a view reads the table
 * (the `forecastql_*` views read forecasts, series, datasets, training_runs, observations and
 * series_attributes). The views are dropped, `change` runs, and they are created again from
 * their stored SQL, in their order. On PostgreSQL `change` just runs.
 */
export async function withViewsSetAside(knex: Knex, change: () => Promise<void>): Promise<void> {
  if (!isSqlite(knex)) return change();
  const views = (await knex.raw("SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY rowid")) as Array<{
    name: string;
    sql: string;
  }>;
  for (const view of views.toReversed()) await knex.raw(`DROP VIEW "${view.name.replaceAll('"', '""')}"`);
  await change();
  for (const view of views) await knex.raw(view.sql);
}
