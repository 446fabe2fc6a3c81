/**
 * A window sync recomputes the statistics of the series it changed only (the window's series and
 * those that lost rows), keeping the others' stored ones: after a sync that adds a day to one
 * series, empties another's window and leaves a third alone, every series' statistics and the
 * dataset's counts equal a recomputation from the stored rows. On SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Knex } from 'knex';
import { migrateLatest } from '../../api/db/migrate.js';
import { createTenantsRepository } from '../../api/db/tenants.repository.js';
import { createDataSourceService } from '../../api/plugin/sources.js';
import { withDbs } from '../helpers/dbs.js';

function norm(rows: Array<Record<string, unknown>>) {
  return rows.map((r) => [
    r['key'],
    r['first_date'],
    r['last_date'],
    r['end_date'],
    Number(r['value_count']),
    Number(r['row_count']),
  ]);
}

/** Stored statistics of the dataset's series with rows, next to the same recomputed from the rows. */
async function statistics(knex: Knex, datasetId: number) {
  const stored = (await knex('series')
    .where({ dataset_id: datasetId })
    .andWhere('row_count', '>', 0)
    .orderBy('key')
    .select('key', 'first_date', 'last_date', 'end_date', 'value_count', 'row_count')) as Array<
    Record<string, unknown>
  >;
  const recomputed = (await knex('observations as o')
    .join('series as s', 's.id', 'o.series_id')
    .where('s.dataset_id', datasetId)
    .groupBy('s.key')
    .orderBy('s.key')
    .select(
      's.key',
      knex.raw('min(o.date) AS first_date'),
      knex.raw('max(o.date) AS last_date'),
      knex.raw('max(o.date) AS end_date'),
      knex.raw('count(o.value) AS value_count'),
      knex.raw('count(*) AS row_count'),
    )) as Array<Record<string, unknown>>;
  const dataset = (await knex('datasets')
    .where({ id: datasetId })
    .first('row_count', 'first_date', 'last_date')) as Record<string, unknown>;
  return { stored: norm(stored), recomputed: norm(recomputed), dataset };
}

withDbs(
  (db) => {
    let dir: string;
    let shopPath: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'fq-stats-'));
      shopPath = join(dir, 'shop.sqlite');
      const shop = new Database(shopPath);
      shop.exec('CREATE TABLE sales (sku TEXT NOT NULL, day TEXT NOT NULL, units INTEGER NOT NULL)');
      const insert = shop.prepare('INSERT INTO sales VALUES (?, ?, ?)');
      for (let d = 1; d <= 20; d++) {
        const day = `2024-07-${String(d).padStart(2, '0')}`;
        insert.run('ACTIVE', day, d);
        if (d >= 15) insert.run('FADING', day, 2); // only inside the later window
        if (d <= 5) insert.run('OLD', day, 1); // only long before it
        insert.run('PARTIAL', day, 3); // before and inside the window
      }
      shop.close();
      process.env[`FQ_STATS_SHOP_${db.dialect}`] = `sqlite://${shopPath}`;
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    test('a window sync keeps every series statistic equal to a recomputation', async () => {
      const tenantId = await createTenantsRepository(db.knex).defaultTenantId();
      const service = createDataSourceService(db.knex);
      const source = await service.create(tenantId, {
        name: 'stats',
        kind: 'generic',
        urlEnv: `FQ_STATS_SHOP_${db.dialect}`,
        query: 'SELECT sku AS series_id, day AS date, units AS quantity FROM sales',
        dataset: 'stats',
        rereadDays: 7,
      });
      await service.sync(tenantId, 'stats');
      const first = await statistics(db.knex, source.datasetId);
      assert.deepEqual(first.stored, first.recomputed);

      const shop = new Database(shopPath);
      shop.exec("DELETE FROM sales WHERE sku = 'FADING'"); // its every row was in the window
      // Loses every row of the window (13–20 July): its last date goes back to 12 July.
      shop.exec("DELETE FROM sales WHERE sku = 'PARTIAL' AND day >= '2024-07-13'");
      shop.exec("INSERT INTO sales VALUES ('ACTIVE', '2024-07-21', 9), ('ACTIVE', '2024-07-22', 4)");
      shop.close();
      const r = await service.sync(tenantId, 'stats');
      assert.equal(r.windowFrom, '2024-07-13', 'a window sync');
      assert.equal(r.rowsDeleted, 6 + 8, "FADING's six days and PARTIAL's eight in the window are gone");
      const after2 = await statistics(db.knex, source.datasetId);
      assert.deepEqual(after2.stored, after2.recomputed, 'stored statistics equal the recomputation');
      assert.deepEqual(
        after2.stored.map((s) => s[0]),
        ['ACTIVE', 'OLD', 'PARTIAL'],
        'FADING has no rows left; OLD, outside the window, kept its statistics',
      );
      assert.deepEqual(after2.stored[2], ['PARTIAL', '2024-07-01', '2024-07-12', '2024-07-12', 12, 12]);
      assert.equal(Number(after2.dataset['row_count']), 22 + 5 + 12);
      assert.equal(after2.dataset['first_date'], '2024-07-01');
      assert.equal(after2.dataset['last_date'], '2024-07-22');
    });
  },
  async (knex) => {
    await migrateLatest(knex);
  },
);
