/** One row of `featureImportance` (ARCHITECTURE §4). */
export interface FeatureImportanceRow {
  readonly feature: string;
  /** Plain words for a shop owner, e.g. "Weekday pattern". */
  readonly label: string | null;
  readonly importance: number;
}

/** A driver as drawn: its words, its share of all importance (0..1) and its bar width (0..1). */
export interface RankedDriver {
  readonly feature: string;
  readonly label: string;
  readonly share: number;
  /** Relative to the strongest driver, so the top bar is full width. */
  readonly width: number;
}

/** Turns a technical feature name into words when the API sent no label (`holiday_christmas` → "Holiday christmas"). */
export function humanizeFeature(feature: string): string {
  const words = feature
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words ? words[0]!.toUpperCase() + words.slice(1) : feature;
}

/**
 * Ranks drivers by importance, largest first: negative or non-finite scores count as 0 (permutation
 * importance can be slightly negative by noise), shares sum to 1, and at most `limit` are kept.
 * Pure.
 *
 * @example
 * ```ts
 * rankDrivers([{ feature: 'promo', label: 'Promotions', importance: 2 }, { feature: 'dow', label: 'Weekday pattern', importance: 6 }]);
 * // [{ label: 'Weekday pattern', share: 0.75, width: 1 }, { label: 'Promotions', share: 0.25, width: 0.333… }]
 * ```
 */
export function rankDrivers(rows: readonly FeatureImportanceRow[], limit = 10): RankedDriver[] {
  const cleaned = rows.map((row) => ({
    feature: row.feature,
    label: row.label?.trim() || humanizeFeature(row.feature),
    score: Number.isFinite(row.importance) && row.importance > 0 ? row.importance : 0,
  }));
  const total = cleaned.reduce((sum, row) => sum + row.score, 0);
  const sorted = cleaned.toSorted((a, b) => b.score - a.score || a.label.localeCompare(b.label)).slice(0, limit);
  const top = sorted[0]?.score ?? 0;
  return sorted.map((row) => ({
    feature: row.feature,
    label: row.label,
    share: total > 0 ? row.score / total : 0,
    width: top > 0 ? row.score / top : 0,
  }));
}
