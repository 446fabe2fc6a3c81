/**
 * Forecast distributions and their sums (pure): what a total over series and dates, any quantile
 * level and (later) stock over a lead time are computed from.
 *
 * ## One member's marginal
 * A forecast point (one series, one date) is stored as a few quantiles (p10/p50/p90 by default)
 * and, from runs that fitted a distribution, its mean. Its quantile function Q(u), u in (0, 1):
 * - between the stored levels: linear interpolation;
 * - above the highest level q_K: an exponential tail, `Q(u) = v_K + b · ln((1 − q_K)/(1 − u))`.
 *   With a stored mean m, b is the one scale that gives the marginal that mean (never below 0);
 *   without, b continues the upper half's spread as an exponential would,
 *   `(v_K − v_50)/ln(0.5/(1 − q_K))`;
 * - below the lowest level q_1: the mirror, `Q(u) = v_1 − c · ln(q_1/u)` with
 *   `c = (v_50 − v_1)/ln(q_1… 0.5)`, floored at `lower` (0 for units: sales are never negative).
 * Held flat beyond p10/p90 (what the product did before), a member loses the tail that carries
 * much of an intermittent series' mean, and a total of many such members comes out far too low.
 *
 * ## The mean
 * Quantile models estimate quantiles, not means, and the median of an intermittent series is often
 * 0 while its mean is not. `fitDistribution` fits, per Syntetos–Boylan demand class, a mean model
 * on the validation windows of the chosen model: the point mean is `m = α·QM + β·h`, QM the mean
 * of the marginal without a stored mean (tails as above) and h the series' recent level (mean of
 * its last `MEAN_LOOKBACK` observed points); α, β ≥ 0 by least squares against what sold.
 * A mean below what a linear body carries bends the body (γ > 1: the mass sits at the lower
 * value, as for a point mass at 0); a mean below what even a step carries (p90 = 1 unit alone
 * carries 0.1) gets a point mass at 0 below the stored shape (`zeroMass`), so that every marginal
 * has the mean the model gave it: an intermittent item that sells nothing for a fortnight.
 *
 * ## Dependence
 * Members are joined by a Gaussian copula with one common factor and first-order autocorrelation:
 * member i at step t draws `z = √ρ · F_t + √(1 − ρ) · e_{i,t}`, `u = Φ(z)`, value `Q_{i,t}(u)`;
 * `F_t` and each `e_{i,·}` are AR(1) across the steps (φ_common, φ_own). ρ, φ_common and φ_own are
 * estimated at training time from the validation errors: each validation actual's PIT
 * u = F̂(y) (randomised across a point mass, as at 0 for intermittent series) gives z = Φ⁻¹(u);
 * for n series the mean z̄_t of a step has E[z̄²] = ρ + (1 − ρ)/n, so
 * ρ̂ = (mean z̄² − 1/n)/(1 − 1/n). A common bias of the validation window counts into ρ on
 * purpose: it is exactly what moves a total off its median. φ_common is the lag-1
 * autocovariance of z̄ over ρ̂, φ_own the lag-1 autocorrelation of z − z̄ pooled over series.
 * What three quantiles, a mean and this copula still get wrong about the spread of a sum, a
 * factor κ measured on the validation totals corrects (`fitSpread`), one per size class of the
 * total (2–9, 10–49, 50–249, 250+ series) and per kind of bucket (one step, or several: a week):
 * a large total's spread is set by the common factor, a small one's by its members' own shapes,
 * and a week's by the autocorrelation too; one κ for all of them left large totals too wide and
 * small ones too narrow, or days right and weeks wrong. A total that says its kind (all series, a
 * store's, a category's) has a κ of that kind, drawn towards its size class's: one factor shared
 * by every series cannot tell a store's departments, which share its local shocks, from a
 * department's stores, which share little. One series' own sum over several steps (a
 * stock plan's lead time plus review period) has a κ of its own (`fitOwnSpread`), fitted the same
 * way on each series' 7-day sums of the validation windows. A stock plan reads one series' sum in
 * whole units (order up to ⌈Q(p)⌉), and how often such a reading covered what sold is measured on
 * the validation sums too (`fitOwnCalibration`): the plan reads at the p that covered its target
 * there, which takes in whole units on a slow item, the sum's shape and the mean's bias at once.
 * Totals are then sums of sample paths, sample by sample (never sums of medians), and any level
 * is read off the sorted sums.
 */
import { demandClass, DEMAND_CLASSES, type DemandClass } from './calibration.js';
import { mulberry32 } from './random.js';
import type { Frequency, Panel, QuantileForecast } from './types.js';

// ───────────────────────────── normal distribution ─────────────────────────────

/** Standard normal CDF (Zelen & Severo, Abramowitz–Stegun 26.2.17: |error| < 7.5e-8). */
export function normalCdf(x: number): number {
  if (x < -8) return 0;
  if (x > 8) return 1;
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const d = 0.3989422804014327 * Math.exp((-x * x) / 2);
  const p = d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return x > 0 ? 1 - p : p;
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lowP = 0.02425;
  if (p < lowP) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lowP) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return (
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** A seeded standard-normal generator (Box–Muller on mulberry32). */
export function normalGenerator(seed: number): () => number {
  const random = mulberry32(seed);
  let spare = Number.NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = Number.NaN;
      return s;
    }
    let u = random();
    while (u <= 0) u = random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

// ───────────────────────────── one member's marginal ─────────────────────────────

/** A member as stored: ascending levels in (0, 1) with non-decreasing values, and its mean if known. */
export interface MemberForecast {
  readonly levels: readonly number[];
  readonly values: readonly number[];
  readonly mean?: number | null | undefined;
}

/** A member's marginal, ready to evaluate: the stored quantiles plus its tail scales and body shape. */
export interface Marginal {
  readonly levels: readonly number[];
  readonly values: readonly number[];
  /** Upper tail scale b (≥ 0). */
  readonly upper: number;
  /** Lower tail scale c (≥ 0). */
  readonly lowerScale: number;
  /** The floor: 0 for units, −∞ where negatives are allowed. */
  readonly floor: number;
  /**
   * Shape of the body between stored levels: `Q = v_j + (v_{j+1} − v_j)·w^γ`, w the position in
   * the segment. 1 = linear; above 1 the mass sits at the lower value (a point mass at 0 that
   * reaches close to the next level, as in an intermittent series whose p50 is 0 and p90 is 1).
   */
  readonly gamma: number;
  /**
   * π: the probability of a point mass at the floor below everything else (0 when absent): the
   * marginal is `floor` for u < π and the stored shape at (u − π)/(1 − π) above. Only where a
   * stored mean is below what the stored quantiles can carry even as a step (γ = MAX_GAMMA).
   */
  readonly zeroMass?: number;
}

function medianOf(levels: readonly number[], values: readonly number[]): number {
  const i = levels.indexOf(0.5);
  if (i >= 0) return values[i]!;
  const n = levels.length;
  if (0.5 <= levels[0]!) return values[0]!;
  if (0.5 >= levels[n - 1]!) return values[n - 1]!;
  let hi = 1;
  while (levels[hi]! < 0.5) hi++;
  const l0 = levels[hi - 1]!;
  const w = (0.5 - l0) / (levels[hi]! - l0);
  return values[hi - 1]! + w * (values[hi]! - values[hi - 1]!);
}

/** The default (mean-free) tail scales: exponential continuations of each half's spread. */
function defaultScales(levels: readonly number[], values: readonly number[]): { upper: number; lowerScale: number } {
  const n = levels.length;
  const m = medianOf(levels, values);
  const qK = levels[n - 1]!;
  const q1 = levels[0]!;
  const upper = qK > 0.5 ? Math.max(0, values[n - 1]! - m) / Math.log(0.5 / (1 - qK)) : 0;
  const lowerScale = q1 < 0.5 ? Math.max(0, m - values[0]!) / Math.log(0.5 / q1) : 0;
  return { upper, lowerScale };
}

/** ∫ Q(u) du over (0, q_1): the lower tail, floored. */
function lowerIntegral(q1: number, v1: number, c: number, floor: number): number {
  if (v1 <= floor) return q1 * floor;
  if (c <= 0) return q1 * v1;
  if (floor === Number.NEGATIVE_INFINITY) return q1 * (v1 - c);
  // log(q1/u*) is (v1 − floor)/c exactly; computed as a ratio it overflows where u* is subnormal
  // (a tail scale c a million times below v1: a mean of Infinity, then NaN).
  const z = (v1 - floor) / c;
  const uStar = q1 * Math.exp(-z);
  return floor * uStar + v1 * (q1 - uStar) - c * (q1 - uStar - uStar * z);
}

/** ∫ Q(u) du over (q_1, q_K): Σ Δq · (v_j + Δv/(γ + 1)). */
function bodyIntegral(levels: readonly number[], values: readonly number[], gamma = 1): number {
  let s = 0;
  for (let k = 1; k < levels.length; k++) {
    s += (levels[k]! - levels[k - 1]!) * (values[k - 1]! + (values[k]! - values[k - 1]!) / (gamma + 1));
  }
  return s;
}

/** The largest body shape γ (close to a step). */
export const MAX_GAMMA = 50;

/**
 * The marginal of a member: tails as in the module comment. With a mean m: if the quantiles with
 * a linear body and no upper tail have a mean below m, the upper scale b that gives m; if above
 * (the body overstates a point mass at its lower value), b = 0 and the body shape γ > 1 that
 * gives m. `floor` 0 keeps every value ≥ 0 (units); a member whose lowest stored value is
 * below the floor has none (a dataset in money that allows negatives).
 */
export function marginalOf(member: MemberForecast, floor = 0): Marginal {
  const { levels, values } = member;
  const n = levels.length;
  // A member whose stored values already go below the floor allows negatives (money).
  const f = (values[0] ?? 0) < floor ? Number.NEGATIVE_INFINITY : floor;
  if (n === 0) return { levels: [0.5], values: [0], upper: 0, lowerScale: 0, floor: f, gamma: 1 };
  const scales = defaultScales(levels, values);
  let upper = scales.upper;
  let gamma = 1;
  const mean = member.mean;
  if (mean !== null && mean !== undefined && Number.isFinite(mean) && levels[n - 1]! < 1) {
    const qK = levels[n - 1]!;
    const low = lowerIntegral(levels[0]!, values[0]!, scales.lowerScale, f);
    const top = (1 - qK) * values[n - 1]!;
    const linear = low + bodyIntegral(levels, values, 1) + top;
    if (mean >= linear) {
      upper = (mean - linear) / (1 - qK);
    } else {
      upper = 0;
      // body(γ) = base + rise/(γ + 1): solve for the mean, within [1, MAX_GAMMA].
      let base = 0;
      let rise = 0;
      for (let k = 1; k < n; k++) {
        base += (levels[k]! - levels[k - 1]!) * values[k - 1]!;
        rise += (levels[k]! - levels[k - 1]!) * (values[k]! - values[k - 1]!);
      }
      const need = mean - low - top - base;
      gamma = need > 0 && rise > 0 ? Math.min(MAX_GAMMA, Math.max(1, rise / need - 1)) : MAX_GAMMA;
      // Below even a step's mean (γ = MAX_GAMMA: the top segment alone carries more, as a p90 of
      // 1 unit carries 0.1): the rest is a point mass at the floor, the shape kept above it.
      if (Number.isFinite(f)) {
        const shapeMean = low + base + rise / (gamma + 1) + top;
        if (mean < shapeMean - 1e-12 && shapeMean > f) {
          const zeroMass = Math.min(1, Math.max(0, 1 - (Math.max(f, mean) - f) / (shapeMean - f)));
          return { levels, values, upper, lowerScale: scales.lowerScale, floor: f, gamma, zeroMass };
        }
      }
    }
  }
  return { levels, values, upper, lowerScale: scales.lowerScale, floor: f, gamma };
}

/** Q(u) of a marginal. */
export function marginalQuantile(m: Marginal, u: number): number {
  const pi = m.zeroMass ?? 0;
  if (pi > 0) {
    if (u <= pi) return m.floor;
    u = (u - pi) / (1 - pi);
  }
  const { levels, values } = m;
  const n = levels.length;
  const q1 = levels[0]!;
  const qK = levels[n - 1]!;
  if (u < q1) {
    const v = m.lowerScale > 0 ? values[0]! - m.lowerScale * Math.log(q1 / u) : values[0]!;
    return v < m.floor ? m.floor : v;
  }
  if (u > qK) return m.upper > 0 ? values[n - 1]! + m.upper * Math.log((1 - qK) / (1 - u)) : values[n - 1]!;
  if (n === 1) return values[0]!;
  let hi = 1;
  while (hi < n - 1 && levels[hi]! < u) hi++;
  const l0 = levels[hi - 1]!;
  const w = (u - l0) / (levels[hi]! - l0);
  return values[hi - 1]! + (m.gamma === 1 ? w : w ** m.gamma) * (values[hi]! - values[hi - 1]!);
}

/** The mean of a marginal (closed form). */
export function marginalMean(m: Marginal): number {
  const n = m.levels.length;
  const qK = m.levels[n - 1]!;
  const shape =
    lowerIntegral(m.levels[0]!, m.values[0]!, m.lowerScale, m.floor) +
    bodyIntegral(m.levels, m.values, m.gamma) +
    (1 - qK) * (m.values[n - 1]! + m.upper);
  const pi = m.zeroMass ?? 0;
  return pi > 0 ? pi * m.floor + (1 - pi) * shape : shape;
}

/**
 * The probability range that maps to y: [P(Y < y), P(Y ≤ y)] (equal unless y is a point mass,
 * such as 0 for an intermittent series whose p10 and p50 are 0). By bisection on Q.
 */
export function marginalCdfRange(m: Marginal, y: number): [number, number] {
  const below = (strict: boolean): number => {
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2;
      const q = marginalQuantile(m, mid);
      if (strict ? q < y : q <= y) lo = mid;
      else hi = mid;
    }
    return lo;
  };
  return [below(true), below(false)];
}

// ───────────────────────────── dependence and sampling ─────────────────────────────

/** The dependence between members (module comment). */
export interface DependenceModel {
  /** Loading of the common factor, in [0, 1): 0 = independent series. */
  readonly rho: number;
  /** AR(1) coefficient of the common factor across consecutive steps. */
  readonly phiCommon: number;
  /** AR(1) coefficient of each series' own shock across consecutive steps. */
  readonly phiOwn: number;
  /**
   * κ: a sum's deviations from its mean are scaled by it (1 when absent), the factor that puts
   * 80 % of the validation totals inside their 10–90 % interval (`fitDistribution`). It corrects
   * what the members' marginals get wrong about their spread (three quantiles and a mean do not
   * fix a shape), measured where it matters: on sums.
   */
  readonly spread?: number;
  /**
   * κ per size class and bucket kind of the total (`fitSpread`), ascending in `minSeries`: a
   * total of n series over one step (several steps) uses the one-step (several-step) class with
   * the largest `minSeries` ≤ n (the first class below it); without a class of its bucket kind,
   * the other kind's. Absent (runs trained before): `spread` for every total.
   */
  readonly spreadBySize?: readonly SizeSpread[];
  /**
   * κ per kind of total (`fitSpread`): the total of all series (`all`) and the groups of each
   * static attribute (`store`, `category`, …), by bucket kind, shrunk towards their size class's
   * κ. A total that says its kind (`SampleOptions.kind`: a chart of one store's total, of each
   * category, of everything) takes it; any other total its size class's. The groups of two
   * attributes can be the same size and still move very differently (a store's departments share
   * its local shocks, a department's stores share little), so one κ per size class left one kind
   * too wide and the other too narrow. Absent (runs trained before): the size classes.
   */
  readonly spreadByKind?: readonly KindSpread[];
  /**
   * κ of ONE series' own sum over several steps (a stock plan's lead time plus review period, a
   * series' week of days), fitted on the validation windows' single-series block sums
   * (`fitOwnSpread`). Absent (runs trained before): such a sum takes `spread`, the pooled κ of
   * totals of two or more series.
   */
  readonly ownSpread?: number;
  /**
   * ONE series' sum over its first m steps read as a decision in whole units (a stock plan's
   * order-up-to level ⌈Q(p)⌉ and the stock-out probability at a position), recalibrated on the
   * validation windows (`fitOwnCalibration`): per sum length m, the level p = G⁻¹(α) at which the
   * sampled sum must be read for a whole-unit level that held α of the validation sums. Absent
   * (runs trained before, or too few validation sums): the sampled sum is read at α itself.
   */
  readonly ownCalibration?: readonly SumCalibration[];
}

/** G⁻¹ of one series' sums over their first `steps` steps (`DependenceModel.ownCalibration`). */
export interface SumCalibration {
  readonly steps: number;
  /** G⁻¹ at the levels 0, 1/K, …, 1 (K = OWN_CALIBRATION_GRID): non-decreasing, 0 at 0 and 1 at 1. */
  readonly levels: readonly number[];
  /** Validation sums it was fitted on. */
  readonly sums: number;
}

/** κ for totals of at least `minSeries` series (up to the next class), over one step or several. */
export interface SizeSpread {
  readonly minSeries: number;
  /** True: totals over several steps (a week of days); false: one step. */
  readonly multiStep: boolean;
  readonly spread: number;
}

/** κ for the totals of one kind (`DependenceModel.spreadByKind`), over one step or several. */
export interface KindSpread {
  /** `all` (every series of the run) or the static attribute whose groups these totals are. */
  readonly kind: string;
  readonly multiStep: boolean;
  readonly spread: number;
}

/** The kind of the total of all series (`KindSpread.kind`). */
export const ALL_SERIES_KIND = 'all';

/** Lower bounds of κ's size classes, in series: 2–9, 10–49, 50–249, 250+. */
export const SPREAD_SIZE_CLASSES: readonly number[] = [2, 10, 50, 250];

/**
 * κ of a total of `members` series over `steps` steps under `dependence` (1 when none was
 * fitted); `kind`: the total's kind (`KindSpread`) where the caller knows it.
 */
export function spreadFor(dependence: DependenceModel, members: number, steps: number, kind?: string): number {
  const all = dependence.spreadBySize;
  // One series' own sum over its steps (a stock plan's lead time) has a κ of its own where the run
  // fitted one; before, it kept the pooled κ (the size classes start at totals of two series).
  if (members < 2 && steps > 1 && dependence.ownSpread !== undefined) return dependence.ownSpread;
  if (kind !== undefined && members >= 2 && dependence.spreadByKind) {
    // Its own bucket kind first, else the same kind's other one (weekly data has no multi-step κ).
    const own = dependence.spreadByKind.filter((c) => c.kind === kind);
    const k = own.find((c) => c.multiStep === steps > 1) ?? own[0];
    if (k) return k.spread;
  }
  if (!all || all.length === 0 || members < 2) return dependence.spread ?? 1;
  const own = all.filter((c) => c.multiStep === steps > 1);
  const classes = own.length > 0 ? own : all.filter((c) => c.multiStep !== steps > 1);
  let k = classes[0]!;
  for (const c of classes) if (c.minSeries <= members) k = c;
  return k.spread;
}

export const INDEPENDENT: DependenceModel = { rho: 0, phiCommon: 0, phiOwn: 0 };

/** One member of a total: its marginal at each of the total's steps (undefined where it has no forecast). */
export interface MemberPath {
  readonly steps: readonly (Marginal | undefined)[];
}

export interface SampleOptions {
  readonly samples?: number;
  readonly seed?: number;
  /**
   * The total's kind where the caller knows it (`KindSpread`): `all`, or the attribute whose one
   * group the members are (a store's total: `store`). Else the κ of its size class.
   */
  readonly kind?: string | undefined;
}

export const DEFAULT_SAMPLES = 1000;

/**
 * Sample paths of a set of members over `steps` consecutive steps, summed over the members:
 * `byStep[t][s]` is sample s of the total at step t, `total[s]` its sum over the steps. The
 * members are joined as `dependence` says. Deterministic for a seed.
 */
export function sampleTotals(
  members: readonly MemberPath[],
  steps: number,
  dependence: DependenceModel,
  options: SampleOptions = {},
): { byStep: Float64Array[]; total: Float64Array } {
  const n = options.samples ?? DEFAULT_SAMPLES;
  const normal = normalGenerator(options.seed ?? 0x5eed);
  const byStep = Array.from({ length: steps }, () => new Float64Array(n));
  const total = new Float64Array(n);
  const rho = Math.min(0.999, Math.max(0, dependence.rho));
  const a = Math.sqrt(rho);
  const b = Math.sqrt(1 - rho);
  const pc = Math.min(0.999, Math.max(-0.999, dependence.phiCommon));
  const po = Math.min(0.999, Math.max(-0.999, dependence.phiOwn));
  const ic = Math.sqrt(1 - pc * pc);
  const io = Math.sqrt(1 - po * po);
  const common = new Float64Array(steps);
  for (let s = 0; s < n; s++) {
    if (rho > 0) {
      for (let t = 0; t < steps; t++) common[t] = t === 0 ? normal() : pc * common[t - 1]! + ic * normal();
    }
    for (const member of members) {
      let e = 0;
      for (let t = 0; t < steps; t++) {
        e = t === 0 ? normal() : po * e + io * normal();
        const m = member.steps[t];
        if (!m) continue;
        const u = normalCdf(rho > 0 ? a * common[t]! + b * e : e);
        const v = marginalQuantile(m, Math.min(1 - 1e-9, Math.max(1e-9, u)));
        byStep[t]![s] += v;
        total[s] += v;
      }
    }
  }
  const present = members.reduce((count, m) => (m.steps.some((x) => x !== undefined) ? count + 1 : count), 0);
  let used = 0;
  for (let t = 0; t < steps; t++) if (members.some((m) => m.steps[t] !== undefined)) used++;
  const kappa = spreadFor(dependence, present, used, options.kind);
  if (kappa !== 1) {
    // Deviations from the exact mean scaled by κ, step by step (so the total's are too).
    let floored = true;
    const means = new Float64Array(steps);
    for (const member of members) {
      for (let t = 0; t < steps; t++) {
        const m = member.steps[t];
        if (!m) continue;
        means[t] += marginalMean(m);
        if (!(m.floor >= 0)) floored = false;
      }
    }
    total.fill(0);
    for (let t = 0; t < steps; t++) {
      const row = byStep[t]!;
      for (let s = 0; s < n; s++) {
        const v = means[t]! + kappa * (row[s]! - means[t]!);
        row[s] = floored && v < 0 ? 0 : v;
        total[s] += row[s]!;
      }
    }
  }
  return { byStep, total };
}

/** Empirical quantile of sorted samples (type-7 linear interpolation, numpy's default). */
export function empiricalQuantile(sorted: ArrayLike<number>, level: number): number {
  const h = (sorted.length - 1) * level;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * The quantiles at `levels` of the sum of `members` (all their steps): one member at one step is
 * exact (its marginal), a comonotonic sum adds the members' quantiles, anything else is read off
 * sampled sums. Non-decreasing in the level.
 */
export function totalQuantiles(
  members: readonly MemberPath[],
  steps: number,
  levels: readonly number[],
  dependence: DependenceModel | 'comonotonic',
  options: SampleOptions = {},
): number[] {
  const present = members.flatMap((m) => m.steps.filter((x): x is Marginal => x !== undefined));
  if (present.length === 0) return levels.map(() => 0);
  if (present.length === 1) return levels.map((l) => marginalQuantile(present[0]!, l));
  if (dependence === 'comonotonic') {
    return levels.map((l) => present.reduce((s, m) => s + marginalQuantile(m, l), 0));
  }
  const { total } = sampleTotals(members, steps, dependence, options);
  total.sort();
  return levels.map((l) => empiricalQuantile(total, l));
}

// ───────────────────────────── fitting at training time ─────────────────────────────

/** Points of recent history that give a series' level h, by frequency. */
export const MEAN_LOOKBACK: Readonly<Record<Frequency, number>> = { D: 56, W: 13, M: 12 };

/** The largest coefficient α or β of the mean model. */
export const MAX_MEAN_LIFT = 2;
/** Validation points a class needs for its own lift. */
export const MIN_CLASS_POINTS = 200;
/** The largest common-factor loading estimated. */
export const MAX_RHO = 0.95;

/** The point mean m = α·QM + β·h (module comment). */
export interface MeanCoefficients {
  readonly alpha: number;
  readonly beta: number;
}

/** The mean model that leaves the quantiles' own mean. */
export const IDENTITY_MEAN = { pooled: { alpha: 1, beta: 0 }, byClass: {} } as const;

/** Least squares of y on QM and h without intercept, both coefficients in [0, MAX_MEAN_LIFT]. */
const clampLift = (x: number): number => Math.min(MAX_MEAN_LIFT, Math.max(0, x));

function solveMean(e: { qq: number; qh: number; hh: number; yq: number; yh: number }): MeanCoefficients {
  const clamp = clampLift;
  const det = e.qq * e.hh - e.qh * e.qh;
  if (det > 1e-12 * Math.max(1, e.qq * e.hh)) {
    const alpha = (e.yq * e.hh - e.yh * e.qh) / det;
    const beta = (e.yh * e.qq - e.yq * e.qh) / det;
    if (alpha >= 0 && beta >= 0) return { alpha: clamp(alpha), beta: clamp(beta) };
  }
  // One predictor alone: the one with the smaller residual.
  const a = e.qq > 0 ? e.yq / e.qq : 0;
  const b = e.hh > 0 ? e.yh / e.hh : 0;
  const ssA = e.qq > 0 ? -(e.yq * e.yq) / e.qq : 0;
  const ssB = e.hh > 0 ? -(e.yh * e.yh) / e.hh : 0;
  if (e.qq > 0 && (ssA <= ssB || e.hh <= 0)) return { alpha: clamp(a), beta: 0 };
  if (e.hh > 0) return { alpha: 0, beta: clamp(b) };
  return { alpha: 1, beta: 0 };
}

/** What a run stores to rebuild its members' distributions and their dependence. */
export interface DistributionModel {
  readonly version: 1;
  /** The mean model per demand class, and pooled. */
  readonly meanLift: {
    readonly pooled: MeanCoefficients;
    readonly byClass: Readonly<Partial<Record<DemandClass, MeanCoefficients>>>;
  };
  readonly dependence: DependenceModel;
  /** Validation points the model was fitted on. */
  readonly points: number;
}

/** The level h of a history: mean of its last `lookback` observed values (0 if none). */
export function recentLevel(history: ArrayLike<number>, lookback: number): number {
  let s = 0;
  let n = 0;
  for (let i = history.length - 1; i >= 0 && n < lookback; i--) {
    const v = history[i]!;
    if (Number.isNaN(v)) continue;
    s += v;
    n++;
  }
  return n > 0 ? s / n : 0;
}

/** The mean-free marginal mean QM of a forecast point. */
function quantileMean(levels: readonly number[], values: readonly number[], floor: number): number {
  return marginalMean(marginalOf({ levels, values }, floor));
}

function columnOf(f: QuantileForecast, t: number): number[] {
  return f.values.map((row) => row[t]!);
}

/** A forecast with a mean at every step: α·QM + β·h, by the series' demand class. */
export function withMeans(
  forecasts: readonly QuantileForecast[],
  panel: Panel,
  model: DistributionModel,
  allowNegative = false,
): QuantileForecast[] {
  const lookback = MEAN_LOOKBACK[panel.freq];
  const byId = new Map(panel.series.map((s) => [s.id, s]));
  return forecasts.map((f) => {
    const s = byId.get(f.seriesId);
    const h = s ? Math.max(0, recentLevel(s.target, lookback)) : 0;
    const cls = s ? demandClass(s.target) : undefined;
    const { alpha, beta } = (cls && model.meanLift.byClass[cls]) ?? model.meanLift.pooled;
    const mean = Float64Array.from(f.dates, (_, t) => {
      const q = columnOf(f, t);
      return alpha * quantileMean(f.quantiles, q, allowNegative ? Number.NEGATIVE_INFINITY : 0) + beta * h;
    });
    return { ...f, mean };
  });
}

/** One validation window of the chosen model: its history panel, actuals and (finished) forecasts. */
export interface ValidationWindow {
  readonly panel: Panel;
  readonly actuals: ReadonlyMap<string, Float64Array>;
  readonly forecasts: readonly QuantileForecast[];
  /** Points to leave out of the fit (structural zeros: known to be 0, not a forecast). */
  readonly skip?: (seriesId: string, date: string) => boolean;
}

/**
 * A validation window's forecasts with their means under `model` (`withMeans`), a structural
 * zero's mean 0 as its quantiles are (`skip`: it is known, not forecast). `withMeans` alone would
 * give such a point the series' recent level β·h, as finishing forecasts does before it zeroes
 * them: the demo's closed Saturdays then summed to 4,000 units a day in every validation window.
 */
export function windowMeans(w: ValidationWindow, model: DistributionModel, allowNegative = false): QuantileForecast[] {
  const out = withMeans(w.forecasts, w.panel, model, allowNegative);
  const skip = w.skip;
  if (!skip) return out;
  return out.map((f) => {
    if (!f.dates.some((d) => skip(f.seriesId, d))) return f;
    return { ...f, mean: Float64Array.from(f.mean!, (m, t) => (skip(f.seriesId, f.dates[t]!) ? 0 : m)) };
  });
}

/**
 * Fits the mean lift and the dependence (module comment) on validation windows. Without enough
 * points (fewer than 30) the model is the mean-free, independent one.
 */
export function fitDistribution(
  windows: readonly ValidationWindow[],
  options: { seed?: number; allowNegative?: boolean } = {},
): DistributionModel {
  const floor = options.allowNegative ? Number.NEGATIVE_INFINITY : 0;
  // 1. Mean model per class: y ≈ α·QM + β·h, least squares with α, β ≥ 0.
  type Sums = { qq: number; qh: number; hh: number; yq: number; yh: number; n: number };
  const sums = new Map<DemandClass | 'pooled', Sums>();
  const add = (k: DemandClass | 'pooled', y: number, qm: number, h: number): void => {
    const e = sums.get(k) ?? { qq: 0, qh: 0, hh: 0, yq: 0, yh: 0, n: 0 };
    e.qq += qm * qm;
    e.qh += qm * h;
    e.hh += h * h;
    e.yq += y * qm;
    e.yh += y * h;
    e.n++;
    sums.set(k, e);
  };
  for (const w of windows) {
    const lookback = MEAN_LOOKBACK[w.panel.freq];
    const byId = new Map(w.panel.series.map((s) => [s.id, s]));
    for (const f of w.forecasts) {
      const s = byId.get(f.seriesId);
      const y = w.actuals.get(f.seriesId);
      if (!s || !y) continue;
      const h = Math.max(0, recentLevel(s.target, lookback));
      const cls = demandClass(s.target);
      for (let t = 0; t < f.dates.length && t < y.length; t++) {
        if (!Number.isFinite(y[t]!) || w.skip?.(f.seriesId, f.dates[t]!)) continue;
        const qm = quantileMean(f.quantiles, columnOf(f, t), floor);
        add(cls, y[t]!, qm, h);
        add('pooled', y[t]!, qm, h);
      }
    }
  }
  const pooledSums = sums.get('pooled');
  const points = pooledSums?.n ?? 0;
  if (points < 30) return { version: 1, meanLift: IDENTITY_MEAN, dependence: INDEPENDENT, points };
  const byClass: Partial<Record<DemandClass, MeanCoefficients>> = {};
  for (const c of DEMAND_CLASSES) {
    const e = sums.get(c);
    if (e && e.n >= MIN_CLASS_POINTS) byClass[c] = solveMean(e);
  }
  const meanLift = { pooled: solveMean(pooledSums!), byClass };
  const model0: DistributionModel = { version: 1, meanLift, dependence: INDEPENDENT, points };

  // Each window's forecasts with their means, once for every fit below (ρ/φ, κ, one series' κ and sums).
  const means = windows.map((w) => windowMeans(w, model0, options.allowNegative));

  // 2. PITs of the validation actuals under the marginals with those means.
  const random = mulberry32(options.seed ?? 17);
  let zbar2 = 0;
  let zbarCount = 0;
  let nSum = 0;
  let lagNum = 0;
  let lagDen = 0;
  let ownNum = 0;
  let ownDen = 0;
  for (const [i, w] of windows.entries()) {
    const withMean = means[i]!;
    const H = Math.max(0, ...withMean.map((f) => f.dates.length));
    const z: Float64Array[] = [];
    for (const f of withMean) {
      const y = w.actuals.get(f.seriesId);
      if (!y) continue;
      const row = new Float64Array(H).fill(Number.NaN);
      for (let t = 0; t < f.dates.length && t < y.length; t++) {
        if (!Number.isFinite(y[t]!) || w.skip?.(f.seriesId, f.dates[t]!)) continue;
        const m = marginalOf({ levels: f.quantiles, values: columnOf(f, t), mean: f.mean![t]! }, floor);
        const [lo, hi] = marginalCdfRange(m, y[t]!);
        const u = lo + random() * (hi - lo);
        row[t] = normalQuantile(Math.min(1 - 1e-6, Math.max(1e-6, u)));
      }
      z.push(row);
    }
    const zbar = new Float64Array(H).fill(Number.NaN);
    for (let t = 0; t < H; t++) {
      let s = 0;
      let n = 0;
      for (const row of z) {
        if (Number.isNaN(row[t]!)) continue;
        s += row[t]!;
        n++;
      }
      if (n < 2) continue;
      zbar[t] = s / n;
      zbar2 += (s / n) ** 2 - 1 / n;
      nSum += 1 - 1 / n;
      zbarCount++;
    }
    for (let t = 1; t < H; t++) {
      if (Number.isNaN(zbar[t]!) || Number.isNaN(zbar[t - 1]!)) continue;
      lagNum += zbar[t]! * zbar[t - 1]!;
      lagDen++;
    }
    for (const row of z) {
      for (let t = 1; t < H; t++) {
        const e1 = row[t]! - (zbar[t] ?? 0);
        const e0 = row[t - 1]! - (zbar[t - 1] ?? 0);
        if (!Number.isFinite(e1) || !Number.isFinite(e0)) continue;
        ownNum += e1 * e0;
        ownDen += e0 * e0;
      }
    }
  }
  // E[z̄² − 1/n] = ρ (1 − 1/n): ρ̂ = Σ(z̄² − 1/n) / Σ(1 − 1/n).
  const rho = zbarCount > 0 && nSum > 0 ? Math.min(MAX_RHO, Math.max(0, zbar2 / nSum)) : 0;
  const phiOwn = ownDen > 0 ? Math.min(0.99, Math.max(0, ownNum / ownDen)) : 0;
  // E[z̄_t z̄_{t−1}] ≈ φ_common · ρ (the own shocks' share, φ_own (1 − ρ)/n, is small and left out):
  // divided by ρ̂, not by the mean z̄², whose 1/n of noise would bias φ towards 0.
  const phiCommon = lagDen > 0 && rho > 0 ? Math.min(0.99, Math.max(0, lagNum / lagDen / rho)) : 0;
  const dependence = { rho, phiCommon, phiOwn };
  const { spread, bySize, byKind } = fitSpread(windows, { ...model0, dependence }, { ...options, means });
  const ownSpread = fitOwnSpread(windows, { ...model0, dependence }, { ...options, means });
  const fitted: DependenceModel = {
    ...dependence,
    spread,
    ...(bySize.length > 0 ? { spreadBySize: bySize } : {}),
    ...(byKind.length > 0 ? { spreadByKind: byKind } : {}),
    ...(ownSpread === undefined ? {} : { ownSpread }),
  };
  // Fitted on the sums as a plan samples them: with the run's κ (own and pooled) in place.
  const ownCalibration = fitOwnCalibration(windows, { ...model0, dependence: fitted }, { ...options, means });
  return {
    version: 1,
    meanLift,
    dependence: { ...fitted, ...(ownCalibration === undefined ? {} : { ownCalibration }) },
    points,
  };
}

/** Options of the fits on sums (`fitSpread`, `fitOwnSpread`, `fitOwnCalibration`). */
export interface FitSpreadOptions {
  readonly seed?: number;
  readonly allowNegative?: boolean;
  /**
   * Each window's forecasts with their means (`windowMeans` under the model's mean lift), when the
   * caller has them (`fitDistribution` computes them once for all its fits); else computed here.
   */
  readonly means?: readonly (readonly QuantileForecast[])[];
}

/** Steps in one block sum of a series when its own κ is fitted (`fitOwnSpread`), by frequency. */
export const OWN_SPREAD_BLOCK: Readonly<Record<Frequency, number>> = { D: 7, W: 4, M: 3 };
/** Block sums the own κ needs; with fewer, one series' sums keep the pooled κ. */
const MIN_OWN_SCORES = 30;

/**
 * κ of one series' own sum over several steps (`DependenceModel.ownSpread`): each series' sum over
 * consecutive blocks of `OWN_SPREAD_BLOCK` steps of each validation window is scored as `fitSpread`
 * scores a total (|y − μ| over the distance from the sampled sum's mean μ to its p10 or p90 on
 * y's side, the sums sampled with κ = 1), and κ is the 80 % point of the scores, within
 * [MIN_SPREAD, MAX_SPREAD]. Undefined with fewer than MIN_OWN_SCORES block sums.
 */
export function fitOwnSpread(
  windows: readonly ValidationWindow[],
  model: DistributionModel,
  options: FitSpreadOptions = {},
): number | undefined {
  const floor = options.allowNegative ? Number.NEGATIVE_INFINITY : 0;
  // κ = 1 while sampling: the dependence across steps, without the pooled κ of totals.
  const { rho, phiCommon, phiOwn } = model.dependence;
  const dependence: DependenceModel = { rho, phiCommon, phiOwn };
  const scores: number[] = [];
  let seed = (options.seed ?? 31) * 7919;
  for (const [i, w] of windows.entries()) {
    const block = OWN_SPREAD_BLOCK[w.panel.freq];
    const withMean = options.means?.[i] ?? windowMeans(w, model, options.allowNegative);
    for (const f of withMean) {
      const y = w.actuals.get(f.seriesId);
      if (!y) continue;
      for (let k = 0; k + block <= f.dates.length && k + block <= y.length; k += block) {
        let actual = 0;
        let complete = true;
        const steps: Marginal[] = [];
        for (let t = k; t < k + block; t++) {
          // A structural zero is known to be 0 (its marginal is exactly 0): part of the block.
          const zero = w.skip?.(f.seriesId, f.dates[t]!) ?? false;
          if (!zero && !Number.isFinite(y[t]!)) complete = false;
          actual += zero ? 0 : y[t]!;
          steps.push(marginalOf({ levels: f.quantiles, values: columnOf(f, t), mean: f.mean![t]! }, floor));
        }
        if (!complete) continue;
        const { total } = sampleTotals([{ steps }], block, dependence, { samples: FIT_SAMPLES, seed: seed++ });
        total.sort();
        const mu = total.reduce((a, b) => a + b, 0) / total.length;
        const side = actual < mu ? mu - empiricalQuantile(total, 0.1) : empiricalQuantile(total, 0.9) - mu;
        const excess = Math.abs(actual - mu);
        scores.push(excess === 0 ? 0 : side > 0 ? excess / side : Number.POSITIVE_INFINITY);
      }
    }
  }
  if (scores.length < MIN_OWN_SCORES) return undefined;
  scores.sort((a, b) => a - b);
  const kappa = scores[Math.min(scores.length - 1, Math.ceil(0.8 * scores.length) - 1)]!;
  return Math.min(MAX_SPREAD, Math.max(MIN_SPREAD, kappa));
}

/** G⁻¹ of `ownCalibration` is stored at the levels 0, 1/K, …, 1 for this K. */
export const OWN_CALIBRATION_GRID = 100;
/**
 * Prior weight, in validation sums, of the identity (p = α) in a fitted G⁻¹:
 * G⁻¹(α) = (N·Ĝ⁻¹(α) + N0·α)/(N + N0). With the 2 validation windows of 80 series (160 sums of a
 * length), Ĝ⁻¹(0.8) has a sampling error of about ±0.03; the prior keeps a small panel's reading
 * near the sampled sum's own.
 */
const OWN_CALIBRATION_PRIOR = 20;

/**
 * The sum lengths (steps) `fitOwnCalibration` fits on a window of `horizon` steps: a week of days
 * (`OWN_SPREAD_BLOCK`) and the whole horizon (the horizon alone when it is shorter); a plan's
 * other lengths interpolate, shorter ones read the shortest. Not one step: one G pools a panel's
 * slow and fast items, and a single day of an intermittent panel is mostly 0, which every reading
 * serves: the demo's one-day G read 0.017 for a 95 % target, and a 5-day lead time interpolated
 * to 0.60, far too low for an item that sells every day.
 */
export function ownCalibrationLengths(freq: Frequency, horizon: number): number[] {
  return [...new Set([OWN_SPREAD_BLOCK[freq], horizon])].filter((m) => m <= horizon).toSorted((a, b) => a - b);
}

/**
 * `DependenceModel.ownCalibration` (probability-integral-transform recalibration of a decision,
 * after Kuleshov et al. 2018): for each validation window and series, with F the CDF of the
 * series' sum over its first m steps as a plan samples it (this run's dependence and κ, FIT_SAMPLES
 * paths) and y the sum that sold, u = F(⌈y⌉ − 1) (F of the samples ≤ it; 0 when nothing sold).
 * A plan orders up to S = ⌈Q(p)⌉ of the sampled sum, and y ≤ ⌈Q(p)⌉ exactly when u < p: so
 * G(p) = P(u < p) is the share of cycles a reading at level p serves, whatever the cause of the
 * miss (whole units on a slow item, the shape of the sum, the mean's bias), and reading at
 * p = G⁻¹(α) serves α. G⁻¹ is the type-7 quantile of the u's, shrunk towards the identity by
 * OWN_CALIBRATION_PRIOR, on the grid of OWN_CALIBRATION_GRID levels (non-decreasing, 0 at 0 and 1
 * at 1); one per length of `ownCalibrationLengths` with at least MIN_OWN_SCORES sums, undefined
 * when no length has them. A step known to be 0 (`skip`: a structural zero) counts 0 in y.
 */
export function fitOwnCalibration(
  windows: readonly ValidationWindow[],
  model: DistributionModel,
  options: FitSpreadOptions = {},
): SumCalibration[] | undefined {
  const floor = options.allowNegative ? Number.NEGATIVE_INFINITY : 0;
  const byLength = new Map<number, number[]>();
  let seed = (options.seed ?? 37) * 7927;
  for (const [i, w] of windows.entries()) {
    const withMean = options.means?.[i] ?? windowMeans(w, model, options.allowNegative);
    for (const f of withMean) {
      const y = w.actuals.get(f.seriesId);
      if (!y) continue;
      // The steps from the first on whose actual is known (or known to be 0).
      const steps: Marginal[] = [];
      const sold: number[] = [];
      for (let t = 0; t < f.dates.length && t < y.length; t++) {
        const zero = w.skip?.(f.seriesId, f.dates[t]!) ?? false;
        if (!zero && !Number.isFinite(y[t]!)) break;
        steps.push(marginalOf({ levels: f.quantiles, values: columnOf(f, t), mean: f.mean![t]! }, floor));
        sold.push(zero && !Number.isFinite(y[t]!) ? 0 : y[t]!);
      }
      const lengths = ownCalibrationLengths(w.panel.freq, f.dates.length).filter((m) => m <= steps.length);
      if (lengths.length === 0) continue;
      const record = (m: number, sums: Float64Array): void => {
        let actual = 0;
        for (let t = 0; t < m; t++) actual += sold[t]!;
        const below = Math.ceil(actual - 1e-9) - 1;
        let count = 0;
        for (const x of sums) if (x <= below + 1e-9) count++;
        const list = byLength.get(m);
        if (list) list.push(count / sums.length);
        else byLength.set(m, [count / sums.length]);
      };
      // The shorter sums are the prefixes of one path of the longest (the same law as sampling
      // each length alone). One step is a length only when it is the whole horizon, so a one-step
      // sum is always sampled alone, with its own κ (`spreadFor`).
      const longest = lengths.at(-1)!;
      const { byStep } = sampleTotals([{ steps: steps.slice(0, longest) }], longest, model.dependence, {
        samples: FIT_SAMPLES,
        seed: seed++,
      });
      const sums = new Float64Array(FIT_SAMPLES);
      for (let t = 0; t < longest; t++) {
        const row = byStep[t]!;
        for (let k = 0; k < FIT_SAMPLES; k++) sums[k] += row[k]!;
        if (lengths.includes(t + 1)) record(t + 1, sums);
      }
    }
  }
  const out: SumCalibration[] = [];
  for (const [m, us] of [...byLength].toSorted((a, b) => a[0] - b[0])) {
    if (us.length < MIN_OWN_SCORES) continue;
    const sorted = us.toSorted((a, b) => a - b);
    const n = sorted.length;
    const levels = Array.from({ length: OWN_CALIBRATION_GRID + 1 }, (_, k) => {
      if (k === 0) return 0;
      if (k === OWN_CALIBRATION_GRID) return 1;
      const q = k / OWN_CALIBRATION_GRID;
      const p = (n * empiricalQuantile(sorted, q) + OWN_CALIBRATION_PRIOR * q) / (n + OWN_CALIBRATION_PRIOR);
      return Math.round(Math.min(1, Math.max(0, p)) * 1e4) / 1e4;
    });
    out.push({ steps: m, levels, sums: n });
  }
  return out.length > 0 ? out : undefined;
}

/** G⁻¹(level) of one calibration: linear between its grid levels. */
function calibrationAt(c: SumCalibration, level: number): number {
  const K = c.levels.length - 1;
  const x = Math.min(1, Math.max(0, level)) * K;
  const k = Math.min(K - 1, Math.floor(x));
  return c.levels[k]! + (x - k) * (c.levels[k + 1]! - c.levels[k]!);
}

/**
 * The level at which one series' sum over its first `steps` steps is read for a decision at
 * `level` (`DependenceModel.ownCalibration`): G⁻¹(level), linear in the length between the two
 * fitted lengths around `steps` (the nearest one outside them); `level` itself when the run has
 * none. Non-decreasing in `level`.
 */
export function ownCalibratedLevel(dependence: DependenceModel, steps: number, level: number): number {
  const all = dependence.ownCalibration;
  if (!all || all.length === 0 || steps < 1) return level;
  const first = all[0]!;
  const last = all[all.length - 1]!;
  if (steps <= first.steps) return calibrationAt(first, level);
  if (steps >= last.steps) return calibrationAt(last, level);
  // Fitted lengths ascend: lo the longest at or below `steps`, hi the next one.
  let i = 0;
  while (all[i + 1]!.steps <= steps) i++;
  const lo = all[i]!;
  const hi = all[i + 1]!;
  if (lo.steps === steps) return calibrationAt(lo, level);
  const w = (steps - lo.steps) / (hi.steps - lo.steps);
  return (1 - w) * calibrationAt(lo, level) + w * calibrationAt(hi, level);
}

/** Bounds on the spread factor κ of sums. */
export const MIN_SPREAD = 0.5;
export const MAX_SPREAD = 4;
/** Samples per validation total when κ is fitted (training time). */
const FIT_SAMPLES = 300;
/** An attribute with more values than this is not used for group totals when fitting κ. */
const MAX_GROUPS_PER_ATTRIBUTE = 200;

/**
 * The totals κ is fitted on (`fitSpread`): all of `members`, and for each static attribute of
 * `panel` with at most MAX_GROUPS_PER_ATTRIBUTE values, each value's members (two or more; a
 * member without the attribute is in none of its groups). Exported so that a bench groups exactly
 * as training does.
 */
export function staticGroups<T>(
  members: readonly T[],
  idOf: (member: T) => string,
  panel: Pick<Panel, 'series' | 'staticNames'>,
): { kind: string; members: T[] }[] {
  const statics = new Map(panel.series.map((s) => [s.id, s.statics]));
  const groups: { kind: string; members: T[] }[] = [{ kind: ALL_SERIES_KIND, members: [...members] }];
  for (const name of panel.staticNames) {
    const byValue = new Map<string, T[]>();
    for (const m of members) {
      const v = statics.get(idOf(m))?.[name];
      if (v === undefined || v === '') continue;
      const list = byValue.get(v);
      if (list) list.push(m);
      else byValue.set(v, [m]);
    }
    if (byValue.size > MAX_GROUPS_PER_ATTRIBUTE) continue;
    for (const group of byValue.values()) if (group.length >= 2) groups.push({ kind: name, members: group });
  }
  return groups;
}
/** Scores a size class needs for a κ of its own (below: the pooled κ). */
const MIN_CLASS_SCORES = 10;
/**
 * Prior weight, in scores, of the pooled κ in a class's κ: κ_c = (n·κ_own + N0·κ_pooled)/(n + N0).
 * An all-series total gives one score per validation step (56 on a daily run), whose 80 % point
 * alone moves with one odd window; the shrinkage keeps it near the pooled value unless the class
 * has the scores to say otherwise.
 */
const CLASS_PRIOR_SCORES = 30;

/** A score's kind of total and bucket kind (`store|step`, `all|week`): what `weightedSpread` weighs alike. */
export const kindKey = (x: Pick<SpreadScore, 'kind' | 'multiStep'>): string =>
  `${x.kind}|${x.multiStep ? 'week' : 'step'}`;

/**
 * The weighted 80 % point of scores, each kind of total and bucket kind weighing the same;
 * undefined when none.
 */
function weightedSpread(scores: readonly SpreadScore[]): number | undefined {
  if (scores.length === 0) return undefined;
  const perKind = new Map<string, number>();
  for (const x of scores) perKind.set(kindKey(x), (perKind.get(kindKey(x)) ?? 0) + 1);
  const weighted = scores.map((x) => ({ r: x.r, w: 1 / perKind.get(kindKey(x))! })).toSorted((a, b) => a.r - b.r);
  const total = weighted.reduce((a, x) => a + x.w, 0);
  let c = 0;
  for (const x of weighted) {
    c += x.w;
    if (c >= 0.8 * total) return Math.min(MAX_SPREAD, Math.max(MIN_SPREAD, x.r));
  }
  return MAX_SPREAD;
}

/** The size class (index into SPREAD_SIZE_CLASSES) of a total of n series. */
export function sizeClassOf(n: number): number {
  let k = 0;
  for (let i = 0; i < SPREAD_SIZE_CLASSES.length; i++) if (SPREAD_SIZE_CLASSES[i]! <= n) k = i;
  return k;
}

/**
 * κ (`DependenceModel.spread`): the validation totals — of all series, of each group of each
 * static attribute (store, category, …), per step and, for daily data, per 7-step block — are
 * scored much as calibration.ts scores a series (|y − μ| over the distance from the sampled
 * total's mean μ to its p10 or p90 on y's side), and κ is their weighted 80 % quantile, each kind
 * of total (attribute × day or week) weighing the same. Within [MIN_SPREAD, MAX_SPREAD]; 1 without
 * validation totals. `bySize`: the same per size class of the totals (SPREAD_SIZE_CLASSES) and
 * bucket kind (one step; a 7-step week), shrunk towards the pooled κ by CLASS_PRIOR_SCORES; only
 * classes that had at least MIN_CLASS_SCORES scores, the others use the nearest class below (or
 * the first) at serving time — so a class with none gets the pooled κ, stored for it. `byKind`:
 * the same per kind of total (all series, each attribute's groups) and bucket kind, shrunk towards
 * the κ of its size class (`DependenceModel.spreadByKind`). A structural zero (`skip`) is in no
 * total: it is known, not forecast.
 */
export function fitSpread(
  windows: readonly ValidationWindow[],
  model: DistributionModel,
  options: FitSpreadOptions = {},
): { spread: number; bySize: SizeSpread[]; byKind: KindSpread[] } {
  return spreadOfScores(spreadScores(windows, model, options));
}

/** κ, pooled, per size class and per kind of total, of validation totals' scores (`fitSpread`). */
export function spreadOfScores(scores: readonly SpreadScore[]): {
  spread: number;
  bySize: SizeSpread[];
  byKind: KindSpread[];
} {
  if (scores.length < 10) return { spread: 1, bySize: [], byKind: [] };
  const pooled = weightedSpread(scores)!;
  // Some scores' own weighted 80 % point, shrunk towards `prior` by CLASS_PRIOR_SCORES.
  const shrunk = (own: readonly SpreadScore[], prior: number): number => {
    const spread = (own.length * weightedSpread(own)! + CLASS_PRIOR_SCORES * prior) / (own.length + CLASS_PRIOR_SCORES);
    return Math.min(MAX_SPREAD, Math.max(MIN_SPREAD, spread));
  };
  const bySize: SizeSpread[] = [];
  for (const multiStep of [false, true]) {
    SPREAD_SIZE_CLASSES.forEach((minSeries, k) => {
      const own = scores.filter((x) => x.multiStep === multiStep && sizeClassOf(x.size) === k);
      if (own.length >= MIN_CLASS_SCORES) bySize.push({ minSeries, multiStep, spread: shrunk(own, pooled) });
    });
  }
  // One class alone says nothing the pooled κ does not: keep the model as it was.
  const classes = bySize.length > 1 ? bySize : [];
  // Per kind of total and bucket kind: its own 80 % point, shrunk towards the κ its size class
  // would give its totals (their median size), by CLASS_PRIOR_SCORES.
  const byKind: KindSpread[] = [];
  const kinds = new Map<string, SpreadScore[]>();
  for (const x of scores) {
    const list = kinds.get(kindKey(x));
    if (list) list.push(x);
    else kinds.set(kindKey(x), [x]);
  }
  const bySizeModel: DependenceModel = {
    ...INDEPENDENT,
    spread: pooled,
    ...(classes.length > 0 ? { spreadBySize: classes } : {}),
  };
  for (const own of kinds.values()) {
    if (own.length < MIN_CLASS_SCORES) continue;
    const { kind, multiStep } = own[0]!;
    const sizes = own.map((x) => x.size).toSorted((a, b) => a - b);
    const prior = spreadFor(bySizeModel, sizes[Math.floor(sizes.length / 2)]!, multiStep ? 2 : 1);
    byKind.push({ kind, multiStep, spread: shrunk(own, prior) });
  }
  return { spread: pooled, bySize: classes, byKind };
}

/** One validation total's score (`spreadScores`): y is inside the κ-scaled 80 % interval iff r ≤ κ. */
export interface SpreadScore {
  readonly r: number;
  /** The kind of total: `all` (all series) or the static attribute whose group it is. */
  readonly kind: string;
  /** Series in the total. */
  readonly size: number;
  readonly multiStep: boolean;
}

/** One validation total as `validationTotals` samples it, and what sold. */
export interface SampledTotal {
  /** Sampled values of the total (FIT_SAMPLES of them). */
  readonly samples: Float64Array;
  /** What sold. */
  readonly y: number;
  /** The kind of total: `all` (all series) or the static attribute whose group it is. */
  readonly kind: string;
  /** Series in the total. */
  readonly size: number;
  readonly multiStep: boolean;
  /** Index of its group among the window's `staticGroups`. */
  readonly group: number;
}

/**
 * Every total `fitSpread` is fitted on, window by window: each of `staticGroups` per step and (daily
 * data) per 7-step block, sampled under `model.dependence` (its κ included: 1 for the fit) with one
 * seed per group, from `options.seed` (29) up. A structural zero (`skip`) is in no total.
 */
export function* validationTotals(
  windows: readonly ValidationWindow[],
  model: DistributionModel,
  options: FitSpreadOptions = {},
): Generator<SampledTotal> {
  const floor = options.allowNegative ? Number.NEGATIVE_INFINITY : 0;
  let seed = options.seed ?? 29;
  for (const [i, w] of windows.entries()) {
    const withMean = options.means?.[i] ?? windowMeans(w, model, options.allowNegative);
    const H = Math.max(0, ...withMean.map((f) => f.dates.length));
    const paths: { id: string; path: MemberPath; y: Float64Array }[] = [];
    for (const f of withMean) {
      const y = w.actuals.get(f.seriesId);
      if (!y) continue;
      // A structural zero is no forecast: not part of a total's score (a day every member is
      // closed has none; scored, its exact 0 would count as a hit for every κ).
      const steps = Array.from({ length: H }, (_, t): Marginal | undefined =>
        t < f.dates.length && t < y.length && Number.isFinite(y[t]!) && !w.skip?.(f.seriesId, f.dates[t]!)
          ? marginalOf({ levels: f.quantiles, values: columnOf(f, t), mean: f.mean![t]! }, floor)
          : undefined,
      );
      paths.push({ id: f.seriesId, path: { steps }, y });
    }
    for (const [group, g] of staticGroups(paths, (p) => p.id, w.panel).entries()) {
      const size = g.members.length;
      const sampled = sampleTotals(
        g.members.map((m) => m.path),
        H,
        model.dependence,
        { samples: FIT_SAMPLES, seed: seed++ },
      );
      const actual = new Float64Array(H);
      const known = new Uint8Array(H);
      for (const m of g.members) {
        for (let t = 0; t < H; t++) {
          if (!m.path.steps[t]) continue;
          actual[t] += m.y[t]!;
          known[t] = 1;
        }
      }
      for (let t = 0; t < H; t++) {
        if (known[t]) yield { samples: sampled.byStep[t]!, y: actual[t]!, kind: g.kind, size, multiStep: false, group };
      }
      if (w.panel.freq === 'D') {
        for (let k = 0; k + 7 <= H; k += 7) {
          const sums = new Float64Array(FIT_SAMPLES);
          let y = 0;
          for (let t = k; t < k + 7; t++) {
            const row = sampled.byStep[t]!;
            for (let s = 0; s < FIT_SAMPLES; s++) sums[s] += row[s]!;
            y += actual[t]!;
          }
          yield { samples: sums, y, kind: g.kind, size, multiStep: true, group };
        }
      }
    }
  }
}

/**
 * A total's score, scored around the mean as `sampleTotals` scales around it: y lies inside the
 * scaled interval [μ + κ(p10 − μ), μ + κ(p90 − μ)] exactly when r ≤ κ. With the mean μ and the
 * distances from it to the sampled p10 (`lo`) and p90 (`hi`).
 */
export function totalScore(samples: Float64Array, y: number): { r: number; mu: number; lo: number; hi: number } {
  const sorted = samples.toSorted((a, b) => a - b);
  const mu = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  const lo = mu - empiricalQuantile(sorted, 0.1);
  const hi = empiricalQuantile(sorted, 0.9) - mu;
  const side = y < mu ? lo : hi;
  const excess = Math.abs(y - mu);
  return { r: excess === 0 ? 0 : side > 0 ? excess / side : Number.POSITIVE_INFINITY, mu, lo, hi };
}

/** The scores `fitSpread` takes its κ from: one per total of `validationTotals`. */
export function spreadScores(
  windows: readonly ValidationWindow[],
  model: DistributionModel,
  options: FitSpreadOptions = {},
): SpreadScore[] {
  const scores: SpreadScore[] = [];
  for (const t of validationTotals(windows, model, options)) {
    scores.push({ r: totalScore(t.samples, t.y).r, kind: t.kind, size: t.size, multiStep: t.multiStep });
  }
  return scores;
}

/**
 * Every quantile of every forecast floored at 0 (units are never negative), unless
 * `allowNegative` (a dataset in money that allows negatives). Means too.
 */
export function nonNegativeForecasts(
  forecasts: readonly QuantileForecast[],
  allowNegative = false,
): QuantileForecast[] {
  if (allowNegative) return [...forecasts];
  return forecasts.map((f) => {
    const clean = f.values.every((row) => row.every((v) => v >= 0)) && (!f.mean || f.mean.every((v) => v >= 0));
    if (clean) return f;
    return {
      ...f,
      // `v < 0`, not `v > 0`: a NaN stays NaN, so a model's overflow is refused before it is stored
      // (training/results.ts), never hidden as a forecast of 0.
      values: f.values.map((row) => Float64Array.from(row, (v) => (v < 0 ? 0 : v))),
      ...(f.mean ? { mean: Float64Array.from(f.mean, (v) => (v < 0 ? 0 : v)) } : {}),
    };
  });
}
