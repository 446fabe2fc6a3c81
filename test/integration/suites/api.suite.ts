/**
 * The GraphQL API in-process (executeOperation) on SQLite and PostgreSQL: coded errors, a training
 * run through the runner (stand-in pipeline: these tests are about the API, not the maths),
 * forecasts, aggregates, tables, backtest, importance, cancel, recovery, and bounded SQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { withDbs } from '../../helpers/dbs.js';
import { createTestApi, STAND_IN_PIPELINE, tinyCsv, waitFor, type TestApi } from '../support/api.js';
import { seedCsv } from '../support/seed.js';
import { RECOVERY_REASON } from '../../../api/training/runner.js';

const RUN_FIELDS =
  'id status model horizon quantiles error progress { fraction epoch epochs loss eta } metrics { mase wape coverage }';

interface TablePage {
  forecastTable: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string };
    nodes: Array<{ seriesId: string; date: string }>;
  };
}

interface RunView {
  id: string;
  status: string;
  error: string | null;
  progress: { fraction: number; epoch: number | null };
}

withDbs((db) => {
  let api: TestApi;
  let datasetId: string;
  let runId: string;

  before(async () => {
    api = await createTestApi(db.knex, db.config, { pipelineModule: STAND_IN_PIPELINE, config: { maxHorizon: 60 } });
    datasetId = String(await seedCsv(db.knex, api.tenantId, 'tiny', tinyCsv(4, 60)));
  });
  after(async () => {
    await api?.close();
  });

  async function runUntilDone(input: Record<string, unknown>): Promise<RunView> {
    const { startTrainingRun } = await api.ok<{ startTrainingRun: RunView }>(
      `mutation($input: StartTrainingRunInput!) { startTrainingRun(input: $input) { ${RUN_FIELDS} } }`,
      { input: { datasetId, ...input } },
    );
    assert.equal(startTrainingRun.status, 'QUEUED', 'startTrainingRun returns at once with QUEUED');
    return waitFor(
      async () => {
        const { trainingRun } = await api.ok<{ trainingRun: RunView }>(
          `query($id: ID!) { trainingRun(id: $id) { ${RUN_FIELDS} } }`,
          {
            id: startTrainingRun.id,
          },
        );
        return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(trainingRun.status) ? trainingRun : undefined;
      },
      30_000,
      'the run to end',
    );
  }

  describe('coded errors', () => {
    test('unknown ids are NOT_FOUND (or null for nullable lookups)', async () => {
      assert.deepEqual(await api.ok('{ dataset(id: "999") { id } trainingRun(id: "abc") { id } }'), {
        dataset: null,
        trainingRun: null,
      });
      assert.equal((await api.fails('{ backtest(runId: "999") { runId } }')).code, 'NOT_FOUND');
      assert.equal((await api.fails('{ featureImportance(runId: "x1") { feature } }')).code, 'NOT_FOUND');
      assert.equal((await api.fails('{ series(datasetId: "424242") { totalCount } }')).code, 'NOT_FOUND');
      const e = await api.fails('mutation { startTrainingRun(input: { datasetId: "777", horizon: 7 }) { id } }');
      assert.equal(e.code, 'NOT_FOUND');
      assert.match(e.message, /777/);
      assert.equal(
        (await api.fails(`{ forecast(datasetId: "${datasetId}", seriesId: "nope") { seriesId } }`)).code,
        'NOT_FOUND',
      );
    });

    test('rejects a horizon of 0 and one above FORECAST_MAX_HORIZON', async () => {
      for (const horizon of [0, 61, -3]) {
        const e = await api.fails(
          `mutation { startTrainingRun(input: { datasetId: "${datasetId}", horizon: ${horizon} }) { id } }`,
        );
        assert.equal(e.code, 'BAD_USER_INPUT');
        assert.match(e.message, new RegExp(`horizon ${horizon} is outside 1\\.\\.60`));
        assert.match(e.message, /FORECAST_MAX_HORIZON/);
      }
    });

    test('rejects quantiles outside (0, 1)', async () => {
      for (const q of [0, 1, 1.5, -0.1]) {
        const e = await api.fails(
          `mutation { startTrainingRun(input: { datasetId: "${datasetId}", horizon: 7, quantiles: [${q}] }) { id } }`,
        );
        assert.equal(e.code, 'BAD_USER_INPUT');
        assert.match(e.message, /outside \(0, 1\)/);
      }
      const e = await api.fails(`{ forecast(datasetId: "${datasetId}", quantiles: [0.5, 2]) { seriesId } }`);
      assert.equal(e.code, 'BAD_USER_INPUT');
    });

    test('rejects a malformed cursor and a page size out of bounds', async () => {
      for (const cursor of ['zzz', 'not a cursor', Buffer.from('fq1:-4').toString('base64url')]) {
        const e = await api.fails('query($after: String) { datasets(after: $after) { totalCount } }', {
          after: cursor,
        });
        assert.equal(e.code, 'BAD_USER_INPUT');
        assert.match(e.message, /endCursor/);
      }
      assert.equal((await api.fails('{ datasets(first: 0) { totalCount } }')).code, 'BAD_USER_INPUT');
      assert.equal((await api.fails('{ datasets(first: 100000) { totalCount } }')).code, 'BAD_USER_INPUT');
    });

    test('rejects `from` after `to`, a bad date, and unknown attributes', async () => {
      const e = await api.fails(
        `{ forecast(datasetId: "${datasetId}", from: "2024-03-01", to: "2024-02-01") { seriesId } }`,
      );
      assert.equal(e.code, 'BAD_USER_INPUT');
      assert.match(e.message, /2024-03-01 is after `to` 2024-02-01/);
      assert.equal(
        (await api.fails(`{ forecast(datasetId: "${datasetId}", from: "2024-02-30") { seriesId } }`)).code,
        'BAD_USER_INPUT',
      );
      const g = await api.fails(`{ forecast(datasetId: "${datasetId}", groupBy: "colour") { seriesId } }`);
      assert.equal(g.code, 'BAD_USER_INPUT');
      assert.match(g.message, /no attribute "colour".*store/);
      assert.equal(
        (await api.fails(`{ forecast(datasetId: "${datasetId}", seriesId: "item-0", groupBy: "store") { seriesId } }`))
          .code,
        'BAD_USER_INPUT',
      );
    });

    test('answers calendarEvents with the retail holidays of a range', async () => {
      const { calendarEvents } = await api.ok<{ calendarEvents: Array<{ date: string; kind: string; label: string }> }>(
        `{ calendarEvents(datasetId: "${datasetId}", from: "2024-11-01", to: "2024-12-31") { date kind label } }`,
      );
      assert.deepEqual(
        calendarEvents.map((e) => `${e.date} ${e.kind} ${e.label}`),
        [
          '2024-11-28 HOLIDAY Thanksgiving',
          '2024-11-29 HOLIDAY Black Friday',
          '2024-12-02 HOLIDAY Cyber Monday',
          '2024-12-25 HOLIDAY Christmas',
        ],
      );
    });

    test('a forecast before any run succeeded is null, not an error', async () => {
      const other = String(await seedCsv(db.knex, api.tenantId, 'untrained', tinyCsv(1, 30)));
      assert.deepEqual(await api.ok(`{ forecast(datasetId: "${other}") { seriesId } }`), { forecast: null });
    });

    test('salesHistory answers before any run: the known sales by bucket, no forecast', async () => {
      const other = String(await seedCsv(db.knex, api.tenantId, 'history-only', tinyCsv(2, 30)));
      const { salesHistory } = await api.ok<{
        salesHistory: { date: string; actual: number | null; actualToDate: number | null; p50: number | null }[];
      }>(`{ salesHistory(datasetId: "${other}") { date actual actualToDate p50 } }`);
      assert.equal(salesHistory.length, 30);
      assert.ok(salesHistory.every((p) => p.actual !== null && p.actual === p.actualToDate && p.p50 === null));
      const { salesHistory: weeks } = await api.ok<{ salesHistory: { actual: number | null; days: number }[] }>(
        `{ salesHistory(datasetId: "${other}", bucket: WEEK) { actual days } }`,
      );
      const daily = salesHistory.reduce((sum, p) => sum + p.actual!, 0);
      assert.equal(
        weeks.reduce((sum, p) => sum + (p.actual ?? 0), 0),
        daily,
        'weeks sum the same sales',
      );
    });
  });

  describe('a training run', () => {
    test('queues, runs off the event loop and succeeds with progress and metrics', async () => {
      const run = await runUntilDone({ horizon: 14, epochs: 3, quantiles: [0.1, 0.9, 0.25] });
      assert.equal(run.status, 'SUCCEEDED', run.error ?? '');
      runId = run.id;
      const { trainingRun } = await api.ok<{ trainingRun: Record<string, unknown> }>(
        `{ trainingRun(id: "${runId}") { ${RUN_FIELDS} chosenModel backend attempts dataset { name } } }`,
      );
      assert.deepEqual(trainingRun['quantiles'], [0.1, 0.25, 0.5, 0.9]);
      assert.equal(trainingRun['chosenModel'], 'snaive');
      assert.equal((trainingRun['progress'] as { fraction: number }).fraction, 1);
      assert.equal((trainingRun['progress'] as { epoch: number }).epoch, 3);
      assert.deepEqual(trainingRun['metrics'], { mase: 1, wape: 0.4, coverage: 0.8 });
      assert.deepEqual(trainingRun['dataset'], { name: 'tiny' });
      assert.equal(trainingRun['attempts'], 1);
    });

    test('serves H forecast points per series with p10 ≤ p50 ≤ p90 and history before them', async () => {
      const { forecast } = await api.ok<{
        forecast: {
          forecastStart: string;
          points: Array<{
            date: string;
            actual: number | null;
            p10: number | null;
            p50: number | null;
            p90: number | null;
            quantiles: Array<{ level: number; value: number }>;
          }>;
        };
      }>(
        `{ forecast(datasetId: "${datasetId}", seriesId: "item-1") { forecastStart points { date actual p10 p50 p90 quantiles { level value } } } }`,
      );
      assert.equal(forecast.forecastStart, '2024-03-01');
      const future = forecast.points.filter((p) => p.p50 !== null);
      assert.equal(future.length, 14);
      for (const p of future) {
        assert.ok(p.p10! <= p.p50! && p.p50! <= p.p90!, `crossing at ${p.date}`);
        assert.equal(p.actual, null);
        assert.deepEqual(
          p.quantiles.map((q) => q.level),
          [0.1, 0.25, 0.5, 0.9],
        );
      }
      const history = forecast.points.filter((p) => p.p50 === null);
      assert.equal(history.length, 56, 'four horizons of history by default');
      assert.ok(
        history.every((p) => p.actual !== null),
        'every history point has an actual',
      );
      assert.deepEqual(
        forecast.points.map((p) => p.date),
        forecast.points.map((p) => p.date).toSorted(),
      );
    });

    test('aggregates by attribute: groups per store and a total whose median is not the sum of medians', async () => {
      const { forecast } = await api.ok<{
        forecast: {
          seriesCount: number;
          points: Array<{ date: string; p10: number | null; p50: number | null; p90: number | null }>;
          groups: Array<{
            value: string;
            seriesCount: number;
            points: Array<{ date: string; p10: number | null; p50: number | null; p90: number | null }>;
          }>;
        };
      }>(
        `{ forecast(datasetId: "${datasetId}", groupBy: "store", from: "2024-03-01") { seriesCount points { date p10 p50 p90 } groups { value seriesCount points { date p10 p50 p90 } } } }`,
      );
      assert.equal(forecast.seriesCount, 4);
      assert.deepEqual(
        forecast.groups.map((g) => [g.value, g.seriesCount]),
        [
          ['north', 2],
          ['south', 2],
        ],
      );
      const total = forecast.points[0]!;
      const parts = forecast.groups.map((g) => g.points[0]!);
      const spreadOfSum = total.p90! - total.p10!;
      const sumOfSpreads = parts.reduce((s, p) => s + (p.p90! - p.p10!), 0);
      assert.ok(
        spreadOfSum <= sumOfSpreads + 1e-9,
        'independent members: the total is narrower than the summed intervals',
      );
      const { forecast: como } = await api.ok<{ forecast: { points: Array<{ p10: number; p90: number }> } }>(
        `{ forecast(datasetId: "${datasetId}", groupBy: "all", from: "2024-03-01", dependence: COMONOTONIC) { points { p10 p90 } } }`,
      );
      const { forecastTable } = await api.ok<{ forecastTable: { nodes: Array<{ p10: number; p90: number }> } }>(
        `{ forecastTable(datasetId: "${datasetId}", from: "2024-03-01", to: "2024-03-01") { nodes { p10 p90 } } }`,
      );
      const p10s = forecastTable.nodes.reduce((s, n) => s + n.p10, 0);
      const p90s = forecastTable.nodes.reduce((s, n) => s + n.p90, 0);
      assert.ok(
        Math.abs(como.points[0]!.p10 - p10s) < 1e-9 && Math.abs(como.points[0]!.p90 - p90s) < 1e-9,
        'comonotonic = sum of quantiles',
      );
      assert.ok(total.p90! - total.p10! < p90s - p10s, 'independent total is narrower than the comonotonic one');
      const { forecast: one } = await api.ok<{ forecast: { seriesCount: number } }>(
        `{ forecast(datasetId: "${datasetId}", groupBy: "store=south") { seriesCount } }`,
      );
      assert.equal(one.seriesCount, 2);
    });

    test('buckets by week and month', async () => {
      const { forecast } = await api.ok<{
        forecast: { points: Array<{ date: string; actual: number | null; p50: number | null }> };
      }>(
        `{ forecast(datasetId: "${datasetId}", seriesId: "item-0", bucket: WEEK, from: "2024-02-05", to: "2024-02-11") { points { date actual p50 } } }`,
      );
      assert.equal(forecast.points.length, 1);
      assert.equal(forecast.points[0]!.date, '2024-02-05');
      const days = await api.ok<{ forecast: { points: Array<{ actual: number }> } }>(
        `{ forecast(datasetId: "${datasetId}", seriesId: "item-0", from: "2024-02-05", to: "2024-02-11") { points { actual } } }`,
      );
      assert.equal(
        forecast.points[0]!.actual,
        days.forecast.points.reduce((s, p) => s + p.actual, 0),
      );
      const months = await api.ok<{ forecast: { points: Array<{ date: string }> } }>(
        `{ forecast(datasetId: "${datasetId}", seriesId: "item-0", bucket: MONTH, from: "2024-01-01") { points { date } } }`,
      );
      assert.deepEqual(
        months.forecast.points.map((p) => p.date),
        ['2024-01-01', '2024-02-01', '2024-03-01'],
      );
    });

    test('pages forecastTable with opaque cursors and totalCount', async () => {
      const q = `query($after: String) { forecastTable(datasetId: "${datasetId}", first: 20, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { seriesId date p50 attributes { name value } } } }`;
      const seen: string[] = [];
      let cursor: string | null = null;
      let total = 0;
      for (;;) {
        const page: TablePage = await api.ok<TablePage>(q, { after: cursor });
        const { forecastTable } = page;
        total = forecastTable.totalCount;
        seen.push(...forecastTable.nodes.map((n) => `${n.seriesId}|${n.date}`));
        if (!forecastTable.pageInfo.hasNextPage) break;
        cursor = forecastTable.pageInfo.endCursor;
      }
      assert.equal(total, 4 * 14);
      assert.equal(new Set(seen).size, 56);
    });

    test('lists series with attribute filters and search, and runs by status', async () => {
      const { series } = await api.ok<{ series: { totalCount: number; nodes: Array<{ id: string }> } }>(
        `{ series(datasetId: "${datasetId}", where: [{ name: "store", value: "north" }]) { totalCount nodes { id } } }`,
      );
      assert.equal(series.totalCount, 2);
      assert.deepEqual(
        series.nodes.map((n) => n.id),
        ['item-0', 'item-2'],
      );
      const search = await api.ok<{ series: { totalCount: number } }>(
        `{ series(datasetId: "${datasetId}", search: "EM-3") { totalCount } }`,
      );
      assert.equal(search.series.totalCount, 1);
      const runs = await api.ok<{ trainingRuns: { totalCount: number; edges: Array<{ node: { id: string } }> } }>(
        `{ trainingRuns(datasetId: "${datasetId}", status: SUCCEEDED, first: 1) { totalCount edges { node { id } } } }`,
      );
      assert.equal(runs.trainingRuns.edges[0]!.node.id, runId);
    });

    test('reports backtest metrics against seasonal naive and ranked feature importance', async () => {
      const { backtest } = await api.ok<{
        backtest: {
          horizon: number;
          seasonalNaive: { model: string; baseline: boolean };
          models: Array<{ model: string; baseline: boolean; chosen: boolean; mase: number }>;
          skillVsSeasonalNaive: number;
        };
      }>(
        `{ backtest(runId: "${runId}") { horizon origins seasonalNaive { model baseline } skillVsSeasonalNaive models { model baseline chosen mase wape coverage } } }`,
      );
      assert.equal(backtest.horizon, 14);
      assert.deepEqual(backtest.seasonalNaive, { model: 'snaive', baseline: true });
      assert.deepEqual(
        backtest.models.map((m) => [m.model, m.chosen]),
        [
          ['snaive', true],
          ['naive', false],
        ],
      );
      assert.equal(backtest.skillVsSeasonalNaive, 0);
      const { featureImportance } = await api.ok<{
        featureImportance: Array<{ feature: string; importance: number; rank: number }>;
      }>(`{ featureImportance(runId: "${runId}") { feature label importance rank } }`);
      assert.deepEqual(
        featureImportance.map((f) => [f.feature, f.rank]),
        [
          ['lag:season', 1],
          ['weekday', 2],
        ],
      );
      const perSeries = await api.ok<{ featureImportance: unknown[] }>(
        `{ featureImportance(runId: "${runId}", seriesId: "item-2") { feature } }`,
      );
      assert.equal(perSeries.featureImportance.length, 2, 'falls back to the dataset ranking');
    });

    test('cancels a running run mid-epoch, leaving no results', async () => {
      const { startTrainingRun } = await api.ok<{ startTrainingRun: RunView }>(
        `mutation { startTrainingRun(input: { datasetId: "${datasetId}", horizon: 7, epochs: 100 }) { id status } }`,
      );
      await waitFor(async () => {
        const { trainingRun } = await api.ok<{ trainingRun: RunView }>(
          `{ trainingRun(id: "${startTrainingRun.id}") { status progress { epoch } } }`,
        );
        return trainingRun.status === 'RUNNING' && (trainingRun.progress.epoch ?? 0) >= 2 ? true : undefined;
      });
      const started = Date.now();
      const { cancelTrainingRun } = await api.ok<{ cancelTrainingRun: RunView }>(
        `mutation { cancelTrainingRun(id: "${startTrainingRun.id}") { status } }`,
      );
      assert.ok(['RUNNING', 'CANCELLED'].includes(cancelTrainingRun.status));
      const end = await waitFor(async () => {
        const { trainingRun } = await api.ok<{ trainingRun: RunView }>(
          `{ trainingRun(id: "${startTrainingRun.id}") { status error progress { epoch } } }`,
        );
        return trainingRun.status === 'RUNNING' ? undefined : trainingRun;
      });
      assert.equal(end.status, 'CANCELLED');
      assert.ok(Date.now() - started < 2000, 'stopped within a couple of epochs, not after all 100');
      assert.ok((end.progress.epoch ?? 0) < 100, `stopped at epoch ${end.progress.epoch}, not after all 100`);
      const [{ n }] = (await db
        .knex('forecasts')
        .where({ run_id: Number(startTrainingRun.id) })
        .count({ n: '*' })) as Array<{ n: number | string }>;
      assert.equal(Number(n), 0);
      assert.equal((await api.fails(`{ backtest(runId: "${startTrainingRun.id}") { runId } }`)).code, 'BAD_USER_INPUT');
    });

    test('cancels a queued run at once', async () => {
      await api.runner.stop();
      const { startTrainingRun } = await api.ok<{ startTrainingRun: RunView }>(
        `mutation { startTrainingRun(input: { datasetId: "${datasetId}", horizon: 7 }) { id status } }`,
      );
      const { cancelTrainingRun } = await api.ok<{ cancelTrainingRun: RunView }>(
        `mutation { cancelTrainingRun(id: "${startTrainingRun.id}") { status error } }`,
      );
      assert.equal(cancelTrainingRun.status, 'CANCELLED');
      await api.runner.start();
    });

    test('at start-up, fails runs that a dead process left RUNNING', async () => {
      // Stopped, so the runner's own periodic sweep cannot fail the row before `recover()` sees it.
      await api.runner.stop();
      const [row] = (await db
        .knex('training_runs')
        .insert({
          tenant_id: api.tenantId,
          dataset_id: Number(datasetId),
          status: 'RUNNING',
          horizon: 7,
          worker_id: 'gone-host-xyz:999999:1',
          heartbeat_at: new Date(Date.now() - 3_600_000),
        })
        .returning('id')) as Array<{ id: number } | number>;
      const id = typeof row === 'object' ? row.id : row;
      const failed = await api.runner.recover();
      assert.ok(
        failed.some((r) => r.id === id),
        `recover() should fail run ${id}; it failed ${JSON.stringify(failed.map((r) => r.id))}`,
      );
      await api.runner.start();
      const { trainingRun } = await api.ok<{ trainingRun: RunView }>(`{ trainingRun(id: "${id}") { status error } }`);
      assert.equal(trainingRun.status, 'FAILED');
      assert.equal(trainingRun.error, RECOVERY_REASON);
    });
  });
});
