/** Run lifecycle (ARCHITECTURE §5). */
export const RUN_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A run as the widgets query it (`WidgetTrainingRunFields`). */
export interface TrainingRunView {
  readonly id: string;
  readonly status: RunStatus | string;
  readonly model: string | null;
  readonly horizon: number | null;
  readonly createdAt: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error: string | null;
  readonly progress: {
    readonly fraction: number | null;
    readonly epoch: number | null;
    readonly loss: number | null;
  } | null;
  readonly metrics: { readonly mase: number | null; readonly wape: number | null } | null;
}

/** Whether a run can still change (and so deserves a live subscription or polling). */
export function isActiveRun(run: Pick<TrainingRunView, 'status'>): boolean {
  return run.status === 'QUEUED' || run.status === 'RUNNING';
}

/** Progress as a fraction 0..1: 1 when succeeded, clamped, 0 when unknown. */
export function progressFraction(run: TrainingRunView): number {
  if (run.status === 'SUCCEEDED') return 1;
  const fraction = run.progress?.fraction;
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return 0;
  return Math.min(1, Math.max(0, fraction));
}

/**
 * Replaces the run with the same id (an update from the subscription or a poll) or puts a new run
 * first; returns a new array and never mutates. Runs are kept newest first. Pure.
 */
export function mergeRun(runs: readonly TrainingRunView[], update: TrainingRunView): TrainingRunView[] {
  const index = runs.findIndex((run) => run.id === update.id);
  if (index < 0) return [update, ...runs];
  const next = runs.slice();
  next[index] = update;
  return next;
}

/** Whether any field the widget shows differs (so unchanged polls cause no event). */
export function runChanged(before: TrainingRunView | undefined, after: TrainingRunView): boolean {
  if (!before) return true;
  return (
    before.status !== after.status ||
    before.progress?.fraction !== after.progress?.fraction ||
    before.progress?.epoch !== after.progress?.epoch
  );
}
