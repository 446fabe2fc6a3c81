/**
 * The one run state machine (ARCHITECTURE §1, §5), pure: which events a training run accepts in
 * which status, and what each one makes of it. Every transport (the embedded worker thread, the
 * cluster primary, the pg-boss workers) and the use-cases reach the run's status only through
 * `RunLifecycle` (run-lifecycle.ts), which asks `nextRunState` and then applies the answer through
 * the `RunQueueStore` port as one guarded write (compare-and-set on status and attempt), so two
 * processes racing on a run cannot both move it.
 *
 * ```
 *            claim (attempt + 1)              succeeded (results transaction)
 *   QUEUED ───────────────────────▶ RUNNING ─────────────────────────────▶ SUCCEEDED
 *     │ ▲                            │  │ ▲ heartbeat / progress / claim (lease taken over)
 *     │ └── failed | crashed | ──────┘  │ └──────┘
 *     │     lease-lost, attempts left   ├── failed | crashed | lease-lost, none left ─▶ FAILED
 *     │                                 ├── owner-died (embedded recovery) ──────────▶ FAILED
 *     ├── cancel (before it started) ───┼── cancelled (the worker stopped) ──────────▶ CANCELLED
 *     └── enqueue-failed ──────────────────────────────────────────────────────────▶ FAILED
 * ```
 * A cancel of a RUNNING run only flags it (`cancelRequested`); the worker that holds the run sees
 * the flag, stops, and reports `cancelled`. SUCCEEDED, FAILED and CANCELLED are final.
 */
import { DomainError, ErrorCode } from '../../errors/index.js';
import { RunStatus, TERMINAL_STATUSES, type TrainingRunRecord } from '../ports.js';

/** A run whose thread hit its heap limit: retrying the same data would only hit it again. */
export const OUT_OF_MEMORY = 'OUT_OF_MEMORY';

/** Failures that another attempt would only repeat (bad data or request), so they are not retried. */
export const FINAL_FAILURE_CODES: ReadonlySet<string> = new Set([
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.INSUFFICIENT_HISTORY,
  ErrorCode.NOT_FOUND,
  ErrorCode.FORBIDDEN,
  ErrorCode.UNAUTHENTICATED,
  OUT_OF_MEMORY,
]);

/** How an attempt's thread ended, as the process that ran it saw it. */
export type RunOutcome =
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'failed'; readonly message: string; readonly code: string }
  | { readonly kind: 'cancelled' }
  /** The thread stopped without a result (crashed, or the process is shutting down). */
  | { readonly kind: 'crashed'; readonly message: string }
  /** This process gave the run up (another attempt owns it now): nothing is written. */
  | { readonly kind: 'abandoned' };

/** Everything that may happen to a run. */
export type RunEvent =
  /** A transport takes the run for one more attempt (also a RUNNING run whose worker lost it). */
  | { readonly kind: 'claim' }
  /** A live worker's sign of life or progress: the run stays RUNNING. */
  | { readonly kind: 'heartbeat' }
  /** Someone asks the run to stop. */
  | { readonly kind: 'cancel' }
  /** The attempt saved its results. */
  | { readonly kind: 'succeeded' }
  /** The attempt failed with a coded error (codes in FINAL_FAILURE_CODES are never retried). */
  | { readonly kind: 'failed'; readonly message: string; readonly code: string }
  /** The attempt's thread stopped without a result. */
  | { readonly kind: 'crashed'; readonly message: string }
  /** The worker stopped the attempt because a cancel was asked for. */
  | { readonly kind: 'cancelled' }
  /** The attempt's worker went silent (no heartbeat for `detail`); another worker may retry it. */
  | { readonly kind: 'lease-lost'; readonly detail: string }
  /** The process that held an embedded run died: the run fails with `reason` (no retry there). */
  | { readonly kind: 'owner-died'; readonly reason: string }
  /** The run could not be handed to any transport. */
  | { readonly kind: 'enqueue-failed' };

export type RunEventKind = RunEvent['kind'];

/** What the machine needs to know of a run. */
export interface RunStateView {
  readonly status: RunStatus;
  /** Attempts started so far (the current one while RUNNING). */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly cancelRequested: boolean;
}

export function stateOf(run: TrainingRunRecord): RunStateView {
  return {
    status: run.status,
    attempts: run.attempts,
    maxAttempts: run.maxAttempts,
    cancelRequested: run.cancelRequestedAt !== null,
  };
}

/** The machine's answer: the status the run moves to, and the text to store with it. */
export interface RunTransition {
  readonly from: RunStatus;
  readonly to: RunStatus;
  readonly event: RunEventKind;
  /** The run's `error` after the move (a retry keeps why it was retried); null: unchanged or none. */
  readonly error: string | null;
  /** A cancel of a RUNNING run: the status stays, the run is flagged for its worker. */
  readonly flagCancel?: true;
  /** QUEUED → RUNNING or RUNNING → QUEUED: the attempt count this move starts from. */
  readonly attempt: number;
}

/** Every legal (status, event) pair; any other is refused with RUN_TRANSITION_REFUSED. */
export const RUN_TRANSITIONS: Readonly<Record<RunStatus, readonly RunEventKind[]>> = {
  QUEUED: ['claim', 'cancel', 'enqueue-failed'],
  RUNNING: ['claim', 'heartbeat', 'cancel', 'succeeded', 'failed', 'crashed', 'cancelled', 'lease-lost', 'owner-died'],
  SUCCEEDED: [],
  FAILED: [],
  CANCELLED: [],
};

/** An event the run's status does not accept (a coded error naming both, and what to do). */
export class RunTransitionError extends DomainError {
  override readonly name = 'RunTransitionError';
  constructor(
    readonly from: RunStatus,
    readonly event: RunEventKind,
    fix: string,
  ) {
    super(ErrorCode.RUN_TRANSITION_REFUSED, `A ${from} training run cannot take "${event}". ${fix}`, {
      status: from,
      event,
    });
  }
}

function refuse(state: RunStateView, event: RunEvent): never {
  const fix = TERMINAL_STATUSES.includes(state.status)
    ? 'The run has ended; start a new run.'
    : `A ${state.status} run accepts ${RUN_TRANSITIONS[state.status].join(', ')}.`;
  throw new RunTransitionError(state.status, event.kind, fix);
}

/** FAILED, or back to QUEUED while attempts remain and the failure is one a retry may fix. */
function failOrRetry(state: RunStateView, event: RunEvent, message: string, retryable: boolean): RunTransition {
  const attempt = state.attempts;
  if (retryable && attempt < state.maxAttempts) {
    return {
      from: state.status,
      to: RunStatus.QUEUED,
      event: event.kind,
      error: `Attempt ${attempt} of ${state.maxAttempts} ${message}; it will be retried.`,
      attempt,
    };
  }
  return { from: state.status, to: RunStatus.FAILED, event: event.kind, error: null, attempt };
}

/**
 * The status `event` moves a run in `state` to, with the text stored beside it. Pure; throws
 * RunTransitionError for an event the status does not accept (e.g. anything on an ended run,
 * `succeeded` of a run asked to cancel, `claim` of a run being cancelled).
 */
export function nextRunState(state: RunStateView, event: RunEvent): RunTransition {
  if (!RUN_TRANSITIONS[state.status].includes(event.kind)) refuse(state, event);
  const from = state.status;
  const attempt = state.attempts;
  const same = (error: string | null = null): RunTransition => ({ from, to: from, event: event.kind, error, attempt });
  switch (event.kind) {
    case 'claim':
      if (state.cancelRequested) {
        throw new RunTransitionError(from, event.kind, 'The run is being cancelled; it takes no new attempt.');
      }
      return { from, to: RunStatus.RUNNING, event: event.kind, error: null, attempt: attempt + 1 };
    case 'heartbeat':
      return same();
    case 'cancel':
      return from === RunStatus.QUEUED
        ? { from, to: RunStatus.CANCELLED, event: event.kind, error: 'Cancelled before it started.', attempt }
        : { ...same(), flagCancel: true };
    case 'succeeded':
      if (state.cancelRequested) {
        throw new RunTransitionError(from, event.kind, 'A cancel was asked for; its results are not kept.');
      }
      return { from, to: RunStatus.SUCCEEDED, event: event.kind, error: null, attempt };
    case 'failed': {
      const retryable = !FINAL_FAILURE_CODES.has(event.code);
      const t = failOrRetry(state, event, `failed (${event.message})`, retryable);
      if (t.to === RunStatus.QUEUED) return t;
      const suffix = !retryable || state.maxAttempts === 1 ? '' : ` (after ${attempt} attempts)`;
      return { ...t, error: `${event.message}${suffix}` };
    }
    case 'crashed': {
      const t = failOrRetry(state, event, `failed (${event.message})`, true);
      if (t.to === RunStatus.QUEUED) return t;
      const suffix = state.maxAttempts === 1 ? '' : ` (after ${attempt} attempts)`;
      return { ...t, error: `${event.message}${suffix}` };
    }
    case 'cancelled':
      return { from, to: RunStatus.CANCELLED, event: event.kind, error: 'Cancelled by request.', attempt };
    case 'lease-lost': {
      const t = failOrRetry(state, event, `lost its worker (${event.detail})`, true);
      return t.to === RunStatus.QUEUED
        ? t
        : { ...t, error: `The run lost its worker on its last attempt (${event.detail}).` };
    }
    case 'owner-died':
      return { from, to: RunStatus.FAILED, event: event.kind, error: event.reason, attempt };
    case 'enqueue-failed':
      return {
        from,
        to: RunStatus.FAILED,
        event: event.kind,
        error: 'The run could not be queued; start it again.',
        attempt,
      };
  }
}

/** The event an attempt's outcome is (undefined for `abandoned`: another attempt owns the run). */
export function eventOfOutcome(outcome: RunOutcome): RunEvent | undefined {
  switch (outcome.kind) {
    case 'succeeded':
      return { kind: 'succeeded' };
    case 'failed':
      return { kind: 'failed', message: outcome.message, code: outcome.code };
    case 'crashed':
      return { kind: 'crashed', message: outcome.message };
    case 'cancelled':
      return { kind: 'cancelled' };
    case 'abandoned':
      return undefined;
  }
}
