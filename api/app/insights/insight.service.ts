/** What a run learnt: backtest scores against the baselines, and feature importance. */
import { NotFoundError, UserInputError } from '../../errors/index.js';
import {
  RunStatus,
  type BacktestScoreRecord,
  type ImportanceRecord,
  type ImportanceStore,
  type MetricsStore,
  type SeriesStore,
  type TrainingRunRecord,
} from '../ports.js';
import { BASELINE_KINDS, EXTRA_LOCAL_KINDS } from '../../forecasting/baselines.js';

export const SEASONAL_NAIVE = 'snaive';

export interface ModelScoreView {
  readonly model: string;
  readonly baseline: boolean;
  readonly chosen: boolean;
  readonly mase: number | null;
  readonly smape: number | null;
  readonly rmsse: number | null;
  readonly wape: number | null;
  readonly wql: number | null;
  readonly coverage: number | null;
  readonly metrics: BacktestScoreRecord['metrics'] & { coverage: number | null };
}

export interface BacktestView {
  readonly runId: string;
  /** The series these scores are of (its key), or null for the whole dataset. */
  readonly seriesId: string | null;
  readonly horizon: number;
  readonly origins: number;
  readonly chosenModel: string | null;
  readonly models: ModelScoreView[];
  readonly seasonalNaive: ModelScoreView | null;
  readonly skillVsSeasonalNaive: number | null;
}

/** Reference models, against which the chosen model is judged: the engine's local baselines. */
const REFERENCE_MODELS: ReadonlySet<string> = new Set<string>([...BASELINE_KINDS, ...EXTRA_LOCAL_KINDS]);
const isReference = (model: string): boolean => REFERENCE_MODELS.has(model.toLowerCase());

export function toScoreView(s: BacktestScoreRecord): ModelScoreView {
  return {
    model: s.model,
    baseline: isReference(s.model),
    chosen: s.isChosen,
    ...s.metrics,
    coverage: s.metrics.coverage80,
    metrics: { ...s.metrics, coverage: s.metrics.coverage80 },
  };
}

/** The chosen model's metrics, or null before the run has scores. */
export function chosenMetrics(scores: readonly BacktestScoreRecord[]): ModelScoreView['metrics'] | null {
  const chosen = scores.find((s) => s.isChosen);
  return chosen ? toScoreView(chosen).metrics : null;
}

/** Pure: a run's scores as the backtest view. */
export function toBacktestView(run: TrainingRunRecord, scores: readonly BacktestScoreRecord[]): BacktestView {
  const models = scores.map(toScoreView);
  const chosen = models.find((m) => m.chosen) ?? null;
  const snaive = models.find((m) => m.model.toLowerCase() === SEASONAL_NAIVE) ?? null;
  const skill =
    chosen?.mase !== null && chosen?.mase !== undefined && snaive?.mase ? 1 - chosen.mase / snaive.mase : null;
  return {
    runId: String(run.id),
    seriesId: null,
    horizon: scores[0]?.horizon ?? run.horizon,
    origins: scores[0]?.origins ?? 0,
    chosenModel: run.chosenModel,
    models,
    seasonalNaive: snaive,
    skillVsSeasonalNaive: skill,
  };
}

function requireSucceeded(run: TrainingRunRecord): void {
  if (run.status !== RunStatus.SUCCEEDED) {
    throw new UserInputError(`Training run ${run.id} is ${run.status}; its results exist once it has SUCCEEDED.`, {
      runId: String(run.id),
    });
  }
}

export class InsightService {
  constructor(
    private readonly importance: ImportanceStore,
    private readonly series: SeriesStore,
    private readonly metrics: MetricsStore,
  ) {}

  backtest(run: TrainingRunRecord, scores: readonly BacktestScoreRecord[]): BacktestView {
    requireSucceeded(run);
    return toBacktestView(run, scores);
  }

  /**
   * One series' backtest in a run: the chosen model and seasonal naive on that series' own
   * validation windows (`origins` is how many of them it had). `models` is empty when the run did
   * not score the series (outside the validation sample, too short, or saved before per-series
   * scores existed): the dataset's backtest is then the figure to show.
   */
  async seriesBacktest(tenantId: number, run: TrainingRunRecord, seriesKey: string): Promise<BacktestView> {
    requireSucceeded(run);
    const series = await this.series.getByKey(tenantId, run.datasetId, seriesKey);
    if (!series) throw new NotFoundError('Series', seriesKey);
    const scores = await this.metrics.forSeries(tenantId, run.id, series.id);
    const chosen = scores.find((s) => s.isChosen);
    return {
      ...toBacktestView(run, scores),
      seriesId: seriesKey,
      origins: chosen?.origins ?? scores[0]?.origins ?? 0,
    };
  }

  /** Ranked importance of a run, for the dataset or one series (falls back to the dataset's list when the model has none per series). */
  async featureImportance(
    tenantId: number,
    run: TrainingRunRecord,
    seriesKey: string | null | undefined,
  ): Promise<ImportanceRecord[]> {
    requireSucceeded(run);
    if (seriesKey === null || seriesKey === undefined) return this.importance.list(tenantId, run.id, null);
    const series = await this.series.getByKey(tenantId, run.datasetId, seriesKey);
    if (!series) throw new NotFoundError('Series', seriesKey);
    const own = await this.importance.list(tenantId, run.id, series.id);
    return own.length > 0 ? own : this.importance.list(tenantId, run.id, null);
  }
}
