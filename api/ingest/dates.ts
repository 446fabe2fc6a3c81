/**
 * ISO calendar dates as day numbers (days since 1970-01-01), without building Date objects on
 * the import's hot path.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days in month `m` (1–12) of year `y`. */
export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : (DAYS_IN_MONTH[m - 1] ?? 0);
}

/** Day number of a civil date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export { isoFromDay } from '../app/observations.js';

/** Parsed ISO date, or a reason it is not one. */
export type ParsedDate =
  | { readonly ok: true; readonly day: number; readonly dayOfMonth: number }
  | { readonly ok: false; readonly reason: string };

/** Parses a strict ISO date `YYYY-MM-DD` (real calendar dates only: 2023-02-30 is rejected). */
export function parseIsoDate(text: string): ParsedDate {
  const m = ISO_DATE.exec(text);
  if (!m) return { ok: false, reason: 'is not a date in the form YYYY-MM-DD' };
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12) return { ok: false, reason: `has month ${m[2]}, which does not exist` };
  const dim = daysInMonth(y, mo);
  if (d < 1 || d > dim) {
    return { ok: false, reason: `is not a calendar date (${m[1]}-${m[2]} has ${dim} days)` };
  }
  return { ok: true, day: daysFromCivil(y, mo, d), dayOfMonth: d };
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayOf(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

export const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
