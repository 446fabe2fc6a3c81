/**
 * CPU cost of one API request (issue 4), in-process: the demo data on SQLite, one SNAIVE run, then
 * the bench's one-series forecast query (and the same values as `columns`) sent N times through
 * Apollo's HTTP entry point (`executeHTTPGraphQLRequest`: authentication, validation, execution,
 * JSON serialisation), one at a time, timed with `process.cpuUsage`. CPU ms per request is the
 * figure that carries over to a quiet machine (wall time depends on what else shares the cores).
 *
 * Run: `NODE_ENV=production TSX_TSCONFIG_PATH=api/tsconfig.json npx tsx bench/api-cpu.ts`
 * (BENCH_REQUESTS=2000; BENCH_QUERY=<document> times that one instead; NODE_ENV=production as the
 * server runs: graphql-js checks more outside it).
 * Profile of the timed loop only: BENCH_PROFILE=/tmp/api.cpuprofile (open it in Chrome DevTools).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeaderMap } from '@apollo/server';
import { loadConfig } from '../api/config/env.js';
import { createApiKeysRepository } from '../api/db/api-keys.repository.js';
import { createKnex } from '../api/db/knex.js';
import { ensureDemoData } from '../api/demo.js';
import { createLogger } from '../api/log.js';
import { startServer } from '../api/server.js';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 2000);
const SERIES = '85123A';

const dir = mkdtempSync(join(tmpdir(), 'fq-bench-api-cpu-'));
const db = join(dir, 'bench.sqlite');
const logger = createLogger('warn');
const knex = createKnex({ client: 'sqlite', filename: db });
const demo = await ensureDemoData(knex, logger); // migrates, imports the demo CSV
const { secret } = await createApiKeysRepository(knex).create(demo.tenantId, 'bench');
const auth = { authorization: `Bearer ${secret}` };
const server = await startServer({
  config: { ...loadConfig({ NODE_ENV: 'production' }), database: { client: 'sqlite', filename: db } },
  knex,
  logger,
  port: 0,
});
try {
  const datasetId = String(demo.datasetId);
  const context = await server.app.context(auth);
  const exec = async (query: string, variables: Record<string, unknown> = {}): Promise<string> => {
    const headers = new HeaderMap([
      ['content-type', 'application/json'],
      ['authorization', auth.authorization],
    ]);
    const res = await server.app.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: '', body: { query, variables } },
      context: () => server.app.context(auth),
    });
    if (res.body.kind !== 'complete') throw new Error('chunked answer');
    return res.body.string;
  };
  const started = JSON.parse(
    await exec(
      `mutation { startTrainingRun(input: { datasetId: "${datasetId}", horizon: 28, model: SNAIVE }) { id } }`,
    ),
  ) as { data: { startTrainingRun: { id: string } } };
  const runId = started.data.startTrainingRun.id;
  for (;;) {
    const run = (await context.services.stores.runs.get(context.tenantId, Number(runId)))!;
    if (run.status === 'SUCCEEDED') break;
    if (run.status === 'FAILED' || run.status === 'CANCELLED') throw new Error(`run ${run.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const variables = { d: datasetId, s: SERIES };
  const queries: Array<[string, string]> = [
    [
      'points (the contract shape)',
      'query($d: ID!, $s: String) { forecast(datasetId: $d, seriesId: $s) { points { date actual p10 p50 p90 } } }',
    ],
    [
      'columns (parallel arrays)',
      'query($d: ID!, $s: String) { forecast(datasetId: $d, seriesId: $s) { columns { dates actual p10 p50 p90 } } }',
    ],
  ];
  const only = process.env['BENCH_QUERY'];
  for (const [label, query] of only ? [['BENCH_QUERY', only] as [string, string]] : queries) {
    const sample = await exec(query, variables);
    const answered = only
      ? sample.startsWith('{"data":{') && !sample.includes('"errors":')
      : sample.includes('"forecast":{');
    if (!answered) throw new Error(`unexpected answer: ${sample.slice(0, 300)}`);
    for (let i = 0; i < 300; i++) await exec(query, variables); // warm-up: JIT, caches
    const profilePath = process.env['BENCH_PROFILE'];
    const session = profilePath ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const load0 = loadavg()[0]!;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < REQUESTS; i++) await exec(query, variables);
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    if (session && profilePath) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(profilePath, JSON.stringify(profile));
      session.disconnect();
    }
    console.log(
      `${only ? 'BENCH_QUERY' : `one-series forecast, ${label}`} (${(sample.length / 1024).toFixed(1)} KB answer), ${REQUESTS} sequential requests in-process: ` +
        `${(cpuMs / REQUESTS).toFixed(3)} CPU ms/request, ${(wall / REQUESTS).toFixed(3)} wall ms/request ` +
        `(1-min load ${load0.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after, 2 shared cores)`,
    );
  }
} finally {
  await server.close();
  await knex.destroy();
  rmSync(dir, { recursive: true, force: true });
}
