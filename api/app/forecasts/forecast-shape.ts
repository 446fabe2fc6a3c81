/**
 * Pure reshaping of stored rows into forecast points: time buckets (day, ISO week, month) and the
 * aggregation of quantiles across series and dates (quantile-aggregation.ts, on the engine's
 * forecasting/distribution.ts: sample paths summed, never summed medians).
 */
import type { ActualRecord, ForecastRecord } from '../ports.js';
import type { DependenceModel } from '../../forecasting/distribution.js';
import { aggregateQuantiles, type DatedMember, type Dependence } from './quantile-aggregation.js';

export type BucketKind = 'day' | 'week' | 'month';

export interface ShapedPoint {
  readonly date: string;
  readonly actual: number | null;
  /**
   * Known sales summed over the bucket's days that have them, null when none has: equal to
   * `actual` on a bucket fully known, and what was sold so far on a bucket straddling the
   * forecast start (where `actual` is null).
   */
  readonly actualToDate: number | null;
  readonly p10: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly quantiles: readonly { readonly level: number; readonly value: number | null }[];
  /** Days of the bucket in [from, to] that have an actual or a forecast (1 for a DAY point). */
  readonly days: number;
  /** Whether `days` is the bucket's full length (7 for a week, the month's length for a month). */
  readonly complete: boolean;
}

const DAY_MS = 86_400_000;

/** The first day of the bucket that `date` (YYYY-MM-DD) falls in: itself, its ISO week's Monday, or the 1st. */
export function bucketStart(date: string, bucket: BucketKind): string {
  if (bucket === 'day') return date;
  if (bucket === 'month') return `${date.slice(0, 7)}-01`;
  const t = Date.parse(`${date}T00:00:00Z`);
  const weekday = (new Date(t).getUTCDay() + 6) % 7; // Monday = 0
  return new Date(t - weekday * DAY_MS).toISOString().slice(0, 10);
}

/** How many days the bucket starting on `start` spans. */
export function bucketLength(start: string, bucket: BucketKind): number {
  if (bucket === 'day') return 1;
  if (bucket === 'week') return 7;
  const year = Number(start.slice(0, 4));
  const month = Number(start.slice(5, 7));
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export interface ShapeInput {
  readonly forecasts: readonly ForecastRecord[];
  readonly actuals: readonly ActualRecord[];
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly bucket: BucketKind;
  /** Levels reported in `quantiles`. */
  readonly levels: readonly number[];
  readonly dependence: Dependence;
  /** The run's fitted dependence (for `Dependence.FITTED`); absent for runs without one. */
  readonly fitted?: DependenceModel | undefined;
  /**
   * What the total is, where the caller knows (`AggregateOptions.kind`): `all`, or the attribute
   * whose one group the series are. A total of another selection leaves it out.
   */
  readonly kind?: string | undefined;
  /**
   * Where to keep the aggregated quantiles of buckets with several members (the costly part of a
   * total: Latin-hypercube sums). `key` must identify the forecast rows given (tenant, run and
   * series); the bucket, range, levels and dependence are added here.
   */
  readonly memo?: {
    readonly key: string;
    readonly cache: {
      get(key: string): readonly number[] | undefined;
      set(key: string, value: readonly number[]): void;
    };
  };
}

const STANDARD = [0.1, 0.5, 0.9] as const;

/**
 * One point per bucket that has an actual or a forecast in [from, to], ordered by date.
 *
 * - `days` counts the bucket's dates in [from, to] that have an actual or a forecast; `complete`
 *   says whether that is the whole bucket. A week cut by `from`, or the last forecast week that
 *   ends mid-week, is not complete: its sums cover fewer days than its neighbours'.
 * - `actual` is the sum of the known values, and only when every one of those days is known:
 *   a bucket that straddles the forecast start (two days of history, five of forecast) has a null
 *   `actual`, since the sum of two days would read as a drop in sales.
 * - The quantiles are those of the sum of the bucket's forecast members (series × dates), plus
 *   the actuals of the (series, date) pairs in it that have no forecast. So a bucket straddling
 *   the forecast start estimates the whole bucket: what was sold in its history days plus the
 *   forecast of its remaining days (adding a known constant shifts every quantile by it).
 *   A DAY point never mixes the two: it keeps its actual and its own forecast.
 */
export function shapeForecast(input: ShapeInput): ShapedPoint[] {
  const inRange = (d: string): boolean => (!input.from || d >= input.from) && (!input.to || d <= input.to);
  // A DAY bucket holds one date, so the per-bucket date sets are only needed for weeks and months
  // (they cost two Sets per point on the hot one-series, daily path).
  const daily = input.bucket === 'day';
  interface Bucket {
    /** Distinct dates in the bucket (weeks and months only; a day has one). */
    dates: Set<string> | undefined;
    /** Distinct dates with a known value (weeks and months only). */
    knownDates: Set<string> | undefined;
    /** Whether any value on the bucket's one date is known (days only). */
    known: boolean;
    /** Sum of the known values, and of those whose (series, date) has no forecast. */
    sum: number;
    historySum: number;
    members: DatedMember[];
  }
  const buckets = new Map<string, Bucket>();
  const startOf = new Map<string, string>(); // a total repeats each date once per series
  const at = (date: string): Bucket => {
    let key = daily ? date : startOf.get(date);
    if (key === undefined) startOf.set(date, (key = bucketStart(date, input.bucket)));
    let b = buckets.get(key);
    if (!b) {
      b = {
        dates: daily ? undefined : new Set(),
        knownDates: daily ? undefined : new Set(),
        known: false,
        sum: 0,
        historySum: 0,
        members: [],
      };
      buckets.set(key, b);
    }
    b.dates?.add(date);
    return b;
  };
  // The forecast dates of each series: its actuals on those dates are not history.
  const forecastDates = new Map<number, Set<string>>();
  for (const f of input.forecasts) {
    if (!inRange(f.date) || f.levels.length === 0) continue;
    at(f.date).members.push(f);
    let dates = forecastDates.get(f.seriesId);
    if (!dates) forecastDates.set(f.seriesId, (dates = new Set()));
    dates.add(f.date);
  }
  for (const a of input.actuals) {
    if (!inRange(a.date)) continue;
    const b = at(a.date);
    if (a.value !== null) {
      b.sum += a.value;
      if (!forecastDates.get(a.seriesId)?.has(a.date)) b.historySum += a.value;
      b.known = true;
      b.knownDates?.add(a.date);
    }
  }
  const all = [...new Set([...STANDARD, ...input.levels])].toSorted((a, b) => a - b);
  const i10 = all.indexOf(0.1);
  const i50 = all.indexOf(0.5);
  const i90 = all.indexOf(0.9);
  const levelIndex = input.levels.map((level) => all.indexOf(level));
  const memo = input.memo;
  const memoPrefix = memo
    ? `${memo.key}|${input.bucket}|${input.from ?? ''}|${input.to ?? ''}|${input.dependence}|${input.kind ?? ''}|${all.join(',')}|`
    : '';
  const options = { dependence: input.dependence, fitted: input.fitted, kind: input.kind };
  const aggregate = (date: string, members: readonly DatedMember[]): readonly number[] => {
    if (!memo || members.length < 2) return aggregateQuantiles(members, all, options);
    const key = memoPrefix + date;
    let values = memo.cache.get(key);
    if (!values) {
      values = aggregateQuantiles(members, all, options);
      memo.cache.set(key, values);
    }
    return values;
  };
  return [...buckets.keys()].toSorted().map((date) => {
    const b = buckets.get(date)!;
    const days = b.dates ? b.dates.size : 1;
    const complete = days === bucketLength(date, input.bucket);
    const { sum, historySum } = b;
    const knownDays = b.knownDates ? b.knownDates.size : b.known ? 1 : 0;
    const actual = knownDays > 0 && knownDays === days ? sum : null;
    const actualToDate = knownDays > 0 ? sum : null;
    if (b.members.length === 0) {
      return {
        date,
        actual,
        actualToDate,
        p10: null,
        p50: null,
        p90: null,
        quantiles: input.levels.map((level) => ({ level, value: null })),
        days,
        complete,
      };
    }
    const values = aggregate(date, b.members);
    return {
      date,
      actual,
      actualToDate,
      p10: values[i10]! + historySum,
      p50: values[i50]! + historySum,
      p90: values[i90]! + historySum,
      quantiles: input.levels.map((level, i) => ({ level, value: values[levelIndex[i]!]! + historySum })),
      days,
      complete,
    };
  });
}

/** Points as parallel arrays (`Forecast.columns`): entry i of every array is point i. */
export interface PointColumns {
  dates: string[];
  actual: (number | null)[];
  p10: (number | null)[];
  p50: (number | null)[];
  p90: (number | null)[];
  /** One array per requested level, in the order of the points' `quantiles`. */
  quantiles: (number | null)[][];
  days: number[];
  complete: boolean[];
}

export function toColumns(points: readonly ShapedPoint[], levels: number): PointColumns {
  const n = points.length;
  const columns: PointColumns = {
    dates: Array.from({ length: n }),
    actual: Array.from({ length: n }),
    p10: Array.from({ length: n }),
    p50: Array.from({ length: n }),
    p90: Array.from({ length: n }),
    quantiles: Array.from({ length: levels }, () => Array.from({ length: n })),
    days: Array.from({ length: n }),
    complete: Array.from({ length: n }),
  };
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    columns.dates[i] = p.date;
    columns.actual[i] = p.actual;
    columns.p10[i] = p.p10;
    columns.p50[i] = p.p50;
    columns.p90[i] = p.p90;
    columns.days[i] = p.days;
    columns.complete[i] = p.complete;
    for (let k = 0; k < levels; k++) columns.quantiles[k]![i] = p.quantiles[k]?.value ?? null;
  }
  return columns;
}
