/**
 * Price and promotion features (pure): what a global model needs to learn how sales respond to
 * price, whatever each product's usual price is.
 *
 * Panel-wide standardisation of a price tells a model that a brand is dear, not that it is on
 * discount this week; elasticities live in a product's price *relative to its own usual price*
 * and to its competitors'. From each price-like covariate this module derives, per series and
 * grid point (all causal: a point uses only that point and earlier ones of the same series, or
 * the same date of other series):
 *
 * - `NAME~rel`: log(price / reference price), the reference being the highest price of the last
 *   `window` points, this one included (the "regular" price; 0 at the regular price, −0.105 for
 *   a 10 % cut);
 * - `NAME~chg`: log(price / previous price);
 * - `NAME~lvl`: log(price) less the mean log price of the series' own history (the covariate
 *   scaled per series: "dear for this product");
 * - with a group (a static attribute such as the store, see `detectPriceFeatures`):
 *   `NAME~cmp`, the mean `~rel` of the other series of the group that date (competitors'
 *   discounts), and `NAME~gpos`, log price less the mean log price of the others (price position);
 * - `FLAG~x~NAME`: each promotion flag (deal, display, feature ad) times `NAME~rel` of the own
 *   price (deals that interact with the price cut);
 * - `NAME~past`, of the own price: its mean `~rel` over the few points before (`PAST_WINDOW`),
 *   for the dip after a promotion (bought ahead, not bought again).
 *
 * What the engine assumes (README, "What the engine assumes about covariates"): a covariate
 * whose name contains `price` (any case) is a unit price in any currency, positive where known,
 * or its logarithm when named so or when 5 % of its values are below 0 (`isLogPrice`);
 * names with `fuel`, `gas`, `oil` or `cpi` are economy-wide indicators, not the product's price.
 * A covariate named like `promo`, `deal`, `display`, `feature`/`feat`, `coupon`, `discount` or
 * `markdown` is a promotion (a 0/1 flag or an amount). The own price is the one named exactly
 * `price`, else the first price-like one.
 */
import { fillCovariate, gridOffset } from './frames.js';
import type { Frequency, Panel } from './types.js';

/** A covariate that is a unit price (by name). */
export const PRICE_NAME = /price/i;
/** Economy-wide prices and indices, not a product's own price. */
export const NOT_PRODUCT_PRICE = /fuel|gas|oil|cpi/i;
/**
 * A price given on the log scale by its name (`log_price`, `ln_price`, `lprice3`, the `LPRICE`
 * columns of scanner-data exports). A price-like column with many values below 0 is read so too
 * (`isLogPrice`): no shelf price is below 0, a log price is whenever the price is under 1.
 */
export const LOG_PRICE_NAME = /(^|[^a-z])(log|ln|l)[_ ]?price/i;

/** Whether a covariate's name says it is a product's price (not an economy-wide one). */
export function isPriceCovariate(name: string): boolean {
  return PRICE_NAME.test(name) && !NOT_PRODUCT_PRICE.test(name);
}

/** A covariate that is a promotion: a flag or an amount. */
export const PROMOTION_NAME = /promo|deal|display|feat|coupon|discount|markdown/i;

/** Points of the reference ("regular") price window by frequency: 8 weeks of days, 13 weeks, 6 months. */
export const REFERENCE_WINDOW: Readonly<Record<Frequency, number>> = { D: 56, W: 13, M: 6 };

/**
 * Points of the recent past whose own discount `~past` averages (the two weeks after a
 * promotion): 14 days, 2 weeks, 1 month.
 */
export const PAST_WINDOW: Readonly<Record<Frequency, number>> = { D: 14, W: 2, M: 1 };

/** At most this many price-like covariates get derived features (a panel of competitors' prices). */
export const MAX_PRICES = 12;

/** Which features to derive: chosen once at fit, stored with the model. */
export interface PriceFeatureSpec {
  /** Price-like covariates, own price first. */
  readonly prices: readonly string[];
  /** Promotion covariates (interacted with the own price's `~rel`). */
  readonly flags: readonly string[];
  /** Static attribute whose groups are competitors (one price only), if any. */
  readonly group?: string;
  /**
   * Static attribute, or covariate constant within each series (a numeric brand code), that
   * names each series' own price column among several (`brand` 3 → `price3` or `price_3`;
   * competitors' prices as columns), if any.
   */
  readonly ownBy?: string;
  /** Reference window in grid points. */
  readonly window: number;
  /** Price columns given on the log scale (`isLogPrice`), read as they are. */
  readonly logScale?: readonly string[];
  /**
   * Points of the recent past the own `~past` discount averages (`PAST_WINDOW`); absent in the
   * specs of models stored before it, whose features stay those they were trained on.
   */
  readonly past?: number;
}

/** One derived feature: its name, and the covariates it comes from. */
export interface DerivedFeature {
  readonly name: string;
  readonly sources: readonly string[];
  /** Known in advance when every source is. */
  readonly known: boolean;
}

/**
 * The static attribute whose groups are a series' competitors: of the attributes whose groups hold
 * two or more series on average, the one with the smallest groups (store × brand data: the store,
 * not the brand; one store: every series). `undefined` when none qualifies.
 */
export function competitorGroup(panel: Panel): string | undefined {
  let best: string | undefined;
  let bestSize = Number.POSITIVE_INFINITY;
  for (const a of panel.staticNames) {
    const values = new Set<string>();
    for (const s of panel.series) {
      const v = s.statics[a];
      if (v !== undefined && v !== '') values.add(v);
    }
    if (values.size === 0) continue;
    const size = panel.series.length / values.size;
    if (size >= 2 && size < bestSize) {
      best = a;
      bestSize = size;
    }
  }
  return best;
}

/** The price features of a panel, or `undefined` when it has no price-like covariate. */
export function detectPriceFeatures(panel: Panel): PriceFeatureSpec | undefined {
  const prices = panel.covariateNames.filter(isPriceCovariate);
  const own = prices.indexOf('price');
  if (own > 0) prices.unshift(...prices.splice(own, 1));
  const logScale = prices.filter((c) => isLogPrice(panel, c));
  const usable = prices
    .filter((c) => panel.series.some((s) => (logScale.includes(c) ? hasFinite : hasPositive)(s.covariates[c])))
    .slice(0, MAX_PRICES);
  if (usable.length === 0) return undefined;
  const logUsable = logScale.filter((c) => usable.includes(c));
  const flags = panel.covariateNames.filter((c) => PROMOTION_NAME.test(c) && !PRICE_NAME.test(c));
  const group = usable.length === 1 ? competitorGroup(panel) : undefined;
  const ownBy = usable.length > 1 ? ownPriceAttribute(panel, usable) : undefined;
  return {
    prices: usable,
    flags,
    ...(group ? { group } : {}),
    ...(ownBy ? { ownBy } : {}),
    window: REFERENCE_WINDOW[panel.freq],
    ...(logUsable.length > 0 ? { logScale: logUsable } : {}),
    past: PAST_WINDOW[panel.freq],
  };
}

/**
 * Share of a price column's known values below 0 from which it is read as log prices: a log
 * price is below 0 whenever the price is under 1, while a stray negative row of a price column
 * (a data error, a refund booked as a price) must not turn the whole column.
 */
export const LOG_PRICE_NEGATIVE_SHARE = 0.05;

/**
 * Whether price column `name` of `panel` is on the log scale: LOG_PRICE_NAME, or at least
 * LOG_PRICE_NEGATIVE_SHARE of its known values below 0.
 */
export function isLogPrice(panel: Panel, name: string): boolean {
  if (LOG_PRICE_NAME.test(name)) return true;
  let known = 0;
  let negative = 0;
  for (const s of panel.series) {
    const x = s.covariates[name];
    if (!x) continue;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (!Number.isFinite(v)) continue;
      known++;
      if (v < 0) negative++;
    }
  }
  return known > 0 && negative >= LOG_PRICE_NEGATIVE_SHARE * known;
}

function norm(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Index (into `prices`) of the column named after `value` (`price3`, `price_3`, `3_price`), or -1. */
export function ownPriceColumn(prices: readonly string[], value: string | undefined): number {
  if (value === undefined || value === '') return -1;
  const v = norm(value);
  return prices.findIndex((p) => norm(p) === `price${v}` || norm(p) === `${v}price`);
}

/**
 * A series' value of a static attribute, or of a covariate that holds one value throughout the
 * series (a numeric code such as `brand` 3 read as a covariate); `undefined` otherwise.
 */
export function seriesKey(s: Panel['series'][number], name: string): string | undefined {
  const v = s.statics[name];
  if (v !== undefined) return v;
  const x = s.covariates[name];
  if (!x) return undefined;
  let first = Number.NaN;
  for (let i = 0; i < x.length; i++) {
    const u = x[i]!;
    if (Number.isNaN(u)) continue;
    if (Number.isNaN(first)) first = u;
    else if (u !== first) return undefined;
  }
  return Number.isNaN(first) ? undefined : String(first);
}

/** The attribute (or constant covariate) whose value names every series' own price column, if one does. */
function ownPriceAttribute(panel: Panel, prices: readonly string[]): string | undefined {
  const names = [...panel.staticNames, ...panel.covariateNames.filter((c) => !prices.includes(c))];
  return names.find((a) => panel.series.every((s) => ownPriceColumn(prices, seriesKey(s, a)) >= 0));
}

function hasFinite(x: Float64Array | undefined): boolean {
  if (!x) return false;
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!)) return true;
  return false;
}

function hasPositive(x: Float64Array | undefined): boolean {
  if (!x) return false;
  for (let i = 0; i < x.length; i++) if (x[i]! > 0) return true;
  return false;
}

/** The derived features of a spec, in the order `priceFeatures` returns them. */
export function derivedFeatures(spec: PriceFeatureSpec, knownInAdvance: readonly string[]): DerivedFeature[] {
  const known = (srcs: readonly string[]): boolean => srcs.every((s) => knownInAdvance.includes(s));
  const out: DerivedFeature[] = [];
  if (spec.ownBy) {
    // Each series' own price (its column differs by series), then every column's discount.
    for (const k of ['rel', 'chg', 'lvl', 'gpos']) {
      out.push({ name: `own_price~${k}`, sources: [...spec.prices], known: known(spec.prices) });
    }
    for (const p of spec.prices) out.push({ name: `${p}~rel`, sources: [p], known: known([p]) });
    for (const f of spec.flags) {
      out.push({ name: `${f}~x~own_price`, sources: [f, ...spec.prices], known: known([f, ...spec.prices]) });
    }
    if (spec.past) out.push({ name: 'own_price~past', sources: [...spec.prices], known: known(spec.prices) });
    return out;
  }
  for (const p of spec.prices) {
    const parts = ['rel', 'chg', 'lvl', ...(spec.group ? ['cmp', 'gpos'] : [])];
    for (const k of parts) out.push({ name: `${p}~${k}`, sources: [p], known: known([p]) });
  }
  const own = spec.prices[0]!;
  for (const f of spec.flags) out.push({ name: `${f}~x~${own}`, sources: [f, own], known: known([f, own]) });
  if (spec.past) out.push({ name: `${own}~past`, sources: [own], known: known([own]) });
  return out;
}

/** Log of a positive price, NaN otherwise; a price already on the log scale (`isLog`) as it is. */
function logPrices(x: Float64Array | undefined, length: number, isLog = false): Float64Array {
  const out = new Float64Array(length).fill(Number.NaN);
  if (!x) return out;
  let last = Number.NaN;
  for (let t = 0; t < length; t++) {
    const v = t < x.length ? x[t]! : Number.NaN;
    if (!Number.isNaN(v)) last = isLog ? v : v > 0 ? Math.log(v) : Number.NaN;
    out[t] = last; // held forward, as every covariate is (fillCovariate)
  }
  return out;
}

/** `lp[t] − max(lp[t-w+1 .. t])` (NaN ignored; 0 where lp[t] is NaN): a monotone deque, O(n). */
function relativeToMax(lp: Float64Array, w: number): Float64Array {
  const n = lp.length;
  const out = new Float64Array(n);
  const dq = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let t = 0; t < n; t++) {
    const v = lp[t]!;
    if (!Number.isNaN(v)) {
      while (tail > head && lp[dq[tail - 1]!]! <= v) tail--;
      dq[tail++] = t;
    }
    while (tail > head && dq[head]! <= t - w) head++;
    out[t] = Number.isNaN(v) || tail === head ? 0 : v - lp[dq[head]!]!;
  }
  return out;
}

/**
 * The derived features (`derivedFeatures(spec)` order) of every series, over `length(i)` grid
 * points from the series' start (its history plus the horizon; `~lvl`'s mean is over the
 * history). Missing inputs give 0 (neutral).
 */
export function priceFeatures(
  panel: Panel,
  spec: PriceFeatureSpec,
  horizon: number,
): { features: DerivedFeature[]; values: Float32Array[][] } {
  const values: Float32Array[][] = [];
  const features = forEachPriceFeatures(panel, spec, horizon, (i, v) => {
    values[i] = v;
  });
  return { features, values };
}

/**
 * `priceFeatures`, one series at a time: `each(i, values)` gets series i's features and nothing
 * else is kept, so a large panel never holds every series' log prices (only the group sums,
 * groups × dates, when there is a competitor group).
 */
export function forEachPriceFeatures(
  panel: Panel,
  spec: PriceFeatureSpec,
  horizon: number,
  each: (i: number, values: Float32Array[]) => void,
): DerivedFeature[] {
  const features = derivedFeatures(spec, panel.knownInAdvance);
  const lens = panel.series.map((s) => s.target.length + horizon);
  const ref = panel.series[0]?.start ?? '2000-01-03';
  const offsets = panel.series.map((s) => Math.round(gridOffset(ref, s.start, panel.freq)));
  const minOff = offsets.reduce((a, b) => Math.min(a, b), 0);
  const span = panel.series.reduce((a, _, i) => Math.max(a, offsets[i]! - minOff + lens[i]!), 0);
  const groupOf = spec.group && !spec.ownBy ? panel.series.map((s) => s.statics[spec.group!] ?? '') : undefined;
  // Pass 1 (a competitor group only): per group and date, the sums of log price and discount.
  const sums = spec.prices.map(() => new Map<string, { rel: Float64Array; lp: Float64Array; cnt: Float64Array }>());
  if (groupOf) {
    panel.series.forEach((s, i) => {
      const o = offsets[i]! - minOff;
      spec.prices.forEach((p, pi) => {
        const lp = logPrices(s.covariates[p], lens[i]!, spec.logScale?.includes(p));
        const rel = relativeToMax(lp, spec.window);
        const g = groupOf[i]!;
        let acc = sums[pi]!.get(g);
        if (!acc) {
          acc = { rel: new Float64Array(span), lp: new Float64Array(span), cnt: new Float64Array(span) };
          sums[pi]!.set(g, acc);
        }
        for (let t = 0; t < lp.length; t++) {
          if (Number.isNaN(lp[t]!)) continue;
          acc.rel[o + t]! += rel[t]!;
          acc.lp[o + t]! += lp[t]!;
          acc.cnt[o + t]! += 1;
        }
      });
    });
  }
  // Pass 2: each series' features.
  panel.series.forEach((s, i) => {
    const len = lens[i]!;
    const out = spec.ownBy ? ownPriceFeatures(s, spec, len) : [];
    if (!spec.ownBy) {
      spec.prices.forEach((p, pi) => {
        const lp = logPrices(s.covariates[p], len, spec.logScale?.includes(p));
        const rel = relativeToMax(lp, spec.window);
        const mean = historyMean(lp, s.target.length);
        const fRel = new Float32Array(len);
        const fChg = new Float32Array(len);
        const fLvl = new Float32Array(len);
        for (let t = 0; t < len; t++) {
          const v = lp[t]!;
          if (Number.isNaN(v)) continue;
          fRel[t] = rel[t]!;
          const prev = t > 0 ? lp[t - 1]! : Number.NaN;
          fChg[t] = Number.isNaN(prev) ? 0 : v - prev;
          fLvl[t] = v - mean;
        }
        out.push(fRel, fChg, fLvl);
        if (groupOf) {
          const acc = sums[pi]!.get(groupOf[i]!)!;
          const o = offsets[i]! - minOff;
          const fCmp = new Float32Array(len);
          const fPos = new Float32Array(len);
          for (let t = 0; t < len; t++) {
            const v = lp[t]!;
            const own = Number.isNaN(v) ? 0 : 1;
            const c = acc.cnt[o + t]! - own;
            if (c <= 0) continue;
            fCmp[t] = (acc.rel[o + t]! - (own ? rel[t]! : 0)) / c;
            if (own) fPos[t] = v - (acc.lp[o + t]! - v) / c;
          }
          out.push(fCmp, fPos);
        }
      });
    }
    // Promotions × the own price's discount (the own price's `~rel` is the first feature).
    const ownRel = out[0]!;
    for (const f of spec.flags) {
      const flag = fillCovariate(s.covariates[f] ?? new Float64Array(0), len);
      const x = new Float32Array(len);
      for (let t = 0; t < len; t++) x[t] = flag[t]! * ownRel[t]!;
      out.push(x);
    }
    if (spec.past) out.push(recentDiscount(ownRel, spec.past));
    each(i, out);
  });
  return features;
}

/**
 * The own discount of the recent past: the mean `~rel` of the `w` points before t (0 before the
 * series starts). Sales of a product bought ahead on a promotion dip for a while after it (the
 * pantry loading of storable goods); `~chg` sees only the first point after the price goes back.
 */
function recentDiscount(rel: Float32Array, w: number): Float32Array {
  const out = new Float32Array(rel.length);
  let sum = 0;
  for (let t = 0; t < rel.length; t++) {
    out[t] = sum / w;
    sum += rel[t]!;
    if (t - w >= 0) sum -= rel[t - w]!;
  }
  return out;
}

/** Mean log price of the first `hist` points (NaN ignored; 0 when none). */
function historyMean(lp: Float64Array, hist: number): number {
  let mean = 0;
  let k = 0;
  for (let t = 0; t < Math.min(hist, lp.length); t++) {
    if (!Number.isNaN(lp[t]!)) {
      mean += lp[t]!;
      k++;
    }
  }
  return k > 0 ? mean / k : 0;
}

/** One series' `own_price~rel, ~chg, ~lvl, ~gpos`, then each column's `~rel` (spec.ownBy). */
function ownPriceFeatures(s: Panel['series'][number], spec: PriceFeatureSpec, len: number): Float32Array[] {
  const lps = spec.prices.map((p) => logPrices(s.covariates[p], len, spec.logScale?.includes(p)));
  const rels = lps.map((lp) => relativeToMax(lp, spec.window));
  const o = Math.max(0, ownPriceColumn(spec.prices, seriesKey(s, spec.ownBy!)));
  const lp = lps[o]!;
  const mean = historyMean(lp, s.target.length);
  const fRel = new Float32Array(len);
  const fChg = new Float32Array(len);
  const fLvl = new Float32Array(len);
  const fPos = new Float32Array(len);
  for (let t = 0; t < len; t++) {
    const v = lp[t]!;
    if (Number.isNaN(v)) continue;
    fRel[t] = rels[o]![t]!;
    const prev = t > 0 ? lp[t - 1]! : Number.NaN;
    fChg[t] = Number.isNaN(prev) ? 0 : v - prev;
    fLvl[t] = v - mean;
    let sum = 0;
    let c = 0;
    lps.forEach((x, k) => {
      if (k !== o && !Number.isNaN(x[t]!)) {
        sum += x[t]!;
        c++;
      }
    });
    fPos[t] = c > 0 ? v - sum / c : 0;
  }
  return [fRel, fChg, fLvl, fPos, ...rels.map((r) => Float32Array.from(r))];
}
