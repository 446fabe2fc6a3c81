/**
 * `forecastql migrate [--db URL]`: brings the database schema to the latest migration.
 */
import type { Command } from 'commander';
import { loadConfig, parseDatabaseUrl, type DatabaseConfig } from '../config/env.js';
import { createKnex } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';

/** The database of a command: `--db` when given, else the configuration's. */
export function databaseFromOption(db: string | undefined): DatabaseConfig {
  return db === undefined ? loadConfig().database : parseDatabaseUrl(db, '--db');
}

/** Where a database is, for messages (no password). */
export function describeDatabase(db: DatabaseConfig): string {
  if (db.client === 'sqlite') return `SQLite ${db.filename}`;
  const url = new URL(db.connectionString);
  url.password = '';
  return `PostgreSQL ${url.host}${url.pathname}`;
}

export function register(program: Command): void {
  program
    .command('migrate')
    .description('create or update the database schema')
    .option('--db <url>', 'database: postgres://… or a SQLite file (default: DATABASE_URL or ./forecastql.sqlite)')
    .action(async (options: { db?: string }) => {
      const database = databaseFromOption(options.db);
      const knex = createKnex(database);
      try {
        const { applied } = await migrateLatest(knex);
        process.stdout.write(
          applied.length === 0
            ? `Schema of ${describeDatabase(database)} is up to date.\n`
            : `Applied ${applied.length} migration(s) to ${describeDatabase(database)}: ${applied.join(', ')}\n`,
        );
      } finally {
        await knex.destroy();
      }
    });
}
