/**
 * Structural zeros (pure): days on which a shop, or one series, never sells — a weekly closing day
 * (the demo shop's Saturdays), a day the shop is closed every year (25 December) — are forecast
 * exactly 0 with a zero-width band and a zero mean, instead of whatever a model spreads over them.
 * Decided from the history alone, for daily panels only (a week or a month always has open days).
 *
 * ## The rules
 * "A sale" is a non-zero value; a missing value (no row) is not a sale. The look-back is the last
 * `LOOKBACK_DAYS` (364: 52 whole weeks) before the end of the panel's history.
 * - **Shop weekday.** Weekday w is closed for the whole shop when none of its n_w dates in the
 *   look-back has a sale in any series, n_w ≥ `MIN_WEEKS` (8), and the shop sold on a share p of
 *   its other dates in the look-back with p · n_w ≥ `MIN_EXPECTED_SALES` (8): were w an ordinary
 *   day, about p · n_w of its dates would have had sales, and the chance of none is below
 *   e^-8 ≈ 0.03 %.
 * - **Series weekday.** The same rule on one series' own observed dates: weekday w is closed for
 *   the series when its ≥ 8 observed w-dates in the look-back are all zero while it sold on a
 *   share p of its other observed dates with p · n_w ≥ 8 (a weekday the whole shop is closed on
 *   is the shop's, not listed again per series). A slow seller (p = 5 %) never qualifies:
 *   its zeros are chance, not a closing day.
 * - **Annual day.** A calendar day (MM-DD; not 29 February) is closed when the history holds it
 *   in at least `MIN_YEARS` (2) years while the shop was trading (≥ 5 days with a sale within
 *   14 days either side) and it had no sale in any of them. One year is not enough: a one-off
 *   closure is not a rule.
 * - **Public holidays.** Where the panel has a calendar country (`panelCountries`), the shop is
 *   closed on its public holidays when the look-back holds at least `MIN_HOLIDAYS` (4) of them on
 *   weekdays it opens, while trading (as above), with no sale on any, and the chance of that for
 *   ordinary days is below e^-8 as for the weekday rule: (1 − p)^n with p the share of its other
 *   open days that had a sale. Holidays move (Easter; a Christmas on a Sunday moves its bank
 *   holiday to the 27th), so the dates come from the calendar, not from MM-DD: the demo shop (UK)
 *   sold nothing on any of the 8 bank holidays of its last year and is closed on those ahead.
 * `applyStructuralZeros` is the one place the rules touch a forecast (pipeline.ts
 * `finishForecasts`).
 */
import { eventDates, isPublicHoliday, panelCountries } from './features.js';
import type { Panel, QuantileForecast } from './types.js';

export const LOOKBACK_DAYS = 364;
export const MIN_WEEKS = 8;
export const MIN_EXPECTED_SALES = 8;
export const MIN_YEARS = 2;
/** Public holidays on open weekdays the look-back must hold, all without a sale, for the holiday rule. */
export const MIN_HOLIDAYS = 4;
/** Days either side of an annual day that show the shop was trading, and how many must have sales. */
export const ANNUAL_CONTEXT_DAYS = 14;
export const ANNUAL_CONTEXT_SALES = 5;

const DAY_MS = 86_400_000;

/** What the history says is closed. Weekdays as `Date.getUTCDay()`: 0 = Sunday … 6 = Saturday. */
export interface StructuralZeros {
  readonly shopWeekdays: readonly number[];
  readonly annualDays: readonly string[];
  readonly seriesWeekdays: Readonly<Record<string, readonly number[]>>;
  /**
   * The calendar countries on whose public holidays the whole shop is closed, by the holiday rule
   * (any date ahead, however long the horizon); absent when the rule does not hold.
   */
  readonly holidayCountries?: readonly string[];
}

export const NO_STRUCTURAL_ZEROS: StructuralZeros = { shopWeekdays: [], annualDays: [], seriesWeekdays: {} };

const dayNumber = (date: string): number => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
/** getUTCDay of a day number (1970-01-01, day 0, was a Thursday). */
const weekdayOf = (day: number): number => (((day + 4) % 7) + 7) % 7;
const isoOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * The weekdays closed by the weekday rule, from per-day flags over the look-back: `observed[d]`
 * whether day d has a value, `sold[d]` whether it has a sale.
 */
function closedWeekdays(observed: Uint8Array, sold: Uint8Array): number[] {
  const n = [0, 0, 0, 0, 0, 0, 0];
  const sales = [0, 0, 0, 0, 0, 0, 0];
  for (let d = 0; d < observed.length; d++) {
    if (!observed[d]) continue;
    const w = d % 7;
    n[w]!++;
    if (sold[d]) sales[w]!++;
  }
  const out: number[] = [];
  for (let w = 0; w < 7; w++) {
    if (n[w]! < MIN_WEEKS || sales[w]! > 0) continue;
    let otherN = 0;
    let otherSales = 0;
    for (let v = 0; v < 7; v++) {
      if (v === w) continue;
      otherN += n[v]!;
      otherSales += sales[v]!;
    }
    const p = otherN > 0 ? otherSales / otherN : 0;
    if (p * n[w]! >= MIN_EXPECTED_SALES) out.push(w);
  }
  return out;
}

/** The closed days a daily panel's history shows (see the rules at the top); none for W and M. */
export function detectStructuralZeros(panel: Panel): StructuralZeros {
  if (panel.freq !== 'D' || panel.series.length === 0) return NO_STRUCTURAL_ZEROS;
  let first = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  const starts = panel.series.map((s) => dayNumber(s.start));
  panel.series.forEach((s, i) => {
    if (s.target.length === 0) return;
    first = Math.min(first, starts[i]!);
    end = Math.max(end, starts[i]! + s.target.length - 1);
  });
  if (!Number.isFinite(first)) return NO_STRUCTURAL_ZEROS;
  const span = end - first + 1;
  // Shop flags over the whole history (day index from `first`).
  const shopObserved = new Uint8Array(span);
  const shopSold = new Uint8Array(span);
  const lookStart = Math.max(first, end - LOOKBACK_DAYS + 1);
  // The look-back arrays are indexed so that index % 7 is a fixed weekday offset: index 0 = lookStart.
  const seriesWeekdays: Record<string, number[]> = {};
  panel.series.forEach((s, i) => {
    const obs = new Uint8Array(end - lookStart + 1);
    const sold = new Uint8Array(end - lookStart + 1);
    let any = false;
    for (let t = 0; t < s.target.length; t++) {
      const v = s.target[t]!;
      if (Number.isNaN(v)) continue;
      const d = starts[i]! + t;
      shopObserved[d - first] = 1;
      if (v !== 0) shopSold[d - first] = 1;
      if (d >= lookStart) {
        obs[d - lookStart] = 1;
        if (v !== 0) {
          sold[d - lookStart] = 1;
          any = true;
        }
      }
    }
    if (!any) return;
    const closed = closedWeekdays(obs, sold).map((w) => weekdayOf(lookStart + w));
    if (closed.length > 0) seriesWeekdays[s.id] = closed.toSorted((a, b) => a - b);
  });
  // Shop weekdays: a day without any row counts as observed (the shop had nothing to record).
  const lookLen = end - lookStart + 1;
  const obsAll = new Uint8Array(lookLen).fill(1);
  const soldAll = shopSold.subarray(lookStart - first);
  const shopWeekdays = closedWeekdays(obsAll, soldAll)
    .map((w) => weekdayOf(lookStart + w))
    .toSorted((a, b) => a - b);
  // A series' own closed weekdays are those beyond the shop's (every series of a shop closed on
  // Saturdays is closed on Saturdays: saying so 550 times tells a user nothing).
  for (const [id, days] of Object.entries(seriesWeekdays)) {
    const own = days.filter((w) => !shopWeekdays.includes(w));
    if (own.length > 0) seriesWeekdays[id] = own;
    else delete seriesWeekdays[id];
  }
  // Annual days.
  const years = new Map<string, { closed: number; open: number }>();
  const trading = (d: number): boolean => {
    let n = 0;
    for (let k = Math.max(first, d - ANNUAL_CONTEXT_DAYS); k <= Math.min(end, d + ANNUAL_CONTEXT_DAYS); k++) {
      if (shopSold[k - first]) n++;
    }
    return n >= ANNUAL_CONTEXT_SALES;
  };
  for (let d = first; d <= end; d++) {
    const md = isoOf(d).slice(5);
    if (md === '02-29') continue;
    const e = years.get(md) ?? { closed: 0, open: 0 };
    if (shopSold[d - first]) e.open++;
    else if (trading(d)) e.closed++;
    years.set(md, e);
  }
  const annualDays = [...years]
    .filter(([, e]) => e.open === 0 && e.closed >= MIN_YEARS)
    .map(([md]) => md)
    .toSorted();
  const holidayCountries = closedHolidays(panel, first, end, lookStart, shopSold, shopWeekdays, trading);
  return { shopWeekdays, annualDays, seriesWeekdays, ...(holidayCountries ? { holidayCountries } : {}) };
}

/** The public-holiday rule (module comment): the countries whose holidays close the shop, if it holds. */
function closedHolidays(
  panel: Panel,
  first: number,
  end: number,
  lookStart: number,
  shopSold: Uint8Array,
  shopWeekdays: readonly number[],
  trading: (d: number) => boolean,
): string[] | undefined {
  const countries = panelCountries(panel);
  if (countries.length === 0) return undefined;
  const y0 = Number(isoOf(lookStart).slice(0, 4));
  const y1 = Number(isoOf(end).slice(0, 4));
  const isHoliday = new Set(eventDates('public', y0, y1, countries).map(dayNumber));
  let held = 0;
  let openDays = 0;
  let soldDays = 0;
  for (let d = lookStart; d <= end; d++) {
    if (shopWeekdays.includes(weekdayOf(d))) continue;
    if (isHoliday.has(d)) {
      if (!trading(d)) continue;
      if (shopSold[d - first]) return undefined;
      held++;
    } else {
      openDays++;
      if (shopSold[d - first]) soldDays++;
    }
  }
  const p = openDays > 0 ? soldDays / openDays : 0;
  if (held < MIN_HOLIDAYS || held * Math.log(Math.max(1e-12, 1 - p)) > -MIN_EXPECTED_SALES) return undefined;
  return countries;
}

/** Whether the rules make `date` (ISO) a structural zero of `seriesId`. */
export function isStructuralZero(zeros: StructuralZeros, seriesId: string, date: string): boolean {
  const own = zeros.seriesWeekdays[seriesId];
  const holidays = zeros.holidayCountries;
  if (zeros.shopWeekdays.length === 0 && zeros.annualDays.length === 0 && !own && !holidays) return false;
  const w = weekdayOf(dayNumber(date));
  if (zeros.shopWeekdays.includes(w)) return true;
  if (own?.includes(w)) return true;
  return zeros.annualDays.includes(date.slice(5)) || (holidays !== undefined && isPublicHoliday(holidays, date));
}

/** The forecasts with every structural-zero step set to exactly 0 (every level and the mean). */
export function applyStructuralZeros(
  forecasts: readonly QuantileForecast[],
  zeros: StructuralZeros,
): QuantileForecast[] {
  return forecasts.map((f) => {
    const steps: number[] = [];
    f.dates.forEach((d, t) => {
      if (isStructuralZero(zeros, f.seriesId, d)) steps.push(t);
    });
    if (steps.length === 0) return f;
    const values = f.values.map((row) => {
      const r = Float64Array.from(row);
      for (const t of steps) r[t] = 0;
      return r;
    });
    const mean = f.mean ? Float64Array.from(f.mean) : undefined;
    if (mean) for (const t of steps) mean[t] = 0;
    return { ...f, values, ...(mean ? { mean } : {}) };
  });
}

/** How many forecast points the rules set to 0 (for a run's warnings and the bench). */
export function describeStructuralZeros(zeros: StructuralZeros): string | undefined {
  const names = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const parts: string[] = [];
  if (zeros.shopWeekdays.length > 0) parts.push(`every ${zeros.shopWeekdays.map((w) => names[w]).join(' and ')}`);
  if (zeros.annualDays.length > 0) parts.push(`each year on ${zeros.annualDays.join(', ')} (MM-DD)`);
  const own = Object.keys(zeros.seriesWeekdays).length;
  if (own > 0) parts.push(`${own} series on a weekday they never sell`);
  if (zeros.holidayCountries)
    parts.push(`on public holidays (${zeros.holidayCountries.join(', ')}; none had a sale in the last year)`);
  if (parts.length === 0) return undefined;
  return `Forecast as exactly 0 where the history shows no sales: ${parts.join('; ')}.`;
}
