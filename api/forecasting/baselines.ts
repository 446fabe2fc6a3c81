/**
 * Baseline forecasters, per series inside a global interface: naive, seasonal naive, simple
 * exponential smoothing (SES), the Theta method, Croston and TSB for intermittent demand.
 *
 * Point forecasts are the textbook methods on the series' history (gaps linearly interpolated, as
 * the peers do). Quantiles are conformal: at `fit` every series is backtested on its own last
 * `calibrationWindows` windows of the horizon; each error is divided by that series' mean absolute
 * calibration error, the scaled errors of all series are pooled per horizon step (neighbouring
 * steps are pooled in until there are enough), and quantile q at step h is
 * `point + scale · Q_h(q)`. The median is shifted the same way (the point forecast of these
 * methods is a mean; retail errors are skewed). Quantiles never cross (one sorted sample per step)
 * and are clipped at 0 (sales). Everything is deterministic: no random numbers are drawn.
 */
import { NotFittedError } from './errors.js';
import { gridDates, interpolateGaps } from './frames.js';
import {
  SEASON_LENGTH,
  type FitOptions,
  type Frequency,
  type GlobalForecaster,
  type Panel,
  type QuantileForecast,
  type QuantileLevels,
  type SerializedModel,
} from './types.js';

export const BASELINE_KINDS = ['naive', 'snaive', 'ses', 'theta', 'croston', 'tsb'] as const;
/**
 * Per-series models that `auto` may also try but a user cannot name (they are not in the API's
 * `ModelKind` enum): `hw`, a damped Holt-Winters on the log scale (multiplicative), and `hwadd`,
 * the same additive on the raw values.
 */
export const EXTRA_LOCAL_KINDS = ['hw', 'hwadd'] as const;
export type BaselineKind = (typeof BASELINE_KINDS)[number] | (typeof EXTRA_LOCAL_KINDS)[number];

/** Last value repeated. */
export function naiveForecast(y: ArrayLike<number>, h: number): Float64Array {
  return new Float64Array(h).fill(y.length ? y[y.length - 1]! : 0);
}

/** The value one season earlier (naive when the history is shorter than one season). */
export function seasonalNaiveForecast(y: ArrayLike<number>, h: number, m: number): Float64Array {
  const n = y.length;
  if (n < m || m <= 1) return naiveForecast(y, h);
  const out = new Float64Array(h);
  for (let t = 0; t < h; t++) out[t] = y[n - m + (t % m)]!;
  return out;
}

/** SES level after the history for one alpha, and its one-step squared error sum. */
function sesRun(y: ArrayLike<number>, alpha: number): { level: number; sse: number } {
  let level = y[0]!;
  let sse = 0;
  for (let t = 1; t < y.length; t++) {
    const e = y[t]! - level;
    sse += e * e;
    level += alpha * e;
  }
  return { level, sse };
}

/** SES with alpha chosen by one-step squared error (a grid, then refined). */
export function sesFit(y: ArrayLike<number>): { alpha: number; level: number } {
  if (y.length < 3) return { alpha: 0.5, level: y.length ? sesRun(y, 0.5).level : 0 };
  let best = { alpha: 0.1, sse: Infinity };
  for (let a = 0.05; a < 1; a += 0.05) {
    const r = sesRun(y, a);
    if (r.sse < best.sse) best = { alpha: a, sse: r.sse };
  }
  const center = best.alpha;
  for (let a = Math.max(0.01, center - 0.04); a <= Math.min(0.99, center + 0.04); a += 0.01) {
    const r = sesRun(y, a);
    if (r.sse < best.sse) best = { alpha: a, sse: r.sse };
  }
  return { alpha: best.alpha, level: sesRun(y, best.alpha).level };
}

/** Simple exponential smoothing: a flat forecast at the last smoothed level. */
export function sesForecast(y: ArrayLike<number>, h: number): Float64Array {
  return new Float64Array(h).fill(y.length ? sesFit(y).level : 0);
}

/** Autocorrelation of `y` at `lag`. */
function acf(y: ArrayLike<number>, lag: number, mean: number, denom: number): number {
  let s = 0;
  for (let t = lag; t < y.length; t++) s += (y[t]! - mean) * (y[t - lag]! - mean);
  return denom > 0 ? s / denom : 0;
}

/** Multiplicative seasonal indices (classical decomposition), or undefined when not seasonal. */
export function seasonalIndices(y: ArrayLike<number>, m: number): Float64Array | undefined {
  const n = y.length;
  if (m <= 1 || n < 2 * m) return undefined;
  let mean = 0;
  for (let t = 0; t < n; t++) {
    if (y[t]! <= 0) return undefined;
    mean += y[t]!;
  }
  mean /= n;
  let denom = 0;
  for (let t = 0; t < n; t++) denom += (y[t]! - mean) ** 2;
  let sumSq = 0;
  for (let k = 1; k < m; k++) sumSq += acf(y, k, mean, denom) ** 2;
  const rm = acf(y, m, mean, denom);
  // The 90 % seasonality test of the Theta method (Assimakopoulos & Nikolopoulos; forecast::thetaf).
  if (Math.abs(rm) <= 1.645 * Math.sqrt((1 + 2 * sumSq) / n)) return undefined;
  const ratioSum = new Float64Array(m);
  const ratioCount = new Float64Array(m);
  const half = Math.floor(m / 2);
  for (let t = half; t < n - half; t++) {
    let s = 0;
    if (m % 2 === 0) {
      for (let k = -half; k <= half; k++) s += (Math.abs(k) === half ? 0.5 : 1) * y[t + k]!;
    } else {
      for (let k = -half; k <= half; k++) s += y[t + k]!;
    }
    const cma = s / m;
    if (t + half >= n || cma <= 0) continue;
    ratioSum[t % m]! += y[t]! / cma;
    ratioCount[t % m]! += 1;
  }
  const idx = new Float64Array(m);
  let norm = 0;
  for (let k = 0; k < m; k++) {
    idx[k] = ratioCount[k]! > 0 ? ratioSum[k]! / ratioCount[k]! : 1;
    norm += idx[k]!;
  }
  norm /= m;
  for (let k = 0; k < m; k++) idx[k] = idx[k]! / norm;
  return idx;
}

/** The Theta method (SES with half the linear drift) on the seasonally adjusted series. */
export function thetaForecast(y: ArrayLike<number>, h: number, m: number): Float64Array {
  const n = y.length;
  if (n < 3) return naiveForecast(y, h);
  const idx = seasonalIndices(y, m);
  const x = new Float64Array(n);
  for (let t = 0; t < n; t++) x[t] = idx ? y[t]! / idx[t % m]! : y[t]!;
  let st = 0;
  let sx = 0;
  let stt = 0;
  let stx = 0;
  for (let t = 0; t < n; t++) {
    st += t;
    sx += x[t]!;
    stt += t * t;
    stx += t * x[t]!;
  }
  const slope = (n * stx - st * sx) / (n * stt - st * st);
  const { alpha, level } = sesFit(x);
  const out = new Float64Array(h);
  const lift = (1 - (1 - alpha) ** n) / alpha;
  for (let k = 0; k < h; k++) {
    const v = level + (slope / 2) * (k + lift);
    out[k] = idx ? v * idx[(n + k) % m]! : v;
  }
  return out;
}

/** Croston's method (alpha 0.1): demand size over inter-demand interval, flat. */
export function crostonForecast(y: ArrayLike<number>, h: number, alpha = 0.1): Float64Array {
  let z = Number.NaN;
  let p = Number.NaN;
  let q = 1;
  for (let t = 0; t < y.length; t++) {
    const v = y[t]!;
    if (v !== 0) {
      if (Number.isNaN(z)) {
        z = v;
        p = q;
      } else {
        z += alpha * (v - z);
        p += alpha * (q - p);
      }
      q = 1;
    } else {
      q++;
    }
  }
  return new Float64Array(h).fill(Number.isNaN(z) ? 0 : z / p);
}

/** Teunter–Syntetos–Babai: demand probability updated every period, size on demand. */
export function tsbForecast(y: ArrayLike<number>, h: number, alpha = 0.1, beta = 0.1): Float64Array {
  let z = Number.NaN;
  let p = Number.NaN;
  for (let t = 0; t < y.length; t++) {
    const v = y[t]!;
    const d = v !== 0 ? 1 : 0;
    if (Number.isNaN(p)) {
      if (d) {
        z = v;
        p = 1 / (t + 1);
      }
      continue;
    }
    p += beta * (d - p);
    if (d) z += alpha * (v - z);
  }
  return new Float64Array(h).fill(Number.isNaN(z) ? 0 : z * p);
}

/** Parameters of additive damped Holt-Winters (error-correction form; trend gain a·b, season gain g·(1−a)). */
interface HwParams {
  readonly a: number;
  readonly b: number;
  readonly g: number;
  readonly phi: number;
}

/**
 * One pass of additive damped Holt-Winters from the state `init` = [level, trend, s_0 … s_{m−1}]
 * held just before x[0] (s_j is the season of the points j, j+m, …); returns the one-step squared
 * error sum over all points, writes the errors to `errs` when given and leaves the final state in
 * `state` (same layout). A tight loop: `auto` runs it thousands of times per series.
 */
function hwPass(
  x: ArrayLike<number>,
  m: number,
  seasonal: boolean,
  p: HwParams,
  init: ArrayLike<number>,
  state: Float64Array,
  errs?: Float64Array,
): number {
  const n = x.length;
  const { a, phi } = p;
  const ab = a * p.b;
  const g1 = seasonal ? p.g * (1 - a) : 0;
  const size = seasonal ? m + 2 : 2;
  for (let i = 0; i < size; i++) state[i] = init[i]!;
  let level = state[0]!;
  let trend = state[1]!;
  let sse = 0;
  let j = 0;
  for (let t = 0; t < n; t++) {
    const si = seasonal ? state[2 + j]! : 0;
    const e = x[t]! - (level + phi * trend + si);
    sse += e * e;
    if (errs) errs[t] = e;
    level += phi * trend + a * e;
    trend = phi * trend + ab * e;
    if (seasonal) {
      state[2 + j] = si + g1 * e;
      if (++j === m) j = 0;
    }
  }
  state[0] = level;
  state[1] = trend;
  return sse;
}

/** Classical start: level, trend and season from the first two seasons (or the first two points). */
function hwHeuristicInit(x: ArrayLike<number>, m: number, seasonal: boolean): Float64Array {
  const init = new Float64Array(seasonal ? m + 2 : 2);
  if (seasonal) {
    let s1 = 0;
    let s2 = 0;
    const two = x.length >= 2 * m;
    for (let i = 0; i < m; i++) {
      s1 += x[i]!;
      s2 += two ? x[m + i]! : 0;
    }
    // The first season's mean sits at its middle, (m − 1) / 2: the state before x[0] is (m + 1) / 2 earlier.
    const mean = s1 / m;
    const trend = two ? (s2 - s1) / (m * m) : 0;
    for (let i = 0; i < m; i++) init[2 + i] = x[i]! - (mean + trend * (i - (m - 1) / 2));
    init[0] = mean - (trend * (m + 1)) / 2;
    init[1] = trend;
  } else {
    init[0] = x[0]!;
    init[1] = x.length > 1 ? x[1]! - x[0]! : 0;
  }
  return init;
}

/** Solves (A + ridge) z = r for a symmetric positive semi-definite k×k A (row-major), by Cholesky. */
function solveSymmetric(A: Float64Array, r: Float64Array, k: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < k; i++) trace += A[i * k + i]!;
  const ridge = 1e-10 * (trace / k) + 1e-300;
  const L = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * k + j]! + (i === j ? ridge : 0);
      for (let q = 0; q < j; q++) s -= L[i * k + q]! * L[j * k + q]!;
      if (i === j) L[i * k + i] = Math.sqrt(Math.max(s, ridge));
      else L[i * k + j] = s / L[j * k + j]!;
    }
  }
  const z = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = r[i]!;
    for (let q = 0; q < i; q++) s -= L[i * k + q]! * z[q]!;
    z[i] = s / L[i * k + i]!;
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let q = i + 1; q < k; q++) s -= L[q * k + i]! * z[q]!;
    z[i] = s / L[i * k + i]!;
  }
  return z;
}

/**
 * The initial state that minimises the one-step squared error for fixed parameters, as
 * statsmodels' `initialization_method="estimated"` does by numerical search. The recursion is
 * linear, so the errors are affine in the initial state: e = e₀ + J·s₀, where e₀ are the errors
 * from a zero start and column c of J the errors of the series 0 started from unit state c. The
 * least-squares s₀ solves JᵀJ·s₀ = −Jᵀe₀. The seasons are constrained to sum to zero (otherwise a
 * shift between level and seasons is free), by writing the last one as minus the others.
 */
function hwLeastSquaresInit(x: ArrayLike<number>, m: number, seasonal: boolean, p: HwParams): Float64Array {
  const n = x.length;
  const full = seasonal ? m + 2 : 2;
  const state = new Float64Array(full);
  const e0 = new Float64Array(n);
  hwPass(x, m, seasonal, p, new Float64Array(full), state, e0);
  const zero = new Float64Array(n);
  const unit = new Float64Array(full);
  const cols: Float64Array[] = [];
  for (let c = 0; c < full; c++) {
    unit.fill(0);
    unit[c] = 1;
    const col = new Float64Array(n);
    hwPass(zero, m, seasonal, p, unit, state, col);
    cols.push(col);
  }
  // Free parameters: level, trend, s_0 … s_{m−2}; s_{m−1} = −Σ others.
  const k = seasonal ? full - 1 : full;
  if (seasonal) {
    const last = cols[full - 1]!;
    for (let c = 2; c < full - 1; c++) {
      const col = cols[c]!;
      for (let t = 0; t < n; t++) col[t] = col[t]! - last[t]!;
    }
  }
  const A = new Float64Array(k * k);
  const r = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const ci = cols[i]!;
    let s = 0;
    for (let t = 0; t < n; t++) s += ci[t]! * e0[t]!;
    r[i] = -s;
    for (let j = 0; j <= i; j++) {
      const cj = cols[j]!;
      let q = 0;
      for (let t = 0; t < n; t++) q += ci[t]! * cj[t]!;
      A[i * k + j] = q;
      A[j * k + i] = q;
    }
  }
  const z = solveSymmetric(A, r, k);
  const init = new Float64Array(full);
  init.set(z.subarray(0, k));
  if (seasonal) {
    let sum = 0;
    for (let c = 2; c < full - 1; c++) sum += z[c]!;
    init[full - 1] = -sum;
  }
  return init;
}

const HW_GRID = {
  a: [0.05, 0.1, 0.2, 0.35, 0.5, 0.8],
  b: [0.01, 0.05, 0.15],
  g: [0.02, 0.1, 0.25],
  phi: [0.85, 0.95, 0.98],
} as const;

/** How many of the grid's best parameter sets get least-squares initial states (see `holtWintersFit`). */
export const HW_REFINED_CANDIDATES = 1;

/**
 * Fits additive damped Holt-Winters to `x`: parameters on a grid, scored by one-step squared
 * error from the classical start; then the best `refine` parameter sets get least-squares
 * initial states and the lowest error among them wins. Seasonal from `seasonalFrom` points (two
 * full seasons by default, as the peers' statsmodels configuration; never under m + 2),
 * otherwise damped Holt.
 */
export function holtWintersFit(
  x: ArrayLike<number>,
  m: number,
  refine = HW_REFINED_CANDIDATES,
  seasonalFrom = 2 * m,
): { params: HwParams; seasonal: boolean; level: number; trend: number; season: Float64Array; sse: number } {
  const n = x.length;
  const seasonal = m > 1 && n >= Math.max(seasonalFrom, m + 2);
  const start = hwHeuristicInit(x, m, seasonal);
  const state = new Float64Array(start.length);
  const scored: { sse: number; p: HwParams }[] = [];
  for (const a of HW_GRID.a) {
    for (const b of HW_GRID.b) {
      for (const g of seasonal ? HW_GRID.g : [0]) {
        for (const phi of HW_GRID.phi) {
          const p = { a, b, g, phi };
          scored.push({ sse: hwPass(x, m, seasonal, p, start, state), p });
        }
      }
    }
  }
  scored.sort((u, v) => u.sse - v.sse);
  let best = { sse: scored[0]!.sse, p: scored[0]!.p, init: start };
  let refined = false;
  for (const c of scored.slice(0, refine)) {
    const init = hwLeastSquaresInit(x, m, seasonal, c.p);
    const sse = hwPass(x, m, seasonal, c.p, init, state);
    // Least squares can only lower the error of its own parameters; compare the refined among themselves.
    if (!refined || sse < best.sse) best = { sse, p: c.p, init };
    refined = true;
  }
  const sse = hwPass(x, m, seasonal, best.p, best.init, state);
  return {
    params: best.p,
    seasonal,
    level: state[0]!,
    trend: state[1]!,
    season: state.slice(2),
    sse,
  };
}

/**
 * Damped Holt-Winters (see `holtWintersFit`). `scale: 'log'` (the `hw` model) works on the log
 * scale when every value is positive, so seasonality and trend act multiplicatively; `'raw'`
 * (`hwadd`) is additive on the values themselves, the peers' statsmodels configuration.
 * Seasonal from `seasonalFrom` points: additive from one and a half seasons (least squares fits
 * the m + 1 initial states, the other half season the smoothing; on walmart's 78- and 91-week
 * histories it beat seasonal naive where damped Holt lost to it, bench/hw-probe.ts), multiplicative
 * from two (on the log scale a trend fitted on less blew up through exp).
 */
export function holtWintersForecast(
  y: ArrayLike<number>,
  h: number,
  m: number,
  scale: 'log' | 'raw' = 'log',
  refine = HW_REFINED_CANDIDATES,
  seasonalFrom = scale === 'raw' ? Math.ceil(1.5 * m) : 2 * m,
  clamp = true,
): Float64Array {
  const n = y.length;
  if (n < 4) return naiveForecast(y, h);
  let positive = scale === 'log';
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    if (!(y[i]! > 0)) positive = false;
    lo = Math.min(lo, y[i]!);
    hi = Math.max(hi, y[i]!);
  }
  const x = positive ? Float64Array.from(y, Math.log) : y;
  const fit = holtWintersFit(x, m, refine, seasonalFrom);
  const out = new Float64Array(h);
  // A runaway fit (a trend through exp, or least squares on a nearly flat history) is held within
  // the history's range widened by its own width each side: retail sales do not leave that within
  // one horizon, and a seasonal model that does is wrong (0.5 % of walmart's windows, no other set).
  const width = hi - lo;
  let damp = 0;
  for (let k = 0; k < h; k++) {
    damp += fit.params.phi ** (k + 1);
    const v = fit.level + damp * fit.trend + (fit.seasonal ? fit.season[(n + k) % m]! : 0);
    const f = positive ? Math.exp(v) : v;
    out[k] = clamp ? Math.min(hi + width, Math.max(lo - width, f)) : f;
  }
  return out;
}

/** The point method of a baseline kind. */
export function pointForecast(kind: BaselineKind, y: ArrayLike<number>, h: number, freq: Frequency): Float64Array {
  const m = SEASON_LENGTH[freq];
  switch (kind) {
    case 'naive':
      return naiveForecast(y, h);
    case 'snaive':
      return seasonalNaiveForecast(y, h, m);
    case 'ses':
      return sesForecast(y, h);
    case 'theta':
      return thetaForecast(y, h, m);
    case 'croston':
      return crostonForecast(y, h);
    case 'tsb':
      return tsbForecast(y, h);
    case 'hw':
      return holtWintersForecast(y, h, m, 'log');
    case 'hwadd':
      return holtWintersForecast(y, h, m, 'raw');
  }
}

/** Minimum history of each method before it falls back to naive. */
export function minimumHistory(kind: BaselineKind, freq: Frequency): number {
  return kind === 'snaive' ? SEASON_LENGTH[freq] : kind === 'theta' ? 3 : 1;
}

/** The q-quantile of a sorted array (linear interpolation, numpy's default). */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Conformal table: `table[q][h]` = quantile `levels[q]` of the scaled errors at step h, pooling
 * the neighbouring steps until at least `minCount` errors are in (all steps if never).
 */
export function conformalTable(
  errorsByStep: readonly (readonly number[])[],
  levels: QuantileLevels,
  minCount = 200,
): number[][] {
  const h = errorsByStep.length;
  const table = levels.map(() => Array.from({ length: h }, () => 0));
  for (let t = 0; t < h; t++) {
    let band = 0;
    let sample: number[] = [...errorsByStep[t]!];
    while (sample.length < minCount && band < h) {
      band++;
      sample = [];
      for (let k = Math.max(0, t - band); k <= Math.min(h - 1, t + band); k++) sample.push(...errorsByStep[k]!);
    }
    const sorted = Float64Array.from(sample).toSorted();
    levels.forEach((q, i) => {
      table[i]![t] = sortedQuantile(sorted, q);
    });
  }
  return table;
}

interface LocalState {
  readonly horizon: number;
  readonly quantiles: number[];
  readonly table: number[][];
  readonly scales: Record<string, number>;
  /** Scale used for a series not seen at fit (median of the fitted scales relative to level). */
  readonly relativeScale: number;
}

export interface LocalForecasterOptions {
  /** Windows of the horizon at the end of each series used for conformal calibration (default 3). */
  readonly calibrationWindows?: number;
  /** Shift the median by the median calibration error (default true). */
  readonly medianShift?: boolean;
}

function meanAbsLevel(y: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < y.length; i++) {
    if (!Number.isNaN(y[i]!)) {
      s += Math.abs(y[i]!);
      c++;
    }
  }
  return c ? s / c : 0;
}

/** A per-series baseline behind the GlobalForecaster interface, with conformal quantiles. */
export class LocalForecaster implements GlobalForecaster {
  readonly alias: string;
  private fittedState: LocalState | undefined;
  private readonly calibrationWindows: number;
  private readonly medianShift: boolean;
  private fittedFreq: Frequency = 'D';
  private readonly fitWarnings: string[] = [];

  constructor(
    readonly kind: BaselineKind,
    options: LocalForecasterOptions = {},
  ) {
    this.alias = kind;
    this.calibrationWindows = options.calibrationWindows ?? 3;
    this.medianShift = options.medianShift ?? true;
  }

  /** What the user should know from the last fit (short series that fell back to naive). */
  get warnings(): readonly string[] {
    return this.fitWarnings;
  }

  fit(panel: Panel, options: FitOptions): Promise<void> {
    options.signal?.throwIfAborted();
    const h = options.horizon;
    const levels = [...options.quantiles].toSorted((a, b) => a - b);
    this.fittedFreq = panel.freq;
    this.fitWarnings.length = 0;
    const errorsByStep: number[][] = Array.from({ length: h }, () => []);
    const scales: Record<string, number> = {};
    const relative: number[] = [];
    const need = minimumHistory(this.kind, panel.freq);
    let short = 0;
    panel.series.forEach((s, si) => {
      const n = s.target.length;
      if (n < need) short++;
      const errs: { step: number; e: number }[] = [];
      for (let r = 1; r <= this.calibrationWindows; r++) {
        const cut = n - r * h;
        if (cut < Math.max(need, 2)) break;
        const f = pointForecast(this.kind, interpolateGaps(s.target.subarray(0, cut)), h, panel.freq);
        for (let t = 0; t < h; t++) {
          const y = s.target[cut + t]!;
          if (!Number.isNaN(y)) errs.push({ step: t, e: y - f[t]! });
        }
      }
      let scale = 0;
      if (errs.length >= Math.min(h, 5)) {
        for (const { e } of errs) scale += Math.abs(e);
        scale /= errs.length;
      } else {
        // Too short to calibrate on itself: one-step naive MAE of its history.
        const y = interpolateGaps(s.target);
        for (let t = 1; t < y.length; t++) scale += Math.abs(y[t]! - y[t - 1]!);
        scale = y.length > 1 ? scale / (y.length - 1) : meanAbsLevel(s.target);
      }
      scales[s.id] = scale;
      const lvl = meanAbsLevel(s.target);
      if (lvl > 0 && scale > 0) relative.push(scale / lvl);
      if (scale > 0) for (const { step, e } of errs) errorsByStep[step]!.push(e / scale);
      if (si % 64 === 63) options.signal?.throwIfAborted();
    });
    if (short > 0 && this.kind !== 'naive') {
      this.fitWarnings.push(
        `${this.alias}: ${short} series shorter than ${need} points were forecast with naive (last value).`,
      );
    }
    // No calibration errors at all (every series short): a symmetric spread of one scale unit.
    const anyErrors = errorsByStep.some((e) => e.length > 0);
    const table = anyErrors
      ? conformalTable(errorsByStep, levels)
      : levels.map((q) => Array.from({ length: h }, () => (q === 0.5 ? 0 : 1.2816 * Math.sign(q - 0.5))));
    if (!this.medianShift) {
      const mid = levels.indexOf(0.5);
      if (mid >= 0) table[mid] = Array.from({ length: h }, () => 0);
    }
    const sortedRel = Float64Array.from(relative).toSorted();
    this.fittedState = {
      horizon: h,
      quantiles: levels,
      table,
      scales,
      relativeScale: sortedQuantile(sortedRel, 0.5),
    };
    options.onProgress?.({ epoch: 1, epochs: 1, loss: Number.NaN, validationLoss: undefined, fraction: 1 });
    return Promise.resolve();
  }

  predict(panel: Panel): Promise<QuantileForecast[]> {
    const st = this.fittedState;
    if (!st) return Promise.reject(new NotFittedError(this.alias));
    // Units are never below 0; a dataset in money that allows negatives keeps them (refunds).
    const floor = panel.allowNegative === true ? Number.NEGATIVE_INFINITY : 0;
    return Promise.resolve(panel.series.map((s) => this.predictOne(st, panel.freq, s.id, s.start, s.target, floor)));
  }

  private predictOne(
    st: LocalState,
    freq: Frequency,
    id: string,
    start: string,
    target: Float64Array,
    floor: number,
  ): QuantileForecast {
    const h = st.horizon;
    const n = target.length;
    const point = pointForecast(this.kind, interpolateGaps(target), h, freq);
    const scale = st.scales[id] ?? st.relativeScale * meanAbsLevel(target);
    const values = st.quantiles.map((_, q) => {
      const row = st.table[q]!;
      const out = new Float64Array(h);
      for (let t = 0; t < h; t++) out[t] = Math.max(floor, point[t]! + scale * row[t]!);
      return out;
    });
    // Non-crossing: the table is sorted per step, but keep it so after any rounding.
    for (let t = 0; t < h; t++) {
      for (let q = 1; q < values.length; q++) {
        if (values[q]![t]! < values[q - 1]![t]!) values[q]![t] = values[q - 1]![t]!;
      }
    }
    return { seriesId: id, dates: gridDates(start, n, h, freq), quantiles: st.quantiles, values };
  }

  serialize(): Promise<SerializedModel> {
    const st = this.fittedState;
    if (!st) return Promise.reject(new NotFittedError(this.alias));
    const json = JSON.stringify({
      format: 'forecastql.local.v1',
      kind: this.kind,
      freq: this.fittedFreq,
      calibrationWindows: this.calibrationWindows,
      medianShift: this.medianShift,
      state: st,
    });
    return Promise.resolve({ alias: this.alias, json, weights: new Uint8Array(0) });
  }

  /** Restores a model written by `serialize`. */
  static deserialize(model: SerializedModel): LocalForecaster {
    const o = JSON.parse(model.json) as {
      kind: BaselineKind;
      freq: Frequency;
      calibrationWindows: number;
      medianShift: boolean;
      state: LocalState;
    };
    const f = new LocalForecaster(o.kind, { calibrationWindows: o.calibrationWindows, medianShift: o.medianShift });
    f.fittedState = o.state;
    f.fittedFreq = o.freq;
    return f;
  }

  dispose(): void {
    // No tensors: plain arrays only.
  }
}
