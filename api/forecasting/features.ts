/**
 * Features for the models (pure): calendar (weekday, day of month, yearly season, cyclic
 * encodings), a holiday and commerce-event calendar per country (CN, US, GB, DE and every other
 * country or region `date-holidays` knows) with windows before and after each event,
 * user-supplied events, covariates split into known-in-advance and history-only, static
 * attributes as categories, lags and rolling statistics.
 *
 * Holidays come from `date-holidays` where it is right (Easter, Thanksgiving, Chinese New Year on
 * its lunar date, each country's public holidays); the commerce events it lacks are added here:
 * Black Friday and Cyber Monday (from US Thanksgiving), 618, Singles' Day (11.11), 12.12,
 * Christmas and New Year. A panel without a country keeps the Western retail calendar (Christmas,
 * New Year, Easter, Thanksgiving, Black Friday, Cyber Monday; no public holidays).
 */
import Holidays from 'date-holidays';
import { UserInputError } from '../errors/index.js';
import { dayNumber, fillCovariate, isoDate } from './frames.js';
import type { Frequency, Panel } from './types.js';

/** A block of features: `values` is row-major `rows × names.length`. */
export interface FeatureBlock {
  readonly names: string[];
  /** Feature-group key per column (`weekday`, `yearly`, `holiday:christmas`, `event:NAME`, …). */
  readonly groups: string[];
  readonly values: Float32Array;
}

/** An event the user supplies (a sale, a campaign), with optional windows in grid points. */
export interface UserEvent {
  readonly name: string;
  /** ISO dates of each occurrence (its first day). */
  readonly dates: readonly string[];
  /** Grid points before each occurrence that get a ramp (default 0). */
  readonly before?: number;
  /** Grid points after each occurrence that get a ramp (default 0). */
  readonly after?: number;
}

export interface CalendarOptions {
  /**
   * ISO 3166 country or region codes as `normalizeCountry` returns them (US, GB, DE, CN, DE-BY, …;
   * UK is read as GB). Omitted or empty: the Western retail calendar without public holidays.
   */
  readonly countries?: readonly string[];
  readonly events?: readonly UserEvent[];
}

/** The events this calendar knows, with daily windows (days before, days after). */
const EVENT_WINDOWS = {
  christmas: [21, 6],
  new_year: [3, 2],
  easter: [7, 2],
  thanksgiving: [3, 0],
  black_friday: [3, 1],
  cyber_monday: [1, 1],
  chinese_new_year: [14, 7],
  '618': [10, 1],
  singles_day: [10, 1],
  double_12: [5, 1],
  public: [1, 1],
} as const satisfies Record<string, readonly [number, number]>;

type EventKey = keyof typeof EVENT_WINDOWS;

const WESTERN: readonly EventKey[] = [
  'christmas',
  'new_year',
  'easter',
  'thanksgiving',
  'black_friday',
  'cyber_monday',
];
const COUNTRY_EVENTS: Readonly<Record<string, readonly EventKey[]>> = {
  US: ['christmas', 'new_year', 'easter', 'thanksgiving', 'black_friday', 'cyber_monday', 'public'],
  GB: ['christmas', 'new_year', 'easter', 'black_friday', 'cyber_monday', 'public'],
  DE: ['christmas', 'new_year', 'easter', 'black_friday', 'cyber_monday', 'public'],
  CN: ['new_year', 'chinese_new_year', '618', 'singles_day', 'double_12', 'public'],
};

/**
 * Countries (besides US, GB and DE) whose retailers run Black Friday and Cyber Monday on the days
 * after US Thanksgiving. Any other country or region gets New Year and its public holidays.
 */
const BLACK_FRIDAY_COUNTRIES = new Set([
  'AT',
  'AU',
  'BE',
  'BR',
  'CA',
  'CH',
  'CZ',
  'DK',
  'ES',
  'FI',
  'FR',
  'IE',
  'IT',
  'MX',
  'NL',
  'NO',
  'NZ',
  'PL',
  'PT',
  'SE',
]);

/** The accepted form of a country, for error messages. */
export const COUNTRY_FORM =
  'an ISO 3166 country code with a holiday calendar (CN, US, GB or UK, DE, FR, …), optionally with a region (DE-BY, US-CA)';

let countryNames: Record<string, string> | undefined;

/** Country codes `date-holidays` knows, with their English names. */
function knownCountries(): Record<string, string> {
  countryNames ??= new Holidays().getCountries('en');
  return countryNames;
}

/**
 * A country or region as the calendar names it: an ISO 3166 code, upper case (`gb` → `GB`;
 * `UK` → `GB`; `de-by` or `DE_BY` → `DE-BY`), or the country's English name ("Germany" → `DE`).
 * Anything else is a BAD_USER_INPUT error naming the value and the accepted form.
 *
 * @example
 * normalizeCountry('uk'); // 'GB'
 * normalizeCountry('China'); // 'CN'
 */
export function normalizeCountry(value: string): string {
  const raw = value.trim();
  const known = knownCountries();
  const byName = Object.entries(known).find(([, name]) => name.toLowerCase() === raw.toLowerCase());
  if (byName) return byName[0];
  const [c = '', region, ...more] = raw.toUpperCase().replace(/_/g, '-').split('-');
  const country = c === 'UK' ? 'GB' : c;
  if (known[country] !== undefined && more.length === 0) {
    if (region === undefined) return country;
    const states = new Holidays().getStates(country, 'en') as Record<string, string> | undefined;
    if (states && states[region] !== undefined) return `${country}-${region}`;
  }
  throw new UserInputError(`Country "${value}" is not known to the holiday calendar. Give ${COUNTRY_FORM}.`, {
    country: value,
  });
}

/** The English name of a normalised country code (`GB` → "United Kingdom"), or the code itself. */
export function countryName(code: string): string {
  const [c = ''] = code.split('-');
  return knownCountries()[c] ?? code;
}

/** The event keys of one normalised country or region code. */
function eventsOfCountry(code: string): readonly EventKey[] {
  const country = code.split('-')[0]!;
  const own = COUNTRY_EVENTS[country];
  if (own) return own;
  return BLACK_FRIDAY_COUNTRIES.has(country)
    ? ['new_year', 'black_friday', 'cyber_monday', 'public']
    : ['new_year', 'public'];
}

/**
 * The calendar countries of a panel: its own `country` when set, else the known values of a
 * `country` static attribute of its series (a panel of shops in several countries gets the union
 * of their calendars), else none (the Western retail calendar). Values of the attribute that are
 * no known country are left out.
 */
export function panelCountries(panel: Pick<Panel, 'country' | 'series'>): string[] {
  if (panel.country) return [panel.country];
  const out = new Set<string>();
  const seen = new Set<string>();
  for (const s of panel.series) {
    const v = s.statics['country'];
    if (v === undefined || v === '' || seen.has(v)) continue;
    seen.add(v);
    try {
      out.add(normalizeCountry(v));
    } catch {
      // not a country the calendar knows: no holidays from it
    }
  }
  return [...out].toSorted();
}

/** The calendar options of a panel (its countries; see `panelCountries`). */
export function panelCalendar(panel: Pick<Panel, 'country' | 'series'>): CalendarOptions {
  const countries = panelCountries(panel);
  return countries.length > 0 ? { countries } : {};
}

const LABELS: Readonly<Record<string, string>> = {
  history: 'Sales history',
  static: 'Store and product attributes',
  weekday: 'Weekday pattern',
  monthly: 'Day of month',
  yearly: 'Yearly season',
  trend: 'Trend',
  'holiday:christmas': 'Christmas',
  'holiday:new_year': "New Year's Day",
  'holiday:easter': 'Easter',
  'holiday:thanksgiving': 'Thanksgiving',
  'holiday:black_friday': 'Black Friday',
  'holiday:cyber_monday': 'Cyber Monday',
  'holiday:chinese_new_year': 'Spring Festival (Chinese New Year)',
  'holiday:618': '618 shopping festival',
  'holiday:singles_day': "Singles' Day (11.11)",
  'holiday:double_12': 'Double 12 (12.12)',
  'holiday:public': 'Public holidays',
};

const COVARIATE_LABELS: ReadonlyArray<readonly [RegExp, string]> = [
  [/promo|promotion|discount|deal/i, 'Promotions'],
  [/price/i, 'Price'],
  [/markdown/i, 'Markdowns'],
  [/holiday/i, 'Holidays (from the data)'],
  [/event/i, 'Events (from the data)'],
  [/snap/i, 'SNAP days'],
  [/temp/i, 'Temperature'],
  [/fuel/i, 'Fuel price'],
  [/cpi/i, 'Consumer prices (CPI)'],
  [/unemploy/i, 'Unemployment'],
];

function words(s: string): string {
  const t = s.replace(/[_-]+/g, ' ').trim();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/**
 * Words a shop owner understands for a feature group: `weekday` → "Weekday pattern",
 * `yearly` → "Yearly season", `holiday:christmas` → "Christmas", `covariate:promo` → "Promotions",
 * `covariate:price` → "Price", `static:store` → "Store", `event:summer_sale` → "Summer sale".
 */
export function groupLabel(group: string): string {
  const known = LABELS[group];
  if (known) return known;
  const [kind, ...rest] = group.split(':');
  const name = rest.join(':');
  if (kind === 'covariate') {
    for (const [re, label] of COVARIATE_LABELS) if (re.test(name)) return label;
    return words(name);
  }
  if (kind === 'static' || kind === 'event' || kind === 'holiday') return words(name);
  return words(group);
}

function normCountry(c: string): string {
  const u = c.trim().toUpperCase().replace(/_/g, '-');
  return u === 'UK' || u.startsWith('UK-') ? `GB${u.slice(2)}` : u;
}

const holidayCache = new Map<string, ReturnType<Holidays['getHolidays']>>();

/** Holidays of a country or region (`DE-BY`) in one year, names in English. */
function holidaysOf(country: string, year: number): ReturnType<Holidays['getHolidays']> {
  const key = `${country}:${year}`;
  let h = holidayCache.get(key);
  if (!h) {
    const [c = '', region] = country.split('-');
    const hd = region ? new Holidays(c, region, { languages: ['en'] }) : new Holidays(c, { languages: ['en'] });
    h = hd.getHolidays(year);
    holidayCache.set(key, h);
  }
  return h;
}

function findRule(country: string, year: number, rule: string): number | undefined {
  const h = holidaysOf(country, year).find((x) => x.rule === rule);
  return h ? dayNumber(h.date.slice(0, 10)) : undefined;
}

function fixed(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / 86_400_000);
}

/** Day numbers of one event in one year (for `public`: the country's other public holidays). */
function eventDays(key: EventKey, year: number, countries: readonly string[]): number[] {
  switch (key) {
    case 'christmas':
      return [fixed(year, 12, 25)];
    case 'new_year':
      return [fixed(year, 1, 1)];
    case '618':
      return [fixed(year, 6, 18)];
    case 'singles_day':
      return [fixed(year, 11, 11)];
    case 'double_12':
      return [fixed(year, 12, 12)];
    case 'easter': {
      const d = findRule('US', year, 'easter');
      return d === undefined ? [] : [d];
    }
    case 'thanksgiving':
    case 'black_friday':
    case 'cyber_monday': {
      const t = findRule('US', year, '4th thursday in November');
      if (t === undefined) return [];
      return [t + (key === 'thanksgiving' ? 0 : key === 'black_friday' ? 1 : 4)];
    }
    case 'chinese_new_year': {
      const d = findRule('CN', year, 'chinese 01-0-01');
      return d === undefined ? [] : [d];
    }
    case 'public': {
      const out = new Set<number>();
      for (const c of countries) {
        for (const h of holidaysOf(c, year)) if (h.type === 'public') out.add(dayNumber(h.date.slice(0, 10)));
      }
      return [...out];
    }
  }
}

/**
 * The dates of a calendar event between two years, inclusive, as ISO dates (tests and docs):
 * e.g. `eventDates('chinese_new_year', 2024, 2024)` → `['2024-02-10']`.
 */
export function eventDates(key: string, fromYear: number, toYear: number, countries: readonly string[] = []): string[] {
  if (!(key in EVENT_WINDOWS)) return [];
  const out: string[] = [];
  for (let y = fromYear; y <= toYear; y++) {
    for (const d of eventDays(key as EventKey, y, countries.map(normCountry))) out.push(isoDate(d));
  }
  return out.toSorted();
}

/** Each (countries, year)'s public holidays, as ISO dates (`isPublicHoliday`). */
const publicHolidayCache = new Map<string, ReadonlySet<string>>();

/** Whether `date` (ISO) is a public holiday of one of `countries` (normalized codes). */
export function isPublicHoliday(countries: readonly string[], date: string): boolean {
  const year = Number(date.slice(0, 4));
  const key = `${countries.join(',')}:${year}`;
  let days = publicHolidayCache.get(key);
  if (!days) publicHolidayCache.set(key, (days = new Set(eventDates('public', year, year, countries))));
  return days.has(date);
}

/** The event keys a set of countries uses (the Western retail calendar when none is given). */
export function calendarEvents(countries?: readonly string[]): EventKey[] {
  if (!countries || countries.length === 0) return [...WESTERN];
  const out: EventKey[] = [];
  for (const c of countries) {
    for (const k of eventsOfCountry(normCountry(c))) if (!out.includes(k)) out.push(k);
  }
  return out;
}

/** One dated calendar event, for chart annotations. */
export interface CalendarDate {
  readonly date: string;
  /** The event key (`christmas`, `618`, …; `public` for a public holiday). */
  readonly key: string;
  /** Its name: "Black Friday", "618 shopping festival", a public holiday's own English name. */
  readonly label: string;
}

/**
 * The holidays and commerce events of the countries' calendars between two ISO dates (inclusive),
 * by date: the events the models see, each public holiday under its own name (one that falls on a
 * named event's day is that event). No countries: the Western retail calendar.
 *
 * @example
 * calendarDates(['CN'], '2025-06-01', '2025-06-30'); // [{ date: '2025-06-18', key: '618', … }, …]
 */
export function calendarDates(countries: readonly string[] | undefined, from: string, to: string): CalendarDate[] {
  const codes = (countries ?? []).map(normCountry);
  const y0 = Number(from.slice(0, 4));
  const y1 = Number(to.slice(0, 4));
  const out: CalendarDate[] = [];
  const named = new Set<string>();
  const keys = calendarEvents(codes);
  for (const key of keys) {
    if (key === 'public') continue;
    const label = groupLabel(`holiday:${key}`);
    for (const date of eventDates(key, y0, y1, codes)) {
      if (date < from || date > to) continue;
      out.push({ date, key, label });
      named.add(date);
    }
  }
  if (keys.includes('public')) {
    const seen = new Set<string>();
    for (let y = y0; y <= y1; y++) {
      for (const c of codes) {
        for (const h of holidaysOf(c, y)) {
          const date = h.date.slice(0, 10);
          if (h.type !== 'public' || date < from || date > to || named.has(date) || seen.has(`${date}|${h.name}`))
            continue;
          seen.add(`${date}|${h.name}`);
          out.push({ date, key: 'public', label: h.name });
        }
      }
    }
  }
  return out.toSorted((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.label.localeCompare(b.label)));
}

/** Length in days of the grid period that starts on a date. */
function periodDays(day: number, freq: Frequency): number {
  if (freq === 'D') return 1;
  if (freq === 'W') return 7;
  const d = new Date(day * 86_400_000);
  return Math.round((Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - d.getTime()) / 86_400_000);
}

/**
 * Adds three columns for one event: `on` (the grid period contains an occurrence), `before`
 * (a ramp rising towards the occurrence over the window before it) and `after` (a ramp falling
 * after it). Daily windows are in days; weekly and monthly ones are one period each.
 */
function addEventColumns(
  cols: Float32Array[],
  starts: readonly number[],
  freq: Frequency,
  occurrences: readonly number[],
  before: number,
  after: number,
): void {
  const n = starts.length;
  const on = new Float32Array(n);
  const pre = new Float32Array(n);
  const post = new Float32Array(n);
  if (occurrences.length > 0) {
    const occ = occurrences.toSorted((a, b) => a - b);
    for (let i = 0; i < n; i++) {
      const s = starts[i]!;
      const len = periodDays(s, freq);
      const end = s + len; // exclusive
      for (const e of occ) {
        if (e >= s && e < end) on[i] = 1;
        if (freq === 'D') {
          const dBefore = e - s;
          if (dBefore >= 1 && dBefore <= before) pre[i] = Math.max(pre[i]!, 1 - (dBefore - 1) / before);
          const dAfter = s - e;
          if (dAfter >= 1 && dAfter <= after) post[i] = Math.max(post[i]!, 1 - (dAfter - 1) / after);
        } else {
          if (e >= end && e < end + len) pre[i] = 1;
          if (e < s && e >= s - len) post[i] = 1;
        }
      }
    }
  }
  cols.push(on, pre, post);
}

/**
 * Calendar features of a list of grid dates: the feature contract the deep models build on.
 * Columns by group: `weekday` (daily: one-hot day of week + cyclic), `monthly` (daily: day of
 * month, cyclic), `yearly` (week/month/day of year, cyclic; monthly data: one-hot month),
 * `holiday:<event>` (on / before / after each event of the chosen countries), `event:<name>`
 * (user events). Deterministic; the same dates give the same block.
 *
 * @example
 * const block = calendarFeatures(['2024-02-09', '2024-02-10'], 'D', { countries: ['CN'] });
 * block.names.indexOf('chinese_new_year'); // a column that is 1 on 2024-02-10
 */
export function calendarFeatures(
  dates: readonly string[],
  freq: Frequency,
  options: CalendarOptions = {},
): FeatureBlock {
  const n = dates.length;
  const names: string[] = [];
  const groups: string[] = [];
  const cols: Float32Array[] = [];
  const starts = dates.map(dayNumber);
  const add = (name: string, group: string, f: (i: number) => number): void => {
    const c = new Float32Array(n);
    for (let i = 0; i < n; i++) c[i] = f(i);
    names.push(name);
    groups.push(group);
    cols.push(c);
  };
  const dt = starts.map((d) => new Date(d * 86_400_000));
  const TAU = 2 * Math.PI;
  if (freq === 'D') {
    // 1970-01-01 was a Thursday: (day + 3) % 7 = 0 on Mondays.
    const dow = starts.map((d) => (((d + 3) % 7) + 7) % 7);
    for (let k = 0; k < 7; k++) add(`dow_${k + 1}`, 'weekday', (i) => (dow[i] === k ? 1 : 0));
    add('dow_sin', 'weekday', (i) => Math.sin((TAU * dow[i]!) / 7));
    add('dow_cos', 'weekday', (i) => Math.cos((TAU * dow[i]!) / 7));
    add('dom_sin', 'monthly', (i) => Math.sin((TAU * (dt[i]!.getUTCDate() - 1)) / 31));
    add('dom_cos', 'monthly', (i) => Math.cos((TAU * (dt[i]!.getUTCDate() - 1)) / 31));
    add('month_end', 'monthly', (i) => (new Date((starts[i]! + 1) * 86_400_000).getUTCDate() === 1 ? 1 : 0));
  }
  const doy = starts.map((d, i) => d - Math.round(Date.UTC(dt[i]!.getUTCFullYear(), 0, 1) / 86_400_000));
  const month = dt.map((d) => d.getUTCMonth());
  if (freq === 'M') {
    for (let k = 0; k < 12; k++) add(`month_${k + 1}`, 'yearly', (i) => (month[i] === k ? 1 : 0));
  }
  add('month_sin', 'yearly', (i) => Math.sin((TAU * month[i]!) / 12));
  add('month_cos', 'yearly', (i) => Math.cos((TAU * month[i]!) / 12));
  if (freq !== 'M') {
    add('week_sin', 'yearly', (i) => Math.sin((TAU * Math.floor(doy[i]! / 7)) / 52.18));
    add('week_cos', 'yearly', (i) => Math.cos((TAU * Math.floor(doy[i]! / 7)) / 52.18));
    add('doy_sin', 'yearly', (i) => Math.sin((TAU * doy[i]!) / 365.25));
    add('doy_cos', 'yearly', (i) => Math.cos((TAU * doy[i]!) / 365.25));
  }

  if (n > 0) {
    const countries = (options.countries ?? []).map(normCountry);
    const y0 = dt.reduce((a, d) => Math.min(a, d.getUTCFullYear()), Infinity) - 1;
    const y1 = dt.reduce((a, d) => Math.max(a, d.getUTCFullYear()), -Infinity) + 1;
    for (const key of calendarEvents(options.countries)) {
      const occ: number[] = [];
      for (let y = y0; y <= y1; y++) occ.push(...eventDays(key, y, countries));
      const [before, after] = EVENT_WINDOWS[key];
      addEventColumns(cols, starts, freq, occ, before, after);
      names.push(key, `${key}_before`, `${key}_after`);
      groups.push(`holiday:${key}`, `holiday:${key}`, `holiday:${key}`);
    }
    for (const ev of options.events ?? []) {
      const occ = ev.dates.map(dayNumber);
      addEventColumns(cols, starts, freq, occ, ev.before ?? 0, ev.after ?? 0);
      const key = ev.name.trim().toLowerCase().replace(/\s+/g, '_');
      names.push(`event_${key}`, `event_${key}_before`, `event_${key}_after`);
      groups.push(`event:${key}`, `event:${key}`, `event:${key}`);
    }
  }

  const w = names.length;
  const values = new Float32Array(n * w);
  for (let j = 0; j < w; j++) {
    const c = cols[j]!;
    for (let i = 0; i < n; i++) values[i * w + j] = c[i]!;
  }
  return { names, groups, values };
}

/** Covariate names split by whether their future values are given. */
export function splitCovariates(panel: Panel): { knownInAdvance: string[]; historyOnly: string[] } {
  const known = new Set(panel.knownInAdvance);
  return {
    knownInAdvance: panel.covariateNames.filter((c) => known.has(c)),
    historyOnly: panel.covariateNames.filter((c) => !known.has(c)),
  };
}

/**
 * A covariate of one series filled (forward, then 0) and standardised by the panel-wide mean and
 * standard deviation given, over `length` grid points.
 */
export function covariateColumn(x: ArrayLike<number>, length: number, mean = 0, std = 1): Float32Array {
  const f = fillCovariate(x, length);
  const out = new Float32Array(length);
  const s = std > 0 ? std : 1;
  for (let i = 0; i < length; i++) out[i] = (f[i]! - mean) / s;
  return out;
}

/** Panel-wide mean and standard deviation of each covariate (observed values only). */
export function covariateStats(panel: Panel): Record<string, { mean: number; std: number }> {
  const out: Record<string, { mean: number; std: number }> = {};
  for (const c of panel.covariateNames) {
    let s = 0;
    let s2 = 0;
    let k = 0;
    for (const ser of panel.series) {
      const x = ser.covariates[c];
      if (!x) continue;
      for (let i = 0; i < x.length; i++) {
        const v = x[i]!;
        if (!Number.isNaN(v)) {
          s += v;
          s2 += v * v;
          k++;
        }
      }
    }
    const mean = k ? s / k : 0;
    const v = k ? s2 / k - mean * mean : 0;
    out[c] = { mean, std: v > 1e-12 ? Math.sqrt(v) : 1 };
  }
  return out;
}

/** Static attributes as integer category codes (0 = unseen), with the vocabulary of each. */
export function staticCategories(panel: Panel): {
  names: string[];
  vocab: Record<string, string[]>;
  codes: Map<string, Int32Array>;
} {
  const vocab: Record<string, string[]> = {};
  for (const a of panel.staticNames) {
    vocab[a] = [...new Set(panel.series.map((s) => s.statics[a] ?? ''))].toSorted();
  }
  const codes = new Map<string, Int32Array>();
  for (const s of panel.series) {
    codes.set(
      s.id,
      Int32Array.from(panel.staticNames, (a) => vocab[a]!.indexOf(s.statics[a] ?? '') + 1),
    );
  }
  return { names: [...panel.staticNames], vocab, codes };
}

/** `y[t - lag]` for every t (NaN before the start). */
export function lagValues(y: ArrayLike<number>, lag: number): Float64Array {
  const out = new Float64Array(y.length).fill(Number.NaN);
  for (let t = lag; t < y.length; t++) out[t] = y[t - lag]!;
  return out;
}

/** Mean of the `window` values before t (`y[t-window..t-1]`, NaN ignored; NaN when none). */
export function rollingMean(y: ArrayLike<number>, window: number): Float64Array {
  const out = new Float64Array(y.length).fill(Number.NaN);
  let s = 0;
  let c = 0;
  for (let t = 0; t < y.length; t++) {
    if (t > 0) {
      const v = y[t - 1]!;
      if (!Number.isNaN(v)) {
        s += v;
        c++;
      }
    }
    if (t - window - 1 >= 0) {
      const v = y[t - window - 1]!;
      if (!Number.isNaN(v)) {
        s -= v;
        c--;
      }
    }
    if (c > 0) out[t] = s / c;
  }
  return out;
}

/** Standard deviation of the `window` values before t (NaN ignored; NaN with fewer than 2). */
export function rollingStd(y: ArrayLike<number>, window: number): Float64Array {
  const out = new Float64Array(y.length).fill(Number.NaN);
  for (let t = 0; t < y.length; t++) {
    let s = 0;
    let s2 = 0;
    let c = 0;
    for (let i = Math.max(0, t - window); i < t; i++) {
      const v = y[i]!;
      if (!Number.isNaN(v)) {
        s += v;
        s2 += v * v;
        c++;
      }
    }
    if (c >= 2) out[t] = Math.sqrt(Math.max(0, (s2 - (s * s) / c) / (c - 1)));
  }
  return out;
}
