/**
 * `forecastql train --dataset NAME [--model auto|mlp|…] [--horizon H] [--epochs N] [--seed S]`:
 * queues a training run and executes it in this process (a worker thread, as the server does),
 * with progress on stderr, then prints the outcome and the backtest against the baselines.
 * Ctrl-C cancels the run. Exits non-zero when the run does not succeed.
 */
import type { Command } from 'commander';
import { loadConfig, parseDatabaseUrl, type Config } from '../config/env.js';
import { RunStatus } from '../app/ports.js';
import { Role } from '../app/scope.js';
import { createKnex } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import { DomainError, ErrorCode, InvalidConfigurationError } from '../errors/index.js';
import { MODEL_KINDS, type Frequency } from '../forecasting/types.js';
import { createCoreFor, createDataPorts } from '../plugin/core.js';
import { createLogger } from '../log.js';
import { createRunEventBus } from '../training/events.js';
import { showRunProgress } from '../training/progress-bar.js';
import { TrainingRunner } from '../training/runner.js';
import { cliTenantId, TENANT_FLAG, TENANT_HELP } from './tenant-option.js';

/** Horizon when none is given: four weeks, a quarter, a year. */
export const DEFAULT_HORIZON: Readonly<Record<Frequency, number>> = { D: 28, W: 13, M: 12 };

export interface TrainOptions {
  readonly dataset: string;
  readonly model?: string;
  readonly horizon?: string;
  readonly epochs?: string;
  readonly seed?: string;
  readonly quantiles?: string;
  readonly origins?: string;
  readonly db?: string;
  readonly tenant?: string;
}

function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidConfigurationError(flag, value, 'Use a whole number.');
  return n;
}

export function commandConfig(db: string | undefined): Config {
  const base = loadConfig();
  return db ? { ...base, database: parseDatabaseUrl(db, '--db') } : base;
}

export function register(program: Command): void {
  program
    .command('train')
    .description('Train a forecasting model on a dataset and store its forecasts (progress on stderr).')
    .requiredOption('--dataset <name>', 'dataset name')
    .option('--model <kind>', MODEL_KINDS.join('|'), 'auto')
    .option('--horizon <h>', 'steps ahead (default: 28 days, 13 weeks or 12 months)')
    .option('--epochs <n>', 'training epochs of deep models')
    .option('--seed <s>', 'random seed (same seed and data, same forecast)', '0')
    .option('--quantiles <list>', 'comma-separated levels in (0, 1), e.g. 0.1,0.5,0.9')
    .option('--origins <k>', 'rolling-origin validation windows')
    .option('--db <url>', 'database: postgres://… or a SQLite file')
    .option(TENANT_FLAG, TENANT_HELP)
    .action(async (options: TrainOptions) => {
      const config = commandConfig(options.db);
      const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
      const knex = createKnex(config.database);
      try {
        await migrateLatest(knex);
        const ports = createDataPorts(knex);
        const tenantId = await cliTenantId(knex, options.tenant);
        const bus = createRunEventBus();
        const runner = new TrainingRunner({
          knex,
          database: config.database,
          logger,
          bus,
          backend: config.backend,
          frequencyOf: async (t, d) => (await ports.datasets.get(t, d))?.frequency,
        });
        // The same use-cases as GraphQL's startTrainingRun, as the tenant's admin.
        const core = createCoreFor(ports, { queue: runner, bus, maxHorizon: config.maxHorizon });
        const services = core.servicesFor({ tenantId, role: Role.ADMIN, datasetIds: null });
        const dataset = await services.datasets.requireByName(tenantId, options.dataset);
        const quantiles = options.quantiles?.split(',').map((q) => Number(q.trim()));
        const run = await services.runs.start(tenantId, dataset, {
          datasetId: String(dataset.id),
          horizon: wholeNumber('--horizon', options.horizon) ?? DEFAULT_HORIZON[dataset.frequency],
          model: options.model ?? 'auto',
          seed: wholeNumber('--seed', options.seed) ?? 0,
          epochs: wholeNumber('--epochs', options.epochs) ?? null,
          origins: wholeNumber('--origins', options.origins) ?? null,
          quantiles: quantiles ?? null,
        });
        const updates = await services.runs.follow(tenantId, String(run.id));
        const onSigint = () => void runner.cancel(tenantId, run.id);
        process.once('SIGINT', onSigint);
        await runner.start();
        const end = await showRunProgress(updates, `Training "${dataset.name}"`);
        process.removeListener('SIGINT', onSigint);
        await runner.stop();
        if (end.status !== RunStatus.SUCCEEDED) {
          throw new DomainError(
            ErrorCode.FORECAST_FAILED,
            `run ${end.id} ended ${end.status}: ${end.error ?? 'no reason given'}`,
          );
        }
        const scores = await services.stores.metrics.forRuns(tenantId, [end.id]);
        const lines = [
          `run ${end.id} SUCCEEDED: model ${end.chosenModel}, ${end.horizon} steps ahead, backend ${end.backend ?? '?'}`,
          'backtest (lower is better):  model  MASE  wQL  coverage80',
          ...scores.map(
            (s) =>
              `  ${s.isChosen ? '*' : ' '} ${s.model.padEnd(24)} ${s.metrics.mase?.toFixed(3) ?? '—'}  ${s.metrics.wql?.toFixed(3) ?? '—'}  ${s.metrics.coverage80?.toFixed(2) ?? '—'}`,
          ),
          ...end.warnings.map((w) => `warning: ${w}`),
          `forecasts: forecastql forecast --dataset "${dataset.name}"${options.tenant === undefined ? '' : ` --tenant ${options.tenant}`} --out forecast.csv`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        await knex.destroy();
      }
    });
}
