/**
 * `kill -9` of the server in the middle of a training run, then a restart on the same database:
 * the run must end FAILED with a reason (none stays RUNNING), and none of its results may be
 * visible (they are written in one transaction only when a run succeeds).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { RECOVERY_REASON } from '../../api/training/runner.js';
import { withDbs } from '../helpers/dbs.js';
import { ok, post, spawnServer, type SpawnedServer } from './support/client.js';
import { tinyCsv } from './support/data.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

withDbs((db) => {
  const servers: SpawnedServer[] = [];
  after(async () => {
    for (const s of servers) await s.stop();
  });

  test('a run killed with SIGKILL ends FAILED with a reason after a restart, with no partial results', async () => {
    const first = await spawnServer(db.config);
    servers.push(first);
    const { createDataset } = await ok<{ createDataset: { id: string } }>(
      first.url,
      'mutation { createDataset(input: { name: "crash" }) { id } }',
    );
    await ok(
      first.url,
      'mutation($id: ID!, $csv: String!) { importObservations(datasetId: $id, csv: $csv) { rowsImported } }',
      {
        id: createDataset.id,
        csv: tinyCsv(3, 70),
      },
    );
    // The real pipeline, long enough to be killed mid-training.
    const { startTrainingRun } = await ok<{ startTrainingRun: { id: string } }>(
      first.url,
      'mutation($d: ID!) { startTrainingRun(input: { datasetId: $d, horizon: 7, model: MLP, epochs: 500, origins: 1 }) { id } }',
      { d: createDataset.id },
    );
    const runId = startTrainingRun.id;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { trainingRun } = await ok<{
        trainingRun: { status: string; progress: { fraction: number; epoch: number | null } };
      }>(first.url, 'query($id: ID!) { trainingRun(id: $id) { status progress { fraction epoch } } }', { id: runId });
      assert.ok(['QUEUED', 'RUNNING'].includes(trainingRun.status), `run ended early: ${trainingRun.status}`);
      if (trainingRun.status === 'RUNNING' && (trainingRun.progress.epoch ?? 0) >= 1) break;
      assert.ok(Date.now() < deadline, 'the run did not start training');
      await sleep(200);
    }

    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const [row] = (await db
      .knex('training_runs')
      .where({ id: Number(runId) })
      .select('status')) as Array<{ status: string }>;
    assert.equal(row!.status, 'RUNNING', 'the dead process left the run RUNNING');

    const second = await spawnServer(db.config);
    servers.push(second);
    const { trainingRun } = await ok<{
      trainingRun: { status: string; error: string | null; finishedAt: string | null };
    }>(second.url, 'query($id: ID!) { trainingRun(id: $id) { status error finishedAt } }', { id: runId });
    assert.equal(trainingRun.status, 'FAILED');
    assert.equal(trainingRun.error, RECOVERY_REASON);
    assert.ok(trainingRun.finishedAt);

    for (const table of ['forecasts', 'backtest_metrics', 'feature_importance', 'model_artefacts']) {
      const [{ n }] = (await db
        .knex(table)
        .where({ run_id: Number(runId) })
        .count({ n: '*' })) as Array<{ n: number | string }>;
      assert.equal(Number(n), 0, `${table} has rows of the killed run`);
    }
    const { forecast } = await ok<{ forecast: unknown }>(
      second.url,
      'query($d: ID!) { forecast(datasetId: $d) { runId } }',
      { d: createDataset.id },
    );
    assert.equal(forecast, null, 'no forecast is served from the killed run');
    const backtest = await post(second.url, 'query($r: ID!) { backtest(runId: $r) { runId } }', { r: runId });
    assert.equal(backtest.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });
});
