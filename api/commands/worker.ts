/**
 * `forecastql worker --db postgres://…`: a training worker of the PostgreSQL job queue
 * (ARCHITECTURE §7, README "Scaling out"). Run as many as the machines allow, against the same
 * database as the API instances; each takes queued runs, trains them in worker threads, writes
 * progress and heartbeats to the run, and retries the runs of workers that died. SIGINT/SIGTERM
 * stop it: its unfinished runs go back to the queue for another worker.
 */
import type { Command } from 'commander';
import { loadConfig, loadQueueConfig, parseDatabaseUrl, type QueueConfig } from '../config/env.js';
import { createKnex } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import { InvalidConfigurationError } from '../errors/index.js';
import { createLogger } from '../log.js';
import { QueueWorker } from '../queue/worker.js';
import { stopOnSignals } from './shutdown.js';

export interface WorkerOptions {
  readonly db?: string;
  readonly concurrency?: string;
}

export function workerQueueConfig(options: WorkerOptions, base: QueueConfig = loadQueueConfig()): QueueConfig {
  if (options.concurrency === undefined) return base;
  const n = Number(options.concurrency);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new InvalidConfigurationError('--concurrency', options.concurrency, 'Use a whole number from 1 to 64.');
  }
  return { ...base, concurrency: n };
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('Train queued runs from the PostgreSQL job queue (run several, on several machines).')
    .option('--db <url>', 'PostgreSQL URL (default: DATABASE_URL)')
    .option('--concurrency <n>', 'runs trained at once by this process (default 1, FORECASTQL_WORKER_CONCURRENCY)')
    .action(async (options: WorkerOptions) => {
      const base = loadConfig();
      const database = options.db ? parseDatabaseUrl(options.db, '--db') : base.database;
      if (database.client !== 'pg') {
        throw new InvalidConfigurationError(
          options.db ? '--db' : 'DATABASE_URL',
          options.db ?? (database.client === 'sqlite' ? database.filename : ''),
          'The worker needs PostgreSQL: give --db postgres://USER@HOST:PORT/DATABASE. With SQLite, `forecastql serve` trains runs itself.',
        );
      }
      const queue = workerQueueConfig(options);
      const logger = createLogger(base.logLevel);
      const knex = createKnex(database);
      const { applied } = await migrateLatest(knex);
      if (applied.length > 0) logger.info({ applied }, 'database migrated');
      const worker = new QueueWorker({
        knex,
        connectionString: database.connectionString,
        logger,
        queue,
        backend: base.backend,
      });
      await worker.start();
      process.stderr.write(
        `ForecastQL worker ${worker.workerId} is taking training runs (concurrency ${queue.concurrency}).\n`,
      );
      stopOnSignals({
        message: 'stopping the worker; its unfinished runs go back to the queue…',
        stop: () => worker.stop(),
        knex,
        logger,
      });
    });
}
