/**
 * A second kind of synthetic store × brand panel, built to differ from the engine's own
 * assumptions where real promotional grocery data does (`bench/price-synthetic.ts` draws its
 * panels from the very log-linear form the engine's price features describe, so winning there
 * proves little). Written once, from what is known of such data, and not changed after seeing a
 * result:
 *
 *   npx tsx bench/promo-synthetic.ts [--out DIR]
 *
 * What it has that the first kind has not:
 * - **Chain-wide promotions** that run 1–3 weeks, per brand and price zone (3 zones of stores),
 *   a few stores of a zone sitting one out; feature ads on about half of them, deal tags on
 *   most, a few deal tags without a cut (bonus packs), and displays on some.
 * - **Zone pricing** and regular prices that move up *or down* at random times.
 * - **Store-specific elasticities** (a store's demographics scale the brand's), a feature ad
 *   that makes the cut bite harder, and **substitution within a price tier** (premium,
 *   national, store brand) much stronger than across tiers.
 * - **Pantry loading**: after a promotion the brand sells less for two weeks, by how much it
 *   sold extra.
 * - **Shared shocks**: store traffic (AR(1), all brands of a store together), holiday weeks of
 *   the whole chain, a slow random-walk drift of every brand's level.
 * - **Heavy noise**: log-normal σ 0.35 on every week's rate, then Poisson.
 * - **Missing store-weeks** (2 % of a store's weeks absent from the file, every brand).
 *
 * Panels: `promo-panel-913` (83 stores × 11 brands, 120 weeks: the held-out big panel's shape),
 * `promo-panel-wide` (the same kind, 40 stores, every brand's price of the store in columns
 * `price1` … `price11`, the published benchmark's layout) and `promo-panel-7` (one store, 7
 * brands, 160 weeks, price and display only).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { mulberry32 } from '../api/forecasting/random.js';
import { normal, poisson } from '../test/fixtures/forecasting/price-panel.js';

interface Options {
  readonly stores: number;
  readonly brands: number;
  readonly weeks: number;
  readonly seed: number;
}

interface Cell {
  readonly id: string;
  readonly store: number;
  readonly brand: number;
  readonly y: Float64Array;
  readonly price: Float64Array;
  readonly deal: Float64Array;
  readonly feat: Float64Array;
  readonly display: Float64Array;
}

interface Panel {
  readonly cells: Cell[];
  /** Store-weeks absent from the file. */
  readonly missing: boolean[][];
  readonly weeks: number;
  readonly brands: number;
}

export function promoPanel(o: Options): Panel {
  const rnd = mulberry32(o.seed);
  const n = o.weeks;
  const u = (a: number, b: number) => a + (b - a) * rnd();
  // Brands: a price tier (0 premium, 1 national, 2 store brand), a list price, an elasticity.
  const tier = Array.from({ length: o.brands }, (_, b) => (b < Math.ceil(o.brands / 4) ? 0 : b < o.brands - 2 ? 1 : 2));
  const list = tier.map((t) => (t === 0 ? u(3.0, 4.0) : t === 1 ? u(2.2, 3.0) : u(1.5, 2.0)));
  const beta = tier.map((t) => (t === 2 ? u(-2.2, -1.2) : u(-4.0, -1.8)));
  const featLift = Array.from({ length: o.brands }, () => u(0.3, 0.9));
  const featBite = Array.from({ length: o.brands }, () => u(-1.5, 0));
  const dealLift = Array.from({ length: o.brands }, () => u(0.05, 0.35));
  const displayLift = Array.from({ length: o.brands }, () => u(0.2, 0.6));
  const pantry = Array.from({ length: o.brands }, () => u(0.2, 0.6));
  const zone = Array.from({ length: o.stores }, () => Math.floor(rnd() * 3));
  const zoneMult = [0.94, 1.0, 1.08];
  const demo = Array.from({ length: o.stores }, () => normal(rnd));
  const storeSize = Array.from({ length: o.stores }, () => Math.exp(0.5 * normal(rnd)));
  // Holiday weeks of the chain (Thanksgiving, Christmas, New Year, Independence Day) from a
  // Monday-start calendar beginning in the first week of September.
  const holiday = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const w = (t + 35) % 52;
    if (w === 47) holiday[t] = 0.15;
    else if (w === 51) holiday[t] = 0.25;
    else if (w === 0) holiday[t] = 0.1;
    else if (w === 26) holiday[t] = 0.1;
  }
  // Chain-wide promotion calendars per brand and zone: cut depth (0 none), feature, deal, display.
  const promo = Array.from({ length: o.brands }, () =>
    Array.from({ length: 3 }, () => {
      const depth = new Float64Array(n);
      const feat = new Float64Array(n);
      const deal = new Float64Array(n);
      const disp = new Float64Array(n);
      for (let t = 0; t < n;) {
        if (rnd() < 0.1) {
          const len = 1 + Math.floor(rnd() * 3);
          const d = u(0.1, 0.4);
          const f = rnd() < 0.5 ? 1 : 0;
          const g = rnd() < 0.8 ? 1 : 0;
          const s = rnd() < 0.3 ? 1 : 0;
          for (let k = 0; k < len && t < n; k++, t++) {
            depth[t] = d;
            feat[t] = k === 0 ? f : 0;
            deal[t] = g;
            disp[t] = s;
          }
          t += 1; // at least one week at the regular price between promotions
        } else {
          if (rnd() < 0.02) deal[t] = 1; // a bonus pack: a deal tag, no cut
          t++;
        }
      }
      return { depth, feat, deal, disp };
    }),
  );
  // Regular price per store and brand: zone price, changes up or down at random times.
  const reg: Float64Array[][] = [];
  const price: Float64Array[][] = [];
  const flags: { deal: Float64Array; feat: Float64Array; display: Float64Array }[][] = [];
  for (let s = 0; s < o.stores; s++) {
    reg.push([]);
    price.push([]);
    flags.push([]);
    for (let b = 0; b < o.brands; b++) {
      const r = new Float64Array(n);
      let level = list[b]! * zoneMult[zone[s]!]!;
      for (let t = 0; t < n; t++) {
        if (rnd() < 1 / 60) level *= rnd() < 0.7 ? u(1.02, 1.09) : u(0.92, 0.98);
        r[t] = Math.round(level * 100) / 100;
      }
      const p = new Float64Array(n);
      const deal = new Float64Array(n);
      const feat = new Float64Array(n);
      const display = new Float64Array(n);
      const cal = promo[b]![zone[s]!]!;
      const sitsOut = rnd() < 0.1;
      for (let t = 0; t < n; t++) {
        const on = !sitsOut && cal.depth[t]! > 0;
        p[t] = Math.round(r[t]! * (1 - (on ? cal.depth[t]! : 0)) * 100) / 100;
        deal[t] = on || cal.depth[t] === 0 ? cal.deal[t]! : 0;
        feat[t] = on ? cal.feat[t]! : 0;
        display[t] = on ? cal.disp[t]! : rnd() < 0.02 ? 1 : 0;
      }
      reg[s]!.push(r);
      price[s]!.push(p);
      flags[s]!.push({ deal, feat, display });
    }
  }
  const cells: Cell[] = [];
  const missing: boolean[][] = [];
  const drift = Array.from({ length: o.brands }, () => {
    const d = new Float64Array(n);
    let x = 0;
    for (let t = 0; t < n; t++) {
      x += 0.02 * normal(rnd);
      d[t] = x;
    }
    return d;
  });
  for (let s = 0; s < o.stores; s++) {
    const traffic = new Float64Array(n);
    let a = 0;
    for (let t = 0; t < n; t++) {
      a = 0.6 * a + 0.08 * normal(rnd);
      traffic[t] = a;
    }
    missing.push(Array.from({ length: n }, () => rnd() < 0.02));
    for (let b = 0; b < o.brands; b++) {
      const level = 20 * storeSize[s]! * Math.exp(0.7 * normal(rnd)) * (tier[b] === 2 ? 1.5 : 1);
      const betaSB = beta[b]! * (1 + 0.2 * demo[s]!);
      const y = new Float64Array(n);
      const extra = new Float64Array(n);
      const f = flags[s]![b]!;
      for (let t = 0; t < n; t++) {
        const rel = Math.log(price[s]![b]![t]! / reg[s]![b]![t]!);
        let cross = 0;
        for (let k = 0; k < o.brands; k++) {
          if (k === b) continue;
          const w = tier[k] === tier[b] ? 0.5 : 0.12;
          cross += w * Math.log(price[s]![k]![t]! / reg[s]![k]![t]!);
        }
        const promoLog =
          betaSB * rel +
          f.feat[t]! * (featLift[b]! + featBite[b]! * rel) +
          f.deal[t]! * dealLift[b]! +
          f.display[t]! * displayLift[b]!;
        // Pantry loading: the extra sold in the last two weeks lowers this week's rate.
        const stocked = (t > 0 ? extra[t - 1]! : 0) + 0.5 * (t > 1 ? extra[t - 2]! : 0);
        const dip = -pantry[b]! * Math.min(1.5, stocked);
        extra[t] = Math.max(0, Math.exp(promoLog) - 1);
        const logMu = Math.log(level) + promoLog + cross + dip + traffic[t]! + holiday[t]! + drift[b]![t]!;
        y[t] = poisson(Math.exp(logMu + 0.35 * normal(rnd) - 0.35 ** 2 / 2), rnd);
      }
      cells.push({
        id: `S${s + 1}_B${b + 1}`,
        store: s,
        brand: b,
        y,
        price: price[s]![b]!,
        deal: f.deal,
        feat: f.feat,
        display: f.display,
      });
    }
  }
  return { cells, missing, weeks: n, brands: o.brands };
}

function weekDates(n: number): string[] {
  const start = Date.UTC(2019, 8, 2); // a Monday
  return Array.from({ length: n }, (_, t) => new Date(start + t * 7 * 86_400_000).toISOString().slice(0, 10));
}

/** Long layout: `series_id,date,value,price,deal,feat,display,store,brand` (`columns` picks). */
function longCsv(p: Panel, columns: readonly ('deal' | 'feat' | 'display')[]): string {
  const dates = weekDates(p.weeks);
  const lines = [`series_id,date,value,price,${columns.join(',')},store,brand`];
  for (const c of p.cells) {
    for (let t = 0; t < p.weeks; t++) {
      if (p.missing[c.store]![t]) continue;
      const extra = columns.map((k) => c[k][t]);
      lines.push(`${c.id},${dates[t]},${c.y[t]},${c.price[t]},${extra.join(',')},S${c.store + 1},B${c.brand + 1}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Wide layout: every brand's price of the store as `price1` … `priceB`, `deal`, `feat`, `brand` numeric. */
function wideCsv(p: Panel): string {
  const dates = weekDates(p.weeks);
  const byStore = new Map<number, Cell[]>();
  for (const c of p.cells) byStore.set(c.store, [...(byStore.get(c.store) ?? []), c]);
  const names = Array.from({ length: p.brands }, (_, b) => `price${b + 1}`);
  const lines = [`series_id,date,value,${names.join(',')},deal,feat,store,brand`];
  for (const c of p.cells) {
    const row = byStore.get(c.store)!;
    for (let t = 0; t < p.weeks; t++) {
      if (p.missing[c.store]![t]) continue;
      const prices = row.map((k) => k.price[t]);
      lines.push(
        `${c.id},${dates[t]},${c.y[t]},${prices.join(',')},${c.deal[t]},${c.feat[t]},S${c.store + 1},${c.brand + 1}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

const i = process.argv.indexOf('--out');
const out = resolve(i >= 0 ? process.argv[i + 1]! : '/tmp/forecastql-promo');
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, 'promo-panel-913.csv'),
  longCsv(promoPanel({ stores: 83, brands: 11, weeks: 120, seed: 21 }), ['deal', 'feat', 'display']),
);
writeFileSync(join(out, 'promo-panel-wide.csv'), wideCsv(promoPanel({ stores: 40, brands: 11, weeks: 120, seed: 22 })));
writeFileSync(
  join(out, 'promo-panel-7.csv'),
  longCsv(promoPanel({ stores: 1, brands: 7, weeks: 160, seed: 23 }), ['display']),
);
process.stdout.write(`wrote promo-panel-913.csv, promo-panel-wide.csv and promo-panel-7.csv to ${out}\n`);
