/**
 * PostgreSQL imports skip the per-row foreign-key check of `observations` only where the
 * connection may set `session_replication_role` (bulk-import.repository.ts). Both ways store the
 * same rows; the setting never outlives the import's transaction, so the key is still enforced
 * afterwards; and a role without the privilege imports with the ordinary checks.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import { createKnex } from '../../api/db/knex.js';
import { migrateLatest } from '../../api/db/migrate.js';
import { importCsv } from '../../api/plugin/import.js';
import { createEmptyDatabase, TEST_PG_URL } from '../helpers/dbs.js';

const CSV = [
  'series_id,date,value,price,store',
  ...Array.from({ length: 300 }, (_, i) => {
    const s = i % 3;
    const d = new Date(Date.UTC(2024, 0, 1) + Math.floor(i / 3) * 86_400_000).toISOString().slice(0, 10);
    return `S${s},${d},${i < 280 ? i % 17 : ''},${(1 + s / 4).toFixed(2)},store-${s}`;
  }),
].join('\n');

async function stored(knex: Knex, datasetId: number): Promise<unknown[]> {
  return (await knex('observations as o')
    .join('series as s', 's.id', 'o.series_id')
    .where({ 's.dataset_id': datasetId })
    .orderBy([{ column: 's.key' }, { column: 'o.date' }])
    .select('s.key', 'o.date', 'o.value', 'o.covariates')) as unknown[];
}

describe(
  'PostgreSQL import and the foreign key of observations',
  { skip: TEST_PG_URL ? false : 'TEST_PG_URL is not set' },
  () => {
    let owner: Knex;
    let plain: Knex;
    let drop: () => Promise<void>;
    const role = `fq_plain_${randomBytes(4).toString('hex')}`;

    before(async () => {
      const created = await createEmptyDatabase('postgres');
      drop = created.drop;
      if (created.config.client !== 'pg') throw new Error('expected a PostgreSQL database');
      owner = createKnex(created.config);
      await migrateLatest(owner);
      await owner.raw(`CREATE ROLE ${role} LOGIN NOSUPERUSER`);
      await owner.raw(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role}`);
      await owner.raw(`GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
      const url = new URL(created.config.connectionString);
      url.username = role;
      url.password = '';
      plain = createKnex({ client: 'pg', connectionString: url.toString() });
    });
    after(async () => {
      await plain?.destroy();
      await owner?.destroy();
      await drop?.();
      const admin = createKnex({ client: 'pg', connectionString: TEST_PG_URL! });
      await admin.raw(`DROP ROLE IF EXISTS ${role}`);
      await admin.destroy();
    });

    test('a role that may not skip the checks imports the same rows as one that may', async () => {
      const privileged = (await owner.raw('SELECT rolsuper FROM pg_roles WHERE rolname = current_user')) as {
        rows: Array<{ rolsuper: boolean }>;
      };
      assert.equal(privileged.rows[0]?.rolsuper, true, 'the test connection is expected to be a superuser');
      const a = await importCsv(owner, { tenantId: 1, dataset: { name: 'trusted' }, input: Buffer.from(CSV) });
      const b = await importCsv(plain, { tenantId: 1, dataset: { name: 'checked' }, input: Buffer.from(CSV) });
      assert.equal(a.rowsImported, 300);
      const rows = await stored(owner, a.datasetId);
      assert.equal(rows.length, 300);
      assert.deepEqual(await stored(owner, b.datasetId), rows);
      // Into datasets that have rows (the staging path), again both ways: nothing changes.
      await importCsv(owner, { tenantId: 1, dataset: { name: 'trusted' }, input: Buffer.from(CSV) });
      await importCsv(plain, { tenantId: 1, dataset: { name: 'checked' }, input: Buffer.from(CSV) });
      assert.deepEqual(await stored(owner, a.datasetId), rows);
      assert.deepEqual(await stored(owner, b.datasetId), rows);
    });

    test('after an import every pooled connection enforces the key again', async () => {
      await importCsv(owner, { tenantId: 1, dataset: { name: 'again' }, input: Buffer.from(CSV) });
      // Hold several connections at once so the one the import used is among them.
      await Promise.all(
        Array.from({ length: 10 }, () =>
          owner.transaction(async (trx) => {
            const setting = (await trx.raw('SHOW session_replication_role')) as {
              rows: Array<{ session_replication_role: string }>;
            };
            assert.equal(setting.rows[0]?.session_replication_role, 'origin');
            await new Promise((resolve) => setTimeout(resolve, 50));
          }),
        ),
      );
      await assert.rejects(
        owner('observations').insert({ tenant_id: 1, series_id: 987_654, date: '2024-01-01', value: 1 }),
        /observations_series_tenant_foreign/,
      );
    });
  },
);
