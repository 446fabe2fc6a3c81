/**
 * The API side of the PostgreSQL job queue: a started run becomes a pg-boss job carrying its id;
 * a cancel ends a QUEUED run and its waiting job at once, and flags a RUNNING run for the worker
 * that holds it (the worker sees the flag at its next heartbeat and aborts the training thread).
 * API instances keep no run state of their own, so any number of them can serve.
 */
import type { Knex } from 'knex';
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { QueueConfig } from '../config/env.js';
import { createRunQueueStore, RunStatus, type TrainingRunRecord } from '../db/runs.repository.js';
import type { RunQueue } from '../app/ports.js';
import { RunLifecycle } from '../app/runs/run-lifecycle.js';
import { jobOptions, TRAINING_QUEUE, type TrainingJobData } from './boss.js';
import { notifyRunUpdated } from './notify.js';

export class PgRunQueue implements RunQueue {
  readonly maxAttempts: number;

  constructor(
    private readonly boss: PgBoss,
    private readonly knex: Knex,
    private readonly queue: QueueConfig,
    private readonly logger: Logger,
  ) {
    this.maxAttempts = queue.maxAttempts;
  }

  async submit(run: TrainingRunRecord): Promise<void> {
    const data: TrainingJobData = { runId: run.id, tenantId: run.tenantId };
    const jobId = await this.boss.send(TRAINING_QUEUE, data, jobOptions(this.queue, run.maxAttempts));
    if (!jobId) throw new Error(`the job queue refused run ${run.id}`);
    await createRunQueueStore(this.knex).queueSetJob(run.id, jobId);
    this.logger.info({ runId: run.id, jobId }, 'training run queued');
  }

  async cancel(tenantId: number, runId: number): Promise<TrainingRunRecord | undefined> {
    const after = await new RunLifecycle(createRunQueueStore(this.knex), this.logger).requestCancel(tenantId, runId);
    if (after?.status === RunStatus.CANCELLED && after.jobId) {
      await this.boss.cancel(TRAINING_QUEUE, after.jobId).catch((e: unknown) => {
        this.logger.warn({ err: e, runId }, 'could not cancel the queued job (the worker will skip it)');
      });
    }
    await notifyRunUpdated(this.knex, tenantId, runId);
    return after;
  }
}
