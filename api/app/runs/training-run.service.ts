/** Training runs: start (queued, returns at once), cancel, read, list, follow. */
import { NotFoundError, UserInputError } from '../../errors/index.js';
import { DEFAULT_QUANTILES, MODEL_KINDS, type ModelKind } from '../../forecasting/types.js';
import { toPageRequest, type Page } from '../common/cursor.js';
import { parseRowId } from '../common/ids.js';
import { nextRunState, stateOf } from './run-state.js';
import {
  RUN_UPDATED,
  RunStatus,
  TERMINAL_STATUSES,
  type DatasetRecord,
  type NewTrainingRun,
  type RunEventBus,
  type RunQueue,
  type RunStore,
  type TrainingRunRecord,
} from '../ports.js';

export const MAX_EPOCHS = 500;
export const MAX_ORIGINS = 10;
export const MAX_QUANTILE_LEVELS = 19;

export interface StartRunRequest {
  readonly datasetId: string;
  readonly horizon: number;
  readonly model?: string | null | undefined;
  readonly quantiles?: readonly number[] | null | undefined;
  readonly epochs?: number | null | undefined;
  readonly seed?: number | null | undefined;
  readonly origins?: number | null | undefined;
}

/** Checks quantile levels (each in (0, 1)); returns them sorted and unique, with 0.5 added. */
export function normalizeQuantiles(levels: readonly number[] | null | undefined, argument = 'quantiles'): number[] {
  if (levels === null || levels === undefined) return [...DEFAULT_QUANTILES];
  for (const q of levels) {
    if (!Number.isFinite(q) || q <= 0 || q >= 1) {
      throw new UserInputError(
        `Quantile ${q} in \`${argument}\` is outside (0, 1); use levels such as 0.1, 0.5, 0.9.`,
        {
          argument,
          value: q,
        },
      );
    }
  }
  const out = [...new Set([...levels.map((q) => Math.round(q * 1e6) / 1e6), 0.5])].toSorted((a, b) => a - b);
  if (out.length > MAX_QUANTILE_LEVELS) {
    throw new UserInputError(`\`${argument}\` has ${out.length} levels; ask for at most ${MAX_QUANTILE_LEVELS}.`, {
      argument,
    });
  }
  return out;
}

function wholeNumber(name: string, value: number, min: number, max: number, fix: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UserInputError(`${name} ${value} is outside ${min}..${max}. ${fix}`, { argument: name, value });
  }
  return value;
}

/** Validates a start request into the stored run (pure). */
export function normalizeStartRun(req: StartRunRequest, dataset: DatasetRecord, maxHorizon: number): NewTrainingRun {
  const horizon = wholeNumber(
    'horizon',
    req.horizon,
    1,
    maxHorizon,
    `Ask for 1 to ${maxHorizon} steps ahead (FORECAST_MAX_HORIZON sets the maximum).`,
  );
  const model = (req.model ?? 'auto').toLowerCase();
  if (!(MODEL_KINDS as readonly string[]).includes(model)) {
    throw new UserInputError(`Model "${req.model}" is unknown; use one of ${MODEL_KINDS.join(', ')}.`, {
      argument: 'model',
    });
  }
  const epochs =
    req.epochs === null || req.epochs === undefined
      ? null
      : wholeNumber('epochs', req.epochs, 1, MAX_EPOCHS, 'Fewer epochs train faster; omit it for the model default.');
  const seed =
    req.seed === null || req.seed === undefined
      ? 0
      : wholeNumber('seed', req.seed, 0, 2 ** 31 - 1, 'Use a non-negative whole number.');
  const origins =
    req.origins === null || req.origins === undefined
      ? undefined
      : wholeNumber('origins', req.origins, 1, MAX_ORIGINS, 'Omit it for the engine default.');
  return {
    datasetId: dataset.id,
    model: model as ModelKind,
    horizon,
    quantiles: normalizeQuantiles(req.quantiles),
    epochs,
    seed,
    config: origins === undefined ? {} : { origins },
  };
}

export interface RunListQuery {
  readonly datasetId?: number;
  readonly status?: RunStatus | null | undefined;
  readonly first?: number | null | undefined;
  readonly after?: string | null | undefined;
}

export class TrainingRunService {
  constructor(
    private readonly runs: RunStore,
    private readonly queue: RunQueue,
    private readonly bus: RunEventBus,
    private readonly maxHorizon: number,
  ) {}

  async start(tenantId: number, dataset: DatasetRecord, req: StartRunRequest): Promise<TrainingRunRecord> {
    const run = normalizeStartRun(req, dataset, this.maxHorizon);
    if (dataset.seriesCount === 0) {
      throw new UserInputError(`Dataset "${dataset.name}" has no series yet; import observations before training.`, {
        datasetId: String(dataset.id),
      });
    }
    const created = await this.runs.create(tenantId, { ...run, maxAttempts: this.queue.maxAttempts ?? 1 });
    try {
      await this.queue.submit(created);
    } catch (e) {
      // A run nobody will ever train must not stay QUEUED.
      const t = nextRunState(stateOf(created), { kind: 'enqueue-failed' });
      await this.runs.finish(tenantId, created.id, RunStatus.FAILED, t.error);
      throw e;
    }
    return created;
  }

  async require(tenantId: number, id: string): Promise<TrainingRunRecord> {
    const run = await this.runs.get(tenantId, parseRowId('TrainingRun', id));
    if (!run) throw new NotFoundError('TrainingRun', id);
    return run;
  }

  async get(tenantId: number, id: string): Promise<TrainingRunRecord | undefined> {
    if (!/^[1-9]\d{0,14}$/.test(id)) return undefined;
    return this.runs.get(tenantId, Number(id));
  }

  async cancel(tenantId: number, id: string): Promise<TrainingRunRecord> {
    const run = await this.require(tenantId, id);
    if (TERMINAL_STATUSES.includes(run.status)) return run;
    return (await this.queue.cancel(tenantId, run.id)) ?? run;
  }

  async list(tenantId: number, query: RunListQuery): Promise<Page<TrainingRunRecord>> {
    const page = toPageRequest(query.first, query.after);
    const { items, totalCount } = await this.runs.list(
      tenantId,
      {
        ...(query.datasetId !== undefined ? { datasetId: query.datasetId } : {}),
        ...(query.status ? { status: query.status } : {}),
      },
      page,
    );
    return { items, totalCount, offset: page.offset };
  }

  /**
   * The run now, then every change until it ends (the stream completes after the terminal state).
   * Subscribing to a finished run yields its final state once.
   */
  async follow(tenantId: number, id: string): Promise<AsyncGenerator<TrainingRunRecord>> {
    // Checked before the stream starts, so an unknown id is a NOT_FOUND error, not a broken stream.
    const run = await this.require(tenantId, id);
    return this.stream(tenantId, run);
  }

  private async *stream(tenantId: number, run: TrainingRunRecord): AsyncGenerator<TrainingRunRecord> {
    const updates = this.bus.subscribe(RUN_UPDATED, run.id);
    try {
      // Read again after subscribing, so no change between the two reads is lost.
      const now = (await this.runs.get(tenantId, run.id)) ?? run;
      yield now;
      if (TERMINAL_STATUSES.includes(now.status)) return;
      let last = now.updatedAt.getTime();
      for await (const update of updates) {
        if (update.tenantId !== tenantId) continue;
        if (update.updatedAt.getTime() < last && !TERMINAL_STATUSES.includes(update.status)) continue;
        last = update.updatedAt.getTime();
        yield update;
        if (TERMINAL_STATUSES.includes(update.status)) return;
      }
    } finally {
      await updates.return?.();
    }
  }
}

export { RunStatus };
