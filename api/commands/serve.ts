/**
 * `forecastql serve [--db URL] [--port 4000] [--demo]`: migrates the database, then serves the API
 * (GraphQL, subscriptions, health, widgets). With `--demo` it first imports the demo dataset (on
 * first start) and trains it when it has no forecast yet, showing progress in the terminal.
 * SIGINT/SIGTERM shut down gracefully.
 */
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { loadConfig, parseDatabaseUrl, type Config } from '../config/env.js';
import { createKnex, type Knex } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import { InvalidConfigurationError } from '../errors/index.js';
import { createLogger, type Logger } from '../log.js';
import { startServer, type RunningServer } from '../server.js';
import { RunStatus, TERMINAL_STATUSES, type TrainingRunRecord } from '../db/runs.repository.js';

/** Horizon of the demo run: four weeks of the daily demo data. */
export const DEMO_HORIZON = 28;

export interface ServeOptions {
  readonly db?: string;
  readonly port?: string;
  readonly demo?: boolean;
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

interface DemoModule {
  ensureDemoData(knex: Knex, logger: Logger): Promise<{ datasetId: number; tenantId: number } | unknown>;
}

/** Imports the demo data on first start (api/demo.ts); returns the demo dataset's id when known. */
async function ensureDemo(knex: Knex, logger: Logger): Promise<void> {
  const specifier = '../demo.js';
  const demo = (await import(specifier)) as DemoModule;
  await demo.ensureDemoData(knex, logger);
}

/** Shows a run's progress on stderr until it ends. */
export function followInTerminal(
  server: RunningServer,
  tenantId: number,
  run: TrainingRunRecord,
  label: string,
): Promise<TrainingRunRecord> {
  const bar = new SingleBar({
    format: `${label} |{bar}| {percentage}% | {status} {detail}`,
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: false,
  });
  bar.start(100, 0, { status: run.status, detail: '' });
  return (async () => {
    let last = run;
    const stream = await server.app.services.runs.follow(tenantId, String(run.id));
    for await (const update of stream) {
      last = update;
      const p = update.progress;
      const detail = [
        p.epoch !== null && p.epochs !== null ? `epoch ${p.epoch}/${p.epochs}` : (p.message ?? ''),
        p.loss !== null ? `loss ${p.loss.toFixed(4)}` : '',
      ]
        .filter(Boolean)
        .join(' | ');
      bar.update(Math.round(p.fraction * 100), { status: update.status, detail });
    }
    bar.update(last.status === RunStatus.SUCCEEDED ? 100 : Math.round(last.progress.fraction * 100), {
      status: last.status,
      detail: last.error ?? '',
    });
    bar.stop();
    return last;
  })();
}

/** Starts a training run of the demo dataset when it has neither a forecast nor a run under way. */
async function trainDemo(server: RunningServer, logger: Logger): Promise<void> {
  const ctx = await server.app.context();
  const datasets = await server.app.services.datasets.list(ctx.tenantId, 50, undefined);
  const dataset = datasets.items[0];
  if (!dataset) return;
  const runs = await server.app.services.runs.list(ctx.tenantId, { datasetId: dataset.id, first: 20 });
  if (runs.items.some((r) => r.status === RunStatus.SUCCEEDED)) {
    process.stderr.write(`Demo dataset "${dataset.name}" already has forecasts.\n`);
    return;
  }
  const underway = runs.items.find((r) => !TERMINAL_STATUSES.includes(r.status));
  const run =
    underway ??
    (await server.app.services.runs.start(ctx.tenantId, dataset, {
      datasetId: String(dataset.id),
      horizon: DEMO_HORIZON,
    }));
  process.stderr.write(
    `Training the demo dataset "${dataset.name}" (${dataset.seriesCount} series, run ${run.id}); the API serves meanwhile.\n`,
  );
  const end = await followInTerminal(server, ctx.tenantId, run, 'Demo training');
  if (end.status === RunStatus.SUCCEEDED)
    process.stderr.write(`Demo forecasts are ready (model ${end.chosenModel}).\n`);
  else logger.warn({ runId: end.id, status: end.status, error: end.error }, 'demo training did not succeed');
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('Serve the GraphQL API, subscriptions, widgets and health check.')
    .option('--db <url>', 'database: postgres://… or a SQLite file (default: ./forecastql.sqlite)')
    .option('--port <port>', 'port to listen on (default 4000)')
    .option('--demo', 'import and train the demo dataset on first start')
    .action(async (options: ServeOptions) => {
      const config = serveConfig(options);
      const logger = createLogger(config.logLevel);
      const knex = createKnex(config.database);
      const { applied } = await migrateLatest(knex);
      if (applied.length > 0) logger.info({ applied }, 'database migrated');
      if (options.demo) await ensureDemo(knex, logger);
      const server = await startServer({ config, knex, logger, demo: Boolean(options.demo) });
      process.stderr.write(
        `ForecastQL is serving on ${server.url}\n  GraphQL   ${server.url}/graphql\n  health    ${server.url}/healthz\n  demo page ${server.url}/\n`,
      );
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`\n${signal}: shutting down…\n`);
        void server
          .close()
          .then(() => knex.destroy())
          .then(() => process.exit(0))
          .catch((e: unknown) => {
            logger.error({ err: e }, 'shutdown failed');
            process.exit(1);
          });
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
      if (options.demo) {
        trainDemo(server, logger).catch((e: unknown) => logger.error({ err: e }, 'demo training failed to start'));
      }
    });
}
