/**
 * Order lines → daily units per series in the shop's time zone (pure). A series is the row's key
 * plus its splitting attributes (store, channel, country); a day's row exists when at least one
 * counted line fell on it (its units may be 0 or negative once refunds are netted). The day's
 * price is the average net unit price of its sold units: Σ(unit price × units) / Σ units over the
 * lines with positive units and a known price, rounded to 4 decimals.
 */
import type { DailySeries, SourceRow } from './ports.js';

const MS_PER_DAY = 86_400_000;
/** Every time zone's offset is a multiple of 15 minutes: one lookup per quarter hour is exact. */
const QUARTER_HOUR_MS = 900_000;

/** Day number (days since 1970-01-01) of a civil date. */
function civilDay(y: number, m: number, d: number): number {
  return Math.floor(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

/** Whether `tz` is an IANA time zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: tz }).resolvedOptions().timeZone !== '';
  } catch {
    return false;
  }
}

/** The local day of UTC instants in `timeZone`, memoised per quarter hour. */
export function createLocalDay(timeZone: string): (utcMs: number) => number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return (ms) => Math.floor(ms / MS_PER_DAY);
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const cache = new Map<number, number>();
  return (ms) => {
    const q = Math.floor(ms / QUARTER_HOUR_MS);
    let day = cache.get(q);
    if (day === undefined) {
      const parts = format.formatToParts(q * QUARTER_HOUR_MS);
      const get = (t: string): number => Number(parts.find((p) => p.type === t)!.value);
      day = civilDay(get('year'), get('month'), get('day'));
      if (cache.size > 200_000) cache.clear();
      cache.set(q, day);
    }
    return day;
  };
}

/** Two ASCII digits at `i` as a number (NaN when not digits). */
function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    v = v * 10 + c;
  }
  return v;
}

export type ParsedWhen =
  { readonly day: number; readonly utcMs: null } | { readonly day: null; readonly utcMs: number };

/**
 * A row's `at`: epoch ms, `YYYY-MM-DD` (a calendar day), or `YYYY-MM-DD[ T]HH:MM[:SS[.fff]]`
 * optionally followed by `Z` or `+00`/`+00:00` (UTC; other offsets are applied). Null when unreadable.
 */
export function parseWhen(at: string | number): ParsedWhen | null {
  if (typeof at === 'number') return Number.isFinite(at) ? { day: null, utcMs: at } : null;
  const y = digits(at, 0, 4);
  const mo = digits(at, 5, 2);
  const d = digits(at, 8, 2);
  if (!(y === y && mo === mo && d === d) || at.charCodeAt(4) !== 45 || at.charCodeAt(7) !== 45) return null;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  if (at.length === 10) return { day: civilDay(y, mo, d), utcMs: null };
  const h = digits(at, 11, 2);
  const mi = digits(at, 14, 2);
  if (!(h === h && mi === mi)) return null;
  let i = 16;
  let sec = 0;
  if (at.charCodeAt(i) === 58) {
    sec = digits(at, 17, 2);
    if (sec !== sec) return null;
    i = 19;
    if (at.charCodeAt(i) === 46) {
      i++;
      while (i < at.length && at.charCodeAt(i) >= 48 && at.charCodeAt(i) <= 57) i++;
    }
  }
  let ms = Date.UTC(y, mo - 1, d, h, mi, sec);
  if (i < at.length) {
    const sign = at[i];
    if (sign === 'Z') return { day: null, utcMs: ms };
    if (sign !== '+' && sign !== '-') return null;
    const oh = digits(at, i + 1, 2);
    const rest = at.slice(i + 3).replace(':', '');
    const om = rest === '' ? 0 : digits(rest, 0, 2);
    if (!(oh === oh && om === om)) return null;
    ms -= (sign === '+' ? 1 : -1) * (oh * 60 + om) * 60_000;
  }
  return { day: null, utcMs: ms };
}

interface DayAcc {
  units: number;
  revenue: number;
  soldUnits: number;
}

interface SeriesAcc {
  readonly key: string;
  readonly attributes: Record<string, string>;
  readonly days: Map<number, DayAcc>;
}

export interface DailyAggregator {
  /** Adds one batch of rows; rows before `fromDay` (when set) are skipped. */
  add(rows: readonly SourceRow[]): void;
  /** Rows added (skipped ones excluded). */
  readonly lines: number;
  /** Newest instant (UTC ms) seen, or for daily rows the end of the newest day. */
  readonly newest: number | null;
  readonly lastDay: number | null;
  /** The daily series, keys sorted, days ascending. */
  result(): DailySeries[];
}

export interface DailyAggregatorOptions {
  readonly timezone: string;
  /** Names of the row attributes that split series, in the reader's order. */
  readonly attributeNames: readonly string[];
  /** Rows on earlier days are ignored (the sync's window starts there). */
  readonly fromDay: number | null;
  /** Called for a row whose `at` cannot be read (the reader turns it into a coded error). */
  readonly badRow: (row: SourceRow, why: string) => never;
}

/** The series key of a row: its key, then its non-empty splitting attributes, joined with `/`. */
export function seriesKey(key: string, attributes: readonly string[]): string {
  let k = key;
  for (const a of attributes) if (a !== '') k += `/${a}`;
  return k;
}

export function createDailyAggregator(options: DailyAggregatorOptions): DailyAggregator {
  const localDay = createLocalDay(options.timezone);
  const series = new Map<string, SeriesAcc>();
  const fromDay = options.fromDay;
  let lines = 0;
  let newest: number | null = null;
  let lastDay: number | null = null;
  return {
    add(rows) {
      for (const r of rows) {
        const when = parseWhen(r.at);
        if (when === null) options.badRow(r, `the time ${JSON.stringify(r.at)} is not a date or timestamp`);
        let day: number;
        if (when.utcMs !== null) {
          day = localDay(when.utcMs);
          if (newest === null || when.utcMs > newest) newest = when.utcMs;
        } else {
          day = when.day;
          const end = (day + 1) * MS_PER_DAY - 1;
          if (newest === null || end > newest) newest = end;
        }
        if (fromDay !== null && day < fromDay) continue;
        lines++;
        if (lastDay === null || day > lastDay) lastDay = day;
        const k = r.attributes.length === 0 ? r.key : seriesKey(r.key, r.attributes);
        let s = series.get(k);
        if (!s) {
          const attributes: Record<string, string> = {};
          options.attributeNames.forEach((name, i) => {
            const v = r.attributes[i];
            if (v !== undefined && v !== '') attributes[name] = v;
          });
          s = { key: k, attributes, days: new Map() };
          series.set(k, s);
        }
        if (r.category !== null && r.category !== '' && s.attributes['category'] === undefined) {
          s.attributes['category'] = r.category;
        }
        let acc = s.days.get(day);
        if (!acc) {
          acc = { units: 0, revenue: 0, soldUnits: 0 };
          s.days.set(day, acc);
        }
        acc.units += r.quantity;
        if (r.quantity > 0 && r.unitPrice !== null) {
          acc.revenue += r.unitPrice * r.quantity;
          acc.soldUnits += r.quantity;
        }
      }
    },
    get lines() {
      return lines;
    },
    get newest() {
      return newest;
    },
    get lastDay() {
      return lastDay;
    },
    result() {
      const keys = [...series.keys()].toSorted((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return keys.map((key) => {
        const s = series.get(key)!;
        const days = [...s.days.keys()].toSorted((a, b) => a - b);
        return {
          key,
          attributes: s.attributes,
          days,
          units: days.map((d) => roundTo(s.days.get(d)!.units, 6)),
          price: days.map((d) => {
            const a = s.days.get(d)!;
            return a.soldUnits > 0 ? roundTo(a.revenue / a.soldUnits, 4) : null;
          }),
        };
      });
    },
  };
}

function roundTo(v: number, places: number): number {
  const f = 10 ** places;
  const r = Math.round(v * f) / f;
  return r === 0 ? 0 : r;
}

/** The day number of an ISO date, and back. */
export function dayOfIso(iso: string): number {
  return civilDay(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));
}

export function isoOfDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * The UTC instant at which local day `fromDay` starts in `timeZone` (the first quarter hour whose
 * local day is `fromDay`; every offset is a multiple of 15 minutes and within UTC−12…UTC+14).
 */
export function localDayStart(fromDay: number, timeZone: string): number {
  const localDay = createLocalDay(timeZone);
  let t = fromDay * MS_PER_DAY - 14 * 3_600_000;
  const last = fromDay * MS_PER_DAY + 13 * 3_600_000;
  while (t <= last && localDay(t) < fromDay) t += QUARTER_HOUR_MS;
  return t;
}
