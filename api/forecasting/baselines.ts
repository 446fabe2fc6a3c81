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
 * `ModelKind` enum): `hw`, a damped Holt-Winters.
 */
export const EXTRA_LOCAL_KINDS = ['hw'] as const;
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

/** One pass of additive damped Holt-Winters; returns the one-step SSE and the final state. */
function hwRun(
  x: ArrayLike<number>,
  m: number,
  a: number,
  b: number,
  g: number,
  phi: number,
): { sse: number; level: number; trend: number; season: Float64Array } {
  const n = x.length;
  const seasonal = m > 1 && n >= 2 * m;
  const season = new Float64Array(Math.max(1, m));
  let level: number;
  let trend: number;
  if (seasonal) {
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < m; i++) {
      s1 += x[i]!;
      s2 += x[m + i]!;
    }
    // The first season's mean sits at its middle, (m - 1) / 2: detrend to the state at m - 1.
    const mean = s1 / m;
    trend = (s2 - s1) / (m * m);
    for (let i = 0; i < m; i++) season[i] = x[i]! - (mean + trend * (i - (m - 1) / 2));
    level = mean + (trend * (m - 1)) / 2;
  } else {
    level = x[0]!;
    trend = n > 1 ? x[1]! - x[0]! : 0;
  }
  let sse = 0;
  const start = seasonal ? m : 1;
  for (let t = start; t < n; t++) {
    const si = seasonal ? season[t % m]! : 0;
    const pred = level + phi * trend + si;
    const e = x[t]! - pred;
    sse += e * e;
    const prevLevel = level;
    level = prevLevel + phi * trend + a * e;
    trend = phi * trend + a * b * e;
    if (seasonal) season[t % m] = si + g * (1 - a) * e;
  }
  return { sse, level, trend, season };
}

/**
 * Damped Holt-Winters (additive; on the log scale for positive series, so seasonality and trend
 * act multiplicatively), parameters chosen on a small grid by one-step squared error. Seasonal
 * with two full seasons of history, otherwise damped Holt.
 */
export function holtWintersForecast(y: ArrayLike<number>, h: number, m: number): Float64Array {
  const n = y.length;
  if (n < 4) return naiveForecast(y, h);
  let positive = true;
  for (let i = 0; i < n; i++) if (!(y[i]! > 0)) positive = false;
  const x = positive ? Float64Array.from(y as ArrayLike<number>, Math.log) : Float64Array.from(y as ArrayLike<number>);
  const seasonal = m > 1 && n >= 2 * m;
  let best = { sse: Infinity, a: 0.2, b: 0.05, g: 0.1, phi: 0.95 };
  for (const a of [0.05, 0.1, 0.2, 0.35, 0.5, 0.8]) {
    for (const b of [0.01, 0.05, 0.15]) {
      for (const g of seasonal ? [0.02, 0.1, 0.25] : [0]) {
        for (const phi of [0.85, 0.95, 0.98]) {
          const r = hwRun(x, m, a, b, g, phi);
          if (r.sse < best.sse) best = { sse: r.sse, a, b, g, phi };
        }
      }
    }
  }
  const st = hwRun(x, m, best.a, best.b, best.g, best.phi);
  const out = new Float64Array(h);
  let damp = 0;
  for (let k = 0; k < h; k++) {
    damp += best.phi ** (k + 1);
    const v = st.level + damp * st.trend + (seasonal ? st.season[(n + k) % m]! : 0);
    out[k] = positive ? Math.exp(v) : v;
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
      return holtWintersForecast(y, h, m);
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
    return Promise.resolve(panel.series.map((s) => this.predictOne(st, panel.freq, s.id, s.start, s.target)));
  }

  private predictOne(
    st: LocalState,
    freq: Frequency,
    id: string,
    start: string,
    target: Float64Array,
  ): QuantileForecast {
    const h = st.horizon;
    const n = target.length;
    const point = pointForecast(this.kind, interpolateGaps(target), h, freq);
    const scale = st.scales[id] ?? st.relativeScale * meanAbsLevel(target);
    const values = st.quantiles.map((_, q) => {
      const row = st.table[q]!;
      const out = new Float64Array(h);
      for (let t = 0; t < h; t++) out[t] = Math.max(0, point[t]! + scale * row[t]!);
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
