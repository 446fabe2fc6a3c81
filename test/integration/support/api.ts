/**
 * In-process API for integration suites: the real schema, services and training runner over a
 * test database, driven with Apollo's `executeOperation` (STYLE 15).
 */
import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import { pino } from 'pino';
import type { Config, DatabaseConfig } from '../../../api/config/env.js';
import { loadConfig } from '../../../api/config/env.js';
import { migrateLatest } from '../../../api/db/migrate.js';
import { createGraphQLApp, type GraphQLApp } from '../../../api/plugin/graphql-app.js';
import type { Alerting, AlertingOptions } from '../../../api/plugin/alerts.js';
import { createDataPorts } from '../../../api/plugin/core.js';
import { createRunEventBus, type RunEventBus } from '../../../api/training/events.js';
import { withRunSuccessChecks } from '../../../api/app/alerts/run-success.js';
import { TrainingRunner } from '../../../api/training/runner.js';
import { createAdminKey, type TestKey } from '../../helpers/auth.js';

export const STAND_IN_PIPELINE = new URL('./stand-in-pipeline.ts', import.meta.url).href;

export interface TestApi {
  readonly app: GraphQLApp;
  readonly runner: TrainingRunner;
  /** The run event bus the runner publishes on (wrapped as the server wraps it: successes are checked for alerts). */
  readonly bus: RunEventBus;
  /** Alerts and webhooks of this database (its dispatcher runs while the API is open). */
  readonly alerting: Alerting;
  readonly tenantId: number;
  /** The admin key `exec` sends (the default tenant's). */
  readonly adminKey: TestKey;
  /** Runs an operation as whoever `headers` authenticate (e.g. another tenant's key, an embed token). */
  execAs<T = Record<string, unknown>>(
    headers: Readonly<Record<string, string>>,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{
    data: T | null | undefined;
    errors: readonly { message: string; extensions?: Record<string, unknown> }[] | undefined;
  }>;
  /** Runs an operation; returns data and errors of the single result. */
  exec<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{
    data: T | null | undefined;
    errors: readonly { message: string; extensions?: Record<string, unknown> }[] | undefined;
  }>;
  /** Runs an operation that must succeed. */
  ok<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Runs an operation that must fail; returns the first error's code and message. */
  fails(query: string, variables?: Record<string, unknown>): Promise<{ code: unknown; message: string }>;
  close(): Promise<void>;
}

export interface TestApiOptions {
  readonly pipelineModule?: string;
  readonly config?: Partial<Config>;
  /**
   * Webhook settings: by default tests may call private addresses (their receivers listen on
   * 127.0.0.1) and retry after 20 ms; the product refuses private addresses by default.
   */
  readonly alerting?: AlertingOptions;
}

export async function createTestApi(
  knex: Knex,
  database: DatabaseConfig,
  options: TestApiOptions = {},
): Promise<TestApi> {
  await migrateLatest(knex);
  const config: Config = { ...loadConfig({}), nodeEnv: 'test', database, backend: 'cpu', ...options.config };
  const logger = pino({ level: 'silent' });
  const ports = createDataPorts(knex, {
    alerting: options.alerting ?? {
      webhooks: { allowPrivate: true, backoffMs: 20, pollMs: 20, timeoutMs: 15_000 },
      onError: (e) => logger.error({ err: e }, 'alerting'),
    },
  });
  // As the server composes it: a SUCCEEDED run is checked for alerts.
  const bus = withRunSuccessChecks(createRunEventBus(), ports.alerting.arrivals);
  const runner = new TrainingRunner({
    knex,
    database,
    logger,
    bus,
    backend: 'cpu',
    pollIntervalMs: 200,
    progressIntervalMs: 50,
    cancelGraceMs: 2000,
    frequencyOf: async (t, d) => (await ports.datasets.get(t, d))?.frequency,
    ...(options.pipelineModule ? { pipelineModule: options.pipelineModule } : {}),
  });
  const app = await createGraphQLApp({ config, knex, logger, bus, queue: runner, ...ports });
  await runner.start();
  ports.alerting.dispatcher.start();
  const adminKey = await createAdminKey(knex);
  const tenantId = adminKey.tenantId;
  const execAs: TestApi['execAs'] = async (headers, query, variables) => {
    const response = await app.apollo.executeOperation(
      { query, ...(variables ? { variables } : {}) },
      { contextValue: await app.context(headers) },
    );
    assert.equal(response.body.kind, 'single');
    const r = (response.body as { singleResult: { data?: unknown; errors?: unknown } }).singleResult;
    // Plain objects (graphql-js builds null-prototype ones), as a client would see them.
    return JSON.parse(JSON.stringify({ data: r.data, errors: r.errors })) as never;
  };
  const exec: TestApi['exec'] = (query, variables) => execAs(adminKey.headers, query, variables);
  return {
    app,
    runner,
    bus,
    alerting: ports.alerting,
    tenantId,
    adminKey,
    execAs,
    exec,
    async ok(query, variables) {
      const r = await exec(query, variables);
      assert.equal(r.errors, undefined, `unexpected errors: ${JSON.stringify(r.errors)}`);
      return r.data as never;
    },
    async fails(query, variables) {
      const r = await exec(query, variables);
      assert.ok(r.errors && r.errors.length > 0, `expected an error, got data ${JSON.stringify(r.data)}`);
      return { code: r.errors[0]!.extensions?.['code'], message: r.errors[0]!.message };
    },
    async close() {
      await ports.alerting.dispatcher.stop();
      await runner.stop();
      await ports.alerting.arrivals.idle();
      await app.stop();
    },
  };
}

/**
 * Starts a run of a dataset (`input`: the rest of StartTrainingRunInput, as GraphQL text) and
 * waits until it SUCCEEDED and the runner has settled its worker; returns the run id.
 */
export async function trainToSuccess(
  api: TestApi,
  datasetId: string,
  input = 'horizon: 7, epochs: 1',
  timeoutMs = 60_000,
): Promise<string> {
  const { startTrainingRun } = await api.ok<{ startTrainingRun: { id: string } }>(
    `mutation { startTrainingRun(input: { datasetId: "${datasetId}", ${input} }) { id } }`,
  );
  const runId = startTrainingRun.id;
  await waitFor(
    async () => {
      const { trainingRun } = await api.ok<{ trainingRun: { status: string } }>(
        `{ trainingRun(id: "${runId}") { status } }`,
      );
      assert.ok(!['FAILED', 'CANCELLED'].includes(trainingRun.status), trainingRun.status);
      return trainingRun.status === 'SUCCEEDED' ? true : undefined;
    },
    timeoutMs,
    `run ${runId} to succeed`,
  );
  // SUCCEEDED is visible before the runner has settled the worker's exit; a quick suite would
  // otherwise close the database under that last write.
  await api.runner.whenSettled(Number(runId));
  return runId;
}

/** Waits until `check` returns a value (polling), or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Tiny long-format CSV: `n` daily series over `days` days, weekly pattern, a `store` attribute. */
export function tinyCsv(n = 4, days = 60, start = '2024-01-01'): string {
  const lines = ['series_id,date,value,price,store'];
  const t0 = Date.parse(`${start}T00:00:00Z`);
  for (let s = 0; s < n; s++) {
    for (let d = 0; d < days; d++) {
      const date = new Date(t0 + d * 86_400_000).toISOString().slice(0, 10);
      const weekly = [3, 4, 5, 6, 9, 12, 7][d % 7]!;
      const value = weekly * (s + 1) + ((d * 7 + s * 3) % 5);
      lines.push(`item-${s},${date},${value},${(1 + s / 10).toFixed(2)},${s % 2 === 0 ? 'north' : 'south'}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
