/**
 * The validation sample of a large panel (the `auto` rule's steps 2–6 in pipeline.ts): above
 * `VALIDATION_MAX_SERIES` series, candidates are backtested, scored, chosen and calibrated on a
 * deterministic, stratified sample of that many series instead of on every series; the chosen
 * model is then fitted on all series and forecasts all of them. Pure.
 *
 * Why: validation fits every candidate once per origin, and the per-series candidates cost time
 * in proportion to the series (at 3,000 M5 series validation was most of a run), while what it
 * estimates — which model forecasts this dataset best, and how wide its intervals should be — is
 * an average over series that a few thousand series measure well. The final fit and forecast
 * still see every series.
 *
 * The sample: strata are the Syntetos–Boylan demand class of each series' history (smooth,
 * erratic, intermittent, lumpy: what decides between the intermittent-demand and the smooth
 * models) crossed with its volume quartile (mean absolute value: the scaled metrics weigh series
 * differently by scale); each stratum gets its proportional share of the sample (largest
 * remainder), and within a stratum the series with the smallest hash of (seed, id) are taken,
 * so the sample depends only on the series, the seed and the size — not on the panel's order.
 */
import { demandClass, DEMAND_CLASSES } from './calibration.js';
import { meanAbsObserved } from './frames.js';
import type { Panel } from './types.js';

/** Panels with more series than this are validated on a sample of this many (pipeline.ts). */
export const VALIDATION_MAX_SERIES = 3000;

/** FNV-1a of the id, seeded: a series' place in its stratum's draw. */
function draw(seed: number, id: string): number {
  let h = (0x811c9dc5 ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  // Final avalanche (murmur3's), so ids that differ in one character spread over the range.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** The stratum of each series: demand class × volume quartile (index into the panel's series). */
export function sampleStrata(panel: Panel): string[] {
  const level = panel.series.map((s) => meanAbsObserved(s.target));
  const sorted = level.toSorted((a, b) => a - b);
  const cuts = [0.25, 0.5, 0.75].map((q) => sorted[Math.floor(q * (sorted.length - 1))]!);
  return panel.series.map((s, i) => {
    const quartile = cuts.filter((c) => level[i]! > c).length;
    return `${demandClass(s.target)}/q${quartile + 1}`;
  });
}

/**
 * The panel itself when it has at most `maxSeries` series; else a stratified sample of
 * `maxSeries` of its series (see the comment at the top), in the panel's order.
 */
export function validationSample(panel: Panel, seed: number, maxSeries = VALIDATION_MAX_SERIES): Panel {
  const n = panel.series.length;
  if (!Number.isInteger(maxSeries) || maxSeries < 1) {
    throw new RangeError(`maxSeries ${maxSeries} must be a positive integer`);
  }
  if (n <= maxSeries) return panel;
  const strata = sampleStrata(panel);
  const members = new Map<string, number[]>();
  for (const [i, key] of strata.entries()) {
    const m = members.get(key);
    if (m) m.push(i);
    else members.set(key, [i]);
  }
  // Proportional shares, largest remainder (ties: the stratum that comes first in a fixed order).
  const order = DEMAND_CLASSES.flatMap((c) => [1, 2, 3, 4].map((q) => `${c}/q${q}`)).filter((k) => members.has(k));
  const exact = order.map((k) => (members.get(k)!.length * maxSeries) / n);
  const take = exact.map(Math.floor);
  let left = maxSeries - take.reduce((a, b) => a + b, 0);
  const byRemainder = order.map((_, j) => j).toSorted((a, b) => exact[b]! - take[b]! - (exact[a]! - take[a]!) || a - b);
  for (const j of byRemainder) {
    if (left === 0) break;
    take[j]!++;
    left--;
  }
  const keep = new Set<number>();
  order.forEach((k, j) => {
    const ranked = members
      .get(k)!
      .map((i) => ({ i, h: draw(seed, panel.series[i]!.id) }))
      .toSorted((a, b) => a.h - b.h || (panel.series[a.i]!.id < panel.series[b.i]!.id ? -1 : 1));
    for (const { i } of ranked.slice(0, take[j])) keep.add(i);
  });
  return { ...panel, series: panel.series.filter((_, i) => keep.has(i)) };
}
