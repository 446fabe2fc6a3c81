/**
 * Accuracy metrics with the definitions and aggregation of `shared/peers/common.py` (the code
 * that scores every peer), so our numbers and the peers' are the same numbers:
 *
 * - per window (one series, one origin), over the test points whose actual is observed:
 *   MASE = mean|y−ŷ| / mean_t|y_t − y_{t−m}| (observed training pairs only; lag 1 when no pair is m
 *   apart), sMAPE = 200·mean |y−ŷ|/(|y|+|ŷ|) (0/0 counts 0), RMSSE = sqrt(mean (y−ŷ)² /
 *   mean_{t>s}(y_t − y_{t−1})²) with s the first non-zero training value;
 * - MASE, sMAPE, RMSSE: arithmetic means over windows (a window whose scale is 0 or unknown is left
 *   out and counted in `nNanScale`); WAPE, 80 % coverage and wQL: pooled over all points;
 * - wQL_q = 2·Σ|(y − ŷ_q)(1{y ≤ ŷ_q} − q)| / Σ|y|; mean wQL = mean over the levels (0.1, 0.5, 0.9);
 * - a series with a missing p50 on any observed test point fails and is not scored; interval
 *   metrics use only windows with complete p10 and p90.
 */
import type { MetricSet } from './types.js';

/** The forecast of one (series, origin) window with what scoring needs. */
export interface ScoredWindow {
  readonly seriesId: string;
  readonly origin: number;
  /** Training target before the window as observed (NaN where missing; never interpolated). */
  readonly history: ArrayLike<number>;
  /** Actuals of the window (NaN = missing: not scored). */
  readonly actual: ArrayLike<number>;
  /** Quantile forecasts by level (must include 0.5; NaN = missing). */
  readonly quantiles: ReadonlyMap<number, ArrayLike<number>>;
}

export interface WindowMetrics {
  readonly seriesId: string;
  readonly origin: number;
  readonly nPoints: number;
  readonly mase: number;
  readonly smape: number;
  readonly rmsse: number;
  readonly absErr: number;
  readonly absY: number;
  readonly scaleLag: number;
}

export interface MetricSummary extends MetricSet {
  readonly nSeries: number;
  readonly nFailed: number;
  readonly failed: readonly string[];
  readonly nWindows: number;
  readonly nPoints: number;
  readonly nNanScale: number;
  /** wQL per level, in the order of `levels`. */
  readonly wqlByLevel: readonly number[];
  readonly perWindow: readonly WindowMetrics[];
}

/** Differences a[t] − a[t−lag] over the pairs where both are observed. */
function diffs(a: ArrayLike<number>, lag: number): number[] {
  const out: number[] = [];
  for (let t = lag; t < a.length; t++) {
    const d = a[t]! - a[t - lag]!;
    if (!Number.isNaN(d)) out.push(d);
  }
  return out;
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length ? s / xs.length : Number.NaN;
}

/** MASE scale: in-sample seasonal-naive MAE on observed pairs (lag 1 when none is m apart). */
export function maseScale(history: ArrayLike<number>, m: number): { scale: number; lag: number } {
  let d = diffs(history, m);
  let lag = m;
  if (d.length === 0) {
    lag = 1;
    d = diffs(history, 1);
  }
  return { scale: d.length ? mean(d.map(Math.abs)) : Number.NaN, lag };
}

/** RMSSE scale: in-sample one-step naive MSE from the first non-zero training value (M5). */
export function rmsseScale(history: ArrayLike<number>): number {
  let first = -1;
  for (let i = 0; i < history.length; i++) {
    const v = history[i]!;
    if (!Number.isNaN(v) && v !== 0) {
      first = i;
      break;
    }
  }
  const tail = first >= 0 ? Array.prototype.slice.call(history, first) : Array.from(history);
  const d = diffs(tail as number[], 1);
  return d.length ? mean(d.map((x) => x * x)) : Number.NaN;
}

/** GluonTS quantile loss: 2·Σ|(y − ŷ_q)(1{y ≤ ŷ_q} − q)|. */
export function pinballSum(y: ArrayLike<number>, pred: ArrayLike<number>, q: number): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const e = y[i]! - pred[i]!;
    s += Math.abs(e * ((y[i]! <= pred[i]! ? 1 : 0) - q));
  }
  return 2 * s;
}

/** Point metrics of one window on its observed actuals `y` with medians `p50`. */
export function windowMetrics(
  seriesId: string,
  origin: number,
  history: ArrayLike<number>,
  y: readonly number[],
  p50: readonly number[],
  m: number,
): WindowMetrics {
  const { scale, lag } = maseScale(history, m);
  const r2 = rmsseScale(history);
  let ae = 0;
  let se = 0;
  let sm = 0;
  let ay = 0;
  for (let i = 0; i < y.length; i++) {
    const e = y[i]! - p50[i]!;
    ae += Math.abs(e);
    se += e * e;
    ay += Math.abs(y[i]!);
    const den = Math.abs(y[i]!) + Math.abs(p50[i]!);
    if (den > 0) sm += Math.abs(e) / den;
  }
  const n = y.length;
  return {
    seriesId,
    origin,
    nPoints: n,
    mase: scale > 0 ? ae / n / scale : Number.NaN,
    smape: (200 * sm) / n,
    rmsse: r2 > 0 ? Math.sqrt(se / n / r2) : Number.NaN,
    absErr: ae,
    absY: ay,
    scaleLag: lag,
  };
}

function nanMean(xs: readonly number[]): number {
  const ok = xs.filter((x) => !Number.isNaN(x));
  return ok.length ? mean(ok) : Number.NaN;
}

/**
 * Scores windows exactly as `common.score` does, with seasonal period `m` and quantile `levels`
 * (default 0.1/0.5/0.9; coverage uses the lowest and highest level). `only`: series to score.
 */
export function scoreWindows(
  windows: readonly ScoredWindow[],
  m: number,
  levels: readonly number[] = [0.1, 0.5, 0.9],
  only?: ReadonlySet<string>,
): MetricSummary {
  const ws = only ? windows.filter((w) => only.has(w.seriesId)) : windows;
  const failed = new Set<string>();
  const prepared: { w: ScoredWindow; idx: number[] }[] = [];
  for (const w of ws) {
    const idx: number[] = [];
    for (let i = 0; i < w.actual.length; i++) if (!Number.isNaN(w.actual[i]!)) idx.push(i);
    const p50 = w.quantiles.get(0.5);
    if (!p50 || idx.some((i) => i >= p50.length || Number.isNaN(p50[i]!))) failed.add(w.seriesId);
    prepared.push({ w, idx });
  }
  const lo = Math.min(...levels);
  const hi = Math.max(...levels);
  const rows: WindowMetrics[] = [];
  const qNum = new Float64Array(levels.length);
  let qDen = 0;
  let cover = 0;
  let nInt = 0;
  for (const { w, idx } of prepared) {
    if (failed.has(w.seriesId) || idx.length === 0) continue;
    const y = idx.map((i) => w.actual[i]!);
    const p50 = w.quantiles.get(0.5)!;
    rows.push(
      windowMetrics(
        w.seriesId,
        w.origin,
        w.history,
        y,
        idx.map((i) => p50[i]!),
        m,
      ),
    );
    const qs = levels.map((q) => w.quantiles.get(q));
    const complete = qs.every((a) => a !== undefined && idx.every((i) => i < a.length && !Number.isNaN(a[i]!)));
    if (!complete) continue;
    const loA = w.quantiles.get(lo)!;
    const hiA = w.quantiles.get(hi)!;
    for (const i of idx) {
      const v = w.actual[i]!;
      if (v >= loA[i]! && v <= hiA[i]!) cover++;
    }
    nInt += idx.length;
    levels.forEach((q, k) => {
      const a = qs[k]!;
      qNum[k]! += pinballSum(
        y,
        idx.map((i) => a[i]!),
        q,
      );
    });
    for (const v of y) qDen += Math.abs(v);
  }
  let absErr = 0;
  let absY = 0;
  for (const r of rows) {
    absErr += r.absErr;
    absY += r.absY;
  }
  const wqlByLevel = nInt ? Array.from(qNum, (x) => x / qDen) : levels.map(() => Number.NaN);
  return {
    nSeries: new Set(ws.map((w) => w.seriesId)).size,
    nFailed: failed.size,
    failed: [...failed].toSorted(),
    nWindows: rows.length,
    nPoints: rows.reduce((a, r) => a + r.nPoints, 0),
    nNanScale: rows.filter((r) => Number.isNaN(r.mase)).length,
    mase: nanMean(rows.map((r) => r.mase)),
    smape: nanMean(rows.map((r) => r.smape)),
    rmsse: nanMean(rows.map((r) => r.rmsse)),
    wape: rows.length ? absErr / absY : Number.NaN,
    coverage80: nInt ? cover / nInt : Number.NaN,
    wql: nInt ? mean(wqlByLevel) : Number.NaN,
    wqlByLevel,
    perWindow: rows,
  };
}
