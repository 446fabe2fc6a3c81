/**
 * `forecastql serve [--db URL] [--port 4000] [--demo]`: migrates the database, then serves the API
 * (GraphQL, subscriptions, health, widgets). With `--demo` it first imports the demo dataset (on
 * first start) and trains it when it has no forecast yet, showing progress in the terminal.
 * SIGINT/SIGTERM shut down gracefully.
 */
import type { Command } from 'commander';
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
import { showRunProgress } from '../training/progress-bar.js';

/** Horizon of the demo run: four weeks of the daily demo data. */
export const DEMO_HORIZON = 28;

export interface ServeOptions {
  readonly db?: string;
  readonly port?: string;
  readonly demo?: boolean;
  /** Commander's `--no-worker`: false = API only (PostgreSQL). */
  readonly worker?: boolean;
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
  const dataset = await server.app.services.datasets.require(demo.tenantId, String(demo.datasetId));
  const runs = await server.app.services.runs.list(demo.tenantId, { datasetId: dataset.id, first: 20 });
  if (runs.items.some((r) => r.status === RunStatus.SUCCEEDED)) {
    process.stderr.write(
      `Demo dataset "${dataset.name}" has forecasts already (GraphQL: forecast(datasetId: "${dataset.id}")).\n`,
    );
    return;
  }
  const underway = runs.items.find((r) => !TERMINAL_STATUSES.includes(r.status));
  const run =
    underway ??
    (await server.app.services.runs.start(demo.tenantId, dataset, {
      datasetId: String(dataset.id),
      horizon: DEMO_HORIZON,
    }));
  process.stderr.write(
    `Training the demo dataset "${dataset.name}" (${dataset.seriesCount} series, ${DEMO_HORIZON} days ahead, run ${run.id}); the API serves meanwhile.\n`,
  );
  const end = await showRunProgress(
    await server.app.services.runs.follow(demo.tenantId, String(run.id)),
    'Demo training',
  );
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
    .action(async (options: ServeOptions) => {
      const config = serveConfig(options);
      const logger = createLogger(config.logLevel);
      const knex = createKnex(config.database);
      const { applied } = await migrateLatest(knex);
      if (applied.length > 0) logger.info({ applied }, 'database migrated');
      const demo = options.demo ? await ensureDemoData(knex, logger) : undefined;
      const server = await startServer({
        config,
        knex,
        logger,
        demo: Boolean(options.demo),
        demoDatasetId: demo?.datasetId,
        demoTenantId: demo?.tenantId,
        // On PostgreSQL runs go through the job queue; this process trains too unless --no-worker.
        ...(config.database.client === 'pg'
          ? { jobQueue: { config: loadQueueConfig(), worker: options.worker !== false } }
          : {}),
      });
      process.stderr.write(
        `ForecastQL is serving on ${server.url}\n  GraphQL   ${server.url}/graphql\n  health    ${server.url}/healthz\n  demo page ${server.url}/\n`,
      );
      if (demo) {
        // The demo's admin key: valid until the next `serve --demo` (which revokes it).
        const key = await renewDemoAdminKey(knex, demo.tenantId);
        process.stderr.write(
          `  admin key ${key}\n            (tenant "default"; send it as \`Authorization: Bearer <key>\`; revoked by the next --demo start.\n             The demo page carries its own read-only embed token.)\n`,
        );
      }
      stopOnSignals({ message: 'shutting down…', stop: () => server.close(), knex, logger });
      if (demo) {
        trainDemo(server, logger, demo).catch((e: unknown) =>
          logger.error({ err: e }, 'demo training failed to start'),
        );
      }
    });
}
