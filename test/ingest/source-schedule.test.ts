/**
 * Scheduled syncs: a due source is synced once (two schedulers, as two serving processes, race
 * for it), a source synced recently is left alone, and a retrain starts only after a sync that
 * brought enough rows on new days.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { SourceScheduler, type Retrainer } from '../../api/app/sources/scheduler.js';
import { createDataSourcesRepository } from '../../api/db/data-sources.repository.js';
import { migrateLatest } from '../../api/db/migrate.js';
import { createTenantsRepository } from '../../api/db/tenants.repository.js';
import { createDataSourceService } from '../../api/plugin/sources.js';
import { withDbs } from '../helpers/dbs.js';

withDbs(
  (db) => {
    let dir: string;
    let shopPath: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'fq-schedule-'));
      shopPath = join(dir, 'shop.sqlite');
      const shop = new Database(shopPath);
      shop.exec('CREATE TABLE sales (sku TEXT NOT NULL, day TEXT NOT NULL, units INTEGER NOT NULL)');
      const insert = shop.prepare('INSERT INTO sales VALUES (?, ?, ?)');
      for (let d = 1; d <= 10; d++)
        for (const sku of ['A', 'B']) insert.run(sku, `2024-05-${String(d).padStart(2, '0')}`, d);
      shop.close();
      process.env[`FQ_SCHEDULE_SHOP_${db.dialect}`] = `sqlite://${shopPath}`;
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    test('due sources sync once, then retrain when enough new rows arrived', async () => {
      const tenantId = await createTenantsRepository(db.knex).defaultTenantId();
      const service = createDataSourceService(db.knex);
      const source = await service.create(tenantId, {
        name: 'daily-sales',
        kind: 'generic',
        urlEnv: `FQ_SCHEDULE_SHOP_${db.dialect}`,
        query: 'SELECT sku AS series_id, day AS date, units AS quantity FROM sales',
        dataset: 'scheduled',
        syncEveryMinutes: 60,
        retrainAfterRows: 4,
        rereadDays: 2,
      });
      await service.create(tenantId, {
        name: 'on-demand',
        kind: 'generic',
        urlEnv: `FQ_SCHEDULE_SHOP_${db.dialect}`,
        query: 'SELECT sku AS series_id, day AS date, units AS quantity FROM sales',
        dataset: 'manual',
      });
      const retrains: number[] = [];
      const retrainer: Retrainer = {
        async retrain(_tenant, datasetId) {
          retrains.push(datasetId);
          return String(retrains.length);
        },
      };
      const store = createDataSourcesRepository(db.knex);
      const a = new SourceScheduler(store, () => service, retrainer);
      const b = new SourceScheduler(store, () => service, retrainer);
      const now = Date.now();
      const [ra, rb] = await Promise.all([a.tick(now), b.tick(now)]);
      const synced = [...ra, ...rb];
      assert.deepEqual(
        synced.map((r) => [r.source, r.result?.rowsInWindow, r.error]),
        [['daily-sales', 20, undefined]],
        'the due source synced once; the one without a schedule did not',
      );
      assert.deepEqual(retrains, [source.datasetId], 'the first sync brought 20 new rows: a retrain');

      assert.deepEqual(await a.tick(now + 30 * 60_000), [], 'not due again within the hour');

      const shop = new Database(shopPath);
      shop.prepare("INSERT INTO sales VALUES ('A', '2024-05-11', 3)").run();
      shop.close();
      const later = await a.tick(Date.now() + 61 * 60_000);
      assert.equal(later.length, 1);
      assert.equal(later[0]!.result?.newRows, 1, 'one row on a new day');
      assert.deepEqual(retrains, [source.datasetId], 'one new row is below the threshold of 4: no retrain');
      const rows = (await db.knex('observations').count({ n: '*' })) as Array<{ n: number | string }>;
      assert.equal(Number(rows[0]!.n), 21);
    });
  },
  async (knex) => {
    await migrateLatest(knex);
  },
);
