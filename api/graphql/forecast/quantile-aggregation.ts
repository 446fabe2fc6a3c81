/**
 * Aggregating quantile forecasts (pure). Summing the p10s of ten series does not give the p10 of
 * their total: quantiles are not additive. A group's (or a time bucket's) forecast is the
 * distribution of a SUM of random variables, one per member (series × date), each known only by a
 * few quantiles. We build it the way the issue asks for, by aggregating samples:
 *
 * 1. Each member's quantile function Q(u) is the piecewise-linear interpolation of its stored
 *    quantiles (u in (0, 1)); beyond the outermost stored level it is held flat, which slightly
 *    understates the spread of the tails.
 * 2. `independent` (default): members are treated as independent. We draw N Latin-hypercube
 *    samples per member (every member gets each probability stratum exactly once, in its own
 *    seeded random order), sum them sample by sample, and read the requested quantiles off the N
 *    sums. Deterministic (fixed seed), exact marginals, error O(1/N) in probability.
 * 3. `comonotonic`: members move together perfectly (one shared shock). Then the quantile of the
 *    sum IS the sum of the quantiles, exactly, so we add them. This is the widest plausible spread;
 *    retail series that share a season sit between the two, so BI users can ask for both bounds.
 *
 * A single member is returned exactly (its stored or interpolated quantiles), with no sampling.
 */
import { mulberry32 } from '../../forecasting/random.js';

export const Dependence = { INDEPENDENT: 'independent', COMONOTONIC: 'comonotonic' } as const;
export type Dependence = (typeof Dependence)[keyof typeof Dependence];

/** One member's forecast distribution: ascending levels in (0, 1) and non-decreasing values. */
export interface QuantileMember {
  readonly levels: readonly number[];
  readonly values: readonly number[];
}

export const DEFAULT_SAMPLES = 1000;

/** Q(u) by linear interpolation of the member's quantiles, flat beyond the outermost levels. */
export function quantileAt(member: QuantileMember, u: number): number {
  const { levels, values } = member;
  const n = levels.length;
  if (n === 0) return Number.NaN;
  if (u <= levels[0]!) return values[0]!;
  if (u >= levels[n - 1]!) return values[n - 1]!;
  let hi = 1;
  while (levels[hi]! < u) hi++;
  const lo = hi - 1;
  const l0 = levels[lo]!;
  const l1 = levels[hi]!;
  const w = (u - l0) / (l1 - l0);
  return values[lo]! + w * (values[hi]! - values[lo]!);
}

/** Empirical quantile of sorted samples (type-7 linear interpolation, as numpy's default). */
function empiricalQuantile(sorted: Float64Array, level: number): number {
  const h = (sorted.length - 1) * level;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface AggregateOptions {
  readonly dependence?: Dependence;
  readonly samples?: number;
  readonly seed?: number;
}

/**
 * The requested quantiles (`levels`, each in (0, 1)) of the sum of `members`. Returns one value
 * per level, non-decreasing in the level. An empty member list sums to 0.
 */
export function aggregateQuantiles(
  members: readonly QuantileMember[],
  levels: readonly number[],
  options: AggregateOptions = {},
): number[] {
  if (members.length === 0) return levels.map(() => 0);
  if (members.length === 1) return levels.map((l) => quantileAt(members[0]!, l));
  if ((options.dependence ?? Dependence.INDEPENDENT) === Dependence.COMONOTONIC) {
    return levels.map((l) => members.reduce((s, m) => s + quantileAt(m, l), 0));
  }
  const n = options.samples ?? DEFAULT_SAMPLES;
  const random = mulberry32(options.seed ?? 0x5eed);
  const sums = new Float64Array(n);
  const order = new Uint32Array(n);
  for (const member of members) {
    for (let i = 0; i < n; i++) order[i] = i;
    // Fisher–Yates: this member's own random assignment of strata to samples.
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    for (let i = 0; i < n; i++) sums[i] += quantileAt(member, (order[i]! + random()) / n);
  }
  sums.sort();
  return levels.map((l) => empiricalQuantile(sums, l));
}
