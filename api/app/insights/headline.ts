/**
 * Headline numbers (issue 19 item 1), the pure part: the periods compared, prices carried forward,
 * and known totals over a period. The forecast's own total (units and revenue, with an interval) is
 * the distribution of a SUM and comes from `forecasts/quantile-aggregation.ts`, never from summed
 * quantiles.
 */
import { UserInputError } from '../../errors/index.js';
import type { ActualRecord, Frequency } from '../ports.js';

/** Weeks a headline covers when none is asked for; the most it may cover. */
export const DEFAULT_HEADLINE_WEEKS = 4;
export const MAX_HEADLINE_WEEKS = 52;

/** The same weekdays a year earlier: 52 weeks back (a Monday compares with a Monday). */
export const DAYS_IN_52_WEEKS = 364;

const DAY_MS = 86_400_000;

/** Inclusive ISO date range. */
export interface Period {
  readonly from: string;
  readonly to: string;
}

/** The three periods of a headline. */
export interface HeadlinePeriods {
  /** From the forecast's first date, `weeks` × 7 days, cut at its last date. */
  readonly next: Period;
  /** The same number of days just before the forecast. */
  readonly lastPeriod: Period;
  /** `next` 52 weeks earlier (monthly data: 12 months earlier). */
  readonly lastYear: Period;
  /** Calendar days of `next` (fewer than weeks × 7 when the forecast is shorter). */
  readonly days: number;
}

export function shiftDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function shiftMonths(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

function daysFrom(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** The weeks asked for, checked: a whole number in 1–52 (default 4). */
export function headlineWeeks(weeks: number | null | undefined): number {
  if (weeks === null || weeks === undefined) return DEFAULT_HEADLINE_WEEKS;
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > MAX_HEADLINE_WEEKS) {
    throw new UserInputError(
      `weeks ${weeks} is not valid: give a whole number of weeks from 1 to ${MAX_HEADLINE_WEEKS} (default ${DEFAULT_HEADLINE_WEEKS}).`,
      { argument: 'weeks', value: weeks },
    );
  }
  return weeks;
}

/**
 * The periods compared: the next `weeks` of the forecast (cut at its last date), the same days
 * just before it, and the same days a year earlier. Pure.
 *
 * @example
 * ```ts
 * headlinePeriods('2011-12-10', '2012-02-01', 4, 'D');
 * // next 2011-12-10..2012-01-06, lastPeriod 2011-11-12..2011-12-09, lastYear 2010-12-11..2011-01-07
 * ```
 */
export function headlinePeriods(
  forecastStart: string,
  forecastEnd: string,
  weeks: number,
  frequency: Frequency,
): HeadlinePeriods {
  const wanted = shiftDays(forecastStart, weeks * 7 - 1);
  const to = wanted < forecastEnd ? wanted : forecastEnd;
  const days = daysFrom(forecastStart, to);
  const lastPeriod = { from: shiftDays(forecastStart, -days), to: shiftDays(forecastStart, -1) };
  const lastYear =
    frequency === 'M'
      ? { from: shiftMonths(forecastStart, -12), to: shiftMonths(to, -12) }
      : { from: shiftDays(forecastStart, -DAYS_IN_52_WEEKS), to: shiftDays(to, -DAYS_IN_52_WEEKS) };
  return { next: { from: forecastStart, to }, lastPeriod, lastYear, days };
}

/** A covariate value of one series on one date (a price). */
export interface CovariateValue {
  readonly seriesId: number;
  readonly date: string;
  readonly value: number;
}

/**
 * Price of each series on each date asked for: the price observed that day, else the latest one
 * before it (a shop's price holds until it changes), else none. `values` need no order. Pure.
 */
export function pricesOn(
  values: readonly CovariateValue[],
  wanted: readonly { readonly seriesId: number; readonly date: string }[],
): Map<string, number> {
  const bySeries = new Map<number, CovariateValue[]>();
  for (const v of values) {
    if (!Number.isFinite(v.value) || v.value < 0) continue;
    let list = bySeries.get(v.seriesId);
    if (!list) bySeries.set(v.seriesId, (list = []));
    list.push(v);
  }
  for (const list of bySeries.values()) list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const out = new Map<string, number>();
  for (const w of wanted) {
    const list = bySeries.get(w.seriesId);
    if (!list) continue;
    // Binary search: the last price on or before the date.
    let lo = 0;
    let hi = list.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.date <= w.date) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found >= 0) out.set(`${w.seriesId}|${w.date}`, list[found]!.value);
  }
  return out;
}

/** Known sales of a period: units, revenue where priced, and how much of the period had data. */
export interface KnownTotal {
  readonly period: Period;
  readonly units: number | null;
  /** Units × price summed over the days that have both; null when no priced day. */
  readonly revenue: number | null;
  /** Distinct dates of the period with at least one known value. */
  readonly daysWithData: number;
  /** Units of the days counted in `revenue` over all units (1: every unit priced). */
  readonly pricedShare: number | null;
}

/** Sums the known actuals of `period` (and their revenue, with `prices` keyed `seriesId|date`). Pure. */
export function knownTotal(
  actuals: readonly ActualRecord[],
  period: Period,
  prices: ReadonlyMap<string, number> | undefined,
): KnownTotal {
  let units = 0;
  let revenue = 0;
  let pricedUnits = 0;
  let any = false;
  let priced = false;
  const dates = new Set<string>();
  for (const a of actuals) {
    if (a.value === null || !Number.isFinite(a.value) || a.date < period.from || a.date > period.to) continue;
    any = true;
    units += a.value;
    dates.add(a.date);
    const price = prices?.get(`${a.seriesId}|${a.date}`);
    if (price !== undefined) {
      priced = true;
      revenue += a.value * price;
      pricedUnits += a.value;
    }
  }
  return {
    period,
    units: any ? units : null,
    revenue: priced ? revenue : null,
    daysWithData: dates.size,
    pricedShare: any && units > 0 ? pricedUnits / units : any ? (priced ? 1 : 0) : null,
  };
}

/** Relative change of `value` against `reference` (0.12 = 12 % more); null without a positive reference. */
export function relativeChange(value: number | null, reference: number | null): number | null {
  if (value === null || reference === null || !(reference > 0)) return null;
  return value / reference - 1;
}

/** The first price-like covariate of a dataset (`price`, `unit_price`, `Price`…), if any. */
export function priceCovariate(covariates: readonly { readonly name: string }[]): string | undefined {
  const names = covariates.map((c) => c.name);
  return names.find((n) => n.toLowerCase() === 'price') ?? names.find((n) => /price/i.test(n));
}
