/**
 * The PostgreSQL job queue (pg-boss, in its own `pgboss` schema): one queue, `training-run`, whose
 * jobs carry a run id. The `training_runs` row stays the source of truth for status, progress,
 * attempts and cancel; the job only decides which worker trains the run next, and when a failed
 * attempt is retried (retryLimit = maxAttempts − 1, exponential backoff from retryDelay).
 */
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { QueueConfig } from '../config/env.js';
import { PG_CONNECT_TIMEOUT_MS } from '../db/knex.js';

export const TRAINING_QUEUE = 'training-run';

export interface TrainingJobData {
  readonly runId: number;
  readonly tenantId: number;
}

export interface BossOptions {
  readonly connectionString: string;
  readonly logger: Logger;
  /** Run pg-boss maintenance (expiring jobs of dead workers, archiving); workers do, API instances need not. */
  readonly supervise: boolean;
  readonly queue: QueueConfig;
  /**
   * Run pg-boss's cron (its timekeeper): serving processes do, for the data sources' schedule tick
   * (queue/source-schedule.ts); workers need not. One process at a time evaluates the cron.
   */
  readonly schedules?: boolean;
}

/** Starts pg-boss (creating or migrating its schema) and makes sure the training queue exists. */
export async function startBoss(options: BossOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: options.connectionString,
    application_name: 'forecastql',
    max: 4,
    // pg-boss hands its options on to pg's pool (not in its types): an unanswered connection
    // attempt is given up and its socket closed.
    ...({ connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS } as object),
    supervise: options.supervise,
    schedule: options.schedules === true,
    // Look at the cron every 10 s (default 30) and move due cron jobs every 2 s (default 5): a
    // minute's tick arrives within about 15 s of the minute.
    cronMonitorIntervalSeconds: 10,
    cronWorkerIntervalSeconds: 2,
    maintenanceIntervalSeconds: Math.max(1, Math.min(60, Math.round(options.queue.staleAfterSeconds))),
  });
  boss.on('error', (e: Error) => options.logger.error({ err: e }, 'job queue error'));
  await boss.start();
  if (!(await boss.getQueue(TRAINING_QUEUE))) {
    try {
      await boss.createQueue(TRAINING_QUEUE, { name: TRAINING_QUEUE, policy: 'standard' });
    } catch (e) {
      // Another process created it at the same moment.
      if (!(await boss.getQueue(TRAINING_QUEUE))) throw e;
    }
  }
  return boss;
}

/** Job options of a run's job: its retries follow the run's max attempts. */
export function jobOptions(queue: QueueConfig, maxAttempts: number): PgBoss.SendOptions {
  return {
    retryLimit: Math.max(0, maxAttempts - 1),
    retryDelay: queue.retryDelaySeconds,
    retryBackoff: queue.retryDelaySeconds > 0,
    expireInSeconds: queue.expireSeconds,
  };
}
