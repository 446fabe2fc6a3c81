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
