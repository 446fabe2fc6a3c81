/**
 * A training worker of the PostgreSQL job queue (`forecastql worker`, or inside `serve` on
 * PostgreSQL unless `--no-worker`). It takes `training-run` jobs from pg-boss, claims the run
 * (attempts + 1), trains it in a worker thread as the embedded mode does (TrainingRunner.execute),
 * and on every heartbeat: writes its runs' heartbeats, aborts a run whose cancel was asked for,
 * gives up a run another attempt took over, and hands the jobs of workers that went silent (killed,
 * partitioned) back to the queue for a retry. Failed attempts are retried with backoff until the
 * run's max attempts; an attempt saves results only while it owns the run (results.ts). Every
 * status it writes goes through the one run state machine (api/app/runs/run-lifecycle.ts).
 */
import type { Knex } from 'knex';
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { BackendPreference, QueueConfig } from '../config/env.js';
import { createDatasetsRepository } from '../db/datasets.repository.js';
import { createRunQueueStore, RunStatus } from '../db/runs.repository.js';
import type { RunQueueStore } from '../app/ports.js';
import { createRunEventBus } from '../training/events.js';
import { TrainingRunner } from '../training/runner.js';
import { startBoss, TRAINING_QUEUE, type TrainingJobData } from './boss.js';
import { notifyRunUpdated } from './notify.js';

export interface QueueWorkerOptions {
  readonly knex: Knex;
  readonly connectionString: string;
  readonly logger: Logger;
  readonly queue: QueueConfig;
  readonly backend?: BackendPreference;
  /** How often an idle worker asks for a job (seconds, at least 0.5; default 2). */
  readonly pollSeconds?: number;
  /** Least time between two progress writes of a run (ms, default 500). */
  readonly progressIntervalMs?: number;
  /** Test hook: see RunJob.pipelineModule. */
  readonly pipelineModule?: string;
}

export class QueueWorker {
  private boss: PgBoss | undefined;
  private readonly runner: TrainingRunner;
  private readonly runs: RunQueueStore;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private readonly handling = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(private readonly options: QueueWorkerOptions) {
    const { knex } = options;
    this.runs = createRunQueueStore(knex);
    const datasets = createDatasetsRepository(knex);
    this.runner = new TrainingRunner({
      knex,
      database: { client: 'pg', connectionString: options.connectionString },
      logger: options.logger,
      bus: createRunEventBus(),
      backend: options.backend ?? 'auto',
      concurrency: options.queue.concurrency,
      progressIntervalMs: options.progressIntervalMs ?? 500,
      ...(options.queue.threadHeapMb ? { threadHeapMb: options.queue.threadHeapMb } : {}),
      frequencyOf: async (tenantId, datasetId) => (await datasets.get(tenantId, datasetId))?.frequency,
      ...(options.pipelineModule ? { pipelineModule: options.pipelineModule } : {}),
      publish: (tenantId, runId) => notifyRunUpdated(knex, tenantId, runId),
    });
  }

  /** `host:pid:startMs`, recorded on the runs this worker trains. */
  get workerId(): string {
    return this.runner.workerId;
  }

  async start(): Promise<void> {
    const o = this.options;
    await this.runner.start({ poll: false });
    this.boss = await startBoss({
      connectionString: o.connectionString,
      logger: o.logger,
      supervise: true,
      queue: o.queue,
    });
    for (let i = 0; i < o.queue.concurrency; i++) {
      await this.boss.work<TrainingJobData>(
        TRAINING_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: Math.max(0.5, o.pollSeconds ?? 2) },
        async ([job]) => {
          if (!job) return;
          const handled = this.handle(job);
          this.handling.add(handled);
          try {
            await handled;
          } finally {
            this.handling.delete(handled);
          }
        },
      );
    }
    this.timer = setInterval(() => {
      this.ticking ??= this.tick()
        .catch((e: unknown) => o.logger.error({ err: e }, 'worker heartbeat failed'))
        .finally(() => {
          this.ticking = undefined;
        });
    }, o.queue.heartbeatMs);
    o.logger.info({ workerId: this.workerId, concurrency: o.queue.concurrency }, 'training worker started');
  }

  /** One job: claim the run, train it, and throw when the attempt failed and a retry is due. */
  private async handle(job: PgBoss.Job<TrainingJobData>): Promise<void> {
    const log = this.options.logger;
    if (this.stopping) throw new Error('the worker is shutting down; another worker takes the job');
    const run = await this.runner.lifecycle.claim(job.data.tenantId, job.data.runId, this.workerId, job.id);
    if (!run) {
      log.info({ runId: job.data.runId }, 'training job skipped: its run ended or was cancelled');
      return;
    }
    log.info({ runId: run.id, attempt: run.attempts, maxAttempts: run.maxAttempts }, 'training run claimed');
    await this.runner.execute(run);
    const after = await this.runs.get(run.tenantId, run.id);
    if (after?.status === RunStatus.QUEUED && after.attempts === run.attempts) {
      // pg-boss retries the job after its backoff; the run row already says why.
      throw new Error(after.error ?? `attempt ${run.attempts} failed`);
    }
  }

  /** Heartbeats, cancels and ownership of this worker's runs; then the runs of silent workers. */
  private async tick(): Promise<void> {
    const { knex, queue, logger } = this.options;
    const ids = this.runner.activeRunIds();
    if (ids.length > 0) {
      const mine: number[] = [];
      for (const r of await this.runs.queueOwners(ids)) {
        if (r.workerId !== this.workerId || r.status === RunStatus.QUEUED) {
          // Another attempt owns the run now (or a sweeper put it back in the queue).
          this.runner.abandon(r.id);
        } else if (r.status === RunStatus.RUNNING) {
          mine.push(r.id);
          if (r.cancelRequested) await this.runner.cancel(r.tenantId, r.id);
        }
      }
      await this.runner.lifecycle.heartbeat(mine);
    }
    const before = new Date(Date.now() - queue.staleAfterSeconds * 1000);
    for (const run of await this.runs.queueStale(before)) {
      if (ids.includes(run.id) || !run.jobId) continue;
      const silent = `worker ${run.workerId ?? '?'} stopped sending heartbeats for ${queue.staleAfterSeconds} s`;
      const moved = await this.runner.lifecycle.loseLease(run, silent);
      if (!moved) continue; // another worker handled it first
      logger.warn({ runId: run.id, attempt: run.attempts, workerId: run.workerId }, 'training run lost its worker');
      await this.boss?.fail(TRAINING_QUEUE, run.jobId, { message: silent });
      await notifyRunUpdated(knex, run.tenantId, run.id);
    }
  }

  /** Takes no new job, ends running attempts (they are retried elsewhere), and closes the queue. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.boss?.offWork(TRAINING_QUEUE);
    await this.runner.stop();
    await Promise.allSettled(this.handling);
    await this.ticking;
    await this.boss?.stop({ graceful: true, wait: true, timeout: 5000 });
  }
}
