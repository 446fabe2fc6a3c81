/**
 * Pure reshaping of stored rows into forecast points: time buckets (day, ISO week, month) and the
 * aggregation of quantiles across series and dates (see quantile-aggregation.ts for the method).
 */
import type { ActualRecord, ForecastRecord } from '../../db/forecasts.repository.js';
import { aggregateQuantiles, type Dependence, type QuantileMember } from './quantile-aggregation.js';

export type BucketKind = 'day' | 'week' | 'month';

export interface ShapedPoint {
  readonly date: string;
  readonly actual: number | null;
  readonly p10: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly quantiles: readonly { readonly level: number; readonly value: number | null }[];
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

export interface ShapeInput {
  readonly forecasts: readonly ForecastRecord[];
  readonly actuals: readonly ActualRecord[];
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly bucket: BucketKind;
  /** Levels reported in `quantiles`. */
  readonly levels: readonly number[];
  readonly dependence: Dependence;
}

const STANDARD = [0.1, 0.5, 0.9] as const;

/**
 * One point per bucket that has an actual or a forecast in [from, to], ordered by date. A bucket's
 * actual is the sum of the known values in it (null when none is known); its quantiles are those
 * of the sum of its forecast members (series × dates). A bucket that straddles the forecast start
 * carries the actuals of its history days and the forecast of its forecast days.
 */
export function shapeForecast(input: ShapeInput): ShapedPoint[] {
  const inRange = (d: string): boolean => (!input.from || d >= input.from) && (!input.to || d <= input.to);
  const buckets = new Map<string, { actual: number; known: number; members: QuantileMember[] }>();
  const at = (date: string) => {
    const key = bucketStart(date, input.bucket);
    let b = buckets.get(key);
    if (!b) {
      b = { actual: 0, known: 0, members: [] };
      buckets.set(key, b);
    }
    return b;
  };
  for (const a of input.actuals) {
    if (!inRange(a.date)) continue;
    const b = at(a.date);
    if (a.value !== null) {
      b.actual += a.value;
      b.known++;
    }
  }
  for (const f of input.forecasts) {
    if (!inRange(f.date) || f.levels.length === 0) continue;
    at(f.date).members.push({ levels: f.levels, values: f.values });
  }
  const all = [...new Set([...STANDARD, ...input.levels])].toSorted((a, b) => a - b);
  return [...buckets.keys()].toSorted().map((date) => {
    const b = buckets.get(date)!;
    const actual = b.known > 0 ? b.actual : null;
    if (b.members.length === 0) {
      return {
        date,
        actual,
        p10: null,
        p50: null,
        p90: null,
        quantiles: input.levels.map((level) => ({ level, value: null })),
      };
    }
    const values = aggregateQuantiles(b.members, all, { dependence: input.dependence });
    const byLevel = new Map(all.map((l, i) => [l, values[i]!]));
    return {
      date,
      actual,
      p10: byLevel.get(0.1)!,
      p50: byLevel.get(0.5)!,
      p90: byLevel.get(0.9)!,
      quantiles: input.levels.map((level) => ({ level, value: byLevel.get(level)! })),
    };
  });
}
