/**
 * `forecastql serve [--db URL] [--port 4000] [--demo]`: migrates the database, then serves the API
 * (GraphQL, subscriptions, health, widgets). With `--demo` it first imports the demo dataset (on
 * first start) and trains it when it has no forecast yet, showing progress in the terminal.
 * SIGINT/SIGTERM shut down gracefully.
 */
import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import type { Knex } from 'knex';
import { renewDemoAdminKey } from '../auth/demo-key.js';
import { loadConfig, loadQueueConfig, parseDatabaseUrl, type Config } from '../config/env.js';
import { createKnex } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import { ensureDemoData } from '../demo.js';
import { InvalidConfigurationError } from '../errors/index.js';
import { createLogger, type Logger } from '../log.js';
import { startServer, type RunningServer } from '../server.js';
import { stopOnSignals } from './shutdown.js';
import { RunStatus, TERMINAL_STATUSES } from '../db/runs.repository.js';
import { Role } from '../app/scope.js';
import { showRunProgress } from '../training/progress-bar.js';
import { createRunEventBus } from '../training/events.js';
import {
  announceListening,
  broadcastRun,
  forwardingBus,
  PrimaryRunQueue,
  relayRunEvents,
  resolveProcesses,
  startPrimary,
  workerConfig,
} from './cluster.js';

/** Horizon of the demo run: four weeks of the daily demo data. */
export const DEMO_HORIZON = 28;

export interface ServeOptions {
  readonly db?: string;
  readonly port?: string;
  readonly demo?: boolean;
  /** Commander's `--no-worker`: false = API only (PostgreSQL). */
  readonly worker?: boolean;
  /** HTTP processes sharing the port (api/commands/cluster.ts). */
  readonly processes?: string;
}

export function serveConfig(options: ServeOptions, base: Config = loadConfig()): Config {
  let port = base.port;
  if (options.port !== undefined) {
    port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new InvalidConfigurationError('--port', options.port, 'Use a whole number from 0 to 65535.');
    }
  }
  return { ...base, port, ...(options.db ? { database: parseDatabaseUrl(options.db, '--db') } : {}) };
}

/** Starts a training run of the demo dataset when it has neither a forecast nor a run under way. */
async function trainDemo(
  server: RunningServer,
  logger: Logger,
  demo: { tenantId: number; datasetId: number },
): Promise<void> {
  const demoServices = server.app.core.servicesFor({ tenantId: demo.tenantId, role: Role.ADMIN, datasetIds: null });
  const dataset = await demoServices.datasets.require(demo.tenantId, String(demo.datasetId));
  const runs = await demoServices.runs.list(demo.tenantId, { datasetId: dataset.id, first: 20 });
  if (runs.items.some((r) => r.status === RunStatus.SUCCEEDED)) {
    process.stderr.write(
      `Demo dataset "${dataset.name}" has forecasts already (GraphQL: forecast(datasetId: "${dataset.id}")).\n`,
    );
    return;
  }
  const underway = runs.items.find((r) => !TERMINAL_STATUSES.includes(r.status));
  const run =
    underway ??
    (await demoServices.runs.start(demo.tenantId, dataset, {
      datasetId: String(dataset.id),
      horizon: DEMO_HORIZON,
    }));
  process.stderr.write(
    `Training the demo dataset "${dataset.name}" (${dataset.seriesCount} series, ${DEMO_HORIZON} days ahead, run ${run.id}); the API serves meanwhile.\n`,
  );
  const end = await showRunProgress(await demoServices.runs.follow(demo.tenantId, String(run.id)), 'Demo training');
  if (end.status === RunStatus.SUCCEEDED)
    process.stderr.write(`Demo forecasts are ready (model: ${end.chosenModel}).\n`);
  else logger.warn({ runId: end.id, status: end.status, error: end.error }, 'demo training did not succeed');
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('Serve the GraphQL API, subscriptions, widgets and health check.')
    .option('--db <url>', 'database: postgres://… or a SQLite file (default: ./forecastql.sqlite)')
    .option('--port <port>', 'port to listen on (default 4000)')
    .option('--demo', 'import and train the demo dataset on first start')
    .option('--no-worker', 'PostgreSQL: only queue training runs; `forecastql worker` processes train them')
    .option(
      '--processes <n>',
      'HTTP processes sharing the port (default 1, or FORECASTQL_PROCESSES); a primary process trains',
    )
    .action(async (options: ServeOptions) => {
      const processes = resolveProcesses(options.processes);
      if (processes > 1 && cluster.isWorker) return serveHttpProcess(options, processes);
      const config = serveConfig(options);
      const logger = createLogger(config.logLevel);
      const knex = createKnex(config.database);
      const { applied } = await migrateLatest(knex);
      if (applied.length > 0) logger.info({ applied }, 'database migrated');
      const demo = options.demo ? await ensureDemoData(knex, logger) : undefined;
      if (processes > 1) return servePrimary(options, processes, { config, knex, logger, demo });
      let server: RunningServer;
      try {
        server = await startServer({
          config,
          knex,
          logger,
          demo: Boolean(options.demo),
          demoDatasetId: demo?.datasetId,
          demoTenantId: demo?.tenantId,
          ...jobQueueOf(config, options.worker !== false),
        });
      } catch (e) {
        // Cannot listen (port in use): release the database so the process exits non-zero.
        await knex.destroy();
        throw e;
      }
      await announce(server.url, knex, demo);
      stopOnSignals({ message: 'shutting down…', stop: () => server.close(), knex, logger });
      if (demo) {
        trainDemo(server, logger, demo).catch((e: unknown) =>
          logger.error({ err: e }, 'demo training failed to start'),
        );
      }
    });
}

/**
 * On PostgreSQL runs go through the job queue; `worker`: this process also trains queued runs
 * (not with --no-worker, nor in an HTTP process of --processes). SQLite: the embedded runner.
 */
function jobQueueOf(config: Config, worker: boolean) {
  return config.database.client === 'pg' ? { jobQueue: { config: loadQueueConfig(), worker } } : {};
}

type Demo = { readonly tenantId: number; readonly datasetId: number } | undefined;

/** The start-up banner: where the server listens and, with `--demo`, a fresh admin key. */
async function announce(url: string, knex: Knex, demo: Demo, processes = 1): Promise<void> {
  const across = processes > 1 ? ` (${processes} HTTP processes and a training process)` : '';
  process.stderr.write(
    `ForecastQL is serving on ${url}${across}\n  GraphQL   ${url}/graphql\n  health    ${url}/healthz\n  demo page ${url}/\n`,
  );
  if (demo) {
    // The demo's admin key: valid until the next `serve --demo` (which revokes it).
    const key = await renewDemoAdminKey(knex, demo.tenantId);
    process.stderr.write(
      `  admin key ${key}\n            (tenant "default"; send it as \`Authorization: Bearer <key>\`; revoked by the next --demo start.\n             The demo page carries its own read-only embed token.)\n`,
    );
  }
}

const DEMO_ENV = { dataset: 'FORECASTQL_CLUSTER_DEMO_DATASET', tenant: 'FORECASTQL_CLUSTER_DEMO_TENANT' } as const;

/** `--processes N`, the primary: trains (and runs the demo), forks the HTTP processes. */
async function servePrimary(
  options: ServeOptions,
  processes: number,
  ctx: { config: Config; knex: Knex; logger: Logger; demo: Demo },
): Promise<void> {
  const { knex, logger, demo } = ctx;
  let { config } = ctx;
  const sqlite = config.database.client === 'sqlite';
  // Every process must verify the embed tokens any of them signs: one secret for all.
  const workerEnv: Record<string, string> = {};
  if (!config.secret) {
    config = { ...config, secret: randomBytes(32).toString('base64url') };
    workerEnv['FORECASTQL_SECRET'] = config.secret!;
    logger.warn(
      'FORECASTQL_SECRET is not set: embed tokens are signed with a secret made for this start of the server and stop working when it restarts. Set FORECASTQL_SECRET (32+ characters) to keep them.',
    );
  }
  if (demo) {
    workerEnv[DEMO_ENV.dataset] = String(demo.datasetId);
    workerEnv[DEMO_ENV.tenant] = String(demo.tenantId);
  }
  // Run events of the training process go to every HTTP process's subscriptions (SQLite; on
  // PostgreSQL the HTTP processes LISTEN themselves).
  const bus = sqlite ? forwardingBus(createRunEventBus(), broadcastRun) : createRunEventBus();
  const server = await startServer({
    config,
    knex,
    logger,
    cluster: { role: 'training', bus },
    ...jobQueueOf(config, options.worker !== false),
  });
  const url = await new Promise<string>((resolve) => {
    const primary = startPrimary({
      processes,
      logger,
      ...(sqlite ? { runner: server.runner } : {}),
      onListening: resolve,
      onFatal: (e) => {
        logger.fatal({ err: e }, 'cannot serve');
        void primary.stop().finally(() => process.exit(1));
      },
      workerEnv,
    });
    stopOnSignals({
      message: 'shutting down…',
      stop: async () => {
        await primary.stop();
        await server.close();
      },
      knex,
      logger,
    });
  });
  await announce(url, knex, demo, processes);
  if (demo) {
    trainDemo(server, logger, demo).catch((e: unknown) => logger.error({ err: e }, 'demo training failed to start'));
  }
}

/** `--processes N`, one HTTP process: serves; runs are trained by the primary. */
async function serveHttpProcess(options: ServeOptions, processes: number): Promise<void> {
  const config = workerConfig(serveConfig(options), processes);
  const logger = createLogger(config.logLevel);
  const knex = createKnex(config.database);
  const sqlite = config.database.client === 'sqlite';
  const bus = createRunEventBus();
  if (sqlite) relayRunEvents(bus);
  const demoDatasetId = Number(process.env[DEMO_ENV.dataset] ?? Number.NaN);
  const demoTenantId = Number(process.env[DEMO_ENV.tenant] ?? Number.NaN);
  const demo = Number.isInteger(demoDatasetId) && Number.isInteger(demoTenantId);
  const server = await startServer({
    config,
    knex,
    logger,
    demo,
    ...(demo ? { demoDatasetId, demoTenantId } : {}),
    cluster: { role: 'http', bus, ...(sqlite ? { runQueue: new PrimaryRunQueue() } : {}) },
    ...jobQueueOf(config, false),
  });
  stopOnSignals({ message: '', stop: () => server.close(), knex, logger });
  // The primary is gone (killed): nothing would replace this process or train its runs.
  process.once('disconnect', () => {
    void server
      .close()
      .then(() => knex.destroy())
      .finally(() => process.exit(0));
  });
  announceListening(server.url);
}
