/**
 * End to end over real sockets, on SQLite and PostgreSQL: the server runs as a child process;
 * a client creates a dataset, imports CSV through the mutation, starts a run of the REAL engine
 * pipeline, follows it over graphql-ws until SUCCEEDED, and reads forecasts, an aggregate,
 * ranked importance and backtest metrics. Tiny data and few epochs keep it quick.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { withDbs } from '../helpers/dbs.js';
import { collectSubscription, ok, post, spawnServer, type SpawnedServer } from './support/client.js';
import { tinyCsv } from './support/data.js';

const H = 7;

interface RunUpdate {
  trainingRunUpdated: {
    id: string;
    status: string;
    error: string | null;
    progress: { fraction: number; epoch: number | null; loss: number | null };
  };
}

withDbs((db) => {
  let server: SpawnedServer;
  before(async () => {
    server = await spawnServer(db.config);
  });
  after(async () => {
    await server?.stop();
  });

  test('create → import → train (progress over graphql-ws) → forecasts, aggregate, importance, backtest', async () => {
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');

    const { createDataset } = await ok<{ createDataset: { id: string; name: string } }>(
      server.url,
      'mutation($input: CreateDatasetInput!) { createDataset(input: $input) { id name } }',
      { input: { name: 'e2e shop', frequency: 'DAY' } },
    );
    const datasetId = createDataset.id;
    const { importObservations } = await ok<{
      importObservations: { rowsImported: number; seriesCount: number; dataset: { attributes: string[] } };
    }>(
      server.url,
      'mutation($id: ID!, $csv: String!) { importObservations(datasetId: $id, csv: $csv) { rowsImported seriesCount dataset { attributes } } }',
      { id: datasetId, csv: tinyCsv(4, 84) },
    );
    assert.deepEqual(importObservations, { rowsImported: 4 * 84, seriesCount: 4, dataset: { attributes: ['store'] } });

    const { startTrainingRun } = await ok<{ startTrainingRun: { id: string; status: string } }>(
      server.url,
      'mutation($input: StartTrainingRunInput!) { startTrainingRun(input: $input) { id status } }',
      { input: { datasetId, horizon: H, model: 'AUTO', epochs: 2, seed: 7, origins: 1 } },
    );
    assert.equal(startTrainingRun.status, 'QUEUED');

    const updates = await collectSubscription<RunUpdate>(
      server.url,
      'subscription($id: ID!) { trainingRunUpdated(id: $id) { id status error progress { fraction epoch loss } } }',
      { id: startTrainingRun.id },
      240_000,
    );
    const last = updates.at(-1)!.trainingRunUpdated;
    assert.equal(last.status, 'SUCCEEDED', `run ended ${last.status}: ${last.error}\n${server.stderr()}`);
    assert.ok(updates.length >= 3, `expected several updates, got ${updates.length}`);
    assert.ok(updates.some((u) => u.trainingRunUpdated.status === 'RUNNING'));
    const fractions = updates.map((u) => u.trainingRunUpdated.progress.fraction);
    assert.deepEqual(
      fractions,
      fractions.toSorted((a, b) => a - b),
      'progress never goes back',
    );
    assert.equal(last.progress.fraction, 1);

    for (const seriesId of ['item-0', 'item-3']) {
      const { forecast } = await ok<{
        forecast: {
          points: Array<{
            date: string;
            actual: number | null;
            p10: number | null;
            p50: number | null;
            p90: number | null;
          }>;
        };
      }>(
        server.url,
        'query($d: ID!, $s: String) { forecast(datasetId: $d, seriesId: $s) { points { date actual p10 p50 p90 } } }',
        { d: datasetId, s: seriesId },
      );
      const future = forecast.points.filter((p) => p.p50 !== null);
      assert.equal(future.length, H, `${seriesId}: ${H} forecast points`);
      for (const p of future)
        assert.ok(p.p10! <= p.p50! && p.p50! <= p.p90!, `${seriesId} ${p.date}: ${p.p10} ${p.p50} ${p.p90}`);
      assert.ok(
        forecast.points.some((p) => p.actual !== null),
        'history is shown before the forecast',
      );
    }

    const { forecast: byStore } = await ok<{
      forecast: {
        seriesCount: number;
        points: Array<{ p10: number | null; p50: number | null; p90: number | null }>;
        groups: Array<{ value: string; seriesCount: number; points: Array<{ p50: number | null }> }>;
      };
    }>(
      server.url,
      'query($d: ID!) { forecast(datasetId: $d, groupBy: "store", bucket: WEEK) { seriesCount points { p10 p50 p90 } groups { value seriesCount points { p50 } } } }',
      { d: datasetId },
    );
    assert.equal(byStore.seriesCount, 4);
    assert.deepEqual(
      byStore.groups.map((g) => [g.value, g.seriesCount]),
      [
        ['north', 2],
        ['south', 2],
      ],
    );
    for (const p of byStore.points.filter((x) => x.p50 !== null)) assert.ok(p.p10! <= p.p50! && p.p50! <= p.p90!);

    const { featureImportance } = await ok<{
      featureImportance: Array<{ feature: string; label: string; importance: number; rank: number }>;
    }>(server.url, 'query($r: ID!) { featureImportance(runId: $r) { feature label importance rank } }', {
      r: startTrainingRun.id,
    });
    assert.ok(featureImportance.length > 0, 'importance is reported');
    featureImportance.forEach((f, i) => {
      assert.equal(f.rank, i + 1);
      if (i > 0) assert.ok(f.importance <= featureImportance[i - 1]!.importance, 'ranked by importance');
      assert.ok(f.label.length > 0);
    });

    const { backtest } = await ok<{
      backtest: {
        horizon: number;
        models: Array<{ model: string; baseline: boolean; chosen: boolean; mase: number | null }>;
        seasonalNaive: { model: string; mase: number | null } | null;
      };
    }>(
      server.url,
      'query($r: ID!) { backtest(runId: $r) { horizon models { model baseline chosen mase } seasonalNaive { model mase } } }',
      { r: startTrainingRun.id },
    );
    assert.equal(backtest.horizon, H);
    assert.ok(backtest.seasonalNaive, 'seasonal naive is among the scores');
    assert.ok(backtest.models.filter((m) => m.chosen).length === 1, 'exactly one chosen model');
    assert.ok(backtest.models.some((m) => m.baseline));

    const missing = await post(server.url, '{ backtest(runId: "987654") { runId } }');
    assert.equal(missing.errors?.[0]?.extensions?.code, 'NOT_FOUND');
  });
});
