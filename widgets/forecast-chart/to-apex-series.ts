import { lttbIndices } from './lttb.js';

/** One point of the `forecast` query (ARCHITECTURE §4). */
export interface ForecastPoint {
  /** ISO date `YYYY-MM-DD` (start of the bucket). */
  readonly date: string;
  readonly actual: number | null;
  /** Sold so far in a bucket straddling the forecast start (the API's `actualToDate`). */
  readonly actualToDate?: number | null;
  readonly p10?: number | null;
  readonly p50?: number | null;
  readonly p90?: number | null;
  /** Days of the bucket the point covers (the API's `days`; absent from older servers). */
  readonly days?: number;
  /** False for a partial WEEK/MONTH bucket, whose sum covers fewer days than its neighbours'. */
  readonly complete?: boolean;
}

/** A holiday or promotion day from `calendarEvents`. */
export interface CalendarEvent {
  readonly date: string;
  readonly kind: 'HOLIDAY' | 'PROMOTION' | string;
  readonly label: string;
}

/** One row as drawn: epoch milliseconds (UTC) plus the values. */
export interface ChartRow {
  readonly x: number;
  readonly date: string;
  readonly actual: number | null;
  /**
   * Sold so far, on a bucket straddling the forecast start (whose `actual` is null); null
   * elsewhere. Shown in the tooltip and table, never drawn as the actual line (a drop).
   */
  readonly soldSoFar: number | null;
  readonly p10: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  /** A partial WEEK/MONTH bucket (`complete: false`): listed, but not drawn as a line point. */
  readonly partial: boolean;
  /** Days the bucket covers, when the API says (`days`). */
  readonly days: number | null;
}

/** The points reshaped for the chart, after optional downsampling. */
export interface ForecastChartData {
  /** Rows drawn (downsampled when there were more than `maxPoints`). */
  readonly rows: readonly ChartRow[];
  /**
   * Epoch ms of the first forecast day: the API's `forecastStart` when given (a WEEK or MONTH
   * bucket that straddles it starts before it), else the first row with a forecast and no actual;
   * null when there is no forecast.
   */
  readonly forecastStart: number | null;
  readonly totalPoints: number;
  /** Partial buckets (`complete: false`: a week cut by the range, the last forecast week). */
  readonly partialCount: number;
  readonly downsampled: boolean;
  /** Whether any row has a p10–p90 interval. */
  readonly hasInterval: boolean;
}

/** Default upper bound of drawn points: ApexCharts slows sharply beyond a few thousand (ARCHITECTURE §8). */
export const DEFAULT_MAX_POINTS = 2000;

/** Epoch milliseconds of an ISO date at midnight UTC. */
export function dateToEpoch(date: string): number {
  const epoch = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(epoch)) throw new RangeError(`Not an ISO date: "${date}"; expected YYYY-MM-DD`);
  return epoch;
}

/**
 * Reshapes forecast points into chart rows: sorted by date, dates as epoch ms, and thinned with LTTB
 * on the visible signal (actual, else p50) when there are more than `maxPoints`. The first forecast
 * point and every forecast point of a short horizon are kept, so the band and its start never move.
 * Partial buckets (`complete: false`) are kept and marked `partial`: `toApexSeries` leaves them
 * out of the lines (their sums would read as drops), the data table lists them with their days.
 *
 * @example
 * ```ts
 * const data = toForecastChartData(result.forecast.points, { maxPoints: 2000 });
 * data.forecastStart; // epoch ms where the forecast begins
 * ```
 */
export function toForecastChartData(
  points: readonly ForecastPoint[],
  options: { readonly maxPoints?: number; readonly forecastStart?: string | null | undefined } = {},
): ForecastChartData {
  const maxPoints = options.maxPoints ?? DEFAULT_MAX_POINTS;
  const rows: ChartRow[] = points
    .map((point) => ({
      x: dateToEpoch(point.date),
      date: point.date.slice(0, 10),
      actual: finiteOrNull(point.actual),
      soldSoFar: point.actual === null || point.actual === undefined ? finiteOrNull(point.actualToDate) : null,
      p10: finiteOrNull(point.p10),
      p50: finiteOrNull(point.p50),
      p90: finiteOrNull(point.p90),
      partial: point.complete === false,
      days: typeof point.days === 'number' ? point.days : null,
    }))
    .toSorted((a, b) => a.x - b.x);
  const startIndex = rows.findIndex((row) => row.actual === null && row.p50 !== null);
  const partialCount = rows.filter((row) => row.partial).length;
  const forecastStart = options.forecastStart
    ? dateToEpoch(options.forecastStart)
    : startIndex >= 0
      ? rows[startIndex]!.x
      : null;
  const hasInterval = rows.some((row) => row.p10 !== null && row.p90 !== null);
  if (rows.length <= maxPoints) {
    return { rows, forecastStart, totalPoints: rows.length, partialCount, downsampled: false, hasInterval };
  }
  const xs = rows.map((row) => row.x);
  const ys = rows.map((row) => row.actual ?? row.p50);
  const keep = new Set(lttbIndices(xs, ys, maxPoints));
  if (startIndex >= 0) keep.add(startIndex);
  if (startIndex > 0) keep.add(startIndex - 1);
  const kept = [...keep].toSorted((a, b) => a - b).map((index) => rows[index]!);
  return { rows: kept, forecastStart, totalPoints: rows.length, partialCount, downsampled: true, hasInterval };
}

function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** ApexCharts series for a rangeArea + line combination, in the order band, actual, forecast. */
export interface ForecastApexSeries {
  /**
   * Only the rows that have an interval (ApexCharts 4.7 parses rangeArea data in O(n²)), after an
   * empty point on the first row when the interval starts later (see `toApexSeries`).
   */
  readonly band: { x: number; y: [number, number] | [null, null] }[];
  readonly actual: { x: number; y: number | null }[];
  readonly p50: { x: number; y: number | null }[];
}

/**
 * Splits chart rows into ApexCharts series: actual and p50 aligned on every row, the band only on
 * rows with p10 and p90 (ApexCharts 4.7 de-duplicates rangeArea x values with a quadratic scan,
 * which costs seconds at 2,000 points; the interval only exists over the horizon). A partial
 * bucket is a gap in every series, unless all rows are partial.
 *
 * Every series starts on the first row's x: the band gets an empty point (`[null, null]`, drawn as
 * nothing) there when its interval starts later. ApexCharts 4.7 compares only the first x of each
 * series to decide whether they share x values; when they do not, its shared tooltip picks the
 * point nearest in x AND y, pairing x and y arrays that nulls have shifted apart, so which day the
 * tooltip showed depended on the values (a history day under a forecast day's cursor).
 */
export function toApexSeries(data: ForecastChartData): ForecastApexSeries {
  const band: ForecastApexSeries['band'] = [];
  const actual: ForecastApexSeries['actual'] = [];
  const p50: ForecastApexSeries['p50'] = [];
  const hidePartial = data.rows.some((row) => !row.partial);
  for (const row of data.rows) {
    const drawn = !(hidePartial && row.partial);
    if (drawn && row.p10 !== null && row.p90 !== null) band.push({ x: row.x, y: [row.p10, row.p90] });
    actual.push({ x: row.x, y: drawn ? row.actual : null });
    p50.push({ x: row.x, y: drawn ? row.p50 : null });
  }
  const first = data.rows[0];
  if (first && band.length > 0 && band[0]!.x !== first.x) band.unshift({ x: first.x, y: [null, null] });
  return { band, actual, p50 };
}
