/** Run lifecycle (ARCHITECTURE §5). */
export const RUN_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A run as the widgets query it (`WidgetTrainingRunFields`). */
export interface TrainingRunView {
  readonly id: string;
  readonly status: RunStatus | string;
  readonly model: string | null;
  /** The model whose forecasts were stored (what AUTO picked); null until SUCCEEDED. */
  readonly chosenModel?: string | null;
  readonly horizon: number | null;
  readonly createdAt: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error: string | null;
  readonly progress: {
    readonly fraction: number | null;
    readonly epoch: number | null;
    readonly loss: number | null;
    readonly epochs?: number | null;
    /** Seconds left, estimated. */
    readonly eta?: number | null;
  } | null;
  readonly metrics: { readonly mase: number | null; readonly wape: number | null } | null;
  /** Things to know about the run (TrainingRun.warnings); absent from older answers. */
  readonly warnings?: readonly string[];
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

/** What a run is doing, for the progress text: from its status and progress (API messages are English). */
export function runPhase(run: TrainingRunView): 'queued' | 'starting' | 'training' | 'finishing' | null {
  if (run.status === 'QUEUED') return 'queued';
  if (run.status !== 'RUNNING') return null;
  const fraction = run.progress?.fraction ?? 0;
  const epoch = run.progress?.epoch ?? null;
  const epochs = run.progress?.epochs ?? null;
  if (epoch === null || epoch === 0) return fraction > 0.5 ? 'finishing' : 'starting';
  if (epochs !== null && epoch >= epochs) return 'finishing';
  return 'training';
}

/** Whether a token is an embed token (read-only by design): a JWT whose header says `typ: fq-embed+jwt`. */
export function isEmbedToken(token: string): boolean {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || signature === undefined) return false;
  try {
    const json = atob(header.replaceAll('-', '+').replaceAll('_', '/'));
    return (JSON.parse(json) as { typ?: unknown }).typ === 'fq-embed+jwt';
  } catch {
    return false;
  }
}
