/**
 * The training runner of the embedded mode: a queue in the `training_runs` table, drained by this
 * process into worker threads (one run at a time by default: the machine's cores are better spent
 * on one run's batches than on several runs fighting). It persists progress (throttled), pushes
 * every persisted change to the run event bus, cancels mid-epoch, and at start-up fails the runs
 * that a dead process left RUNNING, so none stays running forever.
 */
import { safeErrorText } from '../errors/internal-text.js';
import { hostname } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { DatabaseConfig } from '../config/env.js';
import type { BackendPreference } from '../config/env.js';
import type { Frequency, ModelKind } from '../forecasting/types.js';
import { createRunQueueStore, RunStatus, type TrainingRunRecord } from '../db/runs.repository.js';
import type { RunQueueStore } from '../app/ports.js';
import { RunLifecycle } from '../app/runs/run-lifecycle.js';
import { OUT_OF_MEMORY, type RunOutcome } from '../app/runs/run-state.js';
import { RUN_UPDATED, type RunEventBus } from './events.js';
import type { ProgressMessage, RunJob, RunnerToWorker, WorkerToRunner } from './protocol.js';

export interface TrainingRunnerOptions {
  readonly knex: Knex;
  readonly database: DatabaseConfig;
  readonly logger: Logger;
  readonly bus: RunEventBus;
  readonly backend?: BackendPreference;
  /** Runs trained at once (default 1). */
  readonly concurrency?: number;
  /** How often the queue is polled for runs queued by another process (ms, default 2000). */
  readonly pollIntervalMs?: number;
  /** Least time between two progress writes of a run (ms, default 500). */
  readonly progressIntervalMs?: number;
  /** How long a cancelled worker gets to stop by itself before it is terminated (ms, default 3000). */
  readonly cancelGraceMs?: number;
  /** A RUNNING run of another host whose heartbeat is older than this is failed (ms, default 120000). */
  readonly staleAfterMs?: number;
  /** Frequency of the dataset a run trains on (from the datasets repository). */
  readonly frequencyOf: (tenantId: number, datasetId: number) => Promise<Frequency | undefined>;
  /** See RunJob.pipelineModule. */
  readonly pipelineModule?: string;
  /** Heap limit of a run's thread (MB; default: V8's). A run above it ends FAILED, OUT_OF_MEMORY. */
  readonly threadHeapMb?: number;
  /** Announces a changed run (default: read it and publish it on `bus`). */
  readonly publish?: (tenantId: number, runId: number) => Promise<void>;
}

/** How a run's thread ended, as the runner saw it (the run state machine's vocabulary). */
export type { RunOutcome };
export { OUT_OF_MEMORY };

/** The lifecycle of one run inside this process. */
type ActiveRunState =
  | { readonly phase: 'training' }
  | { readonly phase: 'cancelling'; readonly timer: NodeJS.Timeout }
  | { readonly phase: 'persisting' }
  | { readonly phase: 'abandoned' };

interface ActiveRun {
  readonly run: TrainingRunRecord;
  readonly worker: Worker;
  state: ActiveRunState;
  lastWrite: number;
  pending: ProgressMessage | undefined;
  trailing: NodeJS.Timeout | undefined;
  done: Promise<RunOutcome>;
}

export const RECOVERY_REASON =
  'The server stopped (it exited or was killed) while this run was training, so it did not finish. Start a new run.';

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './worker-thread.ts' : './worker-thread.js', import.meta.url);

/**
 * Starts a run's thread. From dist/ it is the compiled worker; from source (tests under tsx), the
 * thread first registers tsx, whose loader hooks a new thread does not inherit.
 */
function spawnWorker(job: RunJob, heapMb: number | undefined): Worker {
  const options = {
    workerData: job,
    ...(heapMb ? { resourceLimits: { maxOldGenerationSizeMb: heapMb } } : {}),
  };
  if (!FROM_SOURCE) return new Worker(WORKER_URL, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(WORKER_URL.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), options);
}

/** `host:pid:startMs`: who owns a RUNNING run. */
function makeWorkerId(): string {
  return `${hostname()}:${process.pid}:${Date.now()}`;
}

function ownerIsDead(workerId: string | null, self: string): boolean {
  if (!workerId) return true;
  if (workerId === self) return false;
  const [host, pidText] = workerId.split(':');
  if (host !== hostname()) return false;
  const pid = Number(pidText);
  if (pid === process.pid) return true; // an earlier runner of this very process
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export class TrainingRunner {
  readonly workerId = makeWorkerId();
  private readonly runs: RunQueueStore;
  /** Every status this runner writes goes through the one run state machine. */
  readonly lifecycle: RunLifecycle;
  private readonly active = new Map<number, ActiveRun>();
  private pollTimer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private stopped = true;
  /** False for a job-queue worker: runs come through `execute`, never from polling the table. */
  private polling = true;

  constructor(private readonly options: TrainingRunnerOptions) {
    this.runs = createRunQueueStore(options.knex);
    this.lifecycle = new RunLifecycle(this.runs, options.logger);
  }

  /**
   * Recovers runs of dead processes, then starts draining the queue. With `poll: false` (a
   * job-queue worker) it only gets ready for `execute`.
   */
  async start(options: { readonly poll?: boolean } = {}): Promise<void> {
    if (options.poll === false) {
      this.polling = false;
      this.stopped = false;
      return;
    }
    await this.recover();
    this.stopped = false;
    this.pollTimer = setInterval(() => {
      this.wake();
      void this.sweepStale();
    }, this.options.pollIntervalMs ?? 2000);
    this.pollTimer.unref();
    this.wake();
  }

  /** Fails RUNNING runs whose owner is dead (this host) or silent for too long (other hosts). */
  async recover(): Promise<TrainingRunRecord[]> {
    const failed: TrainingRunRecord[] = [];
    const staleBefore = Date.now() - (this.options.staleAfterMs ?? 120_000);
    for (const run of await this.runs.queueRunning()) {
      // A run of the PostgreSQL job queue is retried by its workers, not failed here.
      if (this.active.has(run.id) || run.jobId) continue;
      const silent = (run.heartbeatAt?.getTime() ?? 0) < staleBefore;
      if (ownerIsDead(run.workerId, this.workerId) || silent) {
        if (await this.lifecycle.recoverDead(run, RECOVERY_REASON)) {
          this.options.logger.warn(
            { runId: run.id, workerId: run.workerId },
            'training run left RUNNING by a dead process: FAILED',
          );
          await this.publish(run.tenantId, run.id);
          failed.push(run);
        }
      }
    }
    return failed;
  }

  private async sweepStale(): Promise<void> {
    try {
      await this.recover();
    } catch (e) {
      this.options.logger.error({ err: e }, 'recovery sweep failed');
    }
  }

  /** Looks at the queue now (after a run was queued). */
  wake(): void {
    if (this.stopped || !this.polling || this.draining) return;
    this.draining = this.drain()
      .catch((e: unknown) => this.options.logger.error({ err: e }, 'training queue failed'))
      .finally(() => {
        this.draining = undefined;
      });
  }

  private async drain(): Promise<void> {
    const limit = this.options.concurrency ?? 1;
    while (!this.stopped && this.active.size < limit) {
      const run = await this.runs.queueClaimNext(this.workerId);
      if (!run) return;
      await this.launch(run);
    }
  }

  /**
   * Trains a run that a job queue already claimed (RUNNING for this worker); resolves once its end
   * is settled. The queue worker uses this instead of `start()`'s table polling.
   */
  async execute(run: TrainingRunRecord): Promise<RunOutcome> {
    if (this.stopped) return { kind: 'crashed', message: 'The worker is shutting down.' };
    await this.launch(run);
    const active = this.active.get(run.id);
    return active ? active.done : { kind: 'crashed', message: 'the run did not start' };
  }

  /** Run ids training in this process now. */
  activeRunIds(): number[] {
    return [...this.active.keys()];
  }

  /** Stops a run this process no longer owns (another attempt does): its thread ends, nothing is written. */
  abandon(runId: number): void {
    const active = this.active.get(runId);
    if (!active || active.state.phase === 'abandoned') return;
    if (active.state.phase === 'cancelling') clearTimeout(active.state.timer);
    active.state = { phase: 'abandoned' };
    void active.worker.terminate();
  }

  private async launch(run: TrainingRunRecord): Promise<void> {
    const o = this.options;
    const config = run.config as { origins?: number };
    const job: RunJob = {
      runId: run.id,
      tenantId: run.tenantId,
      datasetId: run.datasetId,
      frequency: await o.frequencyOf(run.tenantId, run.datasetId),
      database: o.database,
      backend: o.backend ?? 'auto',
      options: {
        model: run.model as ModelKind,
        horizon: run.horizon,
        quantiles: run.quantiles,
        epochs: run.epochs ?? undefined,
        seed: run.seed,
        origins: config.origins,
      },
      pipelineModule: o.pipelineModule,
      attempt: run.attempts,
    };
    o.logger.info({ runId: run.id, model: run.model, horizon: run.horizon }, 'training run started');
    await this.publish(run.tenantId, run.id);
    const worker = spawnWorker(job, o.threadHeapMb);
    let resolveDone!: (outcome: RunOutcome) => void;
    const active: ActiveRun = {
      run,
      worker,
      state: { phase: 'training' },
      lastWrite: 0,
      pending: undefined,
      trailing: undefined,
      done: new Promise<RunOutcome>((r) => (resolveDone = r)),
    };
    this.active.set(run.id, active);
    let outcome: WorkerToRunner | undefined;
    worker.on('message', (m: WorkerToRunner) => {
      if (m.type === 'progress') this.onProgress(active, m.progress);
      else if (m.type === 'backend') void this.runs.queueSetBackend(run.tenantId, run.id, m.backend);
      else if (m.type === 'persisting') {
        if (active.state.phase === 'abandoned') return;
        if (active.state.phase === 'cancelling') clearTimeout(active.state.timer);
        active.state = { phase: 'persisting' };
        // From here the worker holds the write lock (SQLite) and saves the last progress itself,
        // in its results transaction: a write from this thread would only wait on that lock,
        // blocking the event loop.
        if (active.trailing) clearTimeout(active.trailing);
        active.trailing = undefined;
        active.pending = undefined;
      } else outcome = m;
    });
    worker.on('error', (e) => {
      outcome ??=
        (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? {
              type: 'failed',
              message: `Training ran out of memory: the training thread needed more than its heap limit (${o.threadHeapMb ? `${o.threadHeapMb} MB` : "V8's default"}). Give workers more (FORECASTQL_WORKER_HEAP_MB) or split the dataset (e.g. one per store).`,
              code: OUT_OF_MEMORY,
            }
          : { type: 'failed', message: `Training failed: ${safeErrorText(e.message)}`, code: 'FORECAST_FAILED' };
    });
    worker.on('exit', () => {
      let settled: RunOutcome = { kind: 'crashed', message: 'the run could not be settled' };
      void this.settle(active, outcome)
        .then((ended) => {
          settled = ended;
        })
        .catch((e: unknown) => o.logger.error({ err: e, runId: run.id }, 'could not save the end of a training run'))
        .finally(() => {
          this.active.delete(run.id);
          resolveDone(settled);
          this.wake();
        });
    });
  }

  private onProgress(active: ActiveRun, progress: ProgressMessage): void {
    if (active.state.phase === 'persisting' || active.state.phase === 'abandoned') return;
    active.pending = { ...active.pending, ...progress };
    const interval = this.options.progressIntervalMs ?? 500;
    const wait = active.lastWrite + interval - Date.now();
    if (wait <= 0) {
      void this.flushProgress(active);
    } else if (!active.trailing) {
      active.trailing = setTimeout(() => void this.flushProgress(active), wait);
    }
  }

  private async flushProgress(active: ActiveRun): Promise<void> {
    if (active.trailing) clearTimeout(active.trailing);
    active.trailing = undefined;
    const p = active.pending;
    if (!p) return;
    active.pending = undefined;
    active.lastWrite = Date.now();
    try {
      await this.lifecycle.progress(active.run.tenantId, active.run.id, p);
      await this.publish(active.run.tenantId, active.run.id);
    } catch (e) {
      this.options.logger.warn({ err: e, runId: active.run.id }, 'could not save training progress');
    }
  }

  private async settle(active: ActiveRun, message: WorkerToRunner | undefined): Promise<RunOutcome> {
    const { run } = active;
    if (active.trailing) clearTimeout(active.trailing);
    if (active.state.phase === 'cancelling') clearTimeout(active.state.timer);
    const outcome = this.outcomeOf(active, message);
    await this.lifecycle.settle(run, outcome);
    if (outcome.kind !== 'abandoned') await this.publish(run.tenantId, run.id);
    return outcome;
  }

  private outcomeOf(active: ActiveRun, message: WorkerToRunner | undefined): RunOutcome {
    if (active.state.phase === 'abandoned') return { kind: 'abandoned' };
    if (message?.type === 'succeeded') return { kind: 'succeeded' };
    if (message?.type === 'failed') return { kind: 'failed', message: message.message, code: message.code };
    if (message?.type === 'cancelled' || active.state.phase === 'cancelling') return { kind: 'cancelled' };
    return this.stopped
      ? { kind: 'crashed', message: 'The server shut down while this run was training. Start a new run.' }
      : { kind: 'crashed', message: 'The training worker stopped without a result.' };
  }

  /** Cancels a run: QUEUED ends at once; RUNNING is aborted mid-epoch (terminated if it does not stop). */
  async cancel(tenantId: number, runId: number): Promise<TrainingRunRecord | undefined> {
    const after = await this.lifecycle.requestCancel(tenantId, runId);
    const active = this.active.get(runId);
    if (active && active.run.tenantId === tenantId && active.state.phase === 'training') {
      // A worker_threads port, not window.postMessage: there is no target origin.
      // oxlint-disable-next-line unicorn/require-post-message-target-origin
      active.worker.postMessage({ type: 'cancel' } satisfies RunnerToWorker);
      const timer = setTimeout(() => void active.worker.terminate(), this.options.cancelGraceMs ?? 3000);
      active.state = { phase: 'cancelling', timer };
    } else if (after?.status === RunStatus.CANCELLED) {
      await this.publish(tenantId, runId);
    }
    return after;
  }

  /** Resolves when the run (if it is active in this process) has ended and its status is saved. */
  async whenSettled(runId: number): Promise<void> {
    await this.active.get(runId)?.done;
  }

  /** The embedded queue needs only a nudge: the run is already a QUEUED row. */
  async submit(): Promise<void> {
    this.wake();
  }

  /** Stops polling and ends active runs (they end FAILED with a shutdown reason). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    await this.draining;
    const active = [...this.active.values()];
    for (const a of active) {
      if (a.state.phase !== 'persisting' && a.state.phase !== 'abandoned') void a.worker.terminate();
    }
    await Promise.all(active.map((a) => a.done));
  }

  private async publish(tenantId: number, runId: number): Promise<void> {
    if (this.options.publish) return this.options.publish(tenantId, runId);
    const run = await this.runs.get(tenantId, runId);
    if (run) this.options.bus.publish(RUN_UPDATED, runId, run);
  }
}
