/**
 * Pure reshaping for `<fq-heatmap>`: a day-by-day forecast into a weekday × week grid, per-series
 * driver importance into a series × driver grid, and a colour scale whose cell text keeps its
 * contrast. No DOM; unit-tested in `heatmap-data.test.ts`.
 */
import type { FeatureImportanceRow } from '../feature-importance/rank-drivers.js';

/** A day of the forecast view (`WidgetForecast` / `WidgetSalesHistory` by DAY). */
export interface DayPoint {
  readonly date: string;
  readonly actual: number | null;
  readonly p50?: number | null;
}

/** One cell: the actual where known, else the median forecast; `kind` says which. */
export interface HeatCell {
  readonly date: string;
  readonly value: number | null;
  readonly kind: 'actual' | 'forecast' | 'none';
}

export interface WeekdayGrid {
  /** Mondays of the weeks shown, oldest first. */
  readonly weeks: readonly string[];
  /** Whether each week holds a forecast day. */
  readonly forecastWeeks: readonly boolean[];
  /** Seven rows (Monday first), one cell per week. */
  readonly rows: readonly (readonly HeatCell[])[];
  readonly min: number;
  readonly max: number;
}

const DAY_MS = 86_400_000;

function dayNumber(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

function isoOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Monday = 0 … Sunday = 6. */
export function weekdayIndex(date: string): number {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/** The Monday of the ISO week of `date`. */
export function mondayOf(date: string): string {
  return isoOf(dayNumber(date) - weekdayIndex(date));
}

/**
 * Weekday × week grid of the last `weeks` weeks of `points` (the forecast's last week included):
 * the actual of a day where known, else its median forecast. Pure.
 *
 * @example
 * ```ts
 * weekdayGrid(points, 12).rows[4]; // the Fridays of the 12 weeks, oldest first
 * ```
 */
export function weekdayGrid(points: readonly DayPoint[], weeks: number): WeekdayGrid {
  const byDate = new Map<string, HeatCell>();
  let last: string | undefined;
  for (const p of points) {
    const value = p.actual ?? p.p50 ?? null;
    if (value === null || !Number.isFinite(value)) continue;
    byDate.set(p.date, {
      date: p.date,
      value,
      kind: p.actual !== null && p.actual !== undefined ? 'actual' : 'forecast',
    });
    if (last === undefined || p.date > last) last = p.date;
  }
  if (last === undefined || weeks < 1) return { weeks: [], forecastWeeks: [], rows: [], min: 0, max: 0 };
  const lastMonday = dayNumber(mondayOf(last));
  const mondays = Array.from({ length: weeks }, (_, i) => lastMonday - (weeks - 1 - i) * 7);
  const rows = Array.from({ length: 7 }, (_, weekday) =>
    mondays.map((monday): HeatCell => {
      const date = isoOf(monday + weekday);
      return byDate.get(date) ?? { date, value: null, kind: 'none' };
    }),
  );
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const row of rows)
    for (const cell of row) {
      if (cell.value === null) continue;
      min = Math.min(min, cell.value);
      max = Math.max(max, cell.value);
    }
  // Weeks before the data starts are dropped, so a short history has no blank columns.
  let first = 0;
  while (first < mondays.length - 1 && rows.every((row) => row[first]!.kind === 'none')) first++;
  return {
    weeks: mondays.slice(first).map(isoOf),
    forecastWeeks: mondays.slice(first).map((_, i) => rows.some((row) => row[first + i]!.kind === 'forecast')),
    rows: rows.map((row) => row.slice(first)),
    min: Number.isFinite(min) ? min : 0,
    max: Number.isFinite(max) ? max : 0,
  };
}

/** One series' drivers, as `featureImportance(runId, seriesId)` answers. */
export interface SeriesDrivers {
  readonly seriesId: string;
  readonly drivers: readonly FeatureImportanceRow[];
}

export interface DriverGrid {
  /** Driver columns: feature and label, strongest overall first. */
  readonly columns: readonly { readonly feature: string; readonly label: string }[];
  /** Rows: a series and its share of importance per column (0..1; null when the series lacks it). */
  readonly rows: readonly { readonly seriesId: string; readonly shares: readonly (number | null)[] }[];
  readonly max: number;
}

/**
 * Series × driver grid: each series' importance as shares of its own total (negative or
 * non-finite scores count as 0), the `limit` drivers with the largest summed share as columns.
 * Pure.
 */
export function driverGrid(series: readonly SeriesDrivers[], limit = 8): DriverGrid {
  const shares = series.map((s) => {
    const scores = s.drivers.map((d) => (Number.isFinite(d.importance) && d.importance > 0 ? d.importance : 0));
    const total = scores.reduce((a, b) => a + b, 0);
    return new Map(s.drivers.map((d, i) => [d.feature, total > 0 ? scores[i]! / total : 0]));
  });
  const labels = new Map<string, string>();
  const summed = new Map<string, number>();
  series.forEach((s, i) => {
    for (const d of s.drivers) {
      if (!labels.has(d.feature)) labels.set(d.feature, d.label?.trim() || d.feature);
      summed.set(d.feature, (summed.get(d.feature) ?? 0) + shares[i]!.get(d.feature)!);
    }
  });
  const columns = [...summed.keys()]
    .toSorted((a, b) => summed.get(b)! - summed.get(a)! || labels.get(a)!.localeCompare(labels.get(b)!))
    .slice(0, Math.max(1, limit))
    .map((feature) => ({ feature, label: labels.get(feature)! }));
  const rows = series.map((s, i) => ({
    seriesId: s.seriesId,
    shares: columns.map((c) => shares[i]!.get(c.feature) ?? null),
  }));
  const max = Math.max(0, ...rows.flatMap((r) => r.shares.filter((v): v is number => v !== null)));
  return { columns, rows, max };
}

function parseHex(hex: string): [number, number, number] | null {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return null;
  const n = Number.parseInt(m[1]!, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** An sRGB channel (0–255) in linear light. */
function linear(c: number): number {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of a colour. */
export function luminance([r, g, b]: readonly [number, number, number]): number {
  const lin = linear;
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio of two colours' luminances. */
export function contrastRatio(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** A cell's background between `low` and `high` (hex), and the text colour (black or white) with more contrast. */
export function cellColors(
  value: number,
  min: number,
  max: number,
  low: string,
  high: string,
): { background: string; text: string } {
  const from = parseHex(low) ?? [239, 246, 255];
  const to = parseHex(high) ?? [37, 99, 235];
  const t = max > min ? Math.min(1, Math.max(0, (value - min) / (max - min))) : 1;
  const rgb = from.map((c, i) => Math.round(c + (to[i]! - c) * t)) as [number, number, number];
  const lum = luminance(rgb);
  const text = contrastRatio(lum, 0) >= contrastRatio(lum, 1) ? '#000000' : '#ffffff';
  return { background: `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`, text };
}
