/** One model's backtest row (`schema/operations/widget-backtest.graphql`). */
export interface BacktestModelRow {
  readonly model: string;
  readonly baseline: boolean;
  /** The model whose forecasts the run stored (older APIs may omit it). */
  readonly chosen?: boolean | null;
  readonly mase: number | null;
  readonly wape: number | null;
  /** Share of actuals inside p10–p90 (nominal 0.8). */
  readonly coverage: number | null;
}

export interface BacktestResult {
  readonly horizon: number;
  readonly origins: number;
  readonly models: readonly BacktestModelRow[];
}

/** The comparison a shop owner reads: ours against seasonal naive. */
export interface AccuracyComparison {
  readonly ours: BacktestModelRow;
  readonly baseline: BacktestModelRow;
  readonly metric: 'WAPE' | 'MASE';
  /** 1 − ours / baseline: 0.32 means "32 % more accurate"; negative means less accurate. */
  readonly improvement: number;
  readonly direction: 'better' | 'same' | 'worse';
  /** Coverage of ours, or null when unknown. */
  readonly coverage: number | null;
}

/** Nominal coverage of the p10–p90 interval. */
export const NOMINAL_COVERAGE = 0.8;

const SEASONAL_NAIVE = new Set(['SNAIVE', 'SEASONAL_NAIVE', 'SEASONALNAIVE']);

function isSeasonalNaive(model: string): boolean {
  return SEASONAL_NAIVE.has(model.toUpperCase().replace(/[\s-]+/g, '_'));
}

function usable(value: number | null): value is number {
  return value !== null && Number.isFinite(value) && value >= 0;
}

/**
 * Compares our model (the `chosen` row, else the first non-baseline one) with the seasonal-naive
 * row of a backtest. Uses WAPE (share of units
 * mis-forecast: what a shop owner feels) when both rows have it, else MASE. Differences under one
 * percentage point read as "about as accurate". Returns null when either row or metric is missing.
 * Pure.
 *
 * @example
 * ```ts
 * compareWithSeasonalNaive({ horizon: 28, origins: 3, models: [
 *   { model: 'MLP', baseline: false, mase: 0.66, wape: 0.30, coverage: 0.78 },
 *   { model: 'SNAIVE', baseline: true, mase: 0.97, wape: 0.44, coverage: 0.7 } ] });
 * // { metric: 'WAPE', improvement: 0.318…, direction: 'better', … }
 * ```
 */
export function compareWithSeasonalNaive(backtest: BacktestResult | null): AccuracyComparison | null {
  if (!backtest) return null;
  const baseline = backtest.models.find((row) => isSeasonalNaive(row.model));
  const ours =
    backtest.models.find((row) => row.chosen === true && !isSeasonalNaive(row.model)) ??
    backtest.models.find((row) => !row.baseline && !isSeasonalNaive(row.model));
  if (!baseline || !ours) return null;
  let metric: 'WAPE' | 'MASE';
  let oursValue: number;
  let baselineValue: number;
  if (usable(ours.wape) && usable(baseline.wape) && baseline.wape > 0) {
    metric = 'WAPE';
    oursValue = ours.wape;
    baselineValue = baseline.wape;
  } else if (usable(ours.mase) && usable(baseline.mase) && baseline.mase > 0) {
    metric = 'MASE';
    oursValue = ours.mase;
    baselineValue = baseline.mase;
  } else return null;
  const improvement = 1 - oursValue / baselineValue;
  const direction = Math.abs(improvement) < 0.01 ? 'same' : improvement > 0 ? 'better' : 'worse';
  return { ours, baseline, metric, improvement, direction, coverage: usable(ours.coverage) ? ours.coverage : null };
}
