/**
 * Feature rows of the gradient-boosting candidate (gbm-model.ts), pure: one row per series and
 * grid point `t`, from what is known when `t` is forecast recursively (the peers' gradient
 * boosting and the M5 winners' features):
 *
 * - lags of the series' scaled target `z = y / scale` (scale: the mean absolute value of its
 *   history) and rolling means of the values before `t` (a rolling standard deviation too);
 * - the series' volume `log1p(scale)`;
 * - calendar (weekday, day of month, yearly season) and the holidays and commerce events of the
 *   panel's country (features.ts `calendarFeatures`);
 * - every numeric covariate as given: a known-in-advance one at `t`, a history-only one at
 *   `t − 1` (held at its last value beyond the history);
 * - the price and promotion features of price-features.ts (price relative to the series' own
 *   regular price, its change, level, competitors' discounts, promotions × discount), known ones
 *   at `t`, others at `t − 1`;
 * - each static attribute as a categorical code (values of at least two series; 0 otherwise).
 */
import { calendarFeatures, panelCalendar, type CalendarOptions } from './features.js';
import { fillCovariate, gridDates, gridOffset, seriesScale } from './frames.js';
import { derivedFeatures, detectPriceFeatures, forEachPriceFeatures, type PriceFeatureSpec } from './price-features.js';
import type { Frequency, Panel } from './types.js';

/** What the rows hold: fixed at fit, stored with the model. */
export interface GbmFeatureSpec {
  readonly freq: Frequency;
  readonly lags: readonly number[];
  /** Windows (grid points before t) of the rolling means. */
  readonly rolls: readonly number[];
  /** Window of the rolling standard deviation. */
  readonly stdWindow: number;
  readonly calendar: CalendarOptions;
  readonly calendarNames: readonly string[];
  /** Feature group of each calendar column (`weekday`, `yearly`, `holiday:christmas`, …). */
  readonly calendarGroups: readonly string[];
  readonly covariateNames: readonly string[];
  readonly knownNames: readonly string[];
  readonly price?: PriceFeatureSpec;
  /** Names of the derived price features and whether each is known in advance. */
  readonly derivedNames: readonly string[];
  readonly derivedKnown: readonly boolean[];
  readonly staticNames: readonly string[];
  readonly staticVocab: readonly (readonly string[])[];
  /** The log-linear price and promotion effect the trees work on top of (`fitPriceEffect`). */
  readonly effect?: PriceEffect;
}

/**
 * A multiplicative price and promotion effect shared by every series: the target the trees see
 * is `z / exp(β · x)`, and their forecasts are multiplied back by it at the forecast steps. `x`
 * holds the known-in-advance discount features (price relative to the own regular price,
 * competitors' discounts, promotions × discount) and promotion flags, read at each step.
 * Trees answer a price they have seen in steps; this answers a price cut smoothly, even one at
 * the edge of (or beyond) the discounts of the history, and takes promotion spikes out of the
 * lags the trees read.
 */
export interface PriceEffect {
  /** Indices into `derivedNames`. */
  readonly derived: readonly number[];
  /** Indices into `covariateNames` (promotion flags). */
  readonly covariates: readonly number[];
  /** Coefficients: derived first, then covariates. */
  readonly beta: readonly number[];
}

/** The features a price effect may use: known `~rel`, `~cmp` and promotion × discount, and known promotion flags. */
export function priceEffectInputs(spec: GbmFeatureSpec): { derived: number[]; covariates: number[] } {
  const derived = spec.derivedNames.flatMap((n, k) =>
    spec.derivedKnown[k] && (n.endsWith('~rel') || n.endsWith('~cmp') || n.includes('~x~')) ? [k] : [],
  );
  const flags = spec.price?.flags ?? [];
  const covariates = spec.covariateNames.flatMap((c, k) =>
    flags.includes(c) && spec.knownNames.includes(c) ? [k] : [],
  );
  return { derived, covariates };
}

/** `β · x` of series state `s` at grid point t (0 without an effect). */
export function effectAt(spec: GbmFeatureSpec, s: Pick<GbmSeriesState, 'derived' | 'covariates'>, t: number): number {
  const e = spec.effect;
  if (!e) return 0;
  let v = 0;
  e.derived.forEach((k, j) => {
    v += e.beta[j]! * (s.derived[k]?.[t] ?? 0);
  });
  e.covariates.forEach((k, j) => {
    v += e.beta[e.derived.length + j]! * (s.covariates[k]?.[t] ?? 0);
  });
  return v;
}

export const GBM_LAGS: Readonly<Record<Frequency, readonly number[]>> = {
  D: [...Array.from({ length: 14 }, (_, i) => i + 1), 21, 28, 35, 42, 49, 56, 364],
  W: [...Array.from({ length: 13 }, (_, i) => i + 1), 26, 52],
  M: [...Array.from({ length: 12 }, (_, i) => i + 1), 24],
};
export const GBM_ROLLS: Readonly<Record<Frequency, readonly number[]>> = { D: [7, 28, 91], W: [4, 13, 52], M: [3, 12] };

/** The spec of a panel: its calendar, covariates, price features and static vocabularies. */
export function makeGbmSpec(panel: Panel): GbmFeatureSpec {
  const calendar = panelCalendar(panel);
  const cal = calendarFeatures(gridDates('2000-01-03', 0, 1, panel.freq), panel.freq, calendar);
  const price = detectPriceFeatures(panel);
  const derived = price ? derivedOf(panel, price) : { names: [], known: [] };
  const staticVocab = panel.staticNames.map((name) => {
    const counts = new Map<string, number>();
    for (const s of panel.series) {
      const v = s.statics[name];
      if (v !== undefined && v !== '') counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    return [...counts]
      .filter(([, c]) => c >= 2)
      .map(([v]) => v)
      .toSorted()
      .slice(0, 250);
  });
  return {
    freq: panel.freq,
    lags: GBM_LAGS[panel.freq],
    rolls: GBM_ROLLS[panel.freq],
    stdWindow: GBM_ROLLS[panel.freq][1]!,
    calendar,
    calendarNames: cal.names,
    calendarGroups: cal.groups,
    covariateNames: [...panel.covariateNames],
    knownNames: panel.covariateNames.filter((c) => panel.knownInAdvance.includes(c)),
    ...(price ? { price } : {}),
    derivedNames: derived.names,
    derivedKnown: derived.known,
    staticNames: [...panel.staticNames],
    staticVocab,
  };
}

function derivedOf(panel: Panel, price: PriceFeatureSpec): { names: string[]; known: boolean[] } {
  const f = derivedFeatures(price, panel.knownInAdvance);
  return { names: f.map((x) => x.name), known: f.map((x) => x.known) };
}

/** Column names of the rows, in order. */
export function gbmColumns(spec: GbmFeatureSpec): string[] {
  return [
    ...spec.lags.map((l) => `lag_${l}`),
    ...spec.rolls.map((w) => `mean_${w}`),
    `std_${spec.stdWindow}`,
    'volume',
    ...spec.calendarNames,
    ...spec.covariateNames,
    ...spec.derivedNames,
    ...spec.staticNames.map((s) => `static:${s}`),
  ];
}

/** Which columns are categorical (the static attributes, last). */
export function gbmCategorical(spec: GbmFeatureSpec): boolean[] {
  const cols = gbmColumns(spec);
  return cols.map((_, j) => j >= cols.length - spec.staticNames.length);
}

/** The per-series inputs of the rows: scaled target (extended by forecasts), covariates, features. */
export interface GbmSeriesState {
  readonly scale: number;
  /** Scaled history, then room for `horizon` forecast values (NaN until written). */
  readonly z: Float64Array;
  /** History length. */
  readonly n: number;
  readonly covariates: Float64Array[];
  readonly derived: Float32Array[];
  readonly codes: Int32Array;
  /** Row offset of grid point 0 in the panel's calendar block. */
  readonly calOffset: number;
  /** `exp(β · x)` of the price effect at every grid point (1 without one); `z` is divided by it. */
  readonly mult: Float64Array;
}

export interface GbmPanelState {
  readonly series: GbmSeriesState[];
  /** Calendar block over every grid date of the panel plus the horizon (row-major). */
  readonly calendar: Float32Array;
  readonly calWidth: number;
}

/** The states of a panel's series for `horizon` points after each history. */
export function gbmState(panel: Panel, spec: GbmFeatureSpec, horizon: number): GbmPanelState {
  const ref = panel.series[0]?.start ?? '2000-01-03';
  const offsets = panel.series.map((s) => Math.round(gridOffset(ref, s.start, panel.freq)));
  const minOff = offsets.reduce((a, b) => Math.min(a, b), 0);
  const span = panel.series.reduce((a, s, i) => Math.max(a, offsets[i]! - minOff + s.target.length + horizon), 1);
  const cal = calendarFeatures(gridDates(ref, minOff, span, panel.freq), panel.freq, spec.calendar);
  const derived: Float32Array[][] = [];
  if (spec.price) forEachPriceFeatures(panel, spec.price, horizon, (i, v) => (derived[i] = v));
  const series = panel.series.map((s, i): GbmSeriesState => {
    const n = s.target.length;
    const scale = seriesScale(s.target);
    const z = new Float64Array(n + horizon).fill(Number.NaN);
    for (let t = 0; t < n; t++) z[t] = s.target[t]! / scale;
    const covariates = spec.covariateNames.map((c) =>
      fillCovariate(s.covariates[c] ?? new Float64Array(0), n + horizon),
    );
    const codes = Int32Array.from(spec.staticNames, (a, k) => spec.staticVocab[k]!.indexOf(s.statics[a] ?? '') + 1);
    const d = derived[i] ?? [];
    const mult = new Float64Array(n + horizon).fill(1);
    if (spec.effect) {
      for (let t = 0; t < n + horizon; t++) mult[t] = Math.exp(effectAt(spec, { derived: d, covariates }, t));
      for (let t = 0; t < n; t++) z[t]! /= mult[t]!;
    }
    return {
      scale,
      z,
      n,
      covariates,
      derived: d,
      codes,
      calOffset: offsets[i]! - minOff,
      mult,
    };
  });
  return { series, calendar: cal.values, calWidth: cal.names.length };
}

/**
 * Writes the row of series state `s` at grid point `t` into `out` at `off`. `histEnd`: grid
 * points before it are history (history-only covariates are read at `min(t, histEnd) − 1`).
 */
export function writeRow(
  spec: GbmFeatureSpec,
  state: GbmPanelState,
  s: GbmSeriesState,
  t: number,
  histEnd: number,
  out: Float32Array,
  off: number,
): void {
  let o = off;
  const z = s.z;
  for (const l of spec.lags) out[o++] = t - l >= 0 ? z[t - l]! : Number.NaN;
  for (const w of spec.rolls) {
    let sum = 0;
    let c = 0;
    for (let k = Math.max(0, t - w); k < t; k++) {
      const v = z[k]!;
      if (!Number.isNaN(v)) {
        sum += v;
        c++;
      }
    }
    out[o++] = c > 0 ? sum / c : Number.NaN;
  }
  {
    let sum = 0;
    let sum2 = 0;
    let c = 0;
    for (let k = Math.max(0, t - spec.stdWindow); k < t; k++) {
      const v = z[k]!;
      if (!Number.isNaN(v)) {
        sum += v;
        sum2 += v * v;
        c++;
      }
    }
    out[o++] = c >= 2 ? Math.sqrt(Math.max(0, (sum2 - (sum * sum) / c) / (c - 1))) : Number.NaN;
  }
  out[o++] = Math.log1p(s.scale);
  const cw = state.calWidth;
  const cr = (s.calOffset + t) * cw;
  for (let k = 0; k < cw; k++) out[o++] = state.calendar[cr + k]!;
  const past = Math.max(0, Math.min(t, histEnd) - 1);
  spec.covariateNames.forEach((c, k) => {
    const x = s.covariates[k]!;
    out[o++] = spec.knownNames.includes(c) ? x[t]! : x[past]!;
  });
  spec.derivedNames.forEach((_, k) => {
    const x = s.derived[k];
    out[o++] = x ? (spec.derivedKnown[k] ? x[t]! : x[past]!) : 0;
  });
  for (let k = 0; k < s.codes.length; k++) out[o++] = s.codes[k]!;
}

/**
 * The price effect's coefficients: a Poisson regression of the scaled target on the inputs
 * (`priceEffectInputs`) with one intercept per series (profiled out), by Newton steps with a
 * small ridge. Poisson pseudo-likelihood is consistent for a multiplicative effect whatever the
 * sales' dispersion. `undefined` when the panel has no such input or nothing varies.
 */
export function fitPriceEffect(spec: GbmFeatureSpec, state: GbmPanelState): PriceEffect | undefined {
  const { derived, covariates } = priceEffectInputs(spec);
  const k = derived.length + covariates.length;
  if (k === 0) return undefined;
  const row = (s: GbmSeriesState, t: number, out: Float64Array): void => {
    derived.forEach((d, j) => (out[j] = s.derived[d]?.[t] ?? 0));
    covariates.forEach((c, j) => (out[derived.length + j] = s.covariates[c]![t]!));
  };
  const beta = new Float64Array(k);
  const x = new Float64Array(k);
  for (let iter = 0; iter < 25; iter++) {
    const g = new Float64Array(k);
    const hm = new Float64Array(k * k);
    for (const s of state.series) {
      let sy = 0;
      let se = 0;
      for (let t = 0; t < s.n; t++) {
        const y = s.z[t]!;
        if (Number.isNaN(y)) continue;
        row(s, t, x);
        let v = 0;
        for (let j = 0; j < k; j++) v += beta[j]! * x[j]!;
        sy += Math.max(0, y);
        se += Math.exp(v);
      }
      if (sy <= 0 || se <= 0) continue;
      const a = Math.log(sy / se);
      // Per series: Σ mu, Σ mu x, Σ mu x xᵀ, Σ y x (the intercept profiled out).
      let m0 = 0;
      const m1 = new Float64Array(k);
      const m2 = new Float64Array(k * k);
      for (let t = 0; t < s.n; t++) {
        const y = s.z[t]!;
        if (Number.isNaN(y)) continue;
        row(s, t, x);
        let v = a;
        for (let j = 0; j < k; j++) v += beta[j]! * x[j]!;
        const mu = Math.exp(v);
        m0 += mu;
        for (let j = 0; j < k; j++) {
          g[j]! += (Math.max(0, y) - mu) * x[j]!;
          m1[j]! += mu * x[j]!;
          for (let l = 0; l <= j; l++) m2[j * k + l]! += mu * x[j]! * x[l]!;
        }
      }
      for (let j = 0; j < k; j++)
        for (let l = 0; l <= j; l++) hm[j * k + l]! += m2[j * k + l]! - (m1[j]! * m1[l]!) / m0;
    }
    for (let j = 0; j < k; j++) for (let l = 0; l < j; l++) hm[l * k + j] = hm[j * k + l]!;
    for (let j = 0; j < k; j++) hm[j * k + j]! += 1e-3 + 1e-6 * Math.abs(hm[j * k + j]!);
    const step = solve(hm, g, k);
    if (!step) return undefined;
    let size = 0;
    for (let j = 0; j < k; j++) size = Math.max(size, Math.abs(step[j]!));
    const damp = size > 1 ? 1 / size : 1;
    for (let j = 0; j < k; j++) beta[j] = Math.max(-8, Math.min(8, beta[j]! + damp * step[j]!));
    if (size < 1e-6) break;
  }
  if (!beta.every((b) => Number.isFinite(b))) return undefined;
  return { derived, covariates, beta: [...beta] };
}

/** Solves `A x = b` (A k × k, symmetric positive) by Gaussian elimination with pivoting; undefined when singular. */
function solve(a: Float64Array, b: Float64Array, k: number): Float64Array | undefined {
  const m = Float64Array.from(a);
  const v = Float64Array.from(b);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r * k + c]!) > Math.abs(m[p * k + c]!)) p = r;
    if (Math.abs(m[p * k + c]!) < 1e-12) return undefined;
    if (p !== c) {
      for (let j = 0; j < k; j++) [m[c * k + j], m[p * k + j]] = [m[p * k + j]!, m[c * k + j]!];
      [v[c], v[p]] = [v[p]!, v[c]!];
    }
    for (let r = c + 1; r < k; r++) {
      const f = m[r * k + c]! / m[c * k + c]!;
      if (f === 0) continue;
      for (let j = c; j < k; j++) m[r * k + j]! -= f * m[c * k + j]!;
      v[r]! -= f * v[c]!;
    }
  }
  const out = new Float64Array(k);
  for (let r = k - 1; r >= 0; r--) {
    let s = v[r]!;
    for (let j = r + 1; j < k; j++) s -= m[r * k + j]! * out[j]!;
    out[r] = s / m[r * k + r]!;
  }
  return out;
}
