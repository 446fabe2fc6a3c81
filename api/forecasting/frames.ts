/**
 * Regular frames: raw series (dates + values + covariates) onto a grid of their frequency, the
 * rolling-origin cut used by backtests, gap interpolation and per-series scaling. Pure.
 *
 * Rules (the same as `shared/peers/common.py`, so our backtests and the peers' see the same data):
 * - a series runs from its first to its last observed value; unknown points inside are NaN,
 *   which is not zero sales; negative values (returns) are kept as they are;
 * - covariates run from the series' start and may extend past the target (future rows that carry
 *   only covariates: known-in-advance values such as planned prices or promotions);
 * - origin k of K windows of H tests points `n-k·H .. n-(k-1)·H-1`; a series needs `K·H + 2` points.
 */
import { DomainError, ErrorCode, UserInputError } from '../errors/index.js';
import type { Frequency, Panel, RawSeries, SeriesFrame } from './types.js';

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of an ISO date (YYYY-MM-DD), UTC. */
export function dayNumber(iso: string): number {
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  const t = Date.UTC(y, m - 1, d);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso.slice(0, 10)) || Number.isNaN(t)) {
    throw new UserInputError(`Date "${iso}" is not an ISO date; use YYYY-MM-DD.`, { date: iso });
  }
  return Math.round(t / DAY_MS);
}

/**
 * ISO strings by day number, shared: backtest windows and every candidate's forecasts hold one
 * date string per series and step (tens of millions at M5 size), all among a few thousand days.
 */
const isoDates = new Map<number, string>();
const ISO_CACHE_LIMIT = 100_000;

/** ISO date (YYYY-MM-DD) of a day number. */
export function isoDate(day: number): string {
  let iso = isoDates.get(day);
  if (iso === undefined) {
    iso = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (isoDates.size < ISO_CACHE_LIMIT) isoDates.set(day, iso);
  }
  return iso;
}

/** Months since 1970-01 of an ISO date (the day of month is ignored). */
function monthNumber(iso: string): number {
  return (Number(iso.slice(0, 4)) - 1970) * 12 + Number(iso.slice(5, 7)) - 1;
}

function monthStartIso(month: number): string {
  const y = 1970 + Math.floor(month / 12);
  const m = month - (y - 1970) * 12 + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-01`;
}

/** Grid position of `iso` counted from `start` (may be fractional when off the grid). */
export function gridOffset(start: string, iso: string, freq: Frequency): number {
  if (freq === 'M') return monthNumber(iso) - monthNumber(start);
  const days = dayNumber(iso) - dayNumber(start);
  return freq === 'W' ? days / 7 : days;
}

/** The ISO date `steps` grid points after `start` (negative steps go back). */
export function addSteps(start: string, steps: number, freq: Frequency): string {
  if (freq === 'M') return monthStartIso(monthNumber(start) + steps);
  return isoDate(dayNumber(start) + steps * (freq === 'W' ? 7 : 1));
}

/** `count` consecutive grid dates starting `from` steps after `start`. */
export function gridDates(start: string, from: number, count: number, freq: Frequency): string[] {
  const out = Array.from<string>({ length: count });
  if (freq === 'M') {
    const m0 = monthNumber(start) + from;
    for (let i = 0; i < count; i++) out[i] = monthStartIso(m0 + i);
  } else {
    const step = freq === 'W' ? 7 : 1;
    const d0 = dayNumber(start) + from * step;
    for (let i = 0; i < count; i++) out[i] = isoDate(d0 + i * step);
  }
  return out;
}

/** Frequency from the median step between consecutive dates of each series (as the peers do). */
export function detectFrequency(raw: readonly Pick<RawSeries, 'dates'>[]): Frequency {
  const steps: number[] = [];
  for (const s of raw) {
    for (let i = 1; i < s.dates.length; i++) steps.push(dayNumber(s.dates[i]!) - dayNumber(s.dates[i - 1]!));
  }
  if (steps.length === 0) {
    throw new UserInputError('Cannot detect the frequency: no series has two dates. Pass the frequency (D, W or M).');
  }
  steps.sort((a, b) => a - b);
  const mid = steps.length >> 1;
  const median = steps.length % 2 ? steps[mid]! : (steps[mid - 1]! + steps[mid]!) / 2;
  if (median === 1) return 'D';
  if (median === 7) return 'W';
  if (median >= 28 && median <= 31) return 'M';
  throw new UserInputError(
    `Cannot detect the frequency: the median step between dates is ${median} days. Pass the frequency (D, W or M).`,
    { medianStep: median },
  );
}

export interface BuildPanelOptions {
  /** Called once per thing the user should know (a series without any value, …). */
  readonly onWarning?: (message: string) => void;
}

/**
 * Puts raw series on the regular grid of `freq` (detected by the median date step when omitted).
 * Series without any observed value are left out of `series` (with a warning) and kept in
 * `newSeries` with their covariates (launches: see cold-start.ts). Dates off the grid fail with
 * BAD_USER_INPUT naming the series.
 */
export function buildPanel(raw: readonly RawSeries[], freq?: Frequency, options: BuildPanelOptions = {}): Panel {
  const f = freq ?? detectFrequency(raw);
  const covariateNames: string[] = [];
  for (const s of raw) {
    for (const c of Object.keys(s.covariates)) if (!covariateNames.includes(c)) covariateNames.push(c);
  }
  const builder = new PanelBuilder(f, covariateNames, options);
  for (const s of raw) builder.add(s);
  return builder.finish();
}

/**
 * A panel built one raw series at a time, so that a caller reading a large dataset in batches
 * never holds all its raw rows (strings and boxed numbers, many times the panel's typed arrays):
 * `add` each series as it arrives, then `finish`. `buildPanel` is this over an array.
 *
 * Covariate arrays with the same values are stored once and shared between series (calendar-like
 * covariates such as a state's SNAP days or a holiday flag are the same for thousands of series);
 * nothing in the engine writes into a panel's arrays, so sharing changes no value.
 */
export class PanelBuilder {
  private readonly series: SeriesFrame[] = [];
  /** Series without any value (launches), kept with their covariates. */
  private readonly launches: SeriesFrame[] = [];
  /** Each added series' id and static names, for `staticNames` in the panel's final order. */
  private readonly staticsSeen: Array<{ id: string; names: string[] }> = [];
  private readonly known = new Set<string>();
  private readonly shared = new Map<number, Float64Array[]>();
  private readonly days = new Map<string, number>();

  constructor(
    readonly freq: Frequency,
    /** Every covariate the series may have, in the panel's order. */
    readonly covariateNames: readonly string[],
    private readonly options: BuildPanelOptions = {},
  ) {}

  /** Puts one series on the grid (or leaves it out, with a warning, when it has no value). */
  add(s: RawSeries): void {
    const f = this.freq;
    const covariateNames = this.covariateNames;
    this.staticsSeen.push({ id: s.id, names: Object.keys(s.statics) });
    let first = -1;
    let last = -1;
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i];
      if (v !== null && v !== undefined && Number.isFinite(v)) {
        if (first < 0) first = i;
        last = i;
      }
    }
    const launch = first < 0;
    if (launch) {
      this.options.onWarning?.(`Series "${s.id}" has no sales values and was left out.`);
      if (s.dates.length === 0) return;
      first = 0;
    }
    const start = s.dates[first]!;
    const startIso = f === 'M' ? monthStartIso(monthNumber(start)) : start.slice(0, 10);
    const n = launch ? 0 : Math.round(gridOffset(startIso, s.dates[last]!, f)) + 1;
    let covLength = n;
    const positions = Array.from<number>({ length: s.dates.length }).fill(-1);
    // Day grids: day numbers through a cache (the same few thousand dates in every series).
    const startDay = f === 'M' ? 0 : this.day(startIso);
    for (let i = first; i < s.dates.length; i++) {
      const off =
        f === 'M' ? gridOffset(startIso, s.dates[i]!, f) : (this.day(s.dates[i]!) - startDay) / (f === 'W' ? 7 : 1);
      if (!Number.isInteger(off)) {
        throw new UserInputError(
          `Series "${s.id}": date ${s.dates[i]} is off the ${f} grid that starts at ${startIso}. Fix the date or give the right frequency.`,
          { seriesId: s.id, date: s.dates[i] },
        );
      }
      if (off > 0 && i > first && off <= positions[i - 1]!) {
        throw new UserInputError(`Series "${s.id}": dates must be ascending and unique (at ${s.dates[i]}).`, {
          seriesId: s.id,
          date: s.dates[i],
        });
      }
      positions[i] = off;
      if (off >= n) {
        for (const c of covariateNames) {
          const v = s.covariates[c]?.[i];
          if (v !== null && v !== undefined && Number.isFinite(v)) {
            this.known.add(c);
            covLength = Math.max(covLength, off + 1);
          }
        }
      }
    }
    const target = new Float64Array(n).fill(Number.NaN);
    const covariates: Record<string, Float64Array> = {};
    for (const c of covariateNames) covariates[c] = new Float64Array(covLength).fill(Number.NaN);
    for (let i = first; i < s.dates.length; i++) {
      const p = positions[i]!;
      if (p < n) {
        const v = s.values[i];
        if (v !== null && v !== undefined && Number.isFinite(v)) target[p] = v;
      }
      if (p < covLength) {
        for (const c of covariateNames) {
          const v = s.covariates[c]?.[i];
          if (v !== null && v !== undefined && Number.isFinite(v)) covariates[c]![p] = v;
        }
      }
    }
    for (const c of covariateNames) covariates[c] = this.share(covariates[c]!);
    (launch ? this.launches : this.series).push({
      id: s.id,
      start: startIso,
      target,
      covariates,
      statics: { ...s.statics },
    });
  }

  /**
   * The panel; with `sortById`, series in id order (code-unit order, as `loadRawSeries` sorts)
   * whatever order they were added in.
   */
  finish(options: { readonly sortById?: boolean } = {}): Panel {
    const series = options.sortById ? this.series.toSorted(byId) : [...this.series];
    const seen = options.sortById ? this.staticsSeen.toSorted(byId) : this.staticsSeen;
    const staticNames: string[] = [];
    for (const s of seen) for (const a of s.names) if (!staticNames.includes(a)) staticNames.push(a);
    const launches = options.sortById ? this.launches.toSorted(byId) : [...this.launches];
    return {
      freq: this.freq,
      series,
      covariateNames: [...this.covariateNames],
      knownInAdvance: this.covariateNames.filter((c) => this.known.has(c)),
      staticNames,
      ...(launches.length > 0 ? { newSeries: launches } : {}),
    };
  }

  /** `dayNumber(iso)`, cached (a failing date throws, as `dayNumber` does, and is not cached). */
  private day(iso: string): number {
    let d = this.days.get(iso);
    if (d === undefined) {
      d = dayNumber(iso);
      if (this.days.size < 100_000) this.days.set(iso, d);
    }
    return d;
  }

  /** `x`, or an equal array already in the panel (same length, same values bit for bit). */
  private share(x: Float64Array): Float64Array {
    const words = new Uint32Array(x.buffer, x.byteOffset, x.length * 2);
    let h = 0x811c9dc5 ^ x.length;
    for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i]!, 0x01000193);
    const bucket = this.shared.get(h);
    if (!bucket) {
      this.shared.set(h, [x]);
      return x;
    }
    for (const y of bucket) if (sameBits(x, y)) return y;
    bucket.push(x);
    return x;
  }
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length * 2);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** A series that is too short for what was asked of it. */
export class InsufficientHistoryError extends DomainError {
  override readonly name = 'InsufficientHistoryError';
  constructor(
    readonly seriesId: string,
    readonly needed: number,
    readonly got: number,
    what = 'this model',
  ) {
    super(
      ErrorCode.INSUFFICIENT_HISTORY,
      `Series "${seriesId}" has ${got} points of history; ${what} needs at least ${needed}. Give more history, a shorter horizon, or a simpler model.`,
      { seriesId, needed, got },
    );
  }
}

/** Number of observed (non-NaN) values. */
export function observedCount(y: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < y.length; i++) if (!Number.isNaN(y[i]!)) c++;
  return c;
}

/**
 * Linear interpolation of NaN gaps, held at the last observed value after it and at the first
 * before it (the peers' training-window rule). An all-NaN input gives zeros.
 */
export function interpolateGaps(y: ArrayLike<number>): Float64Array {
  const n = y.length;
  const out = Float64Array.from(y as ArrayLike<number>);
  let prev = -1;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(out[i]!)) continue;
    if (prev < 0) {
      for (let j = 0; j < i; j++) out[j] = out[i]!;
    } else if (i - prev > 1) {
      const a = out[prev]!;
      const b = out[i]!;
      for (let j = prev + 1; j < i; j++) out[j] = a + ((b - a) * (j - prev)) / (i - prev);
    }
    prev = i;
  }
  if (prev < 0) return out.fill(0);
  for (let j = prev + 1; j < n; j++) out[j] = out[prev]!;
  return out;
}

/** Covariate filled as the peers do: forward-filled within the series, then 0. */
export function fillCovariate(x: ArrayLike<number>, length = x.length): Float64Array {
  const out = new Float64Array(length);
  let last = 0;
  for (let i = 0; i < length; i++) {
    const v = i < x.length ? x[i]! : Number.NaN;
    if (!Number.isNaN(v)) last = v;
    out[i] = last;
  }
  return out;
}

/** Mean absolute observed (non-NaN) value; 0 when nothing is observed. */
export function meanAbsObserved(y: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!Number.isNaN(v)) {
      s += Math.abs(v);
      c++;
    }
  }
  return c ? s / c : 0;
}

/** Per-series scale: mean absolute observed value, or 1 when that is 0 or unknown. */
export function seriesScale(y: ArrayLike<number>): number {
  const m = meanAbsObserved(y);
  return m > 0 ? m : 1;
}

/** `y / scale` (NaN kept). */
export function scaleValues(y: ArrayLike<number>, scale: number): Float64Array {
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = y[i]! / scale;
  return out;
}

/** `y * scale`. */
export function unscaleValues(y: ArrayLike<number>, scale: number): Float64Array {
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = y[i]! * scale;
  return out;
}

/**
 * The series cut at grid point `cut`: history before it, covariates through `cut + horizon`
 * (padded with NaN where the file gave none).
 *
 * The target and every covariate long enough are views (`subarray`) of the series' own arrays,
 * not copies: a backtest cuts every series once per origin and per candidate model, and copies
 * made a training run's memory grow with series × days × candidates (5.8 GB at 3,000 M5 series).
 * Nothing in the engine writes into a panel's arrays; a caller that wants to must copy first.
 */
export function cutSeries(s: SeriesFrame, cut: number, horizon: number): SeriesFrame {
  const covariates: Record<string, Float64Array> = {};
  const end = cut + horizon;
  for (const [name, x] of Object.entries(s.covariates)) {
    if (x.length >= end) {
      covariates[name] = x.subarray(0, end);
      continue;
    }
    const out = new Float64Array(end).fill(Number.NaN);
    out.set(x);
    covariates[name] = out;
  }
  return { id: s.id, start: s.start, target: s.target.subarray(0, cut), covariates, statics: s.statics };
}

/** One rolling-origin window of a backtest. */
export interface BacktestWindow {
  /** 1 = the last H points, 2 = the H points before, … (the peers' numbering). */
  readonly origin: number;
  /** Every eligible series cut at its own origin; covariates known through the window (peers' rule). */
  readonly panel: Panel;
  /** Actuals of the window per series id (NaN = missing, not scored), each of length H. */
  readonly actuals: ReadonlyMap<string, Float64Array>;
  /** Test dates per series id. */
  readonly dates: ReadonlyMap<string, readonly string[]>;
}

export interface BacktestSplit {
  readonly windows: readonly BacktestWindow[];
  /** Series shorter than `K·H + 2` points, left out (as the peers do). */
  readonly excluded: readonly string[];
}

/**
 * The rolling-origin split of the peers: origin k = K..1 tests `n-k·H .. n-(k-1)·H-1` of each
 * series (n = its grid length) and the model of that window sees only targets before it.
 * Numeric covariates are known inside the window. Windows with no observed actual are dropped.
 */
export function rollingOriginSplit(
  panel: Panel,
  horizon: number,
  origins: number,
  /**
   * Series need `requiredOrigins·H + 2` points to be in the split at all (default: all `origins`,
   * the peers' rule); windows beyond `requiredOrigins` hold only the series with at least 2 points
   * of history before them (extra validation windows before a backtest's own).
   */
  requiredOrigins = origins,
): BacktestSplit {
  if (!Number.isInteger(horizon) || horizon < 1)
    throw new UserInputError(`Horizon ${horizon} must be a positive integer.`);
  if (!Number.isInteger(origins) || origins < 1)
    throw new UserInputError(`Origins ${origins} must be a positive integer.`);
  const eligible = panel.series.filter((s) => s.target.length - requiredOrigins * horizon >= 2);
  const excluded = panel.series.filter((s) => s.target.length - requiredOrigins * horizon < 2).map((s) => s.id);
  const windows: BacktestWindow[] = [];
  for (let k = origins; k >= 1; k--) {
    const series: SeriesFrame[] = [];
    const actuals = new Map<string, Float64Array>();
    const dates = new Map<string, readonly string[]>();
    for (const s of eligible) {
      const cut = s.target.length - k * horizon;
      if (cut < 2) continue;
      const y = s.target.slice(cut, cut + horizon);
      if (observedCount(y) === 0) continue;
      series.push(cutSeries(s, cut, horizon));
      actuals.set(s.id, y);
      dates.set(s.id, gridDates(s.start, cut, horizon, panel.freq));
    }
    if (series.length === 0) continue;
    windows.push({
      origin: k,
      panel: { ...panel, series, knownInAdvance: [...panel.covariateNames] },
      actuals,
      dates,
    });
  }
  return { windows, excluded };
}

/** A panel with only the series whose ids pass `keep`. */
export function filterPanel(panel: Panel, keep: (id: string) => boolean): Panel {
  return { ...panel, series: panel.series.filter((s) => keep(s.id)) };
}
