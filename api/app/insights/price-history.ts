/**
 * Price against units (issue 19 item 3), the pure part: a series' days as (price, units,
 * promotion) points, and a response curve from history alone (median units per price bin), used
 * until a model's curve (`priceResponse`, the scenario use-case) can be read.
 */
import type { ActualRecord } from '../ports.js';
import { pricesOn, type CovariateValue } from './headline.js';

export interface PricePoint {
  readonly date: string;
  readonly units: number;
  readonly price: number;
  readonly promotion: boolean;
}

/**
 * The days with a known value and a price (the day's, else the last one before it): one point
 * each, marked when a promotion covariate was positive that day. Sorted by date. Pure.
 */
export function pricePoints(
  actuals: readonly ActualRecord[],
  prices: readonly CovariateValue[],
  promotions: readonly CovariateValue[],
): PricePoint[] {
  const known = actuals.filter((a) => a.value !== null && Number.isFinite(a.value));
  const priceOf = pricesOn(prices, known);
  const promo = new Set(promotions.filter((p) => p.value > 0).map((p) => `${p.seriesId}|${p.date}`));
  const out: PricePoint[] = [];
  for (const a of known) {
    const key = `${a.seriesId}|${a.date}`;
    const price = priceOf.get(key);
    if (price === undefined) continue;
    out.push({ date: a.date, units: a.value!, price, promotion: promo.has(key) });
  }
  return out.toSorted((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
}

export interface ResponseBin {
  /** Median price of the bin's days. */
  readonly price: number;
  /** Median units a day at that price. */
  readonly units: number;
  readonly days: number;
}

function median(sorted: readonly number[]): number {
  const n = sorted.length;
  return n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

/**
 * A response curve from history alone: days without a promotion, grouped into at most `bins`
 * price bins of (nearly) equal days, each summarised by its median price and median units; bins
 * are merged until each has `minDays` days. Robust to outliers (medians), monotone in price by
 * construction of the bins (not in units: history may show no price effect, and then says so).
 * Fewer than `minDays` non-promotion days: no curve. Pure.
 *
 * @example
 * ```ts
 * historyResponse(points, 5); // [{ price: 1.8, units: 14, days: 40 }, { price: 2.0, units: 11, days: 38 }, …]
 * ```
 */
export function historyResponse(points: readonly PricePoint[], bins = 6, minDays = 7): ResponseBin[] {
  const days = points.filter((p) => !p.promotion).toSorted((a, b) => a.price - b.price || a.units - b.units);
  if (days.length < minDays) return [];
  // Cut at price changes only, so one price never falls in two bins.
  const groups: PricePoint[][] = [];
  for (const d of days) {
    const last = groups.at(-1);
    if (last && last[0]!.price === d.price) last.push(d);
    else groups.push([d]);
  }
  const target = Math.max(minDays, Math.ceil(days.length / Math.max(1, bins)));
  const merged: PricePoint[][] = [];
  for (const g of groups) {
    const last = merged.at(-1);
    if (last && last.length < target) last.push(...g);
    else merged.push([...g]);
  }
  // A short last bin joins its neighbour.
  if (merged.length > 1 && merged.at(-1)!.length < minDays) {
    const tail = merged.pop()!;
    merged.at(-1)!.push(...tail);
  }
  return merged.map((b) => ({
    price: median(b.map((p) => p.price).toSorted((x, y) => x - y)),
    units: median(b.map((p) => p.units).toSorted((x, y) => x - y)),
    days: b.length,
  }));
}
