/**
 * `forecastql serve --processes 2` (api/commands/cluster.ts), on SQLite and on PostgreSQL: two
 * HTTP processes share the port and a primary trains. Requests reach both processes; a run
 * started through one process trains in the primary and its progress reaches subscriptions on
 * both; a cancel reaches the training thread; a killed HTTP process is replaced; SIGTERM stops
 * every process.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { migrateLatest } from '../../api/db/migrate.js';
import { createAdminKey } from '../helpers/auth.js';
import { withDbs } from '../helpers/dbs.js';
import { databaseUrl } from '../helpers/spawn-announced.js';
import { collectSubscription, ok, useAdminKey } from './support/client.js';
import { tinyCsv } from './support/data.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Cluster {
  readonly url: string;
  readonly child: ChildProcess;
  stderr(): string;
}

/** `serve --processes 2 --port 0`, waiting for its banner (the first HTTP process listening). */
async function startCluster(db: string, key: string): Promise<Cluster> {
  const { NODE_TEST_CONTEXT: _ignored, ...env } = process.env;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/e2e/support/cli-entry.ts', 'serve', '--db', db, '--port', '0', '--processes', '2'],
    {
      cwd: root,
      env: {
        ...env,
        TSX_TSCONFIG_PATH: 'api/tsconfig.json',
        FORECASTQL_LOG_LEVEL: process.env['CLUSTER_LOG'] ?? 'warn',
        FORECASTQL_BACKEND: 'cpu',
        FORECASTQL_HEARTBEAT_MS: '200',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner in 90 s; stderr:\n${stderr}`)), 90_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const m = /ForecastQL is serving on (http:\/\/\S+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before serving; stderr:\n${stderr}`)));
  });
  useAdminKey(url, key);
  return { url, child, stderr: () => stderr };
}

/** `/healthz` on a new connection each time (no keep-alive), so the primary hands it to the next process. */
function health(url: string): Promise<{ status: string; process?: number }> {
  return new Promise((resolve, reject) => {
    const req = get(`${url}/healthz`, { agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(JSON.parse(body) as { status: string; process?: number }));
    });
    req.on('timeout', () => req.destroy(new Error(`${url}/healthz did not answer in 10 s`)));
    req.on('error', reject);
  });
}

async function processesAnswering(url: string, tries = 8): Promise<Set<number>> {
  const seen = new Set<number>();
  for (let i = 0; i < tries; i++) {
    const h = await health(url);
    assert.equal(h.status, 'ok');
    if (h.process !== undefined) seen.add(h.process);
  }
  return seen;
}

/** The HTTP processes of the primary `pid` (tsx's esbuild service is a child too). */
function childPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid), '-f', 'cli-entry'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there is none
  }
}

/**
 * Polls run `id` until its status is `wanted`, failing after `timeoutMs`; with `passing`, every
 * other status seen on the way must be one of those.
 */
async function untilStatus(
  url: string,
  id: string,
  wanted: string,
  passing: readonly string[] | undefined,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { trainingRun } = await ok<{ trainingRun: { status: string } }>(
      url,
      'query($id: ID!) { trainingRun(id: $id) { status } }',
      { id },
    );
    if (trainingRun.status === wanted) return;
    if (passing) assert.ok(passing.includes(trainingRun.status), `run ${id} is ${trainingRun.status} before ${wanted}`);
    assert.ok(Date.now() < deadline, `run ${id} is not ${wanted} after ${timeoutMs} ms (now ${trainingRun.status})`);
    await sleep(200);
  }
}

const RUN_UPDATED = `subscription($id: ID!) { trainingRunUpdated(id: $id) { id status progress { fraction } } }`;

withDbs((db) => {
  const started: Cluster[] = [];
  after(() => {
    for (const c of started) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  });

  test('serve --processes 2: both processes serve, the primary trains, events and cancels cross processes', async () => {
    await migrateLatest(db.knex);
    const { secret } = await createAdminKey(db.knex, 'default', 'cluster');
    const c = await startCluster(databaseUrl(db.config), secret);
    started.push(c);
    const primaryPid = c.child.pid!;

    assert.deepEqual(
      [...(await processesAnswering(c.url))].toSorted(),
      [1, 2],
      'new connections reach both HTTP processes',
    );
    assert.equal(childPids(primaryPid).length, 2, 'the primary has two HTTP processes');

    const { createDataset } = await ok<{ createDataset: { id: string } }>(
      c.url,
      'mutation { createDataset(input: { name: "cluster" }) { id } }',
    );
    await ok(
      c.url,
      'mutation($id: ID!, $csv: String!) { importObservations(datasetId: $id, csv: $csv) { rowsImported } }',
      {
        id: createDataset.id,
        csv: tinyCsv(3, 70),
      },
    );

    // A run started through one process: subscriptions on two connections (one per process,
    // round-robin) both follow it to SUCCEEDED, though it trains in the primary.
    const { startTrainingRun } = await ok<{ startTrainingRun: { id: string; status: string } }>(
      c.url,
      'mutation($d: ID!) { startTrainingRun(input: { datasetId: $d, horizon: 7, model: SNAIVE, origins: 1 }) { id status } }',
      { d: createDataset.id },
    );
    const runId = startTrainingRun.id;
    const follow = () =>
      collectSubscription<{ trainingRunUpdated: { status: string } }>(c.url, RUN_UPDATED, { id: runId }, 90_000);
    const [a, b] = await Promise.all([follow(), follow()]);
    for (const updates of [a, b]) {
      assert.equal(updates.at(-1)?.trainingRunUpdated.status, 'SUCCEEDED', `updates: ${JSON.stringify(updates)}`);
    }
    const { forecast } = await ok<{ forecast: { points: Array<{ p50: number | null }> } }>(
      c.url,
      'query($d: ID!) { forecast(datasetId: $d, seriesId: "item-0") { points { p50 } } }',
      { d: createDataset.id },
    );
    assert.equal(forecast.points.filter((p) => p.p50 !== null).length, 7, 'the run’s 7 forecast days are served');

    // A cancel sent to an HTTP process reaches the training thread in the primary.
    const long = await ok<{ startTrainingRun: { id: string } }>(
      c.url,
      'mutation($d: ID!) { startTrainingRun(input: { datasetId: $d, horizon: 7, model: MLP, epochs: 500, origins: 1 }) { id } }',
      { d: createDataset.id },
    );
    const longId = long.startTrainingRun.id;
    await untilStatus(c.url, longId, 'RUNNING', ['QUEUED'], 90_000);
    await ok(c.url, 'mutation($id: ID!) { cancelTrainingRun(id: $id) { id status } }', { id: longId });
    await untilStatus(c.url, longId, 'CANCELLED', undefined, 30_000);

    // A killed HTTP process is replaced. (Connections the primary handed to it just before it died
    // are lost with it, as with any crashed server: requests start once the primary has noticed.)
    const [victim] = childPids(primaryPid);
    process.kill(victim!, 'SIGKILL');
    const back = Date.now() + 60_000;
    while (childPids(primaryPid).includes(victim!) || childPids(primaryPid).length < 2) {
      assert.ok(Date.now() < back, `no replacement process (now: ${childPids(primaryPid).join(', ')})`);
      await sleep(200);
    }
    for (;;) {
      const seen = await processesAnswering(c.url, 6);
      if (seen.size === 2) {
        assert.ok(!seen.has(1) || !seen.has(2), `the killed process's number is not reused: ${[...seen].join(', ')}`);
        break;
      }
      assert.ok(Date.now() < back, `the replacement does not answer (answering: ${[...seen].join(', ')})`);
      await sleep(300);
    }

    // SIGTERM to the primary stops everything, cleanly.
    const children = childPids(primaryPid);
    const code = await new Promise<number | null>((resolve) => {
      c.child.once('exit', (n) => resolve(n));
      c.child.kill('SIGTERM');
    });
    assert.equal(code, 0, `serve exited ${code}; stderr:\n${c.stderr()}`);
    for (const pid of children) {
      assert.throws(() => process.kill(pid, 0), `HTTP process ${pid} is still alive after the primary stopped`);
    }
  });
});
