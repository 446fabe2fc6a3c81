/**
 * Forecasts for series with no or little history (pure): a launch whose rows all lie in the future
 * with planned price and promotion, or a series of a few points that no model can learn from.
 *
 * ## The rule
 * 1. **Peers.** The series with history that share the most static attributes with it (all of
 *    `category`, `store`, … when some match; every series when none does). Among them, those that
 *    started after the data began are launches seen from their first sale: their first weeks
 *    are the **launch curve**. When the group holds no such series, its recent sales stand in.
 * 2. **Curve.** At each step of the forecast, the series' age (steps since its first row) picks
 *    the peers' values at about that age (a window of ±3 days, ±1 week or month; a peer younger
 *    than that age gives its last values). The forecast quantiles are those of this pool across
 *    peers: the spread between similar products is the uncertainty of a new one. Daily data keep
 *    the peers' weekday pattern (a day they never sell on stays 0).
 * 3. **Known covariates.** Price and promotion effects are fitted on the whole panel's history
 *    (log sales on the known-in-advance covariates, within series, log price for a price): the
 *    curve is scaled by `exp(β · (x − x̄))`, x its planned values and x̄ the peers' average
 *    (clipped to ×0.2..×5; a price elasticity is never positive).
 * 4. **Short series** (fewer than `SHORT_HISTORY` points): the curve at its age, scaled by how its
 *    few sales compare with the peers' at the same ages (shrunk towards 1), is blended with the
 *    model's forecast (the model's weight grows with the history) when longer peers exist.
 *
 * Every series treated here is named in the run's warnings; none is dropped.
 */
import { addSteps, dayNumber, gridOffset } from './frames.js';
import { isLogPrice, PRICE_NAME } from './price-features.js';
import type { Frequency, Panel, QuantileForecast, QuantileLevels, SeriesFrame } from './types.js';

/** Below this many points of history a series is too short for a model on its own. */
export const SHORT_HISTORY: Readonly<Record<Frequency, number>> = { D: 14, W: 8, M: 6 };

/** Half-width of the age window pooled per step. */
const AGE_WINDOW: Readonly<Record<Frequency, number>> = { D: 3, W: 1, M: 1 };

/** Recent points of a peer used when the group has no launches (and for the weekday pattern). */
const RECENT: Readonly<Record<Frequency, number>> = { D: 56, W: 13, M: 12 };

/** Points at which a short series' own level counts as much as its peers'. */
const SHRINK: Readonly<Record<Frequency, number>> = { D: 7, W: 4, M: 3 };

/** Series named one by one in a warning before "and N more". */
const NAMED = 10;

export interface ColdStartOptions {
  readonly horizon: number;
  readonly quantiles: QuantileLevels;
}

export interface ColdStartResult {
  /** The models' forecasts (short series blended) followed by one forecast per new series. */
  readonly forecasts: QuantileForecast[];
  readonly warnings: string[];
}

interface Peers {
  readonly members: readonly SeriesFrame[];
  /** Members that started after the data began: their first points are launch curves. */
  readonly launched: boolean;
  /** Words for the warning: `category=snacks`, or "all series". */
  readonly group: string;
  /** Derived once per group and shared by its series (a large panel has thousands of them). */
  weekday?: number[] | undefined;
  means?: Map<string, number>;
  recent?: Float64Array;
  readonly pools: Map<number, Float64Array>;
}

/** Peers used at most (evenly spaced over the group): enough for a curve and its spread. */
const MAX_PEERS = 200;

function capped<T>(xs: readonly T[]): T[] {
  if (xs.length <= MAX_PEERS) return [...xs];
  return Array.from({ length: MAX_PEERS }, (_, i) => xs[Math.floor((i * xs.length) / MAX_PEERS)]!);
}

/** Linear-interpolated quantile of sorted values. */
function quantileOf(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function lastDateOf(s: SeriesFrame, freq: Frequency): string {
  return addSteps(s.start, s.target.length - 1, freq);
}

/**
 * The peers of a series among `candidates` (which never hold the series itself): the most static
 * attributes in common, launches preferred; one `Peers` per attribute combination (`cache`).
 */
function peersOf(
  s: SeriesFrame,
  candidates: readonly SeriesFrame[],
  firstStart: string,
  cache: Map<string, Peers>,
): Peers {
  const named = Object.entries(s.statics)
    .filter(([k, v]) => k !== 'country' && v !== '')
    .toSorted(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const key = JSON.stringify(named);
  const hit = cache.get(key);
  if (hit) return hit;
  let best = 0;
  let members: SeriesFrame[] = [];
  for (const p of candidates) {
    if (p.target.length === 0) continue;
    const m = named.filter(([k, v]) => p.statics[k] === v).length;
    if (m > best) {
      best = m;
      members = [p];
    } else if (m === best) members.push(p);
  }
  const matched = best > 0 ? named.filter(([k, v]) => members[0]!.statics[k] === v) : [];
  const group = matched.length > 0 ? matched.map(([k, v]) => `${k}=${v}`).join(', ') : 'all series';
  const launches = members.filter((p) => p.start > firstStart);
  const peers: Peers =
    launches.length > 0
      ? { members: capped(launches), launched: true, group, pools: new Map() }
      : { members: capped(members), launched: false, group, pools: new Map() };
  cache.set(key, peers);
  return peers;
}

/** Observed values of a peer around an age (its last values when it is younger than that). */
function valuesAt(p: SeriesFrame, age: number, w: number, out: number[]): void {
  const n = p.target.length;
  let lo = Math.min(age - w, n - (2 * w + 1));
  lo = Math.max(0, lo);
  const hi = Math.min(n - 1, lo + 2 * w);
  for (let i = lo; i <= hi; i++) {
    const v = p.target[i]!;
    if (!Number.isNaN(v)) out.push(v);
  }
}

/** Weekday factors (Monday = 0) from the peers' recent sales: mean by weekday over the mean. */
function weekdayFactors(peers: readonly SeriesFrame[], freq: Frequency): number[] | undefined {
  if (freq !== 'D') return undefined;
  const sum = Array.from<number>({ length: 7 }).fill(0);
  const count = Array.from<number>({ length: 7 }).fill(0);
  for (const p of peers) {
    const d0 = dayNumber(p.start);
    for (let i = Math.max(0, p.target.length - RECENT.D); i < p.target.length; i++) {
      const v = p.target[i]!;
      if (Number.isNaN(v)) continue;
      const dow = (((d0 + i + 3) % 7) + 7) % 7;
      sum[dow]! += v;
      count[dow]!++;
    }
  }
  const means = sum.map((s, k) => (count[k]! > 0 ? s / count[k]! : Number.NaN));
  const seen = means.filter((m) => !Number.isNaN(m));
  if (seen.length < 7) return undefined;
  const overall = seen.reduce((a, b) => a + b, 0) / 7;
  return overall > 0 ? means.map((m) => m / overall) : undefined;
}

/**
 * The price columns among `names` given on the log scale (price-features.ts `isLogPrice`: named
 * so, or 5 % of their values below 0), judged once on the whole panel.
 */
function logScaleOf(panel: Panel, names: readonly string[]): ReadonlySet<string> {
  return new Set(names.filter((c) => PRICE_NAME.test(c) && isLogPrice(panel, c)));
}

/**
 * A covariate transformed for the response model: log for a positive price, else as is (a price
 * on the log scale, `logScale`, is one already).
 */
function transform(name: string, v: number, logScale: ReadonlySet<string>): number {
  return PRICE_NAME.test(name) && !logScale.has(name) ? (v > 0 ? Math.log(v) : Number.NaN) : v;
}

/** The covariate at each grid point, carried forward from its last known value (NaN before any). */
function carried(x: Float64Array | undefined, length: number): Float64Array {
  const out = new Float64Array(length).fill(Number.NaN);
  let last = Number.NaN;
  for (let i = 0; i < length; i++) {
    const v = x && i < x.length ? x[i]! : Number.NaN;
    if (!Number.isNaN(v)) last = v;
    out[i] = last;
  }
  return out;
}

/** Solves `A x = b` (small, symmetric positive definite after the ridge) by Gaussian elimination. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    const d = m[c]![c]!;
    if (Math.abs(d) < 1e-12) return Array.from<number>({ length: n }).fill(0);
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / d;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** Series the covariate effects are fitted on at most (evenly spaced over a larger panel). */
const MAX_EFFECT_SERIES = 2000;

/**
 * Effects of the known-in-advance covariates on log(1 + sales), within series, pooled over the
 * panel's history (ridge-regularised least squares; a price's elasticity clipped to [-5, 0]; at
 * most `MAX_EFFECT_SERIES` series, evenly spaced, of a larger panel).
 */
export function covariateEffects(
  panel: Panel,
  logScale: ReadonlySet<string> = logScaleOf(panel, panel.covariateNames),
): Map<string, number> {
  const names = panel.knownInAdvance.filter((c) => panel.covariateNames.includes(c));
  const k = names.length;
  const effects = new Map<string, number>();
  if (k === 0) return effects;
  const xtx = Array.from({ length: k }, () => Array.from<number>({ length: k }).fill(0));
  const xty = Array.from<number>({ length: k }).fill(0);
  let rows = 0;
  const all = panel.series;
  const fitted =
    all.length <= MAX_EFFECT_SERIES
      ? all
      : Array.from({ length: MAX_EFFECT_SERIES }, (_, i) => all[Math.floor((i * all.length) / MAX_EFFECT_SERIES)]!);
  for (const s of fitted) {
    const n = s.target.length;
    const xs = names.map((c) => carried(s.covariates[c], n).map((v) => transform(c, v, logScale)));
    const idx: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!Number.isNaN(s.target[i]!) && xs.every((x) => !Number.isNaN(x[i]!))) idx.push(i);
    }
    if (idx.length < 2) continue;
    const y = idx.map((i) => Math.log1p(Math.max(0, s.target[i]!)));
    const ym = y.reduce((a, b) => a + b, 0) / y.length;
    const xm = xs.map((x) => idx.reduce((a, i) => a + x[i]!, 0) / idx.length);
    idx.forEach((i, r) => {
      const dx = xs.map((x, c) => x[i]! - xm[c]!);
      const dy = y[r]! - ym;
      for (let a = 0; a < k; a++) {
        xty[a]! += dx[a]! * dy;
        for (let b = 0; b < k; b++) xtx[a]![b]! += dx[a]! * dx[b]!;
      }
    });
    rows += idx.length;
  }
  if (rows === 0) return effects;
  const trace = xtx.reduce((a, row, i) => a + row[i]!, 0);
  const ridge = (1e-3 * trace) / k + 1e-9;
  for (let i = 0; i < k; i++) xtx[i]![i]! += ridge;
  const beta = solve(xtx, xty);
  names.forEach((c, i) => {
    const b = beta[i]!;
    if (!Number.isFinite(b) || xtx[i]![i]! <= ridge * 1.000001) return; // never varied: no effect
    effects.set(c, PRICE_NAME.test(c) ? Math.min(0, Math.max(-5, b)) : Math.max(-5, Math.min(5, b)));
  });
  return effects;
}

/** The panel's response to its known covariates, shared by every cold-start series of a run. */
interface Response {
  /** Effect on log(1 + sales) per unit of each (transformed) covariate (`covariateEffects`). */
  readonly effects: ReadonlyMap<string, number>;
  /** Price columns on the log scale (`logScaleOf`). */
  readonly logScale: ReadonlySet<string>;
  /** Each series' sum and count of each transformed covariate, filled as peers are read. */
  readonly sums: Map<SeriesFrame, Map<string, readonly [number, number]>>;
}

/** Mean of each effect covariate over the peers' history (transformed). */
function peerMeans(peers: readonly SeriesFrame[], { effects, logScale, sums }: Response): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of effects.keys()) {
    let s = 0;
    let n = 0;
    for (const p of peers) {
      let own = sums.get(p);
      if (!own) {
        own = new Map();
        sums.set(p, own);
      }
      let sn = own.get(c);
      if (!sn) {
        // Each series' sum and count once (a series is a peer of many groups).
        let ps = 0;
        let pn = 0;
        const x = carried(p.covariates[c], p.target.length);
        for (let i = 0; i < x.length; i++) {
          const v = transform(c, x[i]!, logScale);
          if (!Number.isNaN(v)) {
            ps += v;
            pn++;
          }
        }
        sn = [ps, pn];
        own.set(c, sn);
      }
      s += sn[0];
      n += sn[1];
    }
    if (n > 0) out.set(c, s / n);
  }
  return out;
}

/** The cold-start quantiles of one series over `dates`, starting at grid offset `age0` from its start. */
function curveForecast(
  s: SeriesFrame,
  panel: Panel,
  peers: Peers,
  dates: readonly string[],
  age0: number,
  quantiles: QuantileLevels,
  response: Response,
  level: number,
): { values: Float64Array[]; adjusted: string[] } {
  const { effects, logScale } = response;
  const freq = panel.freq;
  const w = AGE_WINDOW[freq];
  if (!('weekday' in peers)) peers.weekday = weekdayFactors(peers.members, freq);
  const weekday = peers.weekday;
  peers.means ??= peerMeans(peers.members, response);
  const means = peers.means;
  const xs = new Map<string, Float64Array>();
  for (const c of effects.keys()) if (means.has(c)) xs.set(c, carried(s.covariates[c], age0 + dates.length));
  const adjusted = new Set<string>();
  if (!peers.launched && !peers.recent) {
    const recent: number[] = [];
    for (const p of peers.members) {
      for (let i = Math.max(0, p.target.length - RECENT[freq]); i < p.target.length; i++) {
        if (!Number.isNaN(p.target[i]!)) recent.push(p.target[i]!);
      }
    }
    peers.recent = Float64Array.from(recent).toSorted();
  }
  const poolAt = (age: number): Float64Array => {
    let pool = peers.pools.get(age);
    if (!pool) {
      const values: number[] = [];
      for (const p of peers.members) valuesAt(p, age, w, values);
      pool = Float64Array.from(values).toSorted(); // typed arrays sort numerically
      peers.pools.set(age, pool);
    }
    return pool;
  };
  const values = quantiles.map(() => new Float64Array(dates.length));
  dates.forEach((date, k) => {
    const pool = peers.launched ? poolAt(age0 + k) : peers.recent!;
    let logAdj = 0;
    for (const [c, x] of xs) {
      const v = transform(c, x[age0 + k]!, logScale);
      if (Number.isNaN(v)) continue;
      const d = effects.get(c)! * (v - means.get(c)!);
      if (Math.abs(d) > 1e-9) adjusted.add(c);
      logAdj += d;
    }
    const adj = Math.min(5, Math.max(0.2, Math.exp(logAdj)));
    const dow = weekday ? weekday[(((dayNumber(date) + 3) % 7) + 7) % 7]! : 1;
    quantiles.forEach((q, j) => {
      values[j]![k] = Math.max(0, quantileOf(pool, q) * adj * dow * level);
    });
  });
  return { values, adjusted: [...adjusted] };
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** How a short series' own sales compare with its peers' at the same ages, shrunk towards 1. */
function levelRatio(s: SeriesFrame, peers: Peers, freq: Frequency): number {
  const own: number[] = [];
  for (const v of s.target) if (!Number.isNaN(v)) own.push(v);
  if (own.length === 0) return 1;
  const pool: number[] = [];
  if (peers.launched) {
    for (const p of peers.members)
      for (let i = 0; i < Math.min(p.target.length, s.target.length); i++) pool.push(p.target[i]!);
  } else {
    for (const p of peers.members) {
      for (let i = Math.max(0, p.target.length - RECENT[freq]); i < p.target.length; i++) pool.push(p.target[i]!);
    }
  }
  const obs = pool.filter((v) => !Number.isNaN(v));
  if (obs.length === 0) return 1;
  const ratio = (mean(own) + 0.5) / (mean(obs) + 0.5);
  const weight = own.length / (own.length + SHRINK[freq]);
  return Math.min(5, Math.max(0.2, ratio)) ** weight;
}

function nameList(items: readonly string[]): string {
  const shown = items.slice(0, NAMED).join(', ');
  return items.length > NAMED ? `${shown} and ${items.length - NAMED} more` : shown;
}

function basis(peers: Peers, adjusted: readonly string[]): string {
  const what = peers.launched
    ? `the launch curve of ${peers.members.length} series that started later in the data`
    : `the recent sales of ${peers.members.length} series`;
  const by = adjusted.length > 0 ? `, adjusted for its planned ${adjusted.join(' and ')}` : '';
  return `${what} (${peers.group})${by}`;
}

/**
 * Forecasts for the panel's new series (no history) and blends for its short series (see the
 * rule at the top), with a warning naming each. `forecasts`: the model's, for `panel.series`.
 */
export function coldStartForecasts(
  panel: Panel,
  forecasts: readonly QuantileForecast[],
  options: ColdStartOptions,
): ColdStartResult {
  const freq = panel.freq;
  const H = options.horizon;
  const withHistory = panel.series.filter((s) => s.target.length > 0);
  const warnings: string[] = [];
  const out = [...forecasts];
  const launches = panel.newSeries ?? [];
  const short = panel.series.filter((s) => s.target.length < SHORT_HISTORY[freq]);
  if (withHistory.length === 0 || (launches.length === 0 && short.length === 0)) {
    if (launches.length > 0) {
      warnings.push(`No series has sales history, so ${nameList(launches.map((s) => `"${s.id}"`))} got no forecast.`);
    }
    return { forecasts: out, warnings };
  }
  const quantiles = forecasts[0]?.quantiles ?? options.quantiles;
  const firstStart = withHistory.reduce((m, s) => (s.start < m ? s.start : m), withHistory[0]!.start);
  const lastDate = withHistory.reduce(
    (m, s) => {
      const d = lastDateOf(s, freq);
      return d > m ? d : m;
    },
    lastDateOf(withHistory[0]!, freq),
  );
  const forecastStart = addSteps(lastDate, 1, freq);
  const logScale = logScaleOf(panel, panel.covariateNames);
  const response: Response = { effects: covariateEffects(panel, logScale), logScale, sums: new Map() };
  const launchPeers = new Map<string, Peers>();
  const shortPeers = new Map<string, Peers>();

  const launchNotes: string[] = [];
  for (const s of launches) {
    const peers = peersOf(s, withHistory, firstStart, launchPeers);
    const first = s.start > forecastStart ? s.start : forecastStart;
    const age0 = Math.round(gridOffset(s.start, first, freq));
    const dates = Array.from({ length: H }, (_, t) => addSteps(first, t, freq));
    const r = curveForecast(s, panel, peers, dates, age0, quantiles, response, 1);
    out.push({ seriesId: s.id, dates, quantiles, values: r.values });
    launchNotes.push(`"${s.id}" from ${basis(peers, r.adjusted)}`);
  }
  if (launchNotes.length > 0) {
    warnings.push(
      `${launchNotes.length === 1 ? 'A new series has' : `${launchNotes.length} new series have`} no sales history and ${launchNotes.length === 1 ? 'was' : 'were'} forecast from similar series: ${nameList(launchNotes)}.`,
    );
  }

  if (short.length > 0) {
    const need = SHORT_HISTORY[freq];
    const longer = withHistory.filter((s) => s.target.length >= need);
    const byId = new Map(out.map((f, i) => [f.seriesId, i]));
    const named = short.map((s) => `"${s.id}" (${s.target.length} point${s.target.length === 1 ? '' : 's'})`);
    if (longer.length === 0) {
      warnings.push(
        `Every series has fewer than ${need} points of history, too short for a model to learn from: ${nameList(named)}. Their forecasts rest on very little; import more history.`,
      );
      return { forecasts: out, warnings };
    }
    for (const s of short) {
      const i = byId.get(s.id);
      if (i === undefined) continue;
      const model = out[i]!;
      const peers = peersOf(s, longer, firstStart, shortPeers);
      const level = levelRatio(s, peers, freq);
      const r = curveForecast(s, panel, peers, model.dates, s.target.length, model.quantiles, response, level);
      const wModel = s.target.length / need;
      out[i] = {
        ...model,
        values: model.values.map((row, j) =>
          Float64Array.from(row, (v, t) => wModel * v + (1 - wModel) * r.values[j]![t]!),
        ),
      };
    }
    warnings.push(
      `${short.length === 1 ? 'A series has' : `${short.length} series have`} fewer than ${need} points of history, too short for any model on its own: ${nameList(named)}. ${short.length === 1 ? 'Its forecast blends' : 'Their forecasts blend'} the model's with the launch curves of similar series.`,
    );
  }
  return { forecasts: out, warnings };
}
