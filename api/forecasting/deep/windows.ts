/**
 * Training, validation and prediction windows of the deep models, built once per call as flat
 * typed arrays (no per-sample tensors). A window at origin `t` of a series holds:
 * - `hist`: the lookback `t-L .. t-1`, per step [scaled value (held over gaps), missing flag,
 *   each covariate standardised, the derived price features of history-only prices];
 * - `fut`: per forecast step `t .. t+H-1`, [calendar features, known-in-advance covariates,
 *   derived price features of known prices (price-features.ts: price relative to the series'
 *   own regular price, to its competitors', promotions × discount), seasonal lag (value,
 *   missing), yearly lag (value, missing)];
 * - `stat`: one-hots of the static attributes;
 * - `y`, `mask`: the scaled targets of the forecast window and whether each is observed.
 */
import { dayNumber, fillCovariate, gridOffset, seriesScale } from '../frames.js';
import {
  derivedFeatures,
  detectPriceFeatures,
  forEachPriceFeatures,
  type PriceFeatureSpec,
  priceFeatures,
} from '../price-features.js';
import type { Frequency, Panel, SeriesFrame } from '../types.js';
import { SEASON_LENGTH } from '../types.js';
import { type CalendarOptions, deepCalendarFeatures, type FeatureBlock } from './calendar.js';
import type { Prng } from './prng.js';

/** What the windows look like: fixed at fit, stored with the model. */
export interface WindowSpec {
  readonly freq: Frequency;
  readonly horizon: number;
  readonly lookback: number;
  readonly seasonLength: number;
  readonly yearLag: number;
  readonly covariateNames: readonly string[];
  readonly knownNames: readonly string[];
  readonly covMean: readonly number[];
  readonly covStd: readonly number[];
  readonly staticNames: readonly string[];
  readonly staticVocab: readonly (readonly string[])[];
  readonly calendar: CalendarOptions;
  readonly calendarNames: readonly string[];
  readonly calendarGroups: readonly string[];
  /** Price and promotion features derived from the covariates (absent: none, or a model of before them). */
  readonly derived?: DerivedSpec;
}

/** The derived price features of a spec, with their panel-wide standardisation. */
export interface DerivedSpec {
  readonly price: PriceFeatureSpec;
  readonly names: readonly string[];
  /** The covariates each one comes from (permuting a covariate permutes these too). */
  readonly sources: readonly (readonly string[])[];
  /** Known in advance (a forecast-step feature) or history-only (a lookback channel). */
  readonly known: readonly boolean[];
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Indices (into `spec.derived.names`) of the derived features in the lookback and in the forecast steps. */
export function derivedSlots(spec: WindowSpec): { hist: number[]; fut: number[] } {
  const k = spec.derived?.known ?? [];
  return { hist: k.flatMap((x, i) => (x ? [] : [i])), fut: k.flatMap((x, i) => (x ? [i] : [])) };
}

export interface WindowDims {
  /** Channels per lookback step. */
  readonly c: number;
  /** Features per forecast step. */
  readonly f: number;
  /** Static one-hot width. */
  readonly s: number;
}

export function windowDims(spec: WindowSpec): WindowDims {
  const d = derivedSlots(spec);
  return {
    c: 2 + spec.covariateNames.length + d.hist.length,
    f: spec.calendarNames.length + spec.knownNames.length + d.fut.length + 4,
    s: spec.staticVocab.reduce((a, v) => a + v.length, 0),
  };
}

export interface Windows {
  readonly n: number;
  readonly hist: Float32Array;
  readonly fut: Float32Array;
  readonly stat: Float32Array;
  readonly y: Float32Array;
  readonly mask: Float32Array;
}

/** Which windows: series index (into the panel) and origin (first forecast grid point) of each. */
export interface Picks {
  readonly n: number;
  readonly series: Int32Array;
  readonly origin: Int32Array;
}

function toPicks(list: readonly (readonly [number, number])[]): Picks {
  return {
    n: list.length,
    series: Int32Array.from(list, (x) => x[0]),
    origin: Int32Array.from(list, (x) => x[1]),
  };
}

/** Lookback by frequency: 8 weeks of days, a year of weeks, two years of months. */
export const DEFAULT_LOOKBACK: Readonly<Record<Frequency, number>> = { D: 56, W: 52, M: 24 };
/** Lag of "same time last year": 52 weeks of days (same weekday), 52 weeks, 12 months. */
export const YEAR_LAG: Readonly<Record<Frequency, number>> = { D: 364, W: 52, M: 12 };

/**
 * Builds the spec of a panel: covariate statistics and static vocabularies from the history, and
 * (unless `derive` is false) the price features of its price-like covariates.
 */
export function makeSpec(
  panel: Panel,
  horizon: number,
  lookback: number,
  calendar: CalendarOptions = {},
  maxVocab = 64,
  derive = true,
): WindowSpec {
  const covMean: number[] = [];
  const covStd: number[] = [];
  for (const name of panel.covariateNames) {
    let s = 0;
    let s2 = 0;
    let c = 0;
    for (const sr of panel.series) {
      const x = sr.covariates[name];
      if (!x) continue;
      const filled = fillCovariate(x, sr.target.length);
      for (let i = 0; i < filled.length; i++) {
        s += filled[i]!;
        s2 += filled[i]! * filled[i]!;
        c++;
      }
    }
    const mean = c ? s / c : 0;
    const sd = c ? Math.sqrt(Math.max(0, s2 / c - mean * mean)) : 0;
    covMean.push(mean);
    covStd.push(sd > 1e-9 ? sd : 1);
  }
  const staticVocab = panel.staticNames.map((name) => {
    const counts = new Map<string, number>();
    for (const sr of panel.series) {
      const v = sr.statics[name];
      if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    // Values shared by at least two series, most frequent first: a value of one series only
    // would act as a series id, which does not generalise.
    return [...counts]
      .filter(([, c]) => c >= 2)
      .toSorted((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, maxVocab)
      .map(([v]) => v)
      .toSorted();
  });
  const cal = deepCalendarFeatures(panel.freq, '2000-01-03', 1, calendar);
  const derived = derive ? derivedSpec(panel, horizon) : undefined;
  return {
    freq: panel.freq,
    horizon,
    lookback,
    seasonLength: SEASON_LENGTH[panel.freq],
    yearLag: YEAR_LAG[panel.freq],
    covariateNames: [...panel.covariateNames],
    knownNames: panel.covariateNames.filter((n) => panel.knownInAdvance.includes(n)),
    covMean,
    covStd,
    staticNames: [...panel.staticNames],
    staticVocab,
    calendar,
    calendarNames: [...cal.names],
    calendarGroups: [...cal.groups],
    ...(derived ? { derived } : {}),
  };
}

/** The derived features of a panel with their mean and standard deviation over the history. */
function derivedSpec(panel: Panel, horizon: number): DerivedSpec | undefined {
  const price = detectPriceFeatures(panel);
  if (!price) return undefined;
  const k = derivedFeatures(price, panel.knownInAdvance).length;
  const s1 = new Float64Array(k);
  const s2 = new Float64Array(k);
  let c = 0;
  // One series at a time: the features of a large panel are not all held here.
  const features = forEachPriceFeatures(panel, price, horizon, (i, values) => {
    const n = panel.series[i]!.target.length;
    values.forEach((v, j) => {
      for (let t = 0; t < n; t++) {
        s1[j]! += v[t]!;
        s2[j]! += v[t]! * v[t]!;
      }
    });
    c += n;
  });
  const mean: number[] = [];
  const std: number[] = [];
  for (let j = 0; j < k; j++) {
    const m = c ? s1[j]! / c : 0;
    const sd = c ? Math.sqrt(Math.max(0, s2[j]! / c - m * m)) : 0;
    mean.push(m);
    std.push(sd > 1e-9 ? sd : 1);
  }
  return {
    price,
    names: features.map((f) => f.name),
    sources: features.map((f) => [...f.sources]),
    known: features.map((f) => f.known),
    mean,
    std,
  };
}

/** Per-series arrays prepared once per call. */
interface Prepared {
  readonly ys: Float32Array;
  /**
   * Covariates, filled and standardised, length target + horizon, for those that need filling
   * (a gap or no values); `undefined` where `raw` is read directly (see `covAt`).
   */
  readonly cov: (Float32Array | undefined)[];
  /**
   * The panel's own covariate where it has no gap up to target + horizon: `covAt` standardises it
   * on the fly (a covariate held past its end is its last value), so a fit does not hold a copy
   * of every series' covariates (1.2 GB at 30,490 M5 series).
   */
  readonly raw: (Float64Array | undefined)[];
  /** Derived price features, standardised, length target + horizon (spec.derived order). */
  readonly derived: Float32Array[];
  /** target + horizon. */
  readonly len: number;
  /** Row of the series' grid point 0 in the calendar table. */
  readonly calOffset: number;
  readonly stat: Float32Array;
}

export interface PreparedPanel {
  readonly spec: WindowSpec;
  readonly series: readonly Prepared[];
  readonly calendar: FeatureBlock;
  readonly scales: Float64Array;
  /** Indices (into `covariateNames`) of the known-in-advance covariates. */
  readonly knownIdx: readonly number[];
  /** `derivedSlots(spec)`, once. */
  readonly slots: { readonly hist: readonly number[]; readonly fut: readonly number[] };
  /** `windowDims(spec)`, once. */
  readonly dims: WindowDims;
}

/** Scales every series (given scales by id first, else mean |y| of its history) and lays out covariates and calendar. */
export function preparePanel(panel: Panel, spec: WindowSpec, knownScales?: ReadonlyMap<string, number>): PreparedPanel {
  const h = spec.horizon;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const offsets: number[] = [];
  const ref = panel.series[0]?.start ?? '2000-01-03';
  for (const s of panel.series) {
    const o = Math.round(gridOffset(ref, s.start, spec.freq));
    offsets.push(o);
    first = Math.min(first, o);
    last = Math.max(last, o + s.target.length + h);
  }
  if (panel.series.length === 0) {
    first = 0;
    last = 0;
  }
  const calStart = addGrid(ref, first, spec.freq);
  const calendar = deepCalendarFeatures(spec.freq, calStart, last - first, spec.calendar);
  if (calendar.names.join() !== spec.calendarNames.join()) {
    throw new Error(
      `Calendar features changed since the model was trained: ${calendar.names.join()} vs ${spec.calendarNames.join()}.`,
    );
  }
  const scales = new Float64Array(panel.series.length);
  const dv = spec.derived;
  const derivedValues = dv ? priceFeatures(panel, dv.price, h).values : undefined;
  const series = panel.series.map((s, i) => {
    const scale = knownScales?.get(s.id) ?? seriesScale(s.target);
    scales[i] = scale;
    const ys = new Float32Array(s.target.length);
    for (let t = 0; t < ys.length; t++) ys[t] = s.target[t]! / scale;
    const len = s.target.length + h;
    const raw = spec.covariateNames.map((name) => {
      const x = s.covariates[name];
      return x && x.length > 0 && !hasNaN(x, Math.min(x.length, len)) ? x : undefined;
    });
    const cov = spec.covariateNames.map((name, j) => {
      if (raw[j]) return undefined;
      const x = s.covariates[name];
      const filled = x ? fillCovariate(x, len) : new Float64Array(len);
      const out = new Float32Array(len);
      for (let t = 0; t < len; t++) out[t] = (filled[t]! - spec.covMean[j]!) / spec.covStd[j]!;
      return out;
    });
    const derived = (derivedValues?.[i] ?? []).map((v, j) => {
      for (let t = 0; t < v.length; t++) v[t] = (v[t]! - dv!.mean[j]!) / dv!.std[j]!;
      return v;
    });
    return { ys, cov, raw, derived, len, calOffset: offsets[i]! - first, stat: staticOneHot(s, spec) };
  });
  const knownIdx = spec.covariateNames.flatMap((name, j) => (spec.knownNames.includes(name) ? [j] : []));
  return { spec, series, calendar, scales, knownIdx, slots: derivedSlots(spec), dims: windowDims(spec) };
}

function hasNaN(x: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (Number.isNaN(x[i]!)) return true;
  return false;
}

/**
 * Covariate `j` of a prepared series at grid point `tau`, filled and standardised as `fillCovariate`
 * then `(x - mean) / std` in float32 would give it; `undefined` outside `0 .. len - 1`.
 */
function covAt(s: Prepared, spec: WindowSpec, j: number, tau: number): number | undefined {
  const m = s.cov[j];
  if (m) return m[tau];
  if (tau < 0 || tau >= s.len) return undefined;
  const x = s.raw[j]!;
  const v = tau < x.length ? x[tau]! : x[x.length - 1]!;
  return Math.fround((v - spec.covMean[j]!) / spec.covStd[j]!);
}

function addGrid(start: string, steps: number, freq: Frequency): string {
  if (freq === 'M') {
    const m = (Number(start.slice(0, 4)) - 1970) * 12 + Number(start.slice(5, 7)) - 1 + steps;
    const y = 1970 + Math.floor(m / 12);
    return `${String(y).padStart(4, '0')}-${String(m - (y - 1970) * 12 + 1).padStart(2, '0')}-01`;
  }
  const d = dayNumber(start) + steps * (freq === 'W' ? 7 : 1);
  return new Date(d * 86_400_000).toISOString().slice(0, 10);
}

function staticOneHot(s: SeriesFrame, spec: WindowSpec): Float32Array {
  const out = new Float32Array(spec.staticVocab.reduce((a, v) => a + v.length, 0));
  let o = 0;
  spec.staticNames.forEach((name, i) => {
    const vocab = spec.staticVocab[i]!;
    const v = s.statics[name];
    const k = v === undefined ? -1 : vocab.indexOf(v);
    if (k >= 0) out[o + k] = 1;
    o += vocab.length;
  });
  return out;
}

/** Allocates `n` windows. */
export function allocWindows(spec: WindowSpec, n: number): Windows {
  const d = windowDims(spec);
  const l = spec.lookback;
  const h = spec.horizon;
  return {
    n,
    hist: new Float32Array(n * l * d.c),
    fut: new Float32Array(n * h * d.f),
    stat: new Float32Array(n * d.s),
    y: new Float32Array(n * h),
    mask: new Float32Array(n * h),
  };
}

/** Writes window `k` of series `si` at origin `t` (first forecast grid point). */
export function fillWindow(p: PreparedPanel, w: Windows, k: number, si: number, t: number): void {
  const spec = p.spec;
  const s = p.series[si]!;
  const d = p.dims;
  const L = spec.lookback;
  const H = spec.horizon;
  const nCov = spec.covariateNames.length;
  const slots = p.slots;
  const ys = s.ys;
  const n = ys.length;
  // Lookback: values held over gaps (no look at later values), with a missing flag.
  let o = k * L * d.c;
  let held = 0;
  for (let i = 0; i < L; i++, o += d.c) {
    const tau = t - L + i;
    const v = tau >= 0 && tau < n ? ys[tau]! : Number.NaN;
    if (Number.isNaN(v)) {
      w.hist[o] = held;
      w.hist[o + 1] = 1;
    } else {
      w.hist[o] = v;
      w.hist[o + 1] = 0;
      held = v;
    }
    for (let j = 0; j < nCov; j++) w.hist[o + 2 + j] = tau >= 0 ? covAt(s, spec, j, tau)! : 0;
    for (let j = 0; j < slots.hist.length; j++) w.hist[o + 2 + nCov + j] = s.derived[slots.hist[j]!]![tau] ?? 0;
  }
  // Forecast steps.
  const kc = spec.calendarNames.length;
  const cal = p.calendar.values;
  const m = spec.seasonLength;
  o = k * H * d.f;
  for (let hh = 0; hh < H; hh++, o += d.f) {
    const tau = t + hh;
    const calRow = (s.calOffset + tau) * kc;
    for (let c = 0; c < kc; c++) w.fut[o + c] = cal[calRow + c] ?? 0;
    let c = kc;
    for (const j of p.knownIdx) w.fut[o + c++] = covAt(s, spec, j, tau) ?? 0;
    for (const j of slots.fut) w.fut[o + c++] = s.derived[j]![tau] ?? 0;
    const lagS = tau - m * Math.ceil((hh + 1) / m);
    const vs = lagS >= 0 && lagS < n ? ys[lagS]! : Number.NaN;
    w.fut[o + c] = Number.isNaN(vs) ? 0 : vs;
    w.fut[o + c + 1] = Number.isNaN(vs) ? 1 : 0;
    const lagY = tau - spec.yearLag;
    const vy = lagY >= 0 && lagY < t && lagY < n ? ys[lagY]! : Number.NaN;
    w.fut[o + c + 2] = Number.isNaN(vy) ? 0 : vy;
    w.fut[o + c + 3] = Number.isNaN(vy) ? 1 : 0;
    const target = tau < n ? ys[tau]! : Number.NaN;
    w.y[k * H + hh] = Number.isNaN(target) ? 0 : target;
    w.mask[k * H + hh] = Number.isNaN(target) ? 0 : 1;
  }
  w.stat.set(s.stat, k * d.s);
}

function firstObserved(ys: Float32Array): number {
  for (let i = 0; i < ys.length; i++) if (!Number.isNaN(ys[i]!)) return i;
  return ys.length;
}

function hasTarget(ys: Float32Array, t: number, h: number): boolean {
  for (let i = t; i < Math.min(ys.length, t + h); i++) if (!Number.isNaN(ys[i]!)) return true;
  return false;
}

/** Validation picks: origin `n - H·back` of every series whose window has observed targets and history. */
export function validationPicks(p: PreparedPanel, back = 1): Picks {
  const H = p.spec.horizon;
  const picks: [number, number][] = [];
  p.series.forEach((s, si) => {
    const t = s.ys.length - H * back;
    if (t > firstObserved(s.ys) && hasTarget(s.ys, t, H)) picks.push([si, t]);
  });
  return toPicks(picks);
}

/** The prediction pick of every series: origin right after its history. */
export function predictionPicks(p: PreparedPanel): Picks {
  return toPicks(p.series.map((s, si) => [si, s.ys.length] as const));
}

/**
 * Training picks: a fixed budget spread evenly over the series, each series' share sampled
 * without replacement (Efraimidis-Spirakis keys) with the last year weighted 3×, from origins
 * whose targets end before the validation window (the last H points).
 */
export function trainingPicks(p: PreparedPanel, budget: number, prng: Prng): Picks {
  const H = p.spec.horizon;
  const yearLen = p.spec.freq === 'D' ? 365 : p.spec.freq === 'W' ? 52 : 12;
  const quota = Math.max(1, Math.ceil(budget / Math.max(1, p.series.length)));
  const picks: [number, number][] = [];
  p.series.forEach((s, si) => {
    const n = s.ys.length;
    const lo = firstObserved(s.ys) + 1;
    const hi = n - 2 * H;
    const cand: number[] = [];
    for (let t = lo; t <= hi; t++) if (hasTarget(s.ys, t, H)) cand.push(t);
    if (cand.length <= quota) {
      for (const t of cand) picks.push([si, t]);
      return;
    }
    const keys = cand.map((t) => Math.log(Math.max(prng.next(), 1e-12)) / (t > hi - yearLen ? 3 : 1));
    const order = cand.map((_, i) => i).toSorted((a, b) => keys[b]! - keys[a]! || a - b);
    for (let i = 0; i < quota; i++) picks.push([si, cand[order[i]!]!]);
  });
  return toPicks(picks);
}

/** Fills windows for `picks` (all, or the rows `idx` of them), reusing `into` when its size fits. */
export function buildWindows(p: PreparedPanel, picks: Picks, idx?: ArrayLike<number>, into?: Windows): Windows {
  const n = idx ? idx.length : picks.n;
  const w = into && into.n === n ? into : allocWindows(p.spec, n);
  for (let k = 0; k < n; k++) {
    const i = idx ? idx[k]! : k;
    fillWindow(p, w, k, picks.series[i]!, picks.origin[i]!);
  }
  return w;
}
