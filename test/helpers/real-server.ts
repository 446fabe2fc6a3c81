/**
 * A real ForecastQL server for a test suite: a temp SQLite file, migrated; a small deterministic
 * dataset imported through the real import path (`importCsv`); the real HTTP server (`startServer`,
 * in a child process, on a free port) and a training run started through the `startTrainingRun` mutation
 * and followed over HTTP until SUCCEEDED.
 *
 * The dataset: 4 daily series (2 stores × 2 categories) over 2 years, with a weekday pattern, a
 * yearly wave, a `promo` covariate (known in advance: it is given for the horizon too) that lifts
 * sales, and `store`/`category` attributes. Values are a pure function of (series, day), so the
 * tests can compare what a widget draws with {@link RealServer.actuals}.
 *
 * Auth: the child creates an admin API key of the `default` tenant (`token`, also what `graphql`
 * sends, so the training-runs widget may start and cancel runs) and mints a read-only embed token
 * for the dataset (`embedToken`, what a shop page would carry).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ModelKind } from '../../api/forecasting/types.js';

export interface SeriesSpec {
  readonly id: string;
  readonly store: string;
  readonly category: string;
  readonly level: number;
}

/** The seeded series, in import order. */
export const REAL_SERIES: readonly SeriesSpec[] = [
  { id: 'S1_FOODS', store: 'S1', category: 'FOODS', level: 40 },
  { id: 'S1_TOYS', store: 'S1', category: 'TOYS', level: 12 },
  { id: 'S2_FOODS', store: 'S2', category: 'FOODS', level: 25 },
  { id: 'S2_TOYS', store: 'S2', category: 'TOYS', level: 8 },
];

export const REAL_FIRST_DATE = '2024-01-01';
export const REAL_HISTORY_DAYS = 730;
export const REAL_HORIZON = 28;
export const REAL_DATASET_NAME = 'browser-test-shop';

const DAY_MS = 86_400_000;
const WEEKDAY_FACTOR = [1.35, 0.8, 0.85, 0.9, 1.0, 1.25, 1.5] as const;

function isoDay(index: number): string {
  return new Date(Date.parse(`${REAL_FIRST_DATE}T00:00:00Z`) + index * DAY_MS).toISOString().slice(0, 10);
}

/** Deterministic noise in [-1, 1) from (series, day). */
function noise(seriesIndex: number, day: number): number {
  let h = (seriesIndex + 1) * 374_761_393 + day * 668_265_263;
  h = Math.imul(h ^ (h >>> 13), 1_274_126_177);
  h ^= h >>> 16;
  return ((h >>> 0) % 2000) / 1000 - 1;
}

/** 1 on promotion days: one week in every five, shifted per series. */
export function promoOn(seriesIndex: number, day: number): number {
  return Math.floor((day + seriesIndex * 9) / 7) % 5 === 0 ? 1 : 0;
}

/** Units sold by series `seriesIndex` on day `day` (0 = REAL_FIRST_DATE). */
export function unitsSold(seriesIndex: number, day: number): number {
  const s = REAL_SERIES[seriesIndex]!;
  const weekday = new Date(Date.parse(`${REAL_FIRST_DATE}T00:00:00Z`) + day * DAY_MS).getUTCDay();
  const yearly = 1 + 0.25 * Math.sin((2 * Math.PI * day) / 365.25);
  const lift = promoOn(seriesIndex, day) ? 1.6 : 1;
  return Math.max(
    0,
    Math.round(s.level * WEEKDAY_FACTOR[weekday]! * yearly * lift * (1 + 0.1 * noise(seriesIndex, day))),
  );
}

/** The long CSV: history rows with values, then the horizon's rows with only the promo plan. */
export function realDatasetCsv(): string {
  const lines = ['series_id,date,value,promo,store,category'];
  REAL_SERIES.forEach((s, i) => {
    for (let day = 0; day < REAL_HISTORY_DAYS + REAL_HORIZON; day++) {
      const value = day < REAL_HISTORY_DAYS ? String(unitsSold(i, day)) : '';
      lines.push(`${s.id},${isoDay(day)},${value},${promoOn(i, day)},${s.store},${s.category}`);
    }
  });
  return `${lines.join('\n')}\n`;
}

export interface RealServer {
  /** Base URL of the server, e.g. http://127.0.0.1:41234 (GraphQL at `${url}/graphql`). */
  readonly url: string;
  readonly graphqlUrl: string;
  /** An admin API key (`fq_…`) of the tenant that owns the dataset. */
  readonly token: string;
  /** A read-only embed token for the dataset (1 h). */
  readonly embedToken: string;
  readonly datasetId: string;
  readonly seriesIds: readonly string[];
  /** The SUCCEEDED training run. */
  readonly runId: string;
  readonly chosenModel: string;
  /** Imported actuals per series id, as `{ date, value }` in date order. */
  readonly actuals: ReadonlyMap<string, readonly { date: string; value: number }[]>;
  /** What the server wrote to stderr so far (its warn-level log; also copied to this process's stderr). */
  stderr(): string;
  /** POSTs a GraphQL operation; throws on HTTP or GraphQL errors. */
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

export interface RealServerOptions {
  /** Model of the seeded run (default `snaive`: fast and deterministic). */
  readonly model?: ModelKind;
  readonly epochs?: number;
  /** Milliseconds to wait for the run to succeed (default 120 s). */
  readonly trainTimeoutMs?: number;
  /** Serve the demo page at `/` for the dataset, as `serve --demo` does (with its embed token). */
  readonly demo?: boolean;
  /** FORECASTQL_CORS_ORIGINS of the server (default: none). */
  readonly corsOrigins?: readonly string[];
}

async function postGraphQL<T>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (!response.ok || body.errors?.length)
    throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
  return body.data as T;
}

const SELF = fileURLToPath(import.meta.url);
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Child mode (`node --import tsx test/helpers/real-server.ts --child DB_FILE`, with
 * TSX_TSCONFIG_PATH=api/tsconfig.json because type-graphql needs legacy decorators, which the root
 * tsconfig that `npm test` reads does not enable): migrate, import the dataset with `importCsv`,
 * start the server on a free port, print `{"url", "datasetId"}` and serve until SIGTERM or until
 * stdin ends (the parent died).
 */
async function runChild(file: string, demo: boolean): Promise<void> {
  const { loadConfig, parseDatabaseUrl } = await import('../../api/config/env.js');
  const { createKnex } = await import('../../api/db/knex.js');
  const { migrateLatest } = await import('../../api/db/migrate.js');
  const { createTenantsRepository } = await import('../../api/db/tenants.repository.js');
  const { createApiKeysRepository } = await import('../../api/db/api-keys.repository.js');
  const { importCsv } = await import('../../api/plugin/import.js');
  const { startServer } = await import('../../api/server.js');
  const { pino } = await import('pino');
  const database = parseDatabaseUrl(file);
  const config = {
    ...loadConfig({ FORECASTQL_CORS_ORIGINS: process.env['FQ_REAL_SERVER_CORS_ORIGINS'] ?? '' }),
    nodeEnv: 'test' as const,
    host: '127.0.0.1',
    database,
    backend: 'cpu' as const,
    logLevel: 'silent' as const,
  };
  const knex = createKnex(database);
  await migrateLatest(knex);
  const tenantId = await createTenantsRepository(knex).defaultTenantId();
  const imported = await importCsv(knex, {
    tenantId,
    dataset: { name: REAL_DATASET_NAME },
    input: Buffer.from(realDatasetCsv(), 'utf8'),
    frequency: 'D',
  });
  const server = await startServer({
    config,
    knex,
    logger: pino({ level: 'warn' }, process.stderr),
    port: 0,
    runner: { pollIntervalMs: 100, progressIntervalMs: 100 },
    ...(demo ? { demo: true, demoDatasetId: imported.datasetId, demoTenantId: tenantId } : {}),
  });
  const { secret: key } = await createApiKeysRepository(knex).create(tenantId, 'browser tests');
  const { token: embedToken } = await server.app.embedTokens.issue({
    tenantId,
    datasetIds: [imported.datasetId],
    ttlSeconds: 3600,
  });
  process.stdout.write(
    `${JSON.stringify({ url: server.url, datasetId: String(imported.datasetId), key, embedToken })}\n`,
  );
  let closing = false;
  const shutdown = (removeDatabase: boolean): void => {
    if (closing) return;
    closing = true;
    void server
      .close()
      .then(() => knex.destroy())
      .then(() => {
        if (removeDatabase) rmSync(dirname(file), { recursive: true, force: true });
        process.exit(0);
      });
  };
  process.once('SIGTERM', () => shutdown(false));
  // The parent holds stdin open: when it dies without stop(), neither the server nor its file outlives it.
  process.stdin.once('end', () => shutdown(true));
  process.stdin.resume();
}

if (process.argv[1] === SELF && process.argv[2] === '--child')
  await runChild(process.argv[3]!, process.argv[4] === '--demo');

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts a seeded, trained real server (a child process; see {@link runChild}), then trains it
 * through the `startTrainingRun` mutation and polls `trainingRun` until SUCCEEDED. Call `stop()`
 * in `after`.
 */
export async function startRealServer(options: RealServerOptions = {}): Promise<RealServer> {
  const dir = mkdtempSync(join(tmpdir(), 'fq-real-server-'));
  const childArgs = [SELF, '--child', join(dir, 'forecastql.sqlite'), ...(options.demo ? ['--demo'] : [])];
  const child = spawn(process.execPath, ['--import', 'tsx', ...childArgs], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: 'api/tsconfig.json',
      FORECASTQL_BACKEND: 'cpu',
      FQ_REAL_SERVER_CORS_ORIGINS: (options.corsOrigins ?? []).join(','),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderrText = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderrText += chunk.toString('utf8');
    process.stderr.write(chunk);
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = waitForExit(child);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    type Ready = { url: string; datasetId: string; key: string; embedToken: string };
    const ready = await new Promise<Ready>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.once('line', (line) => resolve(JSON.parse(line) as Ready));
      child.once('exit', (code) => reject(new Error(`the real server exited (${code}) before it was ready`)));
      child.once('error', reject);
    });
    const graphqlUrl = `${ready.url}/graphql`;
    const graphql = <T>(query: string, variables?: Record<string, unknown>) =>
      postGraphQL<T>(graphqlUrl, ready.key, query, variables);
    const datasetId = ready.datasetId;
    const started = await graphql<{ startTrainingRun: { id: string } }>(
      `
        mutation Seed($input: StartTrainingRunInput!) {
          startTrainingRun(input: $input) {
            id
          }
        }
      `,
      {
        input: {
          datasetId,
          horizon: REAL_HORIZON,
          model: (options.model ?? 'snaive').toUpperCase(),
          seed: 1,
          ...(options.epochs ? { epochs: options.epochs } : {}),
        },
      },
    );
    const runId = started.startTrainingRun.id;
    const deadline = Date.now() + (options.trainTimeoutMs ?? 120_000);
    let run: { status: string; chosenModel: string | null; error: string | null } | undefined;
    for (;;) {
      run = (
        await graphql<{ trainingRun: { status: string; chosenModel: string | null; error: string | null } }>(
          `
            query SeedRun($id: ID!) {
              trainingRun(id: $id) {
                status
                chosenModel
                error
              }
            }
          `,
          { id: runId },
        )
      ).trainingRun;
      if (run.status === 'SUCCEEDED') break;
      if (['FAILED', 'CANCELLED'].includes(run.status))
        throw new Error(`the seed training run ${runId} ended ${run.status}: ${run.error ?? 'no error given'}`);
      if (Date.now() > deadline) throw new Error(`the seed training run ${runId} is still ${run.status}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const actuals = new Map(
      REAL_SERIES.map((s, i) => [
        s.id,
        Array.from({ length: REAL_HISTORY_DAYS }, (_, day) => ({ date: isoDay(day), value: unitsSold(i, day) })),
      ]),
    );
    return {
      url: ready.url,
      graphqlUrl,
      token: ready.key,
      embedToken: ready.embedToken,
      datasetId,
      seriesIds: REAL_SERIES.map((s) => s.id),
      runId,
      chosenModel: run.chosenModel ?? '',
      actuals,
      stderr: () => stderrText,
      graphql,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
