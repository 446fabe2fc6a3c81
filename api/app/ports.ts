/**
 * The application core's ports (ARCHITECTURE §1): every interface the use-cases in `api/app/`
 * need from the world around them, owned here so that nothing in the core imports knex, GraphQL or
 * a transport. Adapters implement them from below:
 * - stores (`DatasetStore`, `SeriesStore`, `RunStore`, `MetricsStore`, `ImportanceStore`,
 *   `PromotionSource`): the knex repositories in `api/db/`;
 * - `ForecastStore` is the forecast read model (`forecasts/read-model.ts`, the one cache of
 *   forecast reads) over the plain ports of `forecasts/ports.ts`, which `api/db/` implements;
 * - `ObservationImporter` (the observation sink of imports): `api/ingest/` over `api/db/`;
 * - `RunQueue`: the run transports in `api/training/` (embedded worker thread, cluster primary) and
 *   `api/queue/` (pg-boss);
 * - `RunQueueStore`: the guarded status writes of the one run state machine (`runs/run-state.ts`,
 *   applied by `runs/run-lifecycle.ts`), implemented by `api/db/runs.repository.ts` and used only
 *   by the run lifecycle and the transports; use-cases see runs through `RunStore`;
 * - `RunEventBus`: `api/training/events.ts` (in-process), fed across processes by `api/queue/notify.ts`.
 * The wiring that binds them lives in the composition root, `api/plugin/core.ts`; service tests
 * bind them to in-memory fakes. Every GraphQL host (the package API `createForecastQL`, the
 * Federation subgraph, and `forecastql serve`) is built by `api/plugin/host.ts` over that root: a
 * host brings only its principal implementation (a plugin host's `principal(request)`; the
 * standalone's API keys and embed tokens), its executor and its run transport. Records are plain data: ids are numbers, dates ISO strings.
 */
import type { DistributionModel } from '../forecasting/distribution.js';
import { MODEL_KINDS, type Frequency, type ModelKind, type RawSeries } from '../forecasting/types.js';
import type { DatasetUnit } from './datasets/dataset-unit.js';

// The engine's vocabulary that records and adapters share.
export { MODEL_KINDS };
export type { DatasetUnit, DistributionModel, Frequency, ModelKind, RawSeries };

export interface DatasetRecord {
  readonly id: number;
  readonly tenantId: number;
  readonly name: string;
  readonly frequency: Frequency;
  readonly covariates: readonly { readonly name: string; readonly knownInAdvance: boolean }[];
  readonly attributes: readonly string[];
  readonly seriesCount: number;
  readonly rowCount: number;
  readonly firstDate: string | null;
  readonly lastDate: string | null;
  /** Raised by every import that inserts or changes an observation: keys caches of actuals. */
  readonly dataVersion: number;
  /** ISO 3166 country or region of the holiday calendar; null: none chosen (Western retail calendar). */
  readonly country: string | null;
  /** What the values measure (migration 20261207213016); UNITS for every dataset made before. */
  readonly unit: DatasetUnit;
  /** The dataset accepts negative values (returns, refunds); forecasts stay ≥ 0 unless also MONEY. */
  readonly allowNegative: boolean;
  readonly createdAt: Date;
}

export interface SeriesRecord {
  readonly id: number;
  readonly datasetId: number;
  readonly key: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly firstDate: string | null;
  readonly lastDate: string | null;
  readonly valueCount: number;
}

export interface PageSlice {
  readonly offset: number;
  readonly limit: number;
}

export interface DatasetStore {
  get(tenantId: number, id: number): Promise<DatasetRecord | undefined>;
  getMany(tenantId: number, ids: readonly number[]): Promise<DatasetRecord[]>;
  getByName(tenantId: number, name: string): Promise<DatasetRecord | undefined>;
  /** `datasetIds` keeps only those datasets (an embed token's scope). */
  list(
    tenantId: number,
    page: PageSlice,
    search?: string,
    datasetIds?: readonly number[],
  ): Promise<{ items: DatasetRecord[]; totalCount: number }>;
  /** Creates an empty dataset; the name must be free (BAD_USER_INPUT otherwise). */
  create(
    tenantId: number,
    input: {
      name: string;
      frequency: Frequency | undefined;
      country?: string | null | undefined;
      unit?: DatasetUnit | undefined;
      allowNegative?: boolean | undefined;
    },
  ): Promise<DatasetRecord>;
  /** Sets (or, with null, clears) the holiday calendar's country: a normalised code (`normalizeCountry`). */
  setCountry(tenantId: number, id: number, country: string | null): Promise<DatasetRecord>;
  /** Deletes a dataset and everything under it (series, observations, runs, forecasts). */
  delete(tenantId: number, id: number): Promise<boolean>;
}

export interface SeriesFilter {
  /** Case-insensitive substring of the series id or of any attribute value. */
  readonly search?: string | undefined;
  readonly attributes?: readonly { readonly name: string; readonly value: string }[];
}

export interface SeriesStore {
  list(
    tenantId: number,
    datasetId: number,
    filter: SeriesFilter,
    page: PageSlice,
  ): Promise<{ items: SeriesRecord[]; totalCount: number }>;
  getByKey(tenantId: number, datasetId: number, key: string): Promise<SeriesRecord | undefined>;
}

/** One observation given as a row (the GraphQL `importObservations(rows:)` argument). */
export interface ObservationRowInput {
  readonly seriesId: string;
  /** ISO `YYYY-MM-DD`. */
  readonly date: string;
  /** Null: unknown (missing history, or a future row that only carries covariates). */
  readonly value: number | null;
  readonly covariates?: readonly { readonly name: string; readonly value: number | null }[] | null | undefined;
  readonly attributes?: readonly { readonly name: string; readonly value: string }[] | null | undefined;
}

/** Options of an import: `country` sets the dataset's holiday calendar (ISO 3166 code or region). */
export interface ImportOptions {
  readonly country?: string | undefined;
  /** D, W or M; detected when omitted (`forecastql import --frequency`). */
  readonly frequency?: Frequency | undefined;
  /** Extra columns read as text attributes even when numeric (`--attributes`). */
  readonly attributes?: readonly string[] | undefined;
  /** Accept negative values, e.g. returns (`--allow-negative`); stored on the dataset when true. */
  readonly allowNegativeValues?: boolean | undefined;
  /** What the values measure (`--unit`); stored on the dataset. Omitted: the dataset keeps its unit. */
  readonly unit?: DatasetUnit | undefined;
}

/** The observation sink of imports: the one import path of `api/ingest/`, writing through `api/db/`. */
export interface CsvImporter {
  /** Imports CSV text into a dataset (the same code as `forecastql import`), in one transaction. */
  importCsv(
    tenantId: number,
    datasetId: number,
    csv: string,
    options?: ImportOptions,
  ): Promise<{ rowsImported: number; seriesCount: number }>;
  /** Imports rows through the same code (api/ingest/import-rows.ts); errors name row and field. */
  importRows(
    tenantId: number,
    datasetId: number,
    rows: readonly ObservationRowInput[],
    options?: ImportOptions,
  ): Promise<{ rowsImported: number; seriesCount: number }>;
}

// Training runs

export const RunStatus = {
  QUEUED: 'QUEUED',
  RUNNING: 'RUNNING',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
  CANCELLED: 'CANCELLED',
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

export const TERMINAL_STATUSES: readonly RunStatus[] = [RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED];

export interface RunProgress {
  readonly epoch: number | null;
  readonly epochs: number | null;
  readonly loss: number | null;
  readonly validationLoss: number | null;
  readonly fraction: number;
  readonly message: string | null;
}

export interface TrainingRunRecord {
  readonly id: number;
  readonly tenantId: number;
  readonly datasetId: number;
  readonly status: RunStatus;
  readonly model: string;
  readonly chosenModel: string | null;
  readonly horizon: number;
  readonly quantiles: readonly number[];
  readonly epochs: number | null;
  readonly seed: number;
  readonly config: Readonly<Record<string, unknown>>;
  readonly backend: string | null;
  readonly progress: RunProgress;
  readonly error: string | null;
  readonly warnings: readonly string[];
  /** Attempts started so far (the current one while RUNNING). */
  readonly attempts: number;
  /** Attempts the run gets: 1 in the embedded mode; the queue's retry limit + 1 on PostgreSQL. */
  readonly maxAttempts: number;
  /** The pg-boss job that carries the run (PostgreSQL queue only). */
  readonly jobId: string | null;
  readonly workerId: string | null;
  readonly heartbeatAt: Date | null;
  readonly cancelRequestedAt: Date | null;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewTrainingRun {
  readonly datasetId: number;
  readonly model: string;
  readonly horizon: number;
  readonly quantiles: readonly number[];
  readonly epochs: number | null;
  readonly seed: number;
  readonly config?: Readonly<Record<string, unknown>>;
  /** Default 1 (no retry). */
  readonly maxAttempts?: number;
}

export interface RunListFilter {
  readonly datasetId?: number;
  /** Only runs of these datasets (an embed token's scope). */
  readonly datasetIds?: readonly number[];
  readonly status?: RunStatus;
}

export interface ProgressUpdate {
  readonly epoch?: number | null;
  readonly epochs?: number | null;
  readonly loss?: number | null;
  readonly validationLoss?: number | null;
  readonly fraction?: number;
  readonly message?: string | null;
}

/**
 * Training runs as the use-cases see them: reads and creation. A run's status moves only through
 * the run state machine (`runs/run-state.ts`, applied by `runs/run-lifecycle.ts` over
 * `RunQueueStore`); `finish` is here for the one move a use-case makes itself, a run that could
 * not be queued (the machine's `enqueue-failed`). Scope-wrapped by `scopeStores` (scope.ts).
 */
export interface RunStore {
  create(tenantId: number, run: NewTrainingRun): Promise<TrainingRunRecord>;
  get(tenantId: number, id: number): Promise<TrainingRunRecord | undefined>;
  getMany(tenantId: number, ids: readonly number[]): Promise<TrainingRunRecord[]>;
  list(
    tenantId: number,
    filter: RunListFilter,
    page: { offset: number; limit: number },
  ): Promise<{ items: TrainingRunRecord[]; totalCount: number }>;
  latestSucceeded(tenantId: number, datasetId: number): Promise<TrainingRunRecord | undefined>;
  /** Ends a QUEUED (or RUNNING) run; returns false when it had already ended. */
  finish(tenantId: number, id: number, status: 'FAILED' | 'CANCELLED', error: string | null): Promise<boolean>;
}

/**
 * The run transports' side of the `training_runs` table (ARCHITECTURE §1, §5, §7): the writes that
 * move a run through the state machine, each one guarded (compare-and-set on status, and on the
 * attempt where one is named) so that of two processes racing on a run only one moves it, plus the
 * reads that span tenants (claiming the next run, recovery, stale leases). Used only by
 * `runs/run-lifecycle.ts` and the transports in `api/training/` (embedded thread, cluster primary)
 * and `api/queue/` (pg-boss workers); never by a front door, never scope-wrapped. Implemented by
 * `api/db/runs.repository.ts`.
 */
export interface RunQueueStore {
  get(tenantId: number, id: number): Promise<TrainingRunRecord | undefined>;
  /** The machine's `cancel`: a QUEUED run is CANCELLED at once; a RUNNING one is flagged for its worker. */
  requestCancel(tenantId: number, id: number): Promise<TrainingRunRecord | undefined>;
  /** `heartbeat` with progress: writes it (and the heartbeat) while the run is RUNNING. */
  updateProgress(tenantId: number, id: number, progress: ProgressUpdate): Promise<void>;
  /** QUEUED or RUNNING → `status`, whatever the attempt (an unqueued run, or the embedded recovery). */
  finish(tenantId: number, id: number, status: 'FAILED' | 'CANCELLED', error: string | null): Promise<boolean>;
  /**
   * The machine's `claim` for the embedded queue: the oldest QUEUED run of any tenant that no
   * job-queue job carries, atomically RUNNING for `workerId` (attempts + 1).
   */
  queueClaimNext(workerId: string): Promise<TrainingRunRecord | undefined>;
  queueSetBackend(tenantId: number, id: number, backend: string): Promise<void>;
  /** `heartbeat` of many RUNNING runs (a worker's live runs). */
  queueHeartbeat(ids: readonly number[]): Promise<void>;
  /** RUNNING runs of any tenant (for recovery after a crash). */
  queueRunning(): Promise<TrainingRunRecord[]>;
  /** Records the queue job that carries a run. */
  queueSetJob(id: number, jobId: string): Promise<void>;
  /**
   * The machine's `claim` for a run handed over by the job queue: QUEUED (or RUNNING under a worker
   * that lost it) and not asked to cancel → RUNNING for `workerId`, attempts + 1. Undefined when
   * the run has ended or is being cancelled.
   */
  queueClaim(id: number, workerId: string, jobId: string): Promise<TrainingRunRecord | undefined>;
  /** RUNNING attempt `attempt` → QUEUED with the reason (a retry); false if the run moved on. */
  queueRequeue(id: number, attempt: number, reason: string): Promise<boolean>;
  /** RUNNING attempt `attempt` → FAILED or CANCELLED; false when another attempt owns it now or it ended. */
  queueFinishAttempt(id: number, attempt: number, status: 'FAILED' | 'CANCELLED', error: string): Promise<boolean>;
  /** RUNNING runs carried by a queue job whose heartbeat is older than `before`. */
  queueStale(before: Date): Promise<TrainingRunRecord[]>;
  /** Who holds each of these runs now, and whether a cancel was asked for (a worker's heartbeat check). */
  queueOwners(ids: readonly number[]): Promise<RunOwnership[]>;
}

export interface RunOwnership {
  readonly id: number;
  readonly tenantId: number;
  readonly status: RunStatus;
  readonly workerId: string | null;
  readonly cancelRequested: boolean;
}

/** Who trains runs: the embedded runner (worker thread), the cluster primary, or the pg-boss queue. */
export interface RunQueue {
  /** Attempts a run gets (1 = no retry; default 1). */
  readonly maxAttempts?: number;
  /** Hands a just-created QUEUED run to whoever trains runs. */
  submit(run: TrainingRunRecord): Promise<void>;
  cancel(tenantId: number, runId: number): Promise<TrainingRunRecord | undefined>;
}

/** The topic every change of a run is published on. */
export const RUN_UPDATED = 'TRAINING_RUN_UPDATED';

/**
 * The event bus of training runs (what `trainingRunUpdated` follows): publish a run's new state,
 * subscribe to one run's changes. Implemented in-process by `api/training/events.ts`.
 */
export interface RunEventBus {
  publish(topic: typeof RUN_UPDATED, runId: number, run: TrainingRunRecord): void;
  subscribe(
    topic: typeof RUN_UPDATED,
    runId: number,
  ): AsyncIterableIterator<TrainingRunRecord> & {
    return?(): Promise<IteratorResult<TrainingRunRecord>>;
  };
}

// Forecasts

export interface ForecastRowInput {
  readonly seriesId: number;
  readonly date: string;
  /** Quantile level → value, e.g. { 0.1: 3, 0.5: 5, 0.9: 9 }. */
  readonly values: ReadonlyMap<number, number>;
  /** The point's mean (forecasting/distribution.ts), where the run fitted a distribution. */
  readonly mean?: number | undefined;
}

export interface ForecastRecord {
  readonly seriesId: number;
  readonly date: string;
  /** Ascending levels and their values (non-crossing). */
  readonly levels: readonly number[];
  readonly values: readonly number[];
  /** The point's mean; null (or absent) for runs trained before means were stored. */
  readonly mean?: number | null;
}

export interface ActualRecord {
  readonly seriesId: number;
  readonly date: string;
  readonly value: number | null;
}

export interface SeriesSelection {
  readonly datasetId: number;
  /** One series by its key (the CSV's series_id). */
  readonly seriesKey?: string;
  /** Series whose static attribute `name` equals `value` (all filters must hold). */
  readonly attributes?: readonly { readonly name: string; readonly value: string }[];
}

export interface SelectedSeries {
  readonly id: number;
  readonly key: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface DateRange {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/**
 * The forecast read model (forecasts/read-model.ts): stored forecasts, the actuals beside them and
 * the series a view covers, as every use-case reads them. Built over the plain ports of
 * forecasts/ports.ts; it alone caches (rows of a SUCCEEDED run never change; see its invalidation
 * rule), and `scopeStores` wraps it for each access scope.
 */
export interface ForecastStore {
  /** Writes a run's forecast rows (use inside the results transaction). */
  insertMany(tenantId: number, runId: number, rows: readonly ForecastRowInput[]): Promise<void>;
  /** Stores a run's fitted forecast distribution (use inside the results transaction). */
  saveDistribution(tenantId: number, runId: number, distribution: DistributionModel): Promise<void>;
  /**
   * A run's fitted forecast distribution; undefined for runs trained without one. Cached: a
   * SUCCEEDED run's is written once, with its forecasts.
   */
  distributionOf(tenantId: number, runId: number): Promise<DistributionModel | undefined>;
  /** Series ids of a dataset by key, for writing results keyed by the CSV's series_id. */
  seriesIdsByKey(tenantId: number, datasetId: number): Promise<Map<string, number>>;
  /** The series a selection covers, ordered by key. */
  selectSeries(tenantId: number, selection: SeriesSelection): Promise<SelectedSeries[]>;
  /** Forecast rows of a run for many series at once (one statement), ordered by series and date. */
  forSeries(tenantId: number, runId: number, seriesIds: readonly number[], range: DateRange): Promise<ForecastRecord[]>;
  /**
   * Forecast rows of a SUCCEEDED run for many series, ordered by series and date. Such rows never
   * change (a run's results are written once, in the transaction that marks it SUCCEEDED; ids are
   * never reused), so they are served from a bounded per-database cache.
   */
  forSucceededRun(tenantId: number, runId: number, seriesIds: readonly number[]): Promise<ForecastRecord[]>;
  /**
   * A per-database store for values computed from a SUCCEEDED run's rows alone (aggregated
   * quantiles of a total): keys must name the tenant and run, and everything else the value
   * depends on.
   */
  readonly derived: DerivedCache;
  /** The row id of a dataset's series by key (cached: a series keeps its id while it exists). */
  seriesIdByKey(tenantId: number, datasetId: number, key: string): Promise<number | undefined>;
  /** Forecast rows of a run for every series of a selection, ordered by series and date. */
  forSelection(
    tenantId: number,
    runId: number,
    selection: SeriesSelection,
    range: DateRange,
  ): Promise<ForecastRecord[]>;
  /** Known values of many series in a date range (one statement). */
  actualsForSeries(tenantId: number, seriesIds: readonly number[], range: DateRange): Promise<ActualRecord[]>;
  /**
   * `actualsForSeries` of a dataset's series, served from memory while the dataset's
   * `dataVersion` (read by the caller in this request) is the one they were read at: every
   * import that changes an observation raises it, in any process. Small series lists only (a
   * chart's series or group); the result is shared and must not be changed.
   */
  actualsAtVersion(
    tenantId: number,
    dataset: { readonly id: number; readonly dataVersion: number },
    seriesIds: readonly number[],
    range: DateRange,
  ): Promise<readonly ActualRecord[]>;
  actualsForSelection(tenantId: number, selection: SeriesSelection, range: DateRange): Promise<ActualRecord[]>;
  /** First and last forecast date of a run. */
  dateSpan(tenantId: number, runId: number): Promise<{ first: string; last: string } | undefined>;
  /** A page of flat rows (series × date) of a run's forecast, ordered by series key and date. */
  tablePage(
    tenantId: number,
    runId: number,
    selection: SeriesSelection,
    range: DateRange,
    page: { offset: number; limit: number },
  ): Promise<{
    totalCount: number;
    items: Array<ForecastRecord & { seriesKey: string; attributes: Record<string, string> }>;
  }>;
}

export interface DerivedCache {
  get(key: string): readonly number[] | undefined;
  set(key: string, value: readonly number[]): void;
}

// What a run learnt

export interface MetricValues {
  readonly mase: number | null;
  readonly smape: number | null;
  readonly rmsse: number | null;
  readonly wape: number | null;
  readonly wql: number | null;
  readonly coverage80: number | null;
}

export interface BacktestScoreRecord {
  readonly runId: number;
  readonly model: string;
  readonly isChosen: boolean;
  readonly metrics: MetricValues;
  readonly origins: number;
  readonly horizon: number;
}

export interface NewBacktestScore {
  readonly model: string;
  readonly isChosen: boolean;
  readonly metrics: Partial<Record<keyof MetricValues, number>>;
  readonly origins: number;
  readonly horizon: number;
}

/** One model's backtest score on one series' own validation windows. */
export interface NewSeriesBacktestScore extends NewBacktestScore {
  /** The series' row id (`series.id`). */
  readonly seriesId: number;
}

export interface MetricsStore {
  insertMany(tenantId: number, runId: number, scores: readonly NewBacktestScore[]): Promise<void>;
  /** Scores of many runs in one statement, the chosen model first, then by model name. */
  forRuns(tenantId: number, runIds: readonly number[]): Promise<BacktestScoreRecord[]>;
  /** Stores a run's per-series scores (`series_backtest_metrics`), in chunks. */
  insertSeriesScores(tenantId: number, runId: number, scores: readonly NewSeriesBacktestScore[]): Promise<void>;
  /**
   * One series' scores in a run, the chosen model first, then by model name; empty when the run
   * did not score that series (outside the validation sample, too short, or a run saved before
   * per-series scores existed).
   */
  forSeries(tenantId: number, runId: number, seriesId: number): Promise<BacktestScoreRecord[]>;
}

export interface ImportanceRecord {
  readonly feature: string;
  readonly label: string;
  readonly importance: number;
  readonly rank: number;
}

export interface NewImportance {
  readonly feature: string;
  readonly label: string;
  readonly importance: number;
}

export interface ImportanceStore {
  /** Writes one ranked list (rank = position by importance, from 1); `seriesId` null = dataset level. */
  insertRanked(
    tenantId: number,
    runId: number,
    seriesId: number | null,
    entries: readonly NewImportance[],
  ): Promise<void>;
  list(tenantId: number, runId: number, seriesId: number | null): Promise<ImportanceRecord[]>;
}
