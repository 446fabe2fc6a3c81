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

/** One formatter per time zone: building one costs milliseconds, and a sync needs three local-day functions. */
const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * The local day of UTC instants in `timeZone`. The offset is looked up once per UTC day (at its
 * first and last millisecond); a day whose two offsets differ (a daylight-saving change) is
 * resolved per quarter hour, exactly, since every time zone's offset is a multiple of 15 minutes.
 * tzdb has no day with two changes that cancel out, so equal ends mean one offset all day.
 */
export function createLocalDay(timeZone: string): (utcMs: number) => number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return (ms) => Math.floor(ms / MS_PER_DAY);
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  /** The local wall-clock time at `ms` (whole minutes) read as if it were UTC. */
  const wall = (ms: number): number => {
    let y = 0;
    let mo = 0;
    let d = 0;
    let h = 0;
    let mi = 0;
    for (const p of format.formatToParts(ms)) {
      if (p.type === 'year') y = Number(p.value);
      else if (p.type === 'month') mo = Number(p.value);
      else if (p.type === 'day') d = Number(p.value);
      else if (p.type === 'hour') h = Number(p.value);
      else if (p.type === 'minute') mi = Number(p.value);
    }
    return Date.UTC(y, mo - 1, d, h, mi);
  };
  const offsetAt = (ms: number): number => wall(ms) - Math.floor(ms / 60_000) * 60_000;
  // Per UTC day: its offset (ms), or NaN when it changes during that day.
  const dayOffsets = new Map<number, number>();
  const quarters = new Map<number, number>();
  return (ms) => {
    const utcDay = Math.floor(ms / MS_PER_DAY);
    let off = dayOffsets.get(utcDay);
    if (off === undefined) {
      const start = offsetAt(utcDay * MS_PER_DAY);
      off = start === offsetAt(utcDay * MS_PER_DAY + MS_PER_DAY - 1) ? start : Number.NaN;
      if (dayOffsets.size > 200_000) dayOffsets.clear();
      dayOffsets.set(utcDay, off);
    }
    if (off === off) return Math.floor((ms + off) / MS_PER_DAY);
    const q = Math.floor(ms / QUARTER_HOUR_MS);
    let day = quarters.get(q);
    if (day === undefined) {
      day = Math.floor(wall(q * QUARTER_HOUR_MS) / MS_PER_DAY);
      if (quarters.size > 200_000) quarters.clear();
      quarters.set(q, day);
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
 * What `readWhen` read last: `parsed[0]` an instant (UTC ms) or, when `parsedIsDay`, a day
 * number. A typed array, since a `let` holding a double boxes a new number on every write.
 */
const parsed = new Float64Array(1);
let parsedIsDay = false;

/** `parseWhen` without an object per row: the result is left in `parsed`/`parsedIsDay`. */
function readWhen(at: string | number): boolean {
  if (typeof at === 'number') {
    parsed[0] = at;
    parsedIsDay = false;
    return Number.isFinite(at);
  }
  const y = digits(at, 0, 4);
  const mo = digits(at, 5, 2);
  const d = digits(at, 8, 2);
  if (!(y === y && mo === mo && d === d) || at.charCodeAt(4) !== 45 || at.charCodeAt(7) !== 45) return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return false;
  if (at.length === 10) {
    parsed[0] = civilDay(y, mo, d);
    parsedIsDay = true;
    return true;
  }
  const h = digits(at, 11, 2);
  const mi = digits(at, 14, 2);
  if (!(h === h && mi === mi)) return false;
  let i = 16;
  let sec = 0;
  if (at.charCodeAt(i) === 58) {
    sec = digits(at, 17, 2);
    if (sec !== sec) return false;
    i = 19;
    if (at.charCodeAt(i) === 46) {
      i++;
      while (i < at.length && at.charCodeAt(i) >= 48 && at.charCodeAt(i) <= 57) i++;
    }
  }
  let ms = Date.UTC(y, mo - 1, d, h, mi, sec);
  if (i < at.length) {
    const sign = at[i];
    if (sign !== 'Z') {
      if (sign !== '+' && sign !== '-') return false;
      const oh = digits(at, i + 1, 2);
      const rest = at.slice(i + 3).replace(':', '');
      const om = rest === '' ? 0 : digits(rest, 0, 2);
      if (!(oh === oh && om === om)) return false;
      ms -= (sign === '+' ? 1 : -1) * (oh * 60 + om) * 60_000;
    }
  }
  parsed[0] = ms;
  parsedIsDay = false;
  return true;
}

/**
 * A row's `at`: epoch ms, `YYYY-MM-DD` (a calendar day), or `YYYY-MM-DD[ T]HH:MM[:SS[.fff]]`
 * optionally followed by `Z` or `+00`/`+00:00` (UTC; other offsets are applied). Null when unreadable.
 */
export function parseWhen(at: string | number): ParsedWhen | null {
  if (!readWhen(at)) return null;
  return parsedIsDay ? { day: parsed[0]!, utcMs: null } : { day: null, utcMs: parsed[0]! };
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
  const seriesIndex = new Map<string, number>();
  const seriesInfo: Array<{ readonly key: string; readonly attributes: Record<string, string> }> = [];
  const fromDay = options.fromDay;
  // One slot per (series, day): its series, day and sums in flat typed arrays, found through an
  // open-addressing hash table of slot numbers (no object or Map entry per daily row).
  let capacity = 1 << 16;
  let slotSeries = new Int32Array(capacity);
  let slotDay = new Int32Array(capacity);
  let units = new Float64Array(capacity);
  let revenue = new Float64Array(capacity);
  let sold = new Float64Array(capacity);
  let slots = 0;
  let tableBits = 17;
  let table = new Int32Array(1 << tableBits).fill(-1);
  const hash = (series: number, day: number): number => {
    let h = Math.imul(series, 0x9e3779b1) + day;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    return (h ^ (h >>> 13)) >>> (32 - tableBits);
  };
  const place = (slot: number): void => {
    const mask = table.length - 1;
    let h = hash(slotSeries[slot]!, slotDay[slot]!);
    while (table[h] !== -1) h = (h + 1) & mask;
    table[h] = slot;
  };
  const grow = (): void => {
    capacity *= 2;
    const widen = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    slotSeries = widen(slotSeries, (n) => new Int32Array(n));
    slotDay = widen(slotDay, (n) => new Int32Array(n));
    units = widen(units, (n) => new Float64Array(n));
    revenue = widen(revenue, (n) => new Float64Array(n));
    sold = widen(sold, (n) => new Float64Array(n));
    // The table stays at most half full.
    tableBits = Math.log2(capacity) + 1;
    table = new Int32Array(1 << tableBits).fill(-1);
    for (let s = 0; s < slots; s++) place(s);
  };
  const slotOf = (series: number, day: number): number => {
    const mask = table.length - 1;
    let h = hash(series, day);
    for (;;) {
      const s = table[h]!;
      if (s === -1) break;
      if (slotSeries[s] === series && slotDay[s] === day) return s;
      h = (h + 1) & mask;
    }
    if (slots === capacity) {
      grow();
      return slotOf(series, day);
    }
    const s = slots++;
    slotSeries[s] = series;
    slotDay[s] = day;
    table[h] = s;
    return s;
  };
  let lines = 0;
  // [newest instant, last day], NaN while none: unboxed, unlike a `let` holding a double.
  const extremes = new Float64Array([Number.NaN, Number.NaN]);
  return {
    add(rows) {
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        if (!readWhen(r.at)) options.badRow(r, `the time ${JSON.stringify(r.at)} is not a date or timestamp`);
        let day: number;
        if (!parsedIsDay) {
          const ms = parsed[0]!;
          day = localDay(ms);
          if (!(ms <= extremes[0]!)) extremes[0] = ms;
        } else {
          day = parsed[0]!;
          const end = (day + 1) * MS_PER_DAY - 1;
          if (!(end <= extremes[0]!)) extremes[0] = end;
        }
        if (fromDay !== null && day < fromDay) continue;
        lines++;
        if (!(day <= extremes[1]!)) extremes[1] = day;
        const k = r.attributes.length === 0 ? r.key : seriesKey(r.key, r.attributes);
        let si = seriesIndex.get(k);
        if (si === undefined) {
          const attributes: Record<string, string> = {};
          options.attributeNames.forEach((name, j) => {
            const v = r.attributes[j];
            if (v !== undefined && v !== '') attributes[name] = v;
          });
          si = seriesInfo.length;
          seriesInfo.push({ key: k, attributes });
          seriesIndex.set(k, si);
        }
        if (r.category !== null && r.category !== '') {
          const attributes = seriesInfo[si]!.attributes;
          if (attributes['category'] === undefined) attributes['category'] = r.category;
        }
        const slot = slotOf(si, day);
        const q = r.quantity;
        units[slot]! += q;
        if (q > 0 && r.unitPrice !== null) {
          revenue[slot]! += r.unitPrice * q;
          sold[slot]! += q;
        }
      }
    },
    get lines() {
      return lines;
    },
    get newest() {
      const v = extremes[0]!;
      return v === v ? v : null;
    },
    get lastDay() {
      const v = extremes[1]!;
      return v === v ? v : null;
    },
    result() {
      // Slots grouped by series (a counting sort), each group then by day.
      const n = seriesInfo.length;
      const start = new Int32Array(n + 1);
      for (let s = 0; s < slots; s++) start[slotSeries[s]! + 1]!++;
      for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
      const fill = start.slice(0, n);
      const order = new Int32Array(slots);
      for (let s = 0; s < slots; s++) order[fill[slotSeries[s]!]!++] = s;
      const byKey = Array.from({ length: n }, (_, i) => i).toSorted((a, b) => {
        const ka = seriesInfo[a]!.key;
        const kb = seriesInfo[b]!.key;
        return ka < kb ? -1 : ka > kb ? 1 : 0;
      });
      return byKey.map((si) => {
        const group = order.subarray(start[si]!, start[si + 1]!).toSorted((a, b) => slotDay[a]! - slotDay[b]!);
        const days: number[] = [];
        const u: number[] = [];
        const price: Array<number | null> = [];
        for (let i = 0; i < group.length; i++) {
          const slot = group[i]!;
          days.push(slotDay[slot]!);
          u.push(roundTo(units[slot]!, 6));
          price.push(sold[slot]! > 0 ? roundTo(revenue[slot]! / sold[slot]!, 4) : null);
        }
        const info = seriesInfo[si]!;
        return { key: info.key, attributes: info.attributes, days, units: u, price };
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
