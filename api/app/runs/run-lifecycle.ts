/**
 * The use-case every run transport calls to move a run (ARCHITECTURE §1 "one run state machine
 * over the embedded, cluster and PostgreSQL transports"): it asks the pure machine
 * (`run-state.ts`) what an event makes of the run and applies the answer through the
 * `RunQueueStore` port as one guarded write. The transports only say what happened — a thread
 * ended (`settle`), a worker went silent (`loseLease`), the process that held a run died
 * (`recoverDead`), a cancel was asked for (`requestCancel`), a job arrived (`claim`) — and never
 * write a status themselves. Retries follow from the run's `maxAttempts` (1 in the embedded and
 * cluster modes; the queue's retry limit + 1 on PostgreSQL), so one settle serves all three.
 */
import {
  RunStatus,
  TERMINAL_STATUSES,
  type ProgressUpdate,
  type RunQueueStore,
  type TrainingRunRecord,
} from '../ports.js';
import {
  eventOfOutcome,
  nextRunState,
  RunTransitionError,
  stateOf,
  type RunEvent,
  type RunOutcome,
  type RunTransition,
} from './run-state.js';

/** What the lifecycle logs (a pino logger fits). */
export interface RunLog {
  info(fields: Readonly<Record<string, unknown>>, message: string): void;
  warn(fields: Readonly<Record<string, unknown>>, message: string): void;
}

const SILENT: RunLog = { info: () => {}, warn: () => {} };

export class RunLifecycle {
  constructor(
    private readonly store: RunQueueStore,
    private readonly log: RunLog = SILENT,
  ) {}

  /**
   * Ends attempt `run.attempts` of a run this process trained (`run` as it was claimed) with its
   * outcome. Returns the transition written; undefined when nothing was (`abandoned`, or another
   * process moved the run first: the guarded write found it elsewhere).
   */
  async settle(run: TrainingRunRecord, outcome: RunOutcome): Promise<RunTransition | undefined> {
    const event = eventOfOutcome(outcome);
    if (!event) {
      this.log.warn({ runId: run.id, attempt: run.attempts }, 'training run given up: another attempt owns it');
      return undefined;
    }
    const t = await this.apply(run, event);
    if (t) this.logTransition(run, t, outcome.kind === 'failed' || outcome.kind === 'crashed' ? outcome.message : null);
    return t;
  }

  /** A worker went silent on `run` (its heartbeat is older than the lease): retry or fail it. */
  async loseLease(run: TrainingRunRecord, detail: string): Promise<RunTransition | undefined> {
    return this.apply(run, { kind: 'lease-lost', detail });
  }

  /** The process that held an embedded `run` is dead: the run fails with `reason`. */
  async recoverDead(run: TrainingRunRecord, reason: string): Promise<RunTransition | undefined> {
    return this.apply(run, { kind: 'owner-died', reason });
  }

  /**
   * Asks a run to stop: a QUEUED run is CANCELLED at once, a RUNNING one flagged for its worker.
   * An ended run is returned as it is (cancelling twice is not an error).
   */
  async requestCancel(tenantId: number, runId: number): Promise<TrainingRunRecord | undefined> {
    const run = await this.store.get(tenantId, runId);
    if (!run || TERMINAL_STATUSES.includes(run.status)) return run;
    nextRunState(stateOf(run), { kind: 'cancel' });
    return this.store.requestCancel(tenantId, runId);
  }

  /**
   * The job queue hands over run `runId`: claims it for one more attempt, or undefined when the
   * machine refuses (ended, or being cancelled) or another worker claimed it first.
   */
  async claim(
    tenantId: number,
    runId: number,
    workerId: string,
    jobId: string,
  ): Promise<TrainingRunRecord | undefined> {
    const run = await this.store.get(tenantId, runId);
    if (!run) return undefined;
    try {
      nextRunState(stateOf(run), { kind: 'claim' });
    } catch (e) {
      if (e instanceof RunTransitionError) return undefined;
      throw e;
    }
    return this.store.queueClaim(runId, workerId, jobId);
  }

  /** A live worker's progress (the machine's `heartbeat` with data): written while RUNNING. */
  async progress(tenantId: number, runId: number, progress: ProgressUpdate): Promise<void> {
    await this.store.updateProgress(tenantId, runId, progress);
  }

  /** Heartbeats of a worker's live runs. */
  async heartbeat(runIds: readonly number[]): Promise<void> {
    await this.store.queueHeartbeat(runIds);
  }

  /** The run could not be handed to any transport: it must not stay QUEUED. */
  async failUnqueued(run: TrainingRunRecord): Promise<RunTransition | undefined> {
    return this.apply(run, { kind: 'enqueue-failed' });
  }

  /** Computes the move (throws RunTransitionError if illegal) and writes it, guarded. */
  private async apply(run: TrainingRunRecord, event: RunEvent): Promise<RunTransition | undefined> {
    const t = nextRunState(stateOf(run), event);
    return (await this.write(run, t)) ? t : undefined;
  }

  private async write(run: TrainingRunRecord, t: RunTransition): Promise<boolean> {
    if (t.to === t.from && !t.flagCancel) return true;
    switch (t.to) {
      case RunStatus.SUCCEEDED:
        // Written by the results transaction itself (RunResultsWriter.succeedInTransaction), with
        // the same guard: a results write and a status write never disagree.
        return true;
      case RunStatus.QUEUED:
        return this.store.queueRequeue(run.id, t.attempt, t.error ?? '');
      case RunStatus.FAILED:
      case RunStatus.CANCELLED:
        return t.from === RunStatus.RUNNING && t.event !== 'owner-died'
          ? this.store.queueFinishAttempt(run.id, t.attempt, t.to, t.error ?? '')
          : this.store.finish(run.tenantId, run.id, t.to, t.error);
      case RunStatus.RUNNING:
        // Claims are atomic in the store (queueClaimNext, queueClaim); a flagged cancel is written
        // by requestCancel.
        return true;
    }
  }

  private logTransition(run: TrainingRunRecord, t: RunTransition, error: string | null): void {
    const fields = { runId: run.id, attempt: t.attempt, ...(error ? { error } : {}) };
    if (t.to === RunStatus.QUEUED) this.log.warn(fields, 'training attempt failed: retrying');
    else if (t.to === RunStatus.FAILED) this.log.warn(fields, 'training run FAILED');
    else this.log.info(fields, `training run ${t.to}`);
  }
}
