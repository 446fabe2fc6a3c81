/**
 * κ of totals set against rolling windows of the history (issue 13 item 2), for
 * bench/accuracy-totals.ts's "history" column: measured, not in the engine. The code of an engine
 * version that did not land (bench/RESULTS.md, session 9), moved here unchanged but for the types: κ of a run
 * (distribution.ts `fitSpread`, fitted on the chosen model's 2 validation windows) is multiplied
 * by how calm those windows were against 8 rolling windows of the history, read off a seasonal
 * baseline's errors on the same totals and shrunk towards 1 by its own sampling noise.
 */
import {
  MAX_SPREAD,
  MIN_SPREAD,
  SPREAD_SIZE_CLASSES,
  sizeClassOf,
  staticGroups,
  type DependenceModel,
  type SizeSpread,
  type ValidationWindow,
} from '../api/forecasting/distribution.js';
import type { Frequency } from '../api/forecasting/types.js';

/** What the comparison reads of a validation window: its history panel and its actuals. */
export type HistoryWindow = Pick<ValidationWindow, 'panel' | 'actuals'>;

/** Rolling windows of the history (H steps each, ending where validation ends) κ is compared on. */
export const HISTORY_WINDOWS = 8;
/** Windows (with errors of their class) the history's comparison needs; with fewer, κ stays. */
const MIN_HISTORY_WINDOWS = 4;
/** Season of the seasonal naive baseline by frequency (its forecast of t is the value one season before). */
const BASELINE_SEASON: Readonly<Record<Frequency, number>> = { D: 7, W: 52, M: 12 };

/**
 * The baseline of `historySpreadFactors` from `start` for `H` steps: the mean of the same season's
 * position over the last `n = ⌈H/m⌉` seasons (one season's noise averaged over as many as the
 * horizon spans). Where the season is a year (weekly, monthly data: the averaged points lie a year
 * back), plus the drift of the last H steps' change over one season, per step, times the distance
 * from the averaged points to the forecast step: a year's growth is most of a seasonal naive
 * forecast's error on a growing total, not a shock. Daily data has none: its averaged points are
 * weeks back, and a drift read off weeks is noise. Undefined without the history it needs.
 */
function seasonalMeanForecast(
  x: Float64Array,
  start: number,
  H: number,
  m: number,
  drift: boolean,
): Float64Array | undefined {
  const n = Math.max(1, Math.ceil(H / m));
  if (start - n * m < 0) return undefined;
  let slope = 0;
  if (drift) {
    if (start - H - m < 0) return undefined;
    let s = 0;
    let k = 0;
    for (let t = start - H; t < start; t++) {
      const v = x[t]! - x[t - m]!;
      if (!Number.isFinite(v)) continue;
      s += v;
      k++;
    }
    if (k === 0) return undefined;
    slope = s / k / m;
  }
  const out = new Float64Array(H);
  for (let h = 0; h < H; h++) {
    const p = h % m;
    let s = 0;
    let k = 0;
    for (let j = 1; j <= n; j++) {
      const v = x[start - j * m + p]!;
      if (!Number.isFinite(v)) continue;
      s += v;
      k++;
    }
    // The averaged points sit at start + p − m(n + 1)/2 on average.
    out[h] = k > 0 ? s / k + slope * (h - p + (m * (n + 1)) / 2) : Number.NaN;
  }
  return out;
}

/** The factors `historySpreadFactors` returns: one for the pooled κ, one per size class and bucket kind. */
export interface SpreadFactors {
  readonly pooled: number;
  readonly bySize: readonly SizeSpread[];
}

/**
 * How calm or wild the validation windows were against the history, for κ (`fitDistribution`):
 * κ rests on the chosen model's validation windows (2 by default), and a total gives one score per
 * step of them, so a calm window narrows every interval of the test window and a wild one widens
 * it. A seasonal naive forecast costs nothing at any origin and misses the same common shocks, so
 * its errors on the same totals (all series, each group of each static attribute; by step and, for
 * daily data, by 7-step block, as `fitSpread` scores them) over `count` rolling windows of the
 * history, each H steps, ending where validation ends, say how unusual the validation windows were:
 * - the seasonal naive forecast of a total is the total of its members' (members present at both
 *   points), so its error is a sum of the members' errors;
 * - each kind of total's errors (attribute × step or week, per group) are divided by the group's
 *   mean |error| over all the windows; per size class and bucket kind (SPREAD_SIZE_CLASSES, as κ
 *   is fitted) and pooled, each window's scale is the mean of these, each kind weighing the same,
 *   and l = its log;
 * - the factor is exp(−mean over the validation windows of B·(l − l̄)), l̄ the mean over the
 *   rolling windows, B = τ²/(τ² + ν²) the share of a window's deviation that is not sampling noise
 *   (ν² the variance of its l from its own steps, τ² the windows' variance of l beyond the mean
 *   ν²: a random-effects shrinkage of the log-ratio by its standard error, towards 1).
 * Undefined when the history has fewer than MIN_HISTORY_WINDOWS such windows (then κ stays as
 * fitted). Pure: only the windows' panels (histories) and actuals are read, never the forecasts.
 */
export function historySpreadFactors(
  windows: readonly HistoryWindow[],
  count = HISTORY_WINDOWS,
): SpreadFactors | undefined {
  if (windows.length === 0 || count < 1) return undefined;
  const lengthOf = (w: HistoryWindow): number => w.panel.series.reduce((a, s) => a + s.target.length, 0);
  const last = windows.reduce((a, w) => (lengthOf(w) > lengthOf(a) ? w : a));
  const H = Math.max(0, ...[...last.actuals.values()].map((y) => y.length));
  if (H < 1) return undefined;
  const m = BASELINE_SEASON[last.panel.freq];
  const drift = last.panel.freq !== 'D';
  // The full history of each series up to the end of validation (its last window's actuals appended).
  const history = new Map<string, Float64Array>();
  for (const s of last.panel.series) {
    const y = last.actuals.get(s.id);
    if (!y) continue;
    const x = new Float64Array(s.target.length + y.length);
    x.set(s.target);
    x.set(y, s.target.length);
    history.set(s.id, x);
  }
  if (history.size < 2) return undefined;
  // Windows are cut from each series' end (frames.ts rollingOriginSplit): a window is its offset
  // from the end. The validation windows' offsets, read off one series present in each.
  const validation = new Set<number>();
  for (const w of windows) {
    const s = w.panel.series.find((x) => history.has(x.id));
    if (s) validation.add(history.get(s.id)!.length - s.target.length);
  }
  const offsets = [...new Set([...Array.from({ length: count }, (_, j) => (j + 1) * H), ...validation])];
  // Groups as fitSpread forms them (its own code).
  const groups = staticGroups([...history.keys()], (id) => id, last.panel);
  // Errors: per group, kind and window, one per step (or block) of the window.
  interface Scores {
    readonly kind: string;
    readonly cls: string;
    /** By offset: the errors of the window's steps or blocks (NaN where no member had both points). */
    readonly byOffset: Map<number, Float64Array>;
  }
  const scored: Scores[] = [];
  const daily = last.panel.freq === 'D';
  // One series' baseline errors in the window at offset o (NaN where unknown), once for all its groups.
  const memberErrors = new Map<string, Float64Array | undefined>();
  const errorsOf = (id: string, o: number): Float64Array | undefined => {
    const key = `${o}|${id}`;
    if (memberErrors.has(key)) return memberErrors.get(key);
    const x = history.get(id)!;
    const start = x.length - o;
    const f = seasonalMeanForecast(x, start, H, m, drift);
    const own = f
      ? Float64Array.from(f, (v, h) => {
          const y = start + h < x.length ? x[start + h]! : Number.NaN;
          return Number.isFinite(y) && Number.isFinite(v) ? y - v : Number.NaN;
        })
      : undefined;
    memberErrors.set(key, own);
    return own;
  };
  for (const g of groups) {
    const cls = sizeClassOf(g.members.length);
    const steps: Scores = { kind: `${g.kind}|step`, cls: `${cls}|false`, byOffset: new Map() };
    const weeks: Scores = { kind: `${g.kind}|week`, cls: `${cls}|true`, byOffset: new Map() };
    for (const o of offsets) {
      const e = new Float64Array(H);
      const known = new Uint8Array(H);
      for (const id of g.members) {
        const own = errorsOf(id, o);
        if (!own) continue;
        for (let h = 0; h < H; h++) {
          if (Number.isNaN(own[h]!)) continue;
          e[h] += own[h]!;
          known[h] = 1;
        }
      }
      steps.byOffset.set(
        o,
        Float64Array.from(e, (v, h) => (known[h] ? v : Number.NaN)),
      );
      if (daily) {
        const blocks = new Float64Array(Math.floor(H / 7)).fill(Number.NaN);
        for (let k = 0; k + 7 <= H; k += 7) {
          let s = 0;
          let all = true;
          for (let h = k; h < k + 7; h++) {
            if (!known[h]) all = false;
            s += e[h]!;
          }
          if (all) blocks[k / 7] = s;
        }
        weeks.byOffset.set(o, blocks);
      }
    }
    scored.push(steps);
    if (daily) scored.push(weeks);
  }
  // Each kind of total's errors over its group's mean |error| across every window.
  const scaled: { kind: string; cls: string; byOffset: Map<number, Float64Array> }[] = [];
  for (const x of scored) {
    let s = 0;
    let n = 0;
    for (const e of x.byOffset.values()) {
      for (const v of e) {
        if (Number.isNaN(v)) continue;
        s += Math.abs(v);
        n++;
      }
    }
    if (n === 0 || s <= 0) continue;
    const scale = s / n;
    scaled.push({
      kind: x.kind,
      cls: x.cls,
      byOffset: new Map([...x.byOffset].map(([o, e]) => [o, Float64Array.from(e, (v) => Math.abs(v) / scale)])),
    });
  }
  const factorOf = (members: typeof scaled): number | undefined => {
    if (members.length === 0) return undefined;
    // By bucket (step; week), by kind of total: each kind weighs the same, as in κ's fit.
    const buckets = new Map<string, Map<string, typeof scaled>>();
    for (const x of members) {
      const bucket = x.kind.slice(x.kind.lastIndexOf('|') + 1);
      let kinds = buckets.get(bucket);
      if (!kinds) buckets.set(bucket, (kinds = new Map()));
      const list = kinds.get(x.kind);
      if (list) list.push(x);
      else kinds.set(x.kind, [x]);
    }
    // Per window and bucket: at each step (block), the mean score over the kinds (the mean over
    // each kind's groups first); the window's scale is the mean over buckets of their means, and
    // ν² its log's variance, the steps (blocks) taken as independent.
    const windowsOf: { o: number; l: number; nu2: number }[] = [];
    for (const o of offsets) {
      let mean = 0;
      let variance = 0;
      let used = 0;
      for (const kinds of buckets.values()) {
        const len = Math.max(...[...kinds.values()].flat().map((x) => x.byOffset.get(o)?.length ?? 0));
        const a: number[] = [];
        for (let t = 0; t < len; t++) {
          let s = 0;
          let k = 0;
          for (const list of kinds.values()) {
            let gs = 0;
            let gn = 0;
            for (const x of list) {
              const v = x.byOffset.get(o)?.[t];
              if (v === undefined || Number.isNaN(v)) continue;
              gs += v;
              gn++;
            }
            if (gn === 0) continue;
            s += gs / gn;
            k++;
          }
          if (k > 0) a.push(s / k);
        }
        if (a.length < 2) continue;
        const bucketMean = a.reduce((p, v) => p + v, 0) / a.length;
        mean += bucketMean;
        variance += a.reduce((p, v) => p + (v - bucketMean) ** 2, 0) / (a.length - 1) / a.length;
        used++;
      }
      if (used === 0 || !(mean > 0)) continue;
      mean /= used;
      variance /= used * used;
      windowsOf.push({ o, l: Math.log(mean), nu2: variance / (mean * mean) });
    }
    const rolling = windowsOf.filter((w) => w.o % H === 0 && w.o <= count * H);
    const recent = windowsOf.filter((w) => validation.has(w.o));
    if (rolling.length < MIN_HISTORY_WINDOWS || recent.length === 0) return undefined;
    const lbar = rolling.reduce((p, w) => p + w.l, 0) / rolling.length;
    const between = rolling.reduce((p, w) => p + (w.l - lbar) ** 2, 0) / (rolling.length - 1);
    const tau2 = Math.max(0, between - rolling.reduce((p, w) => p + w.nu2, 0) / rolling.length);
    const weight = (nu2: number): number => (tau2 + nu2 > 0 ? tau2 / (tau2 + nu2) : 0);
    const shift = recent.reduce((p, w) => p + weight(w.nu2) * (w.l - lbar), 0) / recent.length;
    return Math.exp(-shift);
  };
  const pooled = factorOf(scaled);
  if (pooled === undefined) return undefined;
  const bySize: SizeSpread[] = [];
  for (const multiStep of [false, true]) {
    SPREAD_SIZE_CLASSES.forEach((minSeries, k) => {
      const f = factorOf(scaled.filter((x) => x.cls === `${k}|${multiStep}`));
      if (f !== undefined) bySize.push({ minSeries, multiStep, spread: f });
    });
  }
  return { pooled, bySize };
}

const clampSpread = (x: number): number => Math.min(MAX_SPREAD, Math.max(MIN_SPREAD, x));

/** A run's dependence with κ (pooled and per class) times the history's factors, within bounds. */
export function correctSpread(dependence: DependenceModel, factors: SpreadFactors | undefined): DependenceModel {
  if (!factors) return dependence;
  const factorOf = (c: SizeSpread): number =>
    factors.bySize.find((x) => x.minSeries === c.minSeries && x.multiStep === c.multiStep)?.spread ?? factors.pooled;
  return {
    ...dependence,
    spread: clampSpread((dependence.spread ?? 1) * factors.pooled),
    ...(dependence.spreadBySize
      ? { spreadBySize: dependence.spreadBySize.map((c) => ({ ...c, spread: clampSpread(c.spread * factorOf(c)) })) }
      : {}),
  };
}
