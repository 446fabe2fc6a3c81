/**
 * Load (issue 6): 200 concurrent clients of mixed queries for 60 s against a real server, on
 * SQLite and on PostgreSQL, seeded with the demo data (550 series, `ensureDemoData`) and a
 * finished training run (seasonal naive with a backtest). Each client has its own admin API key,
 * so the per-token rate limit stays at its default (1,200 requests per 60 s per key = 20 req/s
 * per client; 200 clients could ask 4,000 req/s in all, well above what the server serves, so a
 * 429 here would be a bug, not the limit doing its job). Every client cycles through:
 * datasets list, series connection, forecast of one series, forecast of a group (weekly; in the
 * demo data a group — one product description — holds one series), featureImportance, backtest,
 * trainingRuns. The forecast of the total of all 550 series is timed alone, not in the mix: it
 * takes seconds (see the figures), and 200 clients asking for it would measure only that.
 *
 * The server runs as a separate process from the sources (tsx, NODE_ENV=production: no
 * introspection, no stack traces, all limits on). autocannon drives the load from this process,
 * on the same machine.
 *
 * Run: `nice -n 10 npx tsx bench/load.ts`
 *   BENCH_DURATION=60 BENCH_CLIENTS=200 BENCH_DBS=sqlite,postgres BENCH_TIMEOUT_S=30 (per request)
 *   BENCH_PG_URL (default TEST_PG_URL, else postgres://postgres@127.0.0.1:5432/postgres): a fresh
 *   database is created on that cluster for the run and dropped after it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { DatabaseConfig } from '../api/config/env.js';
import { createApiKeysRepository } from '../api/db/api-keys.repository.js';
import { createKnex } from '../api/db/knex.js';
import { ensureDemoData } from '../api/demo.js';
import { createLogger } from '../api/log.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = process.env;
const DURATION = Number(env['BENCH_DURATION'] ?? 60);
const CLIENTS = Number(env['BENCH_CLIENTS'] ?? 200);
const DBS = (env['BENCH_DBS'] ?? 'sqlite,postgres').split(',').map((s) => s.trim());
const PG_URL = env['BENCH_PG_URL'] ?? env['TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TIMEOUT_S = Number(env['BENCH_TIMEOUT_S'] ?? 30);
const SERIES = '85123A';
/** The demo data's one attribute is the product description: a group is the series of one. */
const GROUP = 'description=WHITE HANGING HEART T-LIGHT HOLDER';
/** Not in the mix (see the header): the total of all 550 series, timed alone. */
const TOTAL = op(
  'forecast of the total of all series',
  'query($d: ID!) { forecast(datasetId: $d, groupBy: "all", bucket: WEEK) { seriesCount points { date actual p10 p50 p90 complete } } }',
  {},
);

interface Server {
  readonly url: string;
  readonly child: ChildProcess;
}

async function startServer(db: DatabaseConfig): Promise<Server> {
  const url = db.client === 'pg' ? db.connectionString : db.filename;
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/robustness/support/serve.ts', '--db', url], {
    cwd: root,
    env: { ...env, NODE_ENV: 'production', LOG_LEVEL: 'warn', TSX_TSCONFIG_PATH: 'api/tsconfig.json' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const announced = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        resolve((JSON.parse(line) as { url: string }).url);
      } catch {
        // not the start-up line
      }
    });
  });
  return { url: announced, child };
}

async function gql<T>(url: string, auth: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: auth },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data as T;
}

async function trainedRun(url: string, auth: string, datasetId: string): Promise<string> {
  const { startTrainingRun } = await gql<{ startTrainingRun: { id: string } }>(
    url,
    auth,
    'mutation($d: ID!) { startTrainingRun(input: { datasetId: $d, horizon: 28, model: SNAIVE }) { id } }',
    { d: datasetId },
  );
  const end = Date.now() + 900_000;
  for (;;) {
    const { trainingRun } = await gql<{ trainingRun: { status: string; error: string | null } }>(
      url,
      auth,
      'query($id: ID!) { trainingRun(id: $id) { status error } }',
      { id: startTrainingRun.id },
    );
    if (trainingRun.status === 'SUCCEEDED') return startTrainingRun.id;
    if (['FAILED', 'CANCELLED'].includes(trainingRun.status))
      throw new Error(`run ${trainingRun.status}: ${trainingRun.error}`);
    if (Date.now() > end) throw new Error(`run still ${trainingRun.status}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function op(name: string, query: string, variables: Record<string, unknown>): { name: string; body: string } {
  return { name, body: JSON.stringify({ query, variables }) };
}

/** The mixed operations, as each client cycles through them. */
function operations(datasetId: string, runId: string): Array<{ name: string; body: string }> {
  return [
    op('datasets', '{ datasets(first: 20) { totalCount nodes { id name frequency seriesCount rowCount } } }', {}),
    op(
      'series',
      'query($d: ID!) { series(datasetId: $d, first: 20) { totalCount nodes { id lastDate valueCount } pageInfo { endCursor hasNextPage } } }',
      { d: datasetId },
    ),
    op(
      'forecast by series',
      'query($d: ID!, $s: String) { forecast(datasetId: $d, seriesId: $s) { forecastStart points { date actual p10 p50 p90 } } }',
      { d: datasetId, s: SERIES },
    ),
    op(
      'forecast by group',
      'query($d: ID!, $g: String) { forecast(datasetId: $d, groupBy: $g, bucket: WEEK) { seriesCount points { date actual p10 p50 p90 complete } } }',
      { d: datasetId, g: GROUP },
    ),
    op('featureImportance', 'query($r: ID!) { featureImportance(runId: $r) { feature label importance rank } }', {
      r: runId,
    }),
    op(
      'backtest',
      'query($r: ID!) { backtest(runId: $r) { horizon models { model baseline chosen mase } seasonalNaive { model mase } } }',
      { r: runId },
    ),
    op(
      'trainingRuns',
      'query($d: ID) { trainingRuns(datasetId: $d, first: 10) { totalCount nodes { id status model horizon progress { fraction } } } }',
      { d: datasetId },
    ),
  ];
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

interface Figures {
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly errors: Map<string, number>;
}

async function measure(url: string, keys: readonly string[], ops: ReturnType<typeof operations>): Promise<Figures> {
  const times: number[] = [];
  const errors = new Map<string, number>();
  const count = (kind: string) => errors.set(kind, (errors.get(kind) ?? 0) + 1);
  let nextKey = 0;
  const started = Date.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}/graphql`,
        connections: CLIENTS,
        duration: DURATION,
        // A request slower than this counts as a timeout (autocannon's default is 10 s; on a
        // loaded 2-core machine 200 clients queue longer than that on SQLite's one connection).
        timeout: TIMEOUT_S,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        requests: ops.map((o) => ({
          method: 'POST' as const,
          body: o.body,
          // Each connection is one client with its own key (autocannon's context is per connection).
          setupRequest: (req: autocannon.Request, context: object): autocannon.Request => {
            const c = context as { authorization?: string };
            c.authorization ??= keys[nextKey++ % keys.length]!;
            return { ...req, headers: { 'content-type': 'application/json', authorization: c.authorization } };
          },
          onResponse: (status: number, body: string) => {
            if (status !== 200) {
              count(`HTTP ${status}`);
              return;
            }
            if (body.includes('"errors"')) {
              try {
                const parsed = JSON.parse(body) as { errors?: Array<{ extensions?: { code?: string } }> };
                for (const e of parsed.errors ?? []) count(`${o.name}: ${e.extensions?.code ?? 'no code'}`);
              } catch {
                count('unparsable body');
              }
            }
          },
        })),
      },
      (err, r) => (err ? reject(err) : resolve(r)),
    );
    instance.on('response', (_client, _status, _bytes, ms) => times.push(ms));
  });
  const seconds = (Date.now() - started) / 1000;
  if (result.errors > 0) errors.set('transport errors', result.errors);
  if (result.timeouts > 0) errors.set(`timeouts (> ${TIMEOUT_S} s)`, result.timeouts);
  times.sort((a, b) => a - b);
  return {
    requests: times.length,
    rps: times.length / seconds,
    p50: percentile(times, 0.5),
    p95: percentile(times, 0.95),
    p99: percentile(times, 0.99),
    max: times.at(-1) ?? Number.NaN,
    errors,
  };
}

async function database(kind: string): Promise<{ config: DatabaseConfig; drop: () => Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'fq-bench-load-'));
    return {
      config: { client: 'sqlite', filename: join(dir, 'load.sqlite') },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `fq_load_${randomBytes(4).toString('hex')}`;
  const admin = createKnex({ client: 'pg', connectionString: PG_URL });
  await admin.raw(`CREATE DATABASE ${name}`);
  await admin.destroy();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    config: { client: 'pg', connectionString: url.toString() },
    drop: async () => {
      const a = createKnex({ client: 'pg', connectionString: PG_URL });
      await a.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.destroy();
    },
  };
}

const fmt = (n: number) => n.toFixed(1);

for (const kind of DBS) {
  const db = await database(kind);
  let server: Server | undefined;
  try {
    const knex = createKnex(db.config);
    const demo = await ensureDemoData(knex, createLogger('warn'));
    const keysRepo = createApiKeysRepository(knex);
    const keys: string[] = [];
    for (let i = 0; i < CLIENTS; i++) keys.push(`Bearer ${(await keysRepo.create(demo.tenantId, `load-${i}`)).secret}`);
    await knex.destroy();
    server = await startServer(db.config);
    const datasetId = String(demo.datasetId);
    const runId = await trainedRun(server.url, keys[0]!, datasetId);
    const ops = operations(datasetId, runId);
    // Warm-up (JIT, caches, key lookups), not measured: every client's key is used once first
    // (a key's first use of the minute writes its last_used_at), as on a server in use.
    for (const key of keys) await gql(server.url, key, '{ datasets { totalCount } }');
    const alone: string[] = [];
    const total = { ...TOTAL, body: JSON.stringify({ ...JSON.parse(TOTAL.body), variables: { d: datasetId } }) };
    for (const o of [...ops, total]) {
      const { query, variables } = JSON.parse(o.body) as { query: string; variables: Record<string, unknown> };
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await gql(server.url, keys[i % keys.length]!, query, variables);
        if (i === 4) alone.push(`${o.name} ${fmt(performance.now() - t0)} ms`);
      }
    }
    const load0 = loadavg();
    const f = await measure(server.url, keys, ops);
    const load1 = loadavg();
    const alive = server.child.exitCode === null;
    console.log(
      `\nLoad bench, ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${new Date().toISOString().slice(0, 16)} UTC: ${CLIENTS} clients (one API key each, default rate limit 1200/60 s per key), ${DURATION} s, mixed queries (${ops.map((o) => o.name).join(', ')}), demo data 550 series + a SNAIVE run`,
    );
    console.log(
      `  throughput ${fmt(f.rps)} req/s (${f.requests} requests); latency p50 ${fmt(f.p50)} ms, p95 ${fmt(f.p95)} ms, p99 ${fmt(f.p99)} ms, max ${fmt(f.max)} ms`,
    );
    console.log(`  one request alone, warm: ${alone.join(', ')}`);
    console.log(
      `  errors: ${f.errors.size === 0 ? 'none' : [...f.errors].map(([k, n]) => `${k} × ${n}`).join('; ')}; server ${alive ? 'still up' : 'DIED'}`,
    );
    console.log(
      `  load average (1/5/15 min): before ${load0.map((x) => x.toFixed(2)).join(' ')}, after ${load1.map((x) => x.toFixed(2)).join(' ')} (2 cores shared with other sessions)`,
    );
  } finally {
    server?.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    await db.drop();
  }
}
