/**
 * The PostgreSQL job queue with real processes: one API instance (API only, as `serve
 * --no-worker`) and two training workers (as `forecastql worker`), spawned as children. Four runs
 * are shared by both workers; a worker killed with SIGKILL mid-run has its run retried by the
 * other, which completes it; every run ends with exactly one forecast per series and step (no
 * duplicate, no partial rows); a cancel reaches the worker that holds the run. The stand-in
 * pipeline keeps runs quick and deterministic. Last, `serve` with its in-process worker trains a
 * run while a subscriber on the API-only instance follows it (LISTEN/NOTIFY across processes).
 * Needs TEST_PG_URL (CI sets it).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import { createKnex } from '../../api/db/knex.js';
import { migrateLatest } from '../../api/db/migrate.js';
import { createEmptyDatabase, TEST_PG_URL } from '../helpers/dbs.js';
import { spawnAnnounced, type AnnouncedChild } from '../helpers/spawn-announced.js';
import { collectSubscription } from '../e2e/support/client.js';
import { tinyCsv } from '../e2e/support/data.js';

/** The stand-in pipeline (not imported from integration/support/api.ts: that loads the decorated schema). */
const STAND_IN_PIPELINE = new URL('../integration/support/stand-in-pipeline.ts', import.meta.url).href;
/** Fails a run's first `seed` attempts (see support/flaky-pipeline.ts). */
const FLAKY_PIPELINE = new URL('./support/flaky-pipeline.ts', import.meta.url).href;
const flakyDir = mkdtempSync(join(tmpdir(), 'fq-flaky-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SERIES = 3;
const HORIZON = 7;

/** Fast queue settings: heartbeats every 300 ms, a worker silent for 2 s is presumed dead. */
const QUEUE_ENV = {
  FORECASTQL_HEARTBEAT_MS: '300',
  FORECASTQL_STALE_AFTER_S: '2',
  FORECASTQL_RETRY_DELAY_S: '1',
  FORECASTQL_MAX_ATTEMPTS: '3',
};

/** A queue process (API or worker) with the queue's short test timings. */
function spawnChild(script: string, args: string[], extraEnv: Record<string, string> = {}): Promise<AnnouncedChild> {
  return spawnAnnounced(script, args, { ...QUEUE_ENV, FQ_FLAKY_DIR: flakyDir, ...extraEnv }, 90_000);
}

if (!TEST_PG_URL) {
  process.stderr.write(
    '\n*** test/scale/queue.test.ts SKIPPED: the job queue needs PostgreSQL; set TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test (CI does). ***\n\n',
  );
}

describe('PostgreSQL job queue: one API, two workers', { skip: TEST_PG_URL ? false : 'TEST_PG_URL is unset' }, () => {
  let knex: Knex;
  let drop: () => Promise<void>;
  let api: AnnouncedChild;
  let url = '';
  const workers: AnnouncedChild[] = [];
  const others: AnnouncedChild[] = [];
  let datasetId = '';

  async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(`${api.announced['url']}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.announced['key']}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown };
    assert.ok(!body.errors && body.data, `GraphQL errors: ${JSON.stringify(body.errors)}`);
    return body.data;
  }

  async function startRun(epochs: number, seed = 0): Promise<string> {
    const { startTrainingRun } = await gql<{ startTrainingRun: { id: string; status: string; maxAttempts: number } }>(
      'mutation($d: ID!, $e: Int!, $s: Int!) { startTrainingRun(input: { datasetId: $d, horizon: 7, epochs: $e, seed: $s }) { id status maxAttempts } }',
      { d: datasetId, e: epochs, s: seed },
    );
    assert.equal(startTrainingRun.status, 'QUEUED', 'a started run is QUEUED');
    assert.equal(startTrainingRun.maxAttempts, 3, 'maxAttempts follows FORECASTQL_MAX_ATTEMPTS');
    return startTrainingRun.id;
  }

  interface RunRow {
    status: string;
    attempts: number;
    worker_id: string | null;
    error: string | null;
    /** JSON text. */
    warnings: string | null;
    progress_epoch: number | null;
  }
  const row = async (id: string): Promise<RunRow> =>
    (await knex('training_runs')
      .where({ id: Number(id) })
      .first('status', 'attempts', 'worker_id', 'error', 'warnings', 'progress_epoch')) as RunRow;

  async function waitFor(id: string, done: (r: RunRow) => boolean, what: string, ms = 90_000): Promise<RunRow> {
    const deadline = Date.now() + ms;
    for (;;) {
      const r = await row(id);
      if (done(r)) return r;
      assert.ok(Date.now() < deadline, `run ${id}: ${what} did not happen in ${ms} ms; now ${JSON.stringify(r)}`);
      await sleep(150);
    }
  }

  async function forecastCounts(id: string): Promise<{ rows: number; distinct: number; metrics: number }> {
    const [f] = (await knex('forecasts')
      .where({ run_id: Number(id) })
      .select(
        knex.raw('count(*)::int as rows'),
        knex.raw('count(distinct (series_id, date))::int as distinct'),
      )) as Array<{
      rows: number;
      distinct: number;
    }>;
    const [m] = (await knex('backtest_metrics')
      .where({ run_id: Number(id) })
      .count({ n: '*' })) as Array<{ n: number }>;
    return { rows: Number(f!.rows), distinct: Number(f!.distinct), metrics: Number(m!.n) };
  }

  before(async () => {
    const created = await createEmptyDatabase('postgres');
    drop = created.drop;
    url = (created.config as { connectionString: string }).connectionString;
    knex = createKnex(created.config);
    await migrateLatest(knex);
    api = await spawnChild('test/scale/support/api.ts', ['--db', url]);
    for (let i = 0; i < 2; i++) {
      workers.push(await spawnChild('test/scale/support/worker.ts', ['--db', url, '--pipeline', STAND_IN_PIPELINE]));
    }
    const { createDataset } = await gql<{ createDataset: { id: string } }>(
      'mutation { createDataset(input: { name: "queue" }) { id } }',
    );
    datasetId = createDataset.id;
    await gql('mutation($id: ID!, $csv: String!) { importObservations(datasetId: $id, csv: $csv) { rowsImported } }', {
      id: datasetId,
      csv: tinyCsv(SERIES, 70),
    });
  });

  after(async () => {
    for (const w of [...workers, ...others]) await w.stop();
    await api?.stop();
    await knex?.destroy();
    await drop?.();
    rmSync(flakyDir, { recursive: true, force: true });
  });

  test('four runs are shared by both workers and each has one whole forecast', async () => {
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await startRun(15));
    const ends = [];
    for (const id of ids) ends.push(await waitFor(id, (r) => r.status === 'SUCCEEDED', 'SUCCEEDED'));
    const ran = new Set(ends.map((r) => r.worker_id));
    const workerIds = workers.map((w) => w.announced['workerId']);
    assert.deepEqual(
      [...ran].toSorted(),
      [...workerIds].toSorted(),
      `each worker ran at least one of the 4 runs; ran by ${JSON.stringify(ends.map((r) => r.worker_id))}`,
    );
    for (const [i, id] of ids.entries()) {
      assert.equal(ends[i]!.attempts, 1, `run ${id} took one attempt`);
      assert.deepEqual(
        await forecastCounts(id),
        { rows: SERIES * HORIZON, distinct: SERIES * HORIZON, metrics: 2 },
        `run ${id} has one forecast row per series and step`,
      );
    }
  });

  test('a worker killed with SIGKILL mid-run: the other worker retries the run and completes it', async () => {
    const id = await startRun(60); // 60 stand-in epochs of 100 ms: about 6 s of training
    const running = await waitFor(id, (r) => r.status === 'RUNNING' && (r.progress_epoch ?? 0) >= 2, 'training');
    const victim = workers.find((w) => w.announced['workerId'] === running.worker_id);
    assert.ok(victim, `the run is held by one of the two workers, not ${running.worker_id}`);
    const survivor = workers.find((w) => w !== victim)!;
    victim.child.kill('SIGKILL');
    await new Promise((r) => victim.child.once('exit', r));

    const end = await waitFor(id, (r) => r.status === 'SUCCEEDED' || r.status === 'FAILED', 'the end', 120_000);
    assert.equal(end.status, 'SUCCEEDED', `the retried run succeeded: ${JSON.stringify(end)}`);
    assert.equal(end.attempts, 2, 'the second attempt finished the run');
    assert.equal(end.worker_id, survivor.announced['workerId'], 'the surviving worker finished it');
    assert.equal(end.error, null, 'a succeeded run carries no error text');
    assert.match(
      end.warnings ?? '',
      /Attempt 1 of 3 lost its worker.*a later attempt succeeded/,
      'the run tells why it was retried',
    );
    assert.deepEqual(
      await forecastCounts(id),
      { rows: SERIES * HORIZON, distinct: SERIES * HORIZON, metrics: 2 },
      'no duplicate and no partial forecast after the retry',
    );
    const { trainingRun } = await gql<{ trainingRun: { status: string; attempts: number; maxAttempts: number } }>(
      'query($id: ID!) { trainingRun(id: $id) { status attempts maxAttempts } }',
      { id },
    );
    assert.deepEqual(trainingRun, { status: 'SUCCEEDED', attempts: 2, maxAttempts: 3 }, 'the API shows the attempts');
  });

  test('a cancel reaches the worker that holds the run, and a queued run is cancelled at once', async () => {
    const id = await startRun(300);
    await waitFor(id, (r) => r.status === 'RUNNING' && (r.progress_epoch ?? 0) >= 1, 'training');
    const queued = await startRun(300); // one worker left, busy: this one waits in the queue
    const { cancelTrainingRun: q } = await gql<{ cancelTrainingRun: { status: string } }>(
      'mutation($id: ID!) { cancelTrainingRun(id: $id) { status } }',
      { id: queued },
    );
    assert.equal(q.status, 'CANCELLED', 'a queued run is cancelled at once');
    await gql('mutation($id: ID!) { cancelTrainingRun(id: $id) { status } }', { id });
    const end = await waitFor(id, (r) => r.status !== 'RUNNING', 'the cancel', 30_000);
    assert.equal(end.status, 'CANCELLED', `the worker stopped the run: ${JSON.stringify(end)}`);
    assert.deepEqual(await forecastCounts(id), { rows: 0, distinct: 0, metrics: 0 }, 'a cancelled run saves nothing');
    await sleep(1500);
    assert.equal((await row(queued)).attempts, 0, 'the cancelled queued run never started');
  });

  test('serve with its in-process worker trains a run; a subscriber on another API instance follows it', async () => {
    for (const w of workers) await w.stop(); // the in-process worker is the only one left
    const serve = await spawnChild('test/scale/support/api.ts', [
      '--db',
      url,
      '--worker',
      '--pipeline',
      STAND_IN_PIPELINE,
    ]);
    others.push(serve);
    const id = await startRun(60); // about 6 s: the subscription connects while it trains
    let updates: Array<{ trainingRunUpdated: { status: string; progress: { epoch: number | null } } }>;
    try {
      updates = await collectSubscription<{
        trainingRunUpdated: { status: string; progress: { epoch: number | null } };
      }>(
        api.announced['url']!,
        'subscription($id: ID!) { trainingRunUpdated(id: $id) { status progress { epoch } } }',
        { id },
        60_000,
        { authorization: `Bearer ${api.announced['key']}` },
      );
    } catch (e) {
      throw new Error(
        `${(e as Error).message}; run now ${JSON.stringify(await row(id))}; serve stderr: ${serve.stderr()}`,
        { cause: e },
      );
    }
    const statuses = updates.map((u) => u.trainingRunUpdated.status);
    assert.equal(statuses.at(-1), 'SUCCEEDED', `the stream ends SUCCEEDED: ${statuses.join(' → ')}`);
    assert.ok(
      updates.some((u) => u.trainingRunUpdated.status === 'RUNNING' && (u.trainingRunUpdated.progress.epoch ?? 0) > 0),
      `the API-only instance streamed progress from the other process: ${JSON.stringify(updates)}`,
    );
    const end = await row(id);
    assert.equal(end.worker_id?.split(':')[1], String(serve.child.pid), 'the serve process trained it');
    assert.deepEqual(
      await forecastCounts(id),
      { rows: SERIES * HORIZON, distinct: SERIES * HORIZON, metrics: 2 },
      'its forecast is whole',
    );
  });

  test('a failed attempt is retried with backoff; a run that keeps failing ends FAILED after its max attempts', async () => {
    for (const o of others) await o.stop();
    const worker = await spawnChild('test/scale/support/worker.ts', ['--db', url, '--pipeline', FLAKY_PIPELINE]);
    others.push(worker);
    const once = await startRun(3, 1); // seed 1: the first attempt fails
    const end = await waitFor(once, (r) => r.status === 'SUCCEEDED' || r.status === 'FAILED', 'the end');
    assert.equal(end.status, 'SUCCEEDED', `the retry succeeded: ${JSON.stringify(end)}`);
    assert.equal(end.attempts, 2, 'after one failed attempt');
    assert.equal(end.error, null, 'a succeeded run carries no error text');
    assert.match(
      end.warnings ?? '',
      /Attempt 1 of 3 failed \(Training failed: flaky failure 1 of 1\); a later attempt succeeded/,
      'the run says why',
    );
    assert.deepEqual(
      await forecastCounts(once),
      { rows: SERIES * HORIZON, distinct: SERIES * HORIZON, metrics: 2 },
      'one whole forecast',
    );

    const always = await startRun(3, 99); // fails every attempt
    const failed = await waitFor(always, (r) => r.status === 'SUCCEEDED' || r.status === 'FAILED', 'the end');
    assert.equal(failed.status, 'FAILED', 'it ends FAILED');
    assert.equal(failed.attempts, 3, 'after its three attempts');
    assert.equal(failed.error, 'Training failed: flaky failure 3 of 99 (after 3 attempts)', 'with the last reason');
    assert.deepEqual(await forecastCounts(always), { rows: 0, distinct: 0, metrics: 0 }, 'and no forecast');
  });

  test('a run whose thread runs out of its heap limit ends FAILED at once, saying so', async () => {
    for (const o of others) await o.stop();
    const worker = await spawnChild('test/scale/support/worker.ts', ['--db', url, '--pipeline', FLAKY_PIPELINE], {
      FORECASTQL_WORKER_HEAP_MB: '256',
    });
    others.push(worker);
    const id = await startRun(3, 1000); // seed 1000: allocates without end
    const end = await waitFor(id, (r) => r.status === 'SUCCEEDED' || r.status === 'FAILED', 'the end');
    assert.equal(end.status, 'FAILED', `it failed: ${JSON.stringify(end)}`);
    assert.equal(end.attempts, 1, 'running out of memory is not retried');
    assert.match(
      end.error ?? '',
      /ran out of memory.*256 MB.*FORECASTQL_WORKER_HEAP_MB/,
      'the reason names the limit and the fix',
    );
  });
});
