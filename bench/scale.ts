/**
 * Scale-out benchmark on PostgreSQL (issue 7): an M5-like dataset from bench/generate.ts, then
 *  1. import through `importCsv` in its own process: rows/s, peak RSS;
 *  2. EXPLAIN of the read paths (training's history batches, a series' forecast) at this size;
 *  3. training with the default model (`auto`) through the job queue: one run on one worker (its
 *     wall time), then two runs on one worker and two runs on two workers (the queue's throughput);
 *     peak RSS of each worker process;
 *  4. forecast write time (the results path's multi-row inserts of a run's forecast, timed alone);
 *  5. forecast query latency (p50/p99) through an API process: the one-series forecast query.
 * Every process is a child, so its peak RSS (VmHWM) is its own. Prints figures and os.loadavg().
 *
 * Usage: nice -n 10 npx tsx bench/scale.ts [--series 3000] [--pg postgres://postgres@127.0.0.1:5432/postgres]
 *          [--skip-training] [--runs-per-phase 2] [--queries 400] [--reuse]
 * `--reuse` keeps the database of an earlier run of this size (no generate, no import);
 * with `--skip-training` it measures only the forecast write and query of its latest run.
 * The full M5 size: npx tsx bench/scale.ts --series 30490 (59 M rows; hours on 2 shared cores).
 */
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadConfig, loadQueueConfig, type QueueConfig } from '../api/config/env.js';
import { createApiKeysRepository } from '../api/db/api-keys.repository.js';
import { createForecastsRepository, type ForecastRowInput } from '../api/db/forecasts.repository.js';
import { createKnex, type Knex } from '../api/db/knex.js';
import { migrateLatest } from '../api/db/migrate.js';
import { createRunsRepository, RunStatus, TERMINAL_STATUSES } from '../api/db/runs.repository.js';
import { importCsv } from '../api/plugin/import.js';
import { createLogger } from '../api/log.js';
import { startBoss } from '../api/queue/boss.js';
import { PgRunQueue } from '../api/queue/pg-queue.js';
import { QueueWorker } from '../api/queue/worker.js';
import { generateM5 } from './generate.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const log = (line: string) => process.stdout.write(`${line}\n`);

/** Peak resident set of a process (Linux VmHWM), MB. */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

interface Child {
  readonly child: ChildProcess;
  readonly first: Record<string, unknown>;
  stop(): Promise<number>;
}

/** Spawns this script in a role; resolves with its first JSON line. `stop` returns its peak RSS. */
async function spawnRole(role: string, extra: string[], env: Record<string, string> = {}): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/scale.ts', '--role', role, ...extra], {
    cwd: root,
    env: { ...process.env, TSX_TSCONFIG_PATH: 'api/tsconfig.json', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise<Record<string, unknown>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${role} exited (${code}) before it reported`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        resolve(JSON.parse(line) as Record<string, unknown>);
      } catch {
        process.stdout.write(`[${role}] ${line}\n`);
      }
    });
  });
  return {
    child,
    first,
    stop: async () => {
      if (child.exitCode !== null) return NaN;
      const rss = peakRssMb(child.pid!);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      return rss;
    },
  };
}

// ---- roles (child processes) ---------------------------------------------------------------

async function roleImport(): Promise<void> {
  const knex = createKnex({ client: 'pg', connectionString: opt('--db')! });
  const t0 = performance.now();
  const r = await importCsv(knex, {
    tenantId: 1,
    dataset: { name: 'm5' },
    input: opt('--file')!,
    allowNegativeValues: false,
  });
  const seconds = (performance.now() - t0) / 1000;
  log(JSON.stringify({ rows: r.rowsImported, series: r.seriesCount, seconds, peakRssMb: peakRssMb(process.pid) }));
  await knex.destroy();
}

async function roleWorker(): Promise<void> {
  const db = opt('--db')!;
  const knex = createKnex({ client: 'pg', connectionString: db });
  const config = loadConfig();
  const worker = new QueueWorker({
    knex,
    connectionString: db,
    logger: createLogger(config.logLevel),
    queue: loadQueueConfig(),
    backend: config.backend,
    pollSeconds: 0.5,
  });
  await worker.start();
  log(JSON.stringify({ workerId: worker.workerId }));
  process.on('SIGTERM', () => void worker.stop().then(() => knex.destroy().then(() => process.exit(0))));
}

async function roleApi(): Promise<void> {
  const { startServer } = await import('../api/server.js');
  const db = opt('--db')!;
  const config = {
    ...loadConfig(),
    database: { client: 'pg' as const, connectionString: db },
    nodeEnv: 'production' as const,
  };
  const knex = createKnex(config.database);
  const server = await startServer({
    config,
    knex,
    logger: createLogger('warn'),
    port: 0,
    jobQueue: { config: loadQueueConfig(), worker: false },
  });
  log(JSON.stringify({ url: server.url }));
  process.on('SIGTERM', () => void server.close().then(() => knex.destroy().then(() => process.exit(0))));
}

// ---- the benchmark ---------------------------------------------------------------------------

async function train(
  knex: Knex,
  queue: PgRunQueue,
  datasetId: number,
  runs: number,
  workers: number,
  db: string,
): Promise<{ wallS: number; runIds: number[]; rss: number[]; statuses: string[]; runS: string }> {
  const children: Child[] = [];
  for (let i = 0; i < workers; i++) children.push(await spawnRole('worker', ['--db', db]));
  const repo = createRunsRepository(knex);
  const t0 = performance.now();
  const runIds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await repo.create(1, {
      datasetId,
      model: 'auto',
      horizon: 28,
      quantiles: [0.1, 0.5, 0.9],
      epochs: null,
      seed: i,
      maxAttempts: 1,
    });
    await queue.submit(run);
    runIds.push(run.id);
  }
  let statuses: string[] = [];
  let lastReport = 0;
  for (;;) {
    const rows = await repo.getMany(1, runIds);
    statuses = rows.map((r) => r.status);
    if (rows.every((r) => TERMINAL_STATUSES.includes(r.status))) break;
    if (performance.now() - lastReport > 60_000) {
      lastReport = performance.now();
      log(
        `  … ${((performance.now() - t0) / 1000).toFixed(0)} s: ${rows.map((r) => `${r.status} ${(r.progress.fraction * 100).toFixed(0)}% ${r.progress.message ?? ''}`).join(' | ')} (load ${load()})`,
      );
    }
    await sleep(1000);
  }
  const wallS = (performance.now() - t0) / 1000;
  const rss: number[] = [];
  for (const c of children) rss.push(await c.stop());
  const ended = await repo.getMany(1, runIds);
  for (const r of ended) {
    if (r.status !== RunStatus.SUCCEEDED) log(`  run ${r.id} ${r.status}: ${r.error}`);
  }
  // Each run's own time, claim to end, as the worker saw it.
  const runS = ended
    .map((r) => (((r.finishedAt?.getTime() ?? NaN) - (r.startedAt?.getTime() ?? NaN)) / 1000).toFixed(1))
    .join(', ');
  return { wallS, runIds, rss, statuses, runS };
}

async function explain(knex: Knex, sql: string, bindings: readonly unknown[]): Promise<string> {
  const r = (await knex.raw(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, bindings as never)) as {
    rows: Array<{ 'QUERY PLAN': string }>;
  };
  return r.rows.map((x) => `    ${x['QUERY PLAN']}`).join('\n');
}

async function main(): Promise<void> {
  const series = Number(opt('--series') ?? 3000);
  const pg = opt('--pg') ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const queries = Number(opt('--queries') ?? 400);
  const runsPerPhase = Number(opt('--runs-per-phase') ?? 2);
  log(`# bench/scale: ${series} series × 1941 days on PostgreSQL — ${new Date().toISOString()}, load ${load()}`);
  log(execSync(`df -h ${tmpdir()} | tail -1`).toString().trim());

  const dir = join(tmpdir(), 'fq-scale');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `m5-${series}.csv.gz`);
  if (!existsSync(file) && !args.includes('--reuse')) {
    const t0 = performance.now();
    const rows = await generateM5(file, { series });
    log(`generate: ${rows} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${file}`);
  }

  const name = `fq_scale_${series}`;
  const reuse = args.includes('--reuse');
  if (!reuse) {
    const admin = createKnex({ client: 'pg', connectionString: pg });
    await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.raw(`CREATE DATABASE ${name}`);
    await admin.destroy();
  }
  const url = new URL(pg);
  url.pathname = `/${name}`;
  const db = url.toString();
  const knex = createKnex({ client: 'pg', connectionString: db });
  await migrateLatest(knex);

  // 1. import
  if (!reuse) {
    const imp = await spawnRole('import', ['--db', db, '--file', file]);
    const r = imp.first as { rows: number; series: number; seconds: number; peakRssMb: number };
    await new Promise((res) => (imp.child.exitCode === null ? imp.child.once('exit', res) : res(null)));
    log(
      `import: ${r.rows} rows, ${r.series} series in ${r.seconds.toFixed(1)} s = ${Math.round(r.rows / r.seconds)} rows/s; peak RSS ${r.peakRssMb} MB (load ${load()})`,
    );
    await knex.raw('ANALYZE');
  }
  const dataset = (await knex('datasets').first('id')) as { id: number };
  const datasetId = Number(dataset.id);

  // 2. read paths
  const ids = (
    (await knex('series').where({ dataset_id: datasetId }).orderBy('id').limit(25).select('id')) as Array<{
      id: number;
    }>
  ).map((s) => Number(s.id));
  log('EXPLAIN training history batch (25 series):');
  log(
    await explain(
      knex,
      `select series_id, date, value, covariates from observations where tenant_id = ? and series_id in (${ids.map(() => '?').join(',')}) order by series_id, date`,
      [1, ...ids],
    ),
  );

  const queueConfig: QueueConfig = { ...loadQueueConfig(), maxAttempts: 1 };
  const boss = await startBoss({
    connectionString: db,
    logger: createLogger('warn'),
    supervise: false,
    queue: queueConfig,
  });
  const queue = new PgRunQueue(boss, knex, queueConfig, createLogger('warn'));

  // 3. training
  let runId: number | undefined;
  if (!args.includes('--skip-training')) {
    if (runsPerPhase === 0) {
      const one = await train(knex, queue, datasetId, 1, 1, db);
      runId = one.runIds[0];
      log(
        `train 1 run, 1 worker: ${one.wallS.toFixed(1)} s (${one.statuses.join(',')}; run ${one.runS} s); worker peak RSS ${one.rss.join(', ')} MB (load ${load()})`,
      );
    } else {
      const a = await train(knex, queue, datasetId, runsPerPhase, 1, db);
      runId = a.runIds[0];
      log(
        `train ${runsPerPhase} runs, 1 worker: ${a.wallS.toFixed(1)} s (${a.statuses.join(',')}; each run ${a.runS} s); peak RSS ${a.rss.join(', ')} MB (load ${load()})`,
      );
      const b = await train(knex, queue, datasetId, runsPerPhase, 2, db);
      log(
        `train ${runsPerPhase} runs, 2 workers: ${b.wallS.toFixed(1)} s (${b.statuses.join(',')}; each run ${b.runS} s); peak RSS ${b.rss.join(', ')} MB (load ${load()})`,
      );
    }
  }
  await boss.stop({ graceful: false, wait: true, timeout: 2000 });
  runId ??= (await createRunsRepository(knex).latestSucceeded(1, datasetId))?.id;
  if (!runId || (await createRunsRepository(knex).get(1, runId))?.status !== RunStatus.SUCCEEDED) {
    log('no succeeded run: forecast write and query figures skipped');
    await knex.destroy();
    return;
  }

  // 4. forecast write: the run's forecast written again by the results path's insertMany, timed.
  const stored = (await knex('forecasts')
    .where({ run_id: runId })
    .select('series_id', 'date', 'p10', 'p50', 'p90')) as Array<Record<string, number | string>>;
  const rows: ForecastRowInput[] = stored.map((f) => ({
    seriesId: Number(f['series_id']),
    date: String(f['date']),
    values: new Map([
      [0.1, Number(f['p10'])],
      [0.5, Number(f['p50'])],
      [0.9, Number(f['p90'])],
    ]),
  }));
  const copy = await createRunsRepository(knex).create(1, {
    datasetId,
    model: 'auto',
    horizon: 28,
    quantiles: [0.1, 0.5, 0.9],
    epochs: null,
    seed: 99,
  });
  const w0 = performance.now();
  await knex.transaction(async (trx) => createForecastsRepository(trx).insertMany(1, copy.id, rows));
  const writeS = (performance.now() - w0) / 1000;
  log(
    `forecast write: ${rows.length} rows in ${writeS.toFixed(2)} s = ${Math.round(rows.length / writeS)} rows/s (load ${load()})`,
  );
  await knex('training_runs').where({ id: copy.id }).delete();

  const sid = ids[0]!;
  log('EXPLAIN forecast of one series:');
  log(
    await explain(
      knex,
      'select * from forecasts where tenant_id = ? and run_id = ? and series_id in (?) order by series_id, date',
      [1, runId, sid],
    ),
  );

  // 5. query latency through an API process
  const { secret } = await createApiKeysRepository(knex).create(1, 'bench-scale');
  const api = await spawnRole('api', ['--db', db]);
  const apiUrl = String(api.first['url']);
  const keys = ((await knex('series').where({ dataset_id: datasetId }).select('key')) as Array<{ key: string }>).map(
    (s) => s.key,
  );
  const times: number[] = [];
  for (let i = 0; i < queries + 20; i++) {
    const key = keys[(i * 7919) % keys.length]!;
    const t0 = performance.now();
    const res = await fetch(`${apiUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({
        query:
          'query($d: ID!, $s: String) { forecast(datasetId: $d, seriesId: $s) { points { date actual p10 p50 p90 } } }',
        variables: { d: String(datasetId), s: key },
      }),
    });
    const body = (await res.json()) as { errors?: unknown };
    if (body.errors) throw new Error(`forecast query failed: ${JSON.stringify(body.errors)}`);
    if (i >= 20) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
  const apiRss = await api.stop();
  log(
    `forecast query (one series, ${times.length} sequential): p50 ${q(0.5)} ms, p99 ${q(0.99)} ms; API peak RSS ${apiRss} MB (load ${load()})`,
  );
  await knex.destroy();
}

const role = opt('--role');
if (role === 'import') await roleImport();
else if (role === 'worker') await roleWorker();
else if (role === 'api') await roleApi();
else await main();
