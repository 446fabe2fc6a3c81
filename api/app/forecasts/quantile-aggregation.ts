/**
 * Quantiles of totals (pure): the API's side of the engine's forecast distributions
 * (`forecasting/distribution.ts`, where the method is described). Summing the p10s of ten series
 * does not give the p10 of their total, and summing medians does not give its median: a group's
 * (or a time bucket's) forecast is the distribution of a SUM, one member per series × date.
 *
 * 1. Each member's marginal is its stored quantiles, with honest tails beyond the outermost
 *    levels and, for runs that stored one, its mean (distribution.ts `marginalOf`).
 * 2. `fitted` (default): members are joined as the run's fitted dependence says (one common
 *    factor across series, AR(1) across dates, a spread factor measured on validation totals);
 *    `independent`: no dependence; both sum sample paths and read the quantiles off the sums.
 *    A run without a fitted distribution (trained before it existed) is summed independently.
 * 3. `comonotonic`: members move together perfectly; the quantile of the sum is the sum of the
 *    quantiles (the widest plausible spread).
 * A single member is returned exactly (its marginal), with no sampling.
 */
import {
  ALL_SERIES_KIND,
  INDEPENDENT,
  marginalOf,
  marginalQuantile,
  totalQuantiles,
  type DependenceModel,
  type Marginal,
  type MemberForecast,
  type MemberPath,
} from '../../forecasting/distribution.js';

export const Dependence = { FITTED: 'fitted', INDEPENDENT: 'independent', COMONOTONIC: 'comonotonic' } as const;
export type Dependence = (typeof Dependence)[keyof typeof Dependence];

/** One member's forecast: ascending levels in (0, 1), non-decreasing values, the mean if stored. */
export type QuantileMember = MemberForecast;

/** A member that also names its series and date (members of one series form a path over dates). */
export interface DatedMember extends MemberForecast {
  readonly seriesId: number;
  readonly date: string;
}

export const DEFAULT_SAMPLES = 1000;

/**
 * The kind of a total (`AggregateOptions.kind`) from how its series were chosen: `all` with no
 * condition, the attribute of its one condition (a filter `store=S1`, or one group of
 * `groupBy: "store"`, or both on the same attribute); undefined for an intersection of two
 * attributes, which takes its size class's spread.
 */
export function totalKind(
  filters: readonly { readonly name: string }[],
  groupAttribute: string | undefined,
): string | undefined {
  const names = new Set([...filters.map((f) => f.name), ...(groupAttribute === undefined ? [] : [groupAttribute])]);
  if (names.size === 0) return ALL_SERIES_KIND;
  return names.size === 1 ? [...names][0] : undefined;
}

/** Q(u) of one member: interpolated between its levels, its tails beyond (never below 0 for units). */
export function quantileAt(member: QuantileMember, u: number): number {
  if (member.levels.length === 0) return Number.NaN;
  return marginalQuantile(marginalOf(member), u);
}

export interface AggregateOptions {
  readonly dependence?: Dependence;
  /** The run's fitted dependence (used by `fitted`). */
  readonly fitted?: DependenceModel | undefined;
  readonly samples?: number;
  readonly seed?: number;
  /**
   * What the total is, where the caller knows: `all` (every series) or the attribute whose one
   * group the members are (`store` for a store's total). A fitted dependence has a spread per kind
   * of total; without a kind, the total takes its size class's.
   */
  readonly kind?: string | undefined;
}

/**
 * The requested quantiles (`levels`, each in (0, 1)) of the sum of `members`. Members of the
 * same series on different dates are one path (their dates are the steps, in order). Returns one
 * value per level, non-decreasing in the level. An empty member list sums to 0.
 */
export function aggregateQuantiles(
  members: readonly (QuantileMember | DatedMember)[],
  levels: readonly number[],
  options: AggregateOptions = {},
): number[] {
  if (members.length === 0) return levels.map(() => 0);
  if (members.length === 1) return levels.map((l) => quantileAt(members[0]!, l));
  const dependence = options.dependence ?? Dependence.FITTED;
  const dates = [...new Set(members.map((m) => ('date' in m ? m.date : '')))].toSorted();
  const step = new Map(dates.map((d, i) => [d, i]));
  const paths = new Map<number | string, (Marginal | undefined)[]>();
  members.forEach((m, i) => {
    const key = 'seriesId' in m ? m.seriesId : `#${i}`;
    let path = paths.get(key);
    if (!path) paths.set(key, (path = Array.from({ length: dates.length }, (): Marginal | undefined => undefined)));
    path[step.get('date' in m ? m.date : '')!] = marginalOf(m);
  });
  const memberPaths: MemberPath[] = [...paths.values()].map((steps) => ({ steps }));
  const model =
    dependence === Dependence.COMONOTONIC
      ? 'comonotonic'
      : dependence === Dependence.FITTED
        ? (options.fitted ?? INDEPENDENT)
        : INDEPENDENT;
  return totalQuantiles(memberPaths, dates.length, levels, model, {
    samples: options.samples ?? DEFAULT_SAMPLES,
    seed: options.seed ?? 0x5eed,
    kind: options.kind,
  });
}
