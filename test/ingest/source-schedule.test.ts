/**
 * Scheduled syncs and retrains, on SQLite and PostgreSQL, with the clock passed to each tick (no
 * waiting): a due source is synced once (two schedulers, as two serving processes, race for it),
 * a source synced recently is left alone; a retrain starts once the syncs since the last one
 * brought enough rows on new days (counted across syncs, manual ones included), enough new days,
 * or its time came, and two schedulers start it once.
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

      const shop2 = new Database(shopPath);
      shop2
        .prepare("INSERT INTO sales VALUES ('A', '2024-05-12', 1), ('B', '2024-05-12', 2), ('A', '2024-05-13', 1)")
        .run();
      shop2.close();
      const third = await a.tick(Date.now() + 122 * 60_000);
      assert.equal(third[0]!.result?.newRows, 3);
      assert.equal(third[0]!.retrainReason, 'newRows', '1 + 3 new rows since the last retrain reach 4');
      assert.deepEqual(retrains, [source.datasetId, source.datasetId]);
      const afterRetrain = await store.get(tenantId, source.id);
      assert.equal(afterRetrain!.retrain.rowsSince, 0, 'the rows the retrain counted are spent');
      assert.equal(afterRetrain!.retrain.runId, 2);
      assert.equal(afterRetrain!.retrain.through, '2024-05-13', 'the newest synced day the retrain saw');
    });

    test('retrain after new days or on its schedule, once across processes, never before data', async () => {
      const tenantId = await createTenantsRepository(db.knex).defaultTenantId();
      const service = createDataSourceService(db.knex);
      const store = createDataSourcesRepository(db.knex);
      const off = await service.setSchedule(tenantId, 'daily-sales', { syncEvery: 'off', retrainWhen: null });
      assert.deepEqual(off.schedule, {
        syncEveryMinutes: null,
        retrainAfterRows: null,
        retrainAfterDays: null,
        retrainEveryMinutes: null,
      });
      const source = await service.create(tenantId, {
        name: 'retrain-only',
        kind: 'generic',
        urlEnv: `FQ_SCHEDULE_SHOP_${db.dialect}`,
        query: "SELECT sku AS series_id, day AS date, units AS quantity FROM sales WHERE day <= '2024-05-06'",
        dataset: 'retrained',
        retrainWhen: { newDays: 3, every: '1d' },
      });
      const started: string[] = [];
      const retrainer: Retrainer = {
        async retrain(_tenant, datasetId) {
          assert.equal(datasetId, source.datasetId);
          started.push(String(100 + started.length));
          return started.at(-1)!;
        },
      };
      const a = new SourceScheduler(store, () => service, retrainer);
      const b = new SourceScheduler(store, () => service, retrainer);
      const t0 = Date.now();
      assert.deepEqual(await a.tick(t0), [], 'nothing synced yet: nothing to retrain');

      await service.sync(tenantId, 'retrain-only'); // a manual sync, through 2024-05-06
      const [ra, rb] = await Promise.all([a.tick(t0), b.tick(t0)]);
      const reports = [...ra, ...rb];
      assert.deepEqual(
        reports.map((r) => [r.source, r.retrainReason, r.runId, r.result]),
        [['retrain-only', 'newDays', '100', undefined]],
        'the first data retrains once, though two schedulers ticked; no sync without syncEvery',
      );
      assert.deepEqual(await a.tick(t0 + 60_000), [], 'nothing new');

      await service.setSchedule(tenantId, 'retrain-only', {}); // a change that changes nothing
      await db.knex('data_sources').where({ id: source.id }).update({
        query: "SELECT sku AS series_id, day AS date, units AS quantity FROM sales WHERE day <= '2024-05-08'",
      });
      await service.sync(tenantId, 'retrain-only');
      assert.deepEqual(await a.tick(t0 + 120_000), [], 'two new days are below three');
      await db.knex('data_sources').where({ id: source.id }).update({
        query: "SELECT sku AS series_id, day AS date, units AS quantity FROM sales WHERE day <= '2024-05-09'",
      });
      await service.sync(tenantId, 'retrain-only');
      const third = await a.tick(t0 + 180_000);
      assert.deepEqual(
        third.map((r) => r.retrainReason),
        ['newDays'],
        'three new days since 2024-05-06',
      );
      assert.equal((await store.get(tenantId, source.id))!.retrain.through, '2024-05-09');

      assert.deepEqual(await a.tick(t0 + 23 * 3600_000), [], 'the daily retrain is not due yet');
      const daily = await a.tick(t0 + 25 * 3600_000);
      assert.deepEqual(
        daily.map((r) => r.retrainReason),
        ['schedule'],
        'a day after the last retrain, whatever arrived',
      );
      assert.deepEqual(started, ['100', '101', '102']);

      await service.setSchedule(tenantId, 'retrain-only', { retrainWhen: null });
      assert.deepEqual(await a.tick(t0 + 60 * 24 * 3600_000), [], 'retrainWhen null: never');
    });
  },
  async (knex) => {
    await migrateLatest(knex);
  },
);
