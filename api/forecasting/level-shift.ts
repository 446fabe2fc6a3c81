/**
 * Validation windows that straddle a level shift (issue 13, item 2; bench/level-shift.ts).
 *
 * The mean lift and the spread of totals (distribution.ts) are read off the chosen model's
 * validation windows: how far what sold was from what the model, trained up to each window, said.
 * That is right when the misses are the model's habit. It is wrong when the whole shop's sales
 * jumped inside a window (a campaign, a new channel): the model of that window could not know, the
 * final model, trained on the jump, does, and a lift learnt there counts the new level twice
 * (the total's p50 2–2.7 times the members' Σ p50) or a κ of 2–4 pushes the total's p10 and p50
 * to 0.
 *
 * A window's statistic is s = log(mean total of its actuals per step / mean total of the last L
 * steps before it), L the level's lookback (distribution.ts MEAN_LOOKBACK). The same statistic at
 * earlier origins of the history (a quarter of a window apart) says how much the total moves from
 * one window to the next on its own (seasons, promotions, growth): its median m and robust scale
 * σ (1.4826 · MAD). A window is shifted when |s − m| exceeds both SHIFT_SIGMAS · σ and log
 * SHIFT_MIN_RATIO: a move the history has never shown, and a large one. A yearly peak is not a
 * shift: where the history holds the same window a year earlier (YEAR_STEPS, weekdays aligned), a
 * move within SHIFT_MIN_RATIO of that year's is seasonal (a toy shop's December). On the five
 * public sets it flags none of 187 windows cut in the second half of their history, nor any
 * validation window of the totals bench's 34 origins (the largest |s − m| / σ is 2.7: `npx tsx
 * bench/level-shift.ts --public`), and their backtests' forecasts are byte for byte those before.
 *
 * The interval calibration, the mean lift and the dependence are then fitted on the steady windows
 * only (pipeline.ts). Those did not see the shift, so they cannot say how the series move together
 * after it; a shift that moved the whole shop is itself a common factor that lasts, so a run that
 * dropped a window sums its totals with the common factor strong and persistent
 * (`afterShift`: ρ = MAX_RHO, φ_common = SHIFT_PHI, κ = 1). Gradient boosting, whose own
 * intervals come from its last H points, reads the same detector there (gbm-model.ts). Pure: no I/O.
 */
import { gridOffset } from './frames.js';
import { empiricalQuantile, MAX_RHO, MEAN_LOOKBACK, type DistributionModel } from './distribution.js';
import { YEAR_STEPS, type Panel } from './types.js';

/** What the statistic reads of a validation window: the history before it and what sold in it. */
export interface WindowData {
  readonly panel: Panel;
  readonly actuals: ReadonlyMap<string, Float64Array>;
}

/** Robust standard deviations from the history's own moves that make a shift. */
export const SHIFT_SIGMAS = 4;
/** The least ratio of a window's level to the level before it that can count as a shift. */
export const SHIFT_MIN_RATIO = 1.25;
/** φ of the common factor after a shift: it lasts over the horizon. */
export const SHIFT_PHI = 0.99;
/** Earlier origins the history needs before a window can be judged. */
export const MIN_SHIFT_ORIGINS = 8;

/** What `windowShift` reads off one window. */
export interface WindowShift {
  /** log(level of the window's actuals / level of the L steps before it). */
  readonly statistic: number;
  /** Median of the same statistic at the history's earlier origins. */
  readonly centre: number;
  /** 1.4826 · MAD of those. */
  readonly scale: number;
  /** Earlier origins read. */
  readonly origins: number;
  /** The same statistic a year earlier, where the history holds it. */
  readonly lastYear?: number;
  readonly shifted: boolean;
}

/** The median (type-7 quantile at 0.5: the mean of the middle two of an even count). */
function median(xs: readonly number[]): number {
  return empiricalQuantile(
    xs.toSorted((a, b) => a - b),
    0.5,
  );
}

/**
 * The total over the window's series (those with actuals), one value per grid step of the history,
 * unknown values counted as 0; and the mean total per step of the window's actuals.
 */
function totals(w: WindowData): { history: Float64Array; window: number; steps: number } | undefined {
  const series = w.panel.series.filter((s) => w.actuals.has(s.id));
  if (series.length === 0) return undefined;
  const freq = w.panel.freq;
  const first = series.reduce((a, s) => (s.start < a ? s.start : a), series[0]!.start);
  const offsets = series.map((s) => Math.round(gridOffset(first, s.start, freq)));
  let n = 0;
  series.forEach((s, i) => (n = Math.max(n, offsets[i]! + s.target.length)));
  const history = new Float64Array(n);
  series.forEach((s, i) => {
    const o = offsets[i]!;
    s.target.forEach((v, t) => {
      if (Number.isFinite(v)) history[o + t]! += v;
    });
  });
  let steps = 0;
  for (const y of w.actuals.values()) steps = Math.max(steps, y.length);
  if (steps === 0) return undefined;
  const perStep = new Float64Array(steps);
  for (const s of series) {
    const y = w.actuals.get(s.id)!;
    y.forEach((v, t) => {
      if (Number.isFinite(v)) perStep[t]! += v;
    });
  }
  return { history, window: perStep.reduce((a, v) => a + v, 0) / steps, steps };
}

/** Mean of x over [from, to) from its prefix sums c (c[i] = Σ x[0..i)). */
const mean = (c: Float64Array, from: number, to: number): number => (c[to]! - c[from]!) / (to - from);

/** The shift statistic of one validation window against its own history (module comment). */
export function windowShift(w: WindowData): WindowShift | undefined {
  const t = totals(w);
  if (!t) return undefined;
  const { history, steps } = t;
  const L = MEAN_LOOKBACK[w.panel.freq];
  const n = history.length;
  if (n < L) return undefined;
  const c = new Float64Array(n + 1);
  history.forEach((v, i) => (c[i + 1] = c[i]! + v));
  const before = mean(c, n - L, n);
  if (!(before > 0) || !(t.window > 0)) return undefined;
  const statistic = Math.log(t.window / before);
  // Earlier origins a quarter of a window apart (overlapping windows: more of them on a short
  // history, for the median and MAD only).
  const stride = Math.max(1, Math.round(steps / 4));
  const earlier: number[] = [];
  for (let o = n - steps; o - L >= 0; o -= stride) {
    const a = mean(c, o, o + steps);
    const b = mean(c, o - L, o);
    if (a > 0 && b > 0) earlier.push(Math.log(a / b));
  }
  const year = n - YEAR_STEPS[w.panel.freq];
  let lastYear: number | undefined;
  if (year - L >= 0 && year + steps <= n) {
    const a = mean(c, year, year + steps);
    const b = mean(c, year - L, year);
    if (a > 0 && b > 0) lastYear = Math.log(a / b);
  }
  const known = lastYear === undefined ? {} : { lastYear };
  if (earlier.length < MIN_SHIFT_ORIGINS) {
    return { statistic, centre: Number.NaN, scale: Number.NaN, origins: earlier.length, ...known, shifted: false };
  }
  const centre = median(earlier);
  const scale = 1.4826 * median(earlier.map((x) => Math.abs(x - centre)));
  const d = Math.abs(statistic - centre);
  const seasonal = lastYear !== undefined && Math.abs(statistic - lastYear) <= Math.log(SHIFT_MIN_RATIO);
  const shifted = d > SHIFT_SIGMAS * scale && d > Math.log(SHIFT_MIN_RATIO) && !seasonal;
  return { statistic, centre, scale, origins: earlier.length, ...known, shifted };
}

/**
 * The windows that do not straddle a level shift (`windowShift`), in their order; `data` reads a
 * window's history and actuals (the window itself by default).
 */
export function steadyWindows<W>(
  windows: readonly W[],
  data: (w: W) => WindowData = (w) => w as unknown as WindowData,
): W[] {
  return windows.filter((w) => !windowShift(data(w))?.shifted);
}

/**
 * The distribution fitted on the steady windows, its dependence set for a run that dropped a
 * shifted one (module comment): the members' means kept, φ_own kept; the κ of totals and of one
 * series' own sums, fitted under the steady windows' ρ and φ, do not hold under these and go.
 */
export function afterShift(fitted: DistributionModel): DistributionModel {
  return { ...fitted, dependence: { rho: MAX_RHO, phiCommon: SHIFT_PHI, phiOwn: fitted.dependence.phiOwn } };
}

/**
 * The run's warning for the windows left out (`first`: each window's first forecast date), or
 * undefined when none was: names each window, and how far the total moved there.
 */
export function describeShifts(windows: readonly (WindowData & { readonly first?: string })[]): string | undefined {
  const parts: string[] = [];
  windows.forEach((w, i) => {
    const r = windowShift(w);
    if (!r?.shifted) return;
    const from = w.first ? ` (from ${w.first})` : '';
    parts.push(
      `window ${i + 1} of ${windows.length}${from} to ${Math.exp(r.statistic).toFixed(2)} times the level before it`,
    );
  });
  if (parts.length === 0) return undefined;
  const those = parts.length === 1 ? 'that window' : 'those windows';
  return `The total of all series shifted inside validation ${parts.join(' and ')}, further than the history ever moved; intervals and totals were fitted without ${those}, and totals are summed as if the series move together.`;
}
