/**
 * An M5-size synthetic sales dataset in the long CSV format (ARCHITECTURE §2), for `bench/scale`:
 * by default 30,490 daily series (3,049 items × 10 stores, as in the M5 competition) × 1,941 days
 * from 2011-01-29, written gzipped as it is generated (constant memory).
 *
 * Columns: `series_id,date,value,price,promo,snap,event,dept,category,store,state` — `price`,
 * `promo`, `snap` and `event` are numeric covariates; `dept`, `category`, `store` and `state` are
 * the static hierarchy (3 categories, 7 departments, 10 stores in 3 states, M5's proportions).
 * Demand: Poisson around a per-series level with a trend, a weekly profile (weekends higher),
 * a yearly cycle by category, price elasticity against step price changes, promotion weeks
 * (price −20 %, demand up), SNAP days (food), holidays (Christmas closed, busier eves), and
 * intermittency: low-volume items sell nothing most days; some items launch late (zeros and no
 * price before). Deterministic by seed: the same arguments give the same bytes.
 *
 * Usage: npx tsx bench/generate.ts OUT.csv.gz [--series 30490] [--days 1941] [--seed 1]
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { mulberry32 } from '../api/forecasting/random.js';

export interface GenerateOptions {
  /** Series to write (default 30,490); items are spread over every department and store. */
  readonly series?: number;
  /** Days per series (default 1,941). */
  readonly days?: number;
  readonly seed?: number;
}

export const M5_SERIES = 30_490;
export const M5_DAYS = 1_941;
export const HEADER = 'series_id,date,value,price,promo,snap,event,dept,category,store,state';

const STORES = ['CA_1', 'CA_2', 'CA_3', 'CA_4', 'TX_1', 'TX_2', 'TX_3', 'WI_1', 'WI_2', 'WI_3'] as const;
/** Departments with M5's item counts (3,049 items in all). */
const DEPTS = [
  ['FOODS_1', 216],
  ['FOODS_2', 398],
  ['FOODS_3', 823],
  ['HOBBIES_1', 416],
  ['HOBBIES_2', 149],
  ['HOUSEHOLD_1', 532],
  ['HOUSEHOLD_2', 515],
] as const;
const ITEMS = DEPTS.reduce((n, [, c]) => n + c, 0);
/** SNAP days of the month by state (food stamps: food sells more). */
const SNAP: Record<string, ReadonlySet<number>> = {
  CA: new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
  TX: new Set([1, 3, 5, 6, 7, 9, 11, 12, 15]),
  WI: new Set([2, 3, 5, 6, 8, 9, 11, 12, 14, 15]),
};
/** Fixed-date holidays (MM-DD) and their demand multiplier; Christmas: stores closed. */
const HOLIDAYS: ReadonlyMap<string, number> = new Map([
  ['01-01', 0.8],
  ['02-14', 1.15],
  ['07-04', 1.3],
  ['10-31', 1.2],
  ['12-24', 1.35],
  ['12-25', 0],
  ['12-31', 1.25],
]);

function poisson(lambda: number, random: () => number): number {
  if (lambda <= 0) return 0;
  if (lambda > 40) {
    // Normal approximation (Box–Muller) for busy items.
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
  }
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

/** Thanksgiving (4th Thursday of November) and Super Bowl-like Sunday (1st Sunday of February). */
function movingHoliday(date: Date): number | undefined {
  const m = date.getUTCMonth();
  const d = date.getUTCDate();
  const wd = date.getUTCDay();
  if (m === 10 && wd === 4 && d >= 22 && d <= 28) return 0.6;
  if (m === 1 && wd === 0 && d <= 7) return 1.4;
  return undefined;
}

/** The item (index into M5's 3,049) of the i-th of `items` items, spread evenly over departments. */
function itemOf(i: number, items: number): { dept: string; category: string; item: string } {
  const global = Math.floor((i * ITEMS) / items);
  let rest = global;
  for (const [dept, count] of DEPTS) {
    if (rest < count) {
      return { dept, category: dept.replace(/_\d+$/, ''), item: `${dept}_${String(rest + 1).padStart(3, '0')}` };
    }
    rest -= count;
  }
  throw new Error(`item ${i} is out of range`);
}

/** Writes the CSV (uncompressed text) to `out`, with backpressure. Returns the rows written. */
export async function writeM5Csv(out: Writable, options: GenerateOptions = {}): Promise<number> {
  const series = options.series ?? M5_SERIES;
  const days = options.days ?? M5_DAYS;
  const seed = options.seed ?? 1;
  if (!Number.isInteger(series) || series < 1) throw new Error(`--series ${series}: use a whole number ≥ 1`);
  if (!Number.isInteger(days) || days < 1) throw new Error(`--days ${days}: use a whole number ≥ 1`);
  const items = Math.ceil(series / STORES.length);
  const start = Date.UTC(2011, 0, 29);
  const calendar = Array.from({ length: days }, (_, d) => {
    const date = new Date(start + d * 86_400_000);
    const iso = date.toISOString().slice(0, 10);
    const fixed = HOLIDAYS.get(iso.slice(5));
    const holiday = fixed ?? movingHoliday(date);
    return {
      iso,
      weekday: date.getUTCDay(),
      dayOfMonth: date.getUTCDate(),
      yearPhase: (2 * Math.PI * (d % 365.25)) / 365.25,
      holiday,
    };
  });
  const weekly = [1.35, 0.95, 0.9, 0.88, 0.9, 1.05, 1.4]; // Sunday … Saturday
  let rows = 0;
  let chunk = `${HEADER}\n`;
  const flush = async (): Promise<void> => {
    if (!out.write(chunk)) await once(out, 'drain');
    chunk = '';
  };
  for (let s = 0; s < series; s++) {
    const itemIndex = s % items;
    const store = STORES[Math.floor(s / items)]!;
    const state = store.slice(0, 2);
    const { dept, category, item } = itemOf(itemIndex, items);
    // One stream per series: a series is the same whatever --series says about the others.
    const random = mulberry32(seed * 1_000_003 + itemIndex * 7919 + STORES.indexOf(store) * 104_729);
    const food = category === 'FOODS';
    // Log-normal level: most items sell under one unit a day (intermittent), a few sell dozens.
    const level = Math.exp(-1.2 + 1.3 * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
    const trend = (random() - 0.45) * 0.8; // relative change over the whole span
    const yearly = food ? 0.08 : category === 'HOBBIES' ? 0.25 : 0.15;
    const yearShift = random() * 2 * Math.PI;
    const basePrice = (food ? 1.5 : category === 'HOBBIES' ? 4 : 5) * Math.exp(0.6 * (random() - 0.5) * 2);
    const elasticity = 1 + random() * 1.5;
    const launch = random() < 0.3 ? Math.floor(random() * days * 0.6) : 0;
    let price = basePrice;
    let promoLeft = 0;
    const prefix = `${item}_${store},`;
    const suffix = `,${dept},${category},${store},${state}\n`;
    for (let d = 0; d < days; d++) {
      const c = calendar[d]!;
      if (random() < 0.002) price = Math.max(0.2, price * (0.85 + random() * 0.35)); // a price change
      if (promoLeft === 0 && random() < 0.012) promoLeft = 7;
      const promo = promoLeft > 0 ? 1 : 0;
      if (promoLeft > 0) promoLeft--;
      const snap = SNAP[state]!.has(c.dayOfMonth) ? 1 : 0;
      const event = c.holiday === undefined ? 0 : 1;
      let value = 0;
      let priceText = '';
      if (d >= launch) {
        const paid = promo ? price * 0.8 : price;
        priceText = paid.toFixed(2);
        const lambda =
          level *
          (1 + (trend * d) / days) *
          weekly[c.weekday]! *
          (1 + yearly * Math.sin(c.yearPhase + yearShift)) *
          (paid / basePrice) ** -elasticity *
          (promo ? 1.4 : 1) *
          (snap && food ? 1.12 : 1) *
          (c.holiday ?? 1);
        value = poisson(lambda, random);
      }
      chunk += `${prefix}${c.iso},${value},${priceText},${promo},${snap},${event}${suffix}`;
      rows++;
    }
    if (chunk.length > 1 << 20) await flush();
  }
  await flush();
  return rows;
}

/** Writes the dataset gzipped to `path`; returns the rows written. */
export async function generateM5(path: string, options: GenerateOptions = {}): Promise<number> {
  const gzip = createGzip({ level: 4 });
  const file = createWriteStream(path);
  gzip.pipe(file);
  const rows = await writeM5Csv(gzip, options);
  gzip.end();
  await once(file, 'finish');
  return rows;
}

function option(args: string[], name: string): number | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : undefined;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const args = process.argv.slice(2);
  const path = args[0];
  if (!path || path.startsWith('--')) {
    throw new Error('usage: npx tsx bench/generate.ts OUT.csv.gz [--series 30490] [--days 1941] [--seed 1]');
  }
  const t0 = performance.now();
  const rows = await generateM5(path, {
    ...(option(args, '--series') !== undefined ? { series: option(args, '--series')! } : {}),
    ...(option(args, '--days') !== undefined ? { days: option(args, '--days')! } : {}),
    ...(option(args, '--seed') !== undefined ? { seed: option(args, '--seed')! } : {}),
  });
  const s = (performance.now() - t0) / 1000;
  process.stdout.write(`${rows} rows → ${path} in ${s.toFixed(1)} s (${Math.round(rows / s)} rows/s)\n`);
}
