/**
 * Data sources over GraphQL: createDataSource, testDataSource (a dry run), syncDataSource,
 * dataSources { lastSync }, against a shop database in SQLite (the generic kind), so the suite
 * needs no other server. The MariaDB and PostgreSQL shop suites are test/ingest/sources.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { createRunRetrainer } from '../../../api/app/sources/retrainer.js';
import { SourceScheduler } from '../../../api/app/sources/scheduler.js';
import { createDataSourcesRepository } from '../../../api/db/data-sources.repository.js';
import { withDbs } from '../../helpers/dbs.js';
import { createTestApi, type TestApi } from '../support/api.js';

const QUERY = `SELECT sku AS series_id, ordered_at, qty AS quantity, price AS unit_price, channel FROM order_lines WHERE status <> 'cancelled'`;

withDbs((db) => {
  let api: TestApi;
  let dir: string;
  let shop: string;
  before(async () => {
    api = await createTestApi(db.knex, db.config);
    dir = mkdtempSync(join(tmpdir(), 'fq-shop-'));
    shop = join(dir, 'shop.sqlite');
    const s = new Database(shop);
    s.exec(`CREATE TABLE order_lines (id INTEGER PRIMARY KEY, sku TEXT NOT NULL, ordered_at TEXT NOT NULL,
      qty INTEGER NOT NULL, price REAL, channel TEXT NOT NULL, status TEXT NOT NULL)`);
    const insert = s.prepare(
      'INSERT INTO order_lines (sku, ordered_at, qty, price, channel, status) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (let d = 1; d <= 20; d++) {
      const day = `2024-03-${String(d).padStart(2, '0')}`;
      insert.run('MUG', `${day} 09:00:00`, 2, 8, 'web', 'paid');
      insert.run('MUG', `${day} 23:30:00`, 1, 10, 'web', 'paid'); // the next day in Berlin
      insert.run('TEE', `${day} 12:00:00`, d % 3, 20, 'store', d === 5 ? 'cancelled' : 'paid');
    }
    s.close();
    process.env['FQ_SUITE_SHOP_URL'] = `sqlite://${shop}`;
  });
  after(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('data sources', () => {
    test('create, dry run, sync and lastSync; another sync changes nothing', async () => {
      const { createDataSource } = await api.ok<{
        createDataSource: { name: string; datasetId: string; urlEnv: string };
      }>(
        `mutation($q: String!) { createDataSource(input: { name: "sqlite-shop", kind: GENERIC, urlEnv: "FQ_SUITE_SHOP_URL",
          query: $q, timezone: "Europe/Berlin", dataset: "from-shop" }) { name datasetId urlEnv } }`,
        { q: QUERY },
      );
      assert.equal(createDataSource.urlEnv, 'FQ_SUITE_SHOP_URL');
      const { testDataSource } = await api.ok<{
        testDataSource: {
          linesRead: number;
          seriesCount: number;
          frequency: string;
          sample: Array<{ seriesId: string }>;
          columns: string[];
        };
      }>(
        `mutation { testDataSource(name: "sqlite-shop") { linesRead seriesCount frequency columns sample { seriesId } } }`,
      );
      assert.equal(testDataSource.linesRead, 59, 'every line but the cancelled one');
      assert.equal(testDataSource.seriesCount, 2);
      assert.equal(testDataSource.frequency, 'DAY');
      assert.equal(testDataSource.sample.length, 10);
      const { dataset } = await api.ok<{ dataset: { rowCount: number } }>(
        `query($id: ID!) { dataset(id: $id) { rowCount } }`,
        {
          id: createDataSource.datasetId,
        },
      );
      assert.equal(dataset.rowCount, 0, 'a dry run writes nothing');

      const { syncDataSource } = await api.ok<{
        syncDataSource: { status: string; linesRead: number; rowsInWindow: number; seriesCount: number };
      }>(`mutation { syncDataSource(name: "sqlite-shop") { status linesRead rowsInWindow seriesCount } }`);
      // MUG/web: 20 days of 2 units plus 21 days of the late 1 unit (Berlin) = 21 days; TEE/store: 19 days.
      assert.deepEqual(syncDataSource, { status: 'SUCCEEDED', linesRead: 59, rowsInWindow: 40, seriesCount: 2 });
      const mug = (await db
        .knex('observations as o')
        .join('series as s', 's.id', 'o.series_id')
        .where({ 's.key': 'MUG/web' })
        .orderBy('o.date')
        .select('o.date', 'o.value', 'o.covariates')) as Array<{ date: string; value: number; covariates: string }>;
      assert.equal(mug.length, 21);
      assert.deepEqual(
        mug.slice(0, 2).map((r) => [r.date, Number(r.value), JSON.parse(r.covariates)]),
        [
          ['2024-03-01', 2, { price: 8 }],
          ['2024-03-02', 3, { price: 8.6667 }],
        ],
      );

      const again = await api.ok<{ syncDataSource: { windowFrom: string } }>(
        `mutation { syncDataSource(name: "sqlite-shop") { windowFrom } }`,
      );
      assert.equal(again.syncDataSource.windowFrom, '2024-03-07', '14 days before the newest order (21 March, Berlin)');
      const { dataSources } = await api.ok<{
        dataSources: Array<{ name: string; lastSync: { status: string; windowFrom: string } }>;
      }>(`{ dataSources { name lastSync { status windowFrom linesRead } } }`);
      assert.deepEqual(
        dataSources.map((s) => [s.name, s.lastSync.status, s.lastSync.windowFrom]),
        [['sqlite-shop', 'SUCCEEDED', '2024-03-07']],
      );
    });

    test('a bad source is refused with its code, named, and nothing changes', async () => {
      await api.ok(
        `mutation { createDataSource(input: { name: "no-table", kind: GENERIC, urlEnv: "FQ_SUITE_SHOP_URL",
          query: "SELECT sku AS series_id, ordered_at, qty AS quantity FROM orders", dataset: "from-shop" }) { id } }`,
      );
      const counted = await db.knex('observations').count({ n: '*' });
      const e = await api.fails(`mutation { syncDataSource(name: "no-table") { status } }`);
      assert.equal(e.code, 'SOURCE_SCHEMA_MISMATCH');
      assert.match(e.message, /^Data source "no-table": a table the query reads does not exist/);
      assert.deepEqual(await db.knex('observations').count({ n: '*' }), counted);
      const bad = await api.fails(
        `mutation { createDataSource(input: { name: "bad", kind: WOOCOMMERCE, urlEnv: "mysql://root@localhost/shop", dataset: "x" }) { id } }`,
      );
      assert.equal(bad.code, 'BAD_USER_INPUT');
      assert.match(bad.message, /not an environment variable name/);
    });

    test('a schedule set over GraphQL shows in dataSources; its retrain is an ordinary training run', async () => {
      const { setDataSourceSchedule } = await api.ok<{
        setDataSourceSchedule: {
          syncEveryMinutes: number;
          schedule: {
            syncEveryMinutes: number;
            nextSyncAt: string;
            retrainWhen: { newRows: number | null; newDays: number | null; everyMinutes: number | null };
            rowsSinceRetrain: number;
            lastRetrainRunId: string | null;
          };
          syncProgress: unknown;
        };
      }>(
        `mutation { setDataSourceSchedule(name: "sqlite-shop", input: { syncEvery: "2h", retrainWhen: { newRows: 10, every: "7d" } }) {
          syncEveryMinutes schedule { syncEveryMinutes nextSyncAt retrainWhen { newRows newDays everyMinutes } rowsSinceRetrain lastRetrainRunId }
          syncProgress { phase } } }`,
      );
      assert.equal(setDataSourceSchedule.syncEveryMinutes, 120);
      assert.deepEqual(setDataSourceSchedule.schedule.retrainWhen, {
        newRows: 10,
        newDays: null,
        everyMinutes: 10_080,
      });
      assert.equal(
        setDataSourceSchedule.schedule.rowsSinceRetrain,
        40,
        'the first sync brought 40 daily rows, the second none new',
      );
      assert.equal(setDataSourceSchedule.schedule.lastRetrainRunId, null);
      assert.equal(setDataSourceSchedule.syncProgress, null, 'no sync is running');

      const bad = await api.fails(
        `mutation { setDataSourceSchedule(name: "sqlite-shop", input: { syncEvery: "every now and then" }) { id } }`,
      );
      assert.equal(bad.code, 'BAD_USER_INPUT');
      assert.match(bad.message, /syncEvery "every now and then" is not a duration.*15m, 2h or 1d/);

      // A tick, as the serving process runs it once a minute, with the run use-case as retrainer.
      const scheduler = new SourceScheduler(
        createDataSourcesRepository(db.knex),
        () => api.app.core.servicesFor({ tenantId: api.tenantId, role: 'ADMIN', datasetIds: null }).sources,
        createRunRetrainer(api.app.core),
      );
      const reports = (await scheduler.tick()).filter((r) => r.source === 'sqlite-shop');
      assert.equal(reports.length, 1);
      assert.equal(reports[0]!.error, undefined);
      assert.equal(reports[0]!.result, undefined, 'synced an hour ago or less: no sync due');
      assert.equal(reports[0]!.retrainReason, 'newRows');
      const { trainingRuns, dataSources } = await api.ok<{
        trainingRuns: { nodes: Array<{ id: string; datasetId: string; horizon: number }> };
        dataSources: Array<{
          name: string;
          datasetId: string;
          schedule: { lastRetrainRunId: string; rowsSinceRetrain: number };
        }>;
      }>(
        `{ trainingRuns { nodes { id datasetId horizon } } dataSources { name datasetId schedule { lastRetrainRunId rowsSinceRetrain } } }`,
      );
      const shopSource = dataSources.find((s) => s.name === 'sqlite-shop')!;
      assert.equal(shopSource.schedule.rowsSinceRetrain, 0);
      const run = trainingRuns.nodes.find((r) => r.id === shopSource.schedule.lastRetrainRunId);
      assert.ok(run, 'the retrain is listed in trainingRuns');
      assert.equal(run.datasetId, shopSource.datasetId);
      assert.equal(run.horizon, 28, 'a daily dataset retrains for four weeks');
      await api.ok(`mutation($id: ID!) { cancelTrainingRun(id: $id) { id } }`, { id: run.id });
    });
  });
});
