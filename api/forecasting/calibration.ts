/**
 * Interval calibration of `auto`'s forecasts on its own rolling-origin validation errors
 * (split-conformal in spirit, scale-free). Pure.
 *
 * Why: `auto` may average the quantiles of two or three models, and a mean of quantiles is
 * narrower than the quantiles of the mixture (the members' medians disagree, their intervals do
 * not add), so an ensemble's 80 % interval can cover well under 80 %. A single model's intervals
 * can also be too wide or too narrow (the baselines take them from recent errors, the deep
 * models from pinball training on their own sample).
 *
 * The rule. For each pair of levels q < 0.5 < 1 − q (p10 and p90), the forecast's distance from
 * its median is scaled by one factor s: `p_q' = p50 + s · (p_q − p50)`; the median (so MASE,
 * sMAPE, WAPE, RMSSE) is unchanged. s is fitted on the validation windows of the chosen model (or
 * ensemble), points that the model did not see: with the two-sided score r = |y − p50| divided by
 * the spread of the side y falls on (p50 − p_q below the median, p_{1−q} − p50 above), y falls
 * outside the scaled interval exactly when r > s, so s is the conformal (1 − 2q) quantile of r
 * (split conformal prediction, as in conformalized quantile regression but multiplicative, so
 * scale-free across series): on validation a share 2q of points falls outside, about 20 % for the
 * 10–90 % interval. One factor for both sides widens or narrows an interval without shifting it
 * after one validation window's common shock (a year whose sales all came in high). Points where
 * the model gave no spread on y's side count as misses (no factor covers them), points at the
 * median as hits. A level without a mirror gets its own one-sided factor (tail share min(q, 1−q)).
 *
 * Per demand class: series are classed by the Syntetos–Boylan rule on their history (ADI, the
 * mean interval between non-zero sales, cut at 1.32; CV², the squared coefficient of variation
 * of the non-zero sales, cut at 0.49: smooth, erratic, intermittent, lumpy), since intermittent
 * series' errors are shaped differently from smooth ones'. A class gets its own factors when it
 * has at least `minClassPoints` validation points, otherwise the pooled factors. Factors are kept
 * within [`MIN_FACTOR`, `MAX_FACTOR`] so that a degenerate validation (all spreads zero, a few
 * points) cannot blow intervals up or collapse them. After scaling, the levels are put back in
 * order at every step (monotone rearrangement: quantiles never cross) and a step whose raw
 * quantiles were all non-negative stays non-negative.
 */
import type { Panel, QuantileForecast, QuantileLevels } from './types.js';

/** Syntetos–Boylan demand classes. */
export const DEMAND_CLASSES = ['smooth', 'erratic', 'intermittent', 'lumpy'] as const;
export type DemandClass = (typeof DEMAND_CLASSES)[number];

/** The Syntetos–Boylan cut-offs. */
export const ADI_CUTOFF = 1.32;
export const CV2_CUTOFF = 0.49;

/** Bounds on a calibration factor. */
export const MIN_FACTOR = 0.25;
export const MAX_FACTOR = 4;

/** Validation points a class needs for its own factors (else it uses the pooled ones). */
export const DEFAULT_MIN_CLASS_POINTS = 300;
/** Validation points needed at all (else every factor is 1: no calibration). */
export const MIN_POINTS = 30;

/**
 * The Syntetos–Boylan class of a history (NaN = unknown, skipped): ADI = observed points per
 * non-zero sale, CV² of the non-zero sales. A history without non-zero sales is `lumpy`.
 */
export function demandClass(history: ArrayLike<number>): DemandClass {
  let n = 0;
  const nz: number[] = [];
  for (let i = 0; i < history.length; i++) {
    const v = history[i]!;
    if (Number.isNaN(v)) continue;
    n++;
    if (v !== 0) nz.push(v);
  }
  if (nz.length === 0) return 'lumpy';
  const adi = n / nz.length;
  const m = nz.reduce((a, b) => a + b, 0) / nz.length;
  const v = nz.reduce((a, b) => a + (b - m) ** 2, 0) / nz.length;
  const cv2 = m !== 0 ? v / (m * m) : Number.POSITIVE_INFINITY;
  if (adi < ADI_CUTOFF) return cv2 < CV2_CUTOFF ? 'smooth' : 'erratic';
  return cv2 < CV2_CUTOFF ? 'intermittent' : 'lumpy';
}

/** One validated forecast: the series' class, the actuals (NaN = unknown) and the forecast. */
export interface CalibrationSample {
  readonly cls: DemandClass;
  readonly actual: ArrayLike<number>;
  readonly forecast: QuantileForecast;
}

/** Factors per quantile level (1 for the median), pooled and per class. */
export interface IntervalCalibration {
  readonly levels: QuantileLevels;
  readonly pooled: readonly number[];
  readonly byClass: Readonly<Partial<Record<DemandClass, readonly number[]>>>;
  /** Validation points the factors were fitted on. */
  readonly points: number;
}

/** The calibration that changes nothing. */
export function identityCalibration(levels: QuantileLevels): IntervalCalibration {
  return { levels: [...levels], pooled: levels.map(() => 1), byClass: {}, points: 0 };
}

/**
 * The factor for tail share `tau` from scores `r` (y outside ⇔ r > s): the conformal
 * ⌈(n + 1)(1 − τ)⌉-th smallest score, within [MIN_FACTOR, MAX_FACTOR].
 */
export function conformalFactor(scores: readonly number[], tau: number): number {
  const n = scores.length;
  if (n === 0) return 1;
  const sorted = scores.toSorted((a, b) => a - b);
  const k = Math.min(n, Math.max(1, Math.ceil((n + 1) * (1 - tau))));
  const s = sorted[k - 1]!;
  if (Number.isNaN(s)) return 1;
  return Math.min(MAX_FACTOR, Math.max(MIN_FACTOR, s));
}

/** Scores r of every point of `samples` for the level at index `k` (see the module comment). */
function scoresFor(samples: readonly CalibrationSample[], k: number, median: number, upper: boolean): number[] {
  const out: number[] = [];
  for (const s of samples) {
    const p50 = s.forecast.values[median];
    const pq = s.forecast.values[k];
    if (!p50 || !pq) continue;
    for (let t = 0; t < s.actual.length && t < p50.length; t++) {
      const y = s.actual[t]!;
      const m = p50[t]!;
      const v = pq[t]!;
      if (!Number.isFinite(y) || !Number.isFinite(m) || !Number.isFinite(v)) continue;
      const excess = upper ? y - m : m - y;
      const spread = upper ? v - m : m - v;
      if (spread > 0) out.push(excess / spread);
      else out.push(excess > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY);
    }
  }
  return out;
}

/** Scores of the pair (lower index a, upper index b) together: y outside ⇔ r > s on either side. */
function pairScores(samples: readonly CalibrationSample[], a: number, b: number, median: number): number[] {
  const out: number[] = [];
  for (const s of samples) {
    const p50 = s.forecast.values[median];
    const lo = s.forecast.values[a];
    const hi = s.forecast.values[b];
    if (!p50 || !lo || !hi) continue;
    for (let t = 0; t < s.actual.length && t < p50.length; t++) {
      const y = s.actual[t]!;
      const m = p50[t]!;
      if (!Number.isFinite(y) || !Number.isFinite(m) || !Number.isFinite(lo[t]!) || !Number.isFinite(hi[t]!)) continue;
      const spread = y < m ? m - lo[t]! : hi[t]! - m;
      const excess = Math.abs(y - m);
      if (excess === 0) out.push(Number.NEGATIVE_INFINITY);
      else out.push(spread > 0 ? excess / spread : Number.POSITIVE_INFINITY);
    }
  }
  return out;
}

function factorsFor(
  samples: readonly CalibrationSample[],
  levels: QuantileLevels,
  symmetric: boolean,
): { f: number[]; n: number } {
  const median = levels.indexOf(0.5);
  let n = 0;
  const f = levels.map(() => 1);
  levels.forEach((q, k) => {
    if (k === median || median < 0) return;
    const mirror = levels.findIndex((x) => Math.abs(x - (1 - q)) < 1e-9);
    if (symmetric && mirror >= 0) {
      if (q > 0.5) return; // fitted with its lower partner
      const r = pairScores(samples, k, mirror, median);
      n = Math.max(n, r.length);
      const s = r.length >= MIN_POINTS ? conformalFactor(r, 2 * q) : 1;
      f[k] = s;
      f[mirror] = s;
      return;
    }
    const r = scoresFor(samples, k, median, q > 0.5);
    n = Math.max(n, r.length);
    f[k] = r.length >= MIN_POINTS ? conformalFactor(r, Math.min(q, 1 - q)) : 1;
  });
  return { f, n };
}

/**
 * Fits the factors on validation samples (all with the same levels, 0.5 among them). By default
 * a level and its mirror (0.1 and 0.9) share one factor, fitted on the two-sided score (y outside
 * the pair's interval on either side), so that the calibration widens or narrows the interval
 * without shifting it after one validation window's common shock; `symmetric: false` fits each
 * level on its own side.
 */
export function fitIntervalCalibration(
  samples: readonly CalibrationSample[],
  options: { minClassPoints?: number; symmetric?: boolean } = {},
): IntervalCalibration {
  const levels = samples[0]?.forecast.quantiles;
  if (!levels || !levels.includes(0.5)) return identityCalibration(levels ?? []);
  const minClass = options.minClassPoints ?? DEFAULT_MIN_CLASS_POINTS;
  const symmetric = options.symmetric ?? true;
  const pooled = factorsFor(samples, levels, symmetric);
  if (pooled.n < MIN_POINTS) return identityCalibration(levels);
  const byClass: Partial<Record<DemandClass, number[]>> = {};
  for (const c of DEMAND_CLASSES) {
    const mine = samples.filter((s) => s.cls === c);
    const r = factorsFor(mine, levels, symmetric);
    if (r.n >= minClass) byClass[c] = r.f;
  }
  return { levels: [...levels], pooled: pooled.f, byClass, points: pooled.n };
}

/**
 * One forecast with the calibration applied (its class's factors, else the pooled ones): the
 * distances from the median scaled, levels re-sorted at each step, non-negative steps kept so.
 * Levels the calibration does not know are left as they are.
 */
export function calibrateForecast(
  f: QuantileForecast,
  calibration: IntervalCalibration,
  cls: DemandClass | undefined,
): QuantileForecast {
  const median = f.quantiles.indexOf(0.5);
  const factors = (cls && calibration.byClass[cls]) || calibration.pooled;
  if (median < 0) return f;
  const p50 = f.values[median]!;
  const values = f.values.map((row, k) => {
    const j = calibration.levels.indexOf(f.quantiles[k]!);
    const s = j >= 0 ? factors[j]! : 1;
    if (k === median || s === 1) return Float64Array.from(row);
    return Float64Array.from(row, (v, t) => p50[t]! + s * (v - p50[t]!));
  });
  const h = p50.length;
  const column = new Float64Array(values.length);
  for (let t = 0; t < h; t++) {
    let nonNegative = true;
    for (let k = 0; k < f.values.length; k++) if (f.values[k]![t]! < 0) nonNegative = false;
    for (let k = 0; k < values.length; k++) column[k] = values[k]![t]!;
    column.sort();
    for (let k = 0; k < values.length; k++) values[k]![t] = nonNegative ? Math.max(0, column[k]!) : column[k]!;
  }
  return { ...f, values };
}

/** Every forecast of `forecasts` calibrated, each series classed on its history in `panel`. */
export function calibrateForecasts(
  forecasts: readonly QuantileForecast[],
  calibration: IntervalCalibration,
  panel: Panel,
): QuantileForecast[] {
  const classes = new Map(panel.series.map((s) => [s.id, demandClass(s.target)]));
  return forecasts.map((f) => calibrateForecast(f, calibration, classes.get(f.seriesId)));
}

/** Validation samples from backtest windows (each window's panel gives the series' history). */
export function samplesFromWindows(
  windows: readonly {
    readonly window: { readonly panel: Panel; readonly actuals: ReadonlyMap<string, Float64Array> };
    readonly forecasts: readonly QuantileForecast[];
  }[],
): CalibrationSample[] {
  const out: CalibrationSample[] = [];
  for (const w of windows) {
    const classes = new Map(w.window.panel.series.map((s) => [s.id, demandClass(s.target)]));
    for (const f of w.forecasts) {
      const actual = w.window.actuals.get(f.seriesId);
      const cls = classes.get(f.seriesId);
      if (actual && cls) out.push({ cls, actual, forecast: f });
    }
  }
  return out;
}
