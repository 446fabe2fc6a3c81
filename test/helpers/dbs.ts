/**
 * The dialect matrix for data-layer tests: `withDbs((db) => { test(...) })` runs a suite on a
 * fresh SQLite file and, when TEST_PG_URL is set, on a fresh PostgreSQL database (created for the
 * suite and dropped after it). Each database is migrated to the latest schema.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import type { DatabaseConfig } from '../../api/config/env.js';
import { createKnex, type Knex } from '../../api/db/knex.js';

export type TestDialect = 'sqlite' | 'postgres';

export interface TestDb {
  readonly dialect: TestDialect;
  /** Valid inside tests (after `before`). */
  readonly knex: Knex;
  readonly config: DatabaseConfig;
}

export const TEST_PG_URL: string | undefined = process.env['TEST_PG_URL'] || undefined;

export function testDialects(): TestDialect[] {
  return TEST_PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** Creates an empty database of a dialect; returns its config and a function that drops it. */
export async function createEmptyDatabase(
  dialect: TestDialect,
): Promise<{ config: DatabaseConfig; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'fq-test-'));
    return {
      config: { client: 'sqlite', filename: join(dir, 'test.sqlite') },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (!TEST_PG_URL) throw new Error('TEST_PG_URL is not set');
  const name = `fq_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
  const admin = createKnex({ client: 'pg', connectionString: TEST_PG_URL });
  await admin.raw(`CREATE DATABASE ${name}`);
  await admin.destroy();
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return {
    config: { client: 'pg', connectionString: url.toString() },
    drop: async () => {
      const a = createKnex({ client: 'pg', connectionString: TEST_PG_URL });
      await a.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.destroy();
    },
  };
}

/**
 * Runs `suite` once per dialect under test, inside `describe('<dialect>')`. `prepare` runs after
 * the empty database is created (e.g. migrate); the default does nothing.
 */
export function withDbs(suite: (db: TestDb) => void, prepare: (knex: Knex) => Promise<void> = async () => {}): void {
  for (const dialect of testDialects()) {
    describe(dialect, () => {
      let knex: Knex | undefined;
      let config: DatabaseConfig | undefined;
      let drop: (() => Promise<void>) | undefined;
      before(async () => {
        const created = await createEmptyDatabase(dialect);
        config = created.config;
        drop = created.drop;
        knex = createKnex(config);
        await prepare(knex);
      });
      suite({
        dialect,
        get knex(): Knex {
          if (!knex) throw new Error('the test database is not ready yet (use it inside a test)');
          return knex;
        },
        get config(): DatabaseConfig {
          if (!config) throw new Error('the test database is not ready yet (use it inside a test)');
          return config;
        },
      });
      // Registered after the suite's own hooks, so it runs after them (node:test runs `after` hooks
      // in the order they were registered): the suite closes what it opened on this database (an
      // API, its runner and webhook dispatcher) before the database is closed and dropped.
      after(async () => {
        await knex?.destroy();
        await drop?.();
      });
    });
  }
}
