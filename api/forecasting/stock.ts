/**
 * Stock maths (pure): from a series' forecast distribution to what to order and when.
 *
 * The policy is periodic review, order-up-to ("R, S"): every review period R the stock is
 * checked, and an order that arrives after the lead time L brings the inventory position back up
 * to S. An order placed now must cover demand until the order placed at the *next* review
 * arrives, i.e. over the protection interval L + R. Demand over an interval is the SUM of the
 * daily (per-period) forecast distribution over its steps, sampled as paths with the run's
 * dependence between steps (`distribution.ts` `sampleTotals`): never a normal approximation,
 * so an intermittent series (mostly zeros, the odd large sale) keeps its shape.
 *
 * With D_k the demand over the next k periods (k = 0: none), α the target cycle service level
 * (the probability that a replenishment cycle ends without a stock-out), IP = on hand + on order
 * (the inventory position; orders on the way are assumed to arrive within the lead time), and
 * Q_α(X) = min{x : P(X ≤ x) ≥ α} rounded up to a whole unit:
 * - order-up-to level            S  = Q_α(D_{L+R})
 * - safety stock                 SS = S − E[D_{L+R}]
 * - reorder point                s  = Q_α(D_L): below it, even an order placed now is likely
 *                                     (more than 1 − α) to arrive after the shelf is empty
 * - suggested order quantity     Q  = max(0, S − IP), rounded up to a whole unit
 * - days of cover                    the periods until the expected cumulative demand
 *                                     E[D_t] reaches the stock on hand (interpolated within a
 *                                     period; past the forecast, at its average rate)
 * - stock-out probability        P(D_L > IP): the probability that demand runs the stock out
 *                                     before an order placed now can be delivered
 *
 * One series' sampled sums are read through the run's `ownCalibration` where it has one
 * (`sampledDemandProfile`, `recalibratedSums`): Q_α becomes the sampled sum's Q at G⁻¹(α) and
 * P(D > x) becomes 1 − G(F(x)), G the share of the validation windows' sums that a whole-unit
 * level read at each probability covered (distribution.ts `fitOwnCalibration`). A total of several
 * series is read as sampled.
 *
 * `stockPlanFromPaths` works on given demand paths (tests give a small discrete distribution
 * whose answers are computed by hand); `stockPlan` samples the paths from stored marginals.
 */
import {
  DEFAULT_SAMPLES,
  marginalMean,
  ownCalibratedLevel,
  sampleTotals,
  type DependenceModel,
  type Marginal,
} from './distribution.js';

/** The stock position and policy of one series. */
export interface StockPolicyInput {
  /** Units on the shelf now (at the end of the last observed period). */
  readonly onHand: number;
  /** Units ordered and not yet delivered (assumed to arrive within the lead time). */
  readonly onOrder: number;
  /** Periods from placing an order to its delivery (whole periods, ≥ 0). */
  readonly leadTime: number;
  /** Periods between two reviews (orders) of this series (whole periods, ≥ 1). */
  readonly reviewPeriod: number;
  /** Target cycle service level, in (0, 1): the share of replenishment cycles with no stock-out. */
  readonly serviceLevel: number;
}

/** What to do about one series (module comment for each formula). */
export interface StockPlanResult {
  /** E[D_{L+R}]: expected demand over the lead time plus review period. */
  readonly expectedDemand: number;
  readonly safetyStock: number;
  readonly reorderPoint: number;
  readonly orderUpTo: number;
  readonly suggestedOrder: number;
  /** Periods the stock on hand lasts at the expected demand; null when no demand is expected. */
  readonly daysOfCover: number | null;
  /** P(D_L > on hand + on order). */
  readonly stockoutProbability: number;
  /** On hand + on order. */
  readonly inventoryPosition: number;
  /** The periods summed (L + R). */
  readonly protectionPeriods: number;
}

/** Why a policy cannot be planned (the caller turns it into a coded error naming the value). */
export class StockPolicyError extends Error {
  constructor(
    message: string,
    readonly field: keyof StockPolicyInput | 'horizon',
    readonly value: number,
  ) {
    super(message);
    this.name = 'StockPolicyError';
  }
}

/** Checks a policy against the steps of forecast available; throws StockPolicyError. */
export function assertStockPolicy(input: StockPolicyInput, horizon: number): void {
  const { onHand, onOrder, leadTime, reviewPeriod, serviceLevel } = input;
  if (!Number.isFinite(onHand) || onHand < 0)
    throw new StockPolicyError(`Stock on hand ${onHand} is not valid; give a number of units ≥ 0.`, 'onHand', onHand);
  if (!Number.isFinite(onOrder) || onOrder < 0)
    throw new StockPolicyError(
      `Stock on order ${onOrder} is not valid; give a number of units ≥ 0.`,
      'onOrder',
      onOrder,
    );
  if (!Number.isInteger(leadTime) || leadTime < 0)
    throw new StockPolicyError(`Lead time ${leadTime} is not valid; give whole periods ≥ 0.`, 'leadTime', leadTime);
  if (!Number.isInteger(reviewPeriod) || reviewPeriod < 1)
    throw new StockPolicyError(
      `Review period ${reviewPeriod} is not valid; give whole periods ≥ 1.`,
      'reviewPeriod',
      reviewPeriod,
    );
  if (!(serviceLevel > 0 && serviceLevel < 1))
    throw new StockPolicyError(
      `Service level ${serviceLevel} is not valid; give a probability strictly between 0 and 1, e.g. 0.95.`,
      'serviceLevel',
      serviceLevel,
    );
  if (leadTime + reviewPeriod > horizon)
    throw new StockPolicyError(
      `Lead time ${leadTime} + review period ${reviewPeriod} = ${leadTime + reviewPeriod} periods is longer than the ${horizon} periods the forecast covers; train with a horizon of at least ${leadTime + reviewPeriod} or shorten them.`,
      'horizon',
      leadTime + reviewPeriod,
    );
}

/** Q_α of samples: the smallest sample x with P(X ≤ x) ≥ α (inverse empirical CDF, no interpolation). */
export function lowerQuantile(sorted: ArrayLike<number>, level: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const k = Math.min(n - 1, Math.max(0, Math.ceil(level * n - 1e-9) - 1));
  return sorted[k]!;
}

/** Whole units: rounds up, forgiving floating-point dust (2.0000000001 is 2). */
function wholeUp(x: number): number {
  return Math.ceil(x - 1e-9) + 0; // + 0: never −0
}

/**
 * What a plan needs from the demand, whatever the stock: E[D_{L+R}], S = Q_α(D_{L+R}),
 * s = Q_α(D_L), and D_L's sorted samples (for P(D_L > IP)). Cacheable per run, series and policy.
 */
export interface DemandProfile {
  readonly expectedDemand: number;
  readonly orderUpTo: number;
  readonly reorderPoint: number;
  /** Sorted samples of D_L (possibly thinned to evenly spaced order statistics). */
  readonly leadTimeDemand: Float64Array;
  /** Sorted samples of D_{L+R}, where kept (not in cached profiles). */
  readonly protectionDemand?: Float64Array;
  readonly protectionPeriods: number;
}

/** The demand profile from paths (`stockPlanFromPaths`); needs at least L + R steps. */
export function demandProfile(
  byStep: readonly ArrayLike<number>[],
  policy: Pick<StockPolicyInput, 'leadTime' | 'reviewPeriod' | 'serviceLevel'>,
): DemandProfile {
  const { leadTime: L, reviewPeriod: R, serviceLevel: alpha } = policy;
  const n = byStep[0]?.length ?? 0;
  const cumL = new Float64Array(n);
  const cumLR = new Float64Array(n);
  for (let t = 0; t < L + R; t++) {
    const row = byStep[t]!;
    for (let i = 0; i < n; i++) {
      if (t < L) cumL[i] += row[i]!;
      cumLR[i] += row[i]!;
    }
  }
  let expected = 0;
  for (let i = 0; i < n; i++) expected += cumLR[i]!;
  cumL.sort();
  cumLR.sort();
  return {
    expectedDemand: n > 0 ? expected / n : 0,
    orderUpTo: wholeUp(lowerQuantile(cumLR, alpha)),
    reorderPoint: wholeUp(lowerQuantile(cumL, alpha)),
    leadTimeDemand: cumL,
    protectionDemand: cumLR,
    protectionPeriods: L + R,
  };
}

/** P(X > x) from sorted samples of X. */
export function exceedanceProbability(sorted: ArrayLike<number>, x: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  // First index whose sample exceeds x (binary search).
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! > x + 1e-9) hi = mid;
    else lo = mid + 1;
  }
  return (n - lo) / n;
}

/** The plan of a stock position under a demand profile (module comment for each formula). */
export function planFromProfile(
  profile: DemandProfile,
  stock: Pick<StockPolicyInput, 'onHand' | 'onOrder'>,
  expectedPerPeriod: readonly number[],
): StockPlanResult {
  const position = stock.onHand + stock.onOrder;
  return {
    expectedDemand: profile.expectedDemand,
    safetyStock: profile.orderUpTo - profile.expectedDemand,
    reorderPoint: profile.reorderPoint,
    orderUpTo: profile.orderUpTo,
    suggestedOrder: Math.max(0, wholeUp(profile.orderUpTo - position)),
    daysOfCover: daysOfCover(stock.onHand, expectedPerPeriod),
    stockoutProbability: exceedanceProbability(profile.leadTimeDemand, position),
    inventoryPosition: position,
    protectionPeriods: profile.protectionPeriods,
  };
}

/**
 * The plan from demand paths: `byStep[t][s]` is sample s of the demand in period t (t = 0 is the
 * first forecast period), all samples equally likely. Needs at least L + R steps. Days of cover
 * use `expectedPerPeriod` (exact means) when given, else the paths' means.
 */
export function stockPlanFromPaths(
  byStep: readonly ArrayLike<number>[],
  input: StockPolicyInput,
  expectedPerPeriod?: readonly number[],
): StockPlanResult {
  assertStockPolicy(input, byStep.length);
  const n = byStep[0]?.length ?? 0;
  const stepMeans = byStep.map((row) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += row[i]!;
    return n > 0 ? s / n : 0;
  });
  return planFromProfile(demandProfile(byStep, input), input, expectedPerPeriod ?? stepMeans);
}

/**
 * Periods until the expected cumulative demand reaches `stock`: within the forecast, linear
 * within the period where it does; past it, at the forecast's average rate. Null when no demand
 * is expected at all (the stock lasts for ever as far as the forecast knows).
 */
export function daysOfCover(stock: number, expectedPerPeriod: readonly number[]): number | null {
  // Nothing on hand covers no day, even when the first periods expect no sales.
  if (stock <= 0) return 0;
  let cum = 0;
  for (let t = 0; t < expectedPerPeriod.length; t++) {
    const d = Math.max(0, expectedPerPeriod[t]!);
    if (cum + d >= stock && d > 0) return t + (stock - cum) / d;
    cum += d;
  }
  const rate = expectedPerPeriod.length > 0 ? cum / expectedPerPeriod.length : 0;
  if (!(rate > 0)) return null;
  return expectedPerPeriod.length + (stock - cum) / rate;
}

export interface StockSampleOptions {
  readonly samples?: number;
  readonly seed?: number;
}

/** Samples per plan: a 95 % quantile rests on the 50 samples above it (plans of every series are sorted by urgency). */
export const STOCK_SAMPLES = DEFAULT_SAMPLES;

/**
 * The demand profile of a total of members (one member: one series), each given as its forecast
 * marginals per period from the first forecast period on, joined by the run's dependence.
 * Deterministic for a seed.
 */
export function sampledDemandProfile(
  members: readonly (readonly (Marginal | undefined)[])[],
  dependence: DependenceModel,
  policy: Pick<StockPolicyInput, 'leadTime' | 'reviewPeriod' | 'serviceLevel'>,
  options: StockSampleOptions = {},
): DemandProfile {
  // Paths over the periods the quantiles read (L + R).
  const protection = policy.leadTime + policy.reviewPeriod;
  const { byStep } = sampleTotals(
    members.map((steps) => ({ steps: steps.slice(0, protection) })),
    protection,
    dependence,
    { samples: options.samples ?? STOCK_SAMPLES, seed: options.seed ?? 0x570c },
  );
  // E[D_{L+R}] exactly, from the marginals' means (the samples' mean only estimates it).
  const exact = expectedDemandPerPeriod(members.map((steps) => steps.slice(0, protection)));
  const expectedDemand = exact.reduce((a, b) => a + b, 0);
  const sampled = demandProfile(byStep, policy);
  // One series' own sums are read as the run's validation sums showed they serve
  // (`ownCalibration`); a total of several series is read as sampled.
  const present = members.filter((steps) => steps.slice(0, protection).some((m) => m !== undefined)).length;
  if (present !== 1 || !dependence.ownCalibration) return { ...sampled, expectedDemand };
  const leadTimeDemand = recalibratedSums(sampled.leadTimeDemand, policy.leadTime, dependence);
  const protectionDemand = recalibratedSums(sampled.protectionDemand!, protection, dependence);
  return {
    ...sampled,
    expectedDemand,
    orderUpTo: wholeUp(lowerQuantile(protectionDemand, policy.serviceLevel)),
    reorderPoint: wholeUp(lowerQuantile(leadTimeDemand, policy.serviceLevel)),
    leadTimeDemand,
    protectionDemand,
  };
}

/**
 * Sorted samples of one series' sum over its first `steps` steps, recalibrated: sample k of n is
 * the sampled sum's Q(G⁻¹((k + 1)/n)) (`ownCalibratedLevel`), so that a level α read off them is
 * the sampled sum's Q(G⁻¹(α)), and the share of them above a position x is 1 − G(F(x)). Unchanged
 * where the run has no calibration.
 */
export function recalibratedSums(sorted: Float64Array, steps: number, dependence: DependenceModel): Float64Array {
  if (!dependence.ownCalibration || steps < 1) return sorted;
  const n = sorted.length;
  return Float64Array.from({ length: n }, (_, k) =>
    lowerQuantile(sorted, ownCalibratedLevel(dependence, steps, (k + 1) / n)),
  );
}

/** Expected demand per period of a total of members (exact marginal means). */
export function expectedDemandPerPeriod(members: readonly (readonly (Marginal | undefined)[])[]): number[] {
  const steps = Math.max(0, ...members.map((m) => m.length));
  const out = Array.from({ length: steps }, () => 0);
  for (const m of members) m.forEach((x, t) => (out[t]! += x ? marginalMean(x) : 0));
  return out;
}

/**
 * The plan of one series from its forecast marginals (one per period, from the first forecast
 * period on) and the run's dependence across periods. Deterministic for a seed.
 */
export function stockPlan(
  steps: readonly Marginal[],
  dependence: DependenceModel,
  input: StockPolicyInput,
  options: StockSampleOptions = {},
): StockPlanResult {
  assertStockPolicy(input, steps.length);
  const profile = sampledDemandProfile([steps], dependence, input, options);
  return planFromProfile(profile, input, expectedDemandPerPeriod([steps]));
}
