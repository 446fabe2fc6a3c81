/**
 * Pure reshaping for `<fq-price-response>`: the model's curve (`priceResponse` totals over the
 * forecast window at price changes) as units a day at a price, and ApexCharts options for the
 * history scatter (promotion days apart) with the curve over it. No DOM; unit-tested.
 */
import type { ApexOptions } from 'apexcharts';

export interface CurvePoint {
  readonly price: number;
  /** Units a day. */
  readonly units: number;
}

/**
 * `priceResponse` points (units over the whole forecast window at each % change of the current
 * price) as units a day at a price, by price. Empty without a current price or window. Pure.
 */
export function modelCurve(
  points: readonly { readonly percentChange: number; readonly units: number }[],
  currentPrice: number | null,
  forecastDays: number | null,
): CurvePoint[] {
  if (currentPrice === null || !(currentPrice > 0) || forecastDays === null || !(forecastDays > 0)) return [];
  return points
    .filter((p) => Number.isFinite(p.units) && Number.isFinite(p.percentChange))
    .map((p) => ({ price: currentPrice * (1 + p.percentChange / 100), units: p.units / forecastDays }))
    .toSorted((a, b) => a.price - b.price);
}

/** The % changes asked of `priceResponse`: the price range the history saw, around the current price, 5 to 11 points. */
export function percentChangesFor(prices: readonly number[], currentPrice: number | null): number[] {
  const fallback = [-30, -20, -10, 0, 10, 20, 30];
  if (currentPrice === null || !(currentPrice > 0) || prices.length === 0) return fallback;
  const lo = Math.min(...prices) / currentPrice - 1;
  const hi = Math.max(...prices) / currentPrice - 1;
  const low = Math.max(-90, Math.min(-10, Math.floor(lo * 100)));
  const high = Math.min(200, Math.max(10, Math.ceil(hi * 100)));
  const steps = 8;
  const out = new Set<number>([0]);
  for (let i = 0; i <= steps; i++) out.add(Math.round(low + ((high - low) * i) / steps));
  return [...out].toSorted((a, b) => a - b);
}

export interface PriceResponsePalette {
  readonly point: string;
  readonly promotion: string;
  readonly curve: string;
  readonly text: string;
  readonly muted: string;
  readonly border: string;
}

export interface PriceResponseLabels {
  readonly days: string;
  readonly promotionDays: string;
  readonly curve: string;
  readonly price: string;
  readonly units: string;
}

export interface PriceResponseOptionsInput {
  readonly points: readonly { readonly price: number; readonly units: number; readonly promotion: boolean }[];
  readonly curve: readonly CurvePoint[];
  readonly palette: PriceResponsePalette;
  readonly labels: PriceResponseLabels;
  readonly formatPrice: (value: number) => string;
  readonly formatUnits: (value: number) => string;
  readonly height: number;
}

/** A fresh ApexCharts options object: two scatter series (days, promotion days) and the curve as a line. Pure. */
export function buildPriceResponseOptions(input: PriceResponseOptionsInput): ApexOptions {
  const { palette, labels } = input;
  const regular = input.points.filter((p) => !p.promotion).map((p) => [p.price, p.units] as [number, number]);
  const promoted = input.points.filter((p) => p.promotion).map((p) => [p.price, p.units] as [number, number]);
  const curve = input.curve.map((p) => [p.price, p.units] as [number, number]);
  return {
    chart: {
      type: 'line',
      height: input.height,
      animations: { enabled: false },
      toolbar: { show: false },
      zoom: { enabled: false },
      foreColor: palette.muted,
      fontFamily: 'inherit',
    },
    series: [
      { name: labels.days, type: 'scatter', data: regular },
      { name: labels.promotionDays, type: 'scatter', data: promoted },
      { name: labels.curve, type: 'line', data: curve },
    ],
    colors: [palette.point, palette.promotion, palette.curve],
    stroke: { width: [0, 0, 3], curve: 'straight' },
    markers: { size: [4, 5, 0], strokeWidth: 0, hover: { sizeOffset: 2 } },
    fill: { opacity: [0.45, 0.8, 1] },
    xaxis: {
      type: 'numeric',
      title: { text: labels.price, style: { color: palette.text } },
      labels: { formatter: (value: string) => input.formatPrice(Number(value)) },
      tickAmount: 6,
    },
    yaxis: {
      min: 0,
      title: { text: labels.units, style: { color: palette.text } },
      labels: { formatter: (value: number) => input.formatUnits(value) },
    },
    grid: { borderColor: palette.border },
    legend: { position: 'bottom', labels: { colors: palette.text } },
    tooltip: {
      shared: false,
      intersect: true,
      x: { formatter: (value: number) => input.formatPrice(value) },
      y: { formatter: (value: number) => input.formatUnits(value) },
    },
  };
}
