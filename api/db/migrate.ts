/**
 * Runs the schema migrations with knex's migrator over the explicit list in `migrations/index.ts`
 * (a custom migration source: no directory scanning, so it works the same under tsx and dist/).
 */
import type { Knex } from 'knex';
import { MIGRATIONS, type MigrationEntry } from '../../migrations/index.js';

/** The knex migration source over the committed list. */
export const migrationSource: Knex.MigrationSource<MigrationEntry> = {
  getMigrations: async () => [...MIGRATIONS],
  getMigrationName: (entry) => entry.name,
  getMigration: async (entry) => entry.migration,
};

const migratorConfig: Knex.MigratorConfig = {
  migrationSource,
  tableName: 'knex_migrations',
};

export interface MigrateResult {
  /** Names of the migrations that ran now (empty when the schema was already current). */
  readonly applied: readonly string[];
}

/** Brings the schema to the latest migration. Safe to call on every start. */
export async function migrateLatest(knex: Knex): Promise<MigrateResult> {
  const [, applied] = (await knex.migrate.latest(migratorConfig)) as [number, string[]];
  return { applied };
}

/** Rolls back the last batch, or every migration when `all` is true. */
export async function rollback(knex: Knex, all = false): Promise<MigrateResult> {
  const [, reverted] = (await knex.migrate.rollback(migratorConfig, all)) as [number, string[]];
  return { applied: reverted };
}

/** Names of migrations not yet applied. */
export async function pendingMigrations(knex: Knex): Promise<string[]> {
  const [, pending] = (await knex.migrate.list(migratorConfig)) as [unknown, Array<{ file?: string } | MigrationEntry>];
  return pending.map((p) => ('name' in p ? p.name : String(p.file)));
}
