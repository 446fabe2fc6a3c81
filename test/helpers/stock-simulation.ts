/**
 * The stock simulation of issue 18 ("Show"), shared by test/forecasting/stock-simulation.test.ts
 * (which asserts on it) and bench/stock-sums.ts (which measures it at more periods and variants),
 * so that the bench measures exactly what the test asserts.
 *
 * On held-back days of the M5 sample in ../shared/data (Walmart items, mostly intermittent), a
 * fixed seeded sample of series is planned every review period: the engine (seasonal naive with
 * its fitted distribution) is trained on the history up to that day, the plan orders up to
 * S = Q_α(D_{L+R}) as `sampledDemandProfile` reads it, and the held-back sales are played through
 * the stock (backorders). A replenishment cycle is short when the net stock is below 0 just before
 * the next order arrives.
 */
import { marginalOf, type DependenceModel, type Marginal } from '../../api/forecasting/distribution.js';
import { buildPanel, cutSeries } from '../../api/forecasting/frames.js';
import { runForecastPipeline } from '../../api/forecasting/pipeline.js';
import { mulberry32 } from '../../api/forecasting/random.js';
import { exceedanceProbability, sampledDemandProfile } from '../../api/forecasting/stock.js';
import type { Panel } from '../../api/forecasting/types.js';
import { readRawSeries } from '../../api/ingest/raw-series.js';

export const M5_FILE = new URL('../../../shared/data/m5-tiny-daily.csv.gz', import.meta.url).pathname;
export const LEAD_TIME = 7;
export const REVIEW_PERIOD = 7;
/** Reviews per period, one every REVIEW_PERIOD days. */
export const REVIEWS = 6;
/** Series planned (a seeded sample of those that sold in their last HISTORY_DAYS days). */
export const SERIES = 80;
/** Days of history each run trains on. */
export const HISTORY_DAYS = 400;

/** One replenishment cycle: a series' forecast at one review and what it then sold. */
export interface StockCycle {
  readonly id: string;
  /** The forecast marginals from the review's first day on (L + R of them). */
  readonly steps: readonly Marginal[];
  /** The means the run stored for those steps (the mean model's), summed. */
  readonly storedMean: number;
  /** Demand over L + R days, and over the review period alone. */
  readonly demand: number;
  readonly beforeNextReview: number;
  /** Demand over the lead time L (what an order placed at this review must outlast). */
  readonly leadTimeDemand: number;
  /** The run's dependence (one run per review, shared by its series). */
  readonly dependence: DependenceModel;
}

/** The simulation's series (seeded: the same every run) and its cycles at a period. */
export interface StockSimulation {
  readonly series: number;
  /**
   * The cycles of the period ending `period` days before the data's end (0: the last held-back
   * days), review by review, each review's series in the same order. Trains one run per review.
   */
  cyclesAt(period: number): Promise<StockCycle[]>;
}

export async function loadStockSimulation(options: { series?: number } = {}): Promise<StockSimulation> {
  const file = await readRawSeries(M5_FILE, {});
  const all = buildPanel(file.series, file.frequency);
  const random = mulberry32(18);
  const chosen = all.series
    .filter((s) => s.target.subarray(Math.max(0, s.target.length - HISTORY_DAYS)).some((v) => v > 0))
    .map((s) => ({ s, r: random() }))
    .toSorted((a, b) => a.r - b.r)
    .slice(0, options.series ?? SERIES)
    .map((x) => x.s);
  const n = Math.min(...chosen.map((s) => s.target.length));
  const heldBack = (REVIEWS - 1) * REVIEW_PERIOD + LEAD_TIME + REVIEW_PERIOD;

  async function cyclesAt(period: number): Promise<StockCycle[]> {
    const firstReview = n - heldBack - period;
    const out: StockCycle[] = [];
    for (let k = 0; k < REVIEWS; k++) {
      const cut = firstReview + k * REVIEW_PERIOD;
      const panel: Panel = {
        ...all,
        series: chosen.map((s) => {
          const c = cutSeries(s, s.target.length - (n - cut), LEAD_TIME + REVIEW_PERIOD);
          return { ...c, target: c.target.subarray(Math.max(0, c.target.length - HISTORY_DAYS)) };
        }),
      };
      const result = await runForecastPipeline(panel, {
        model: 'snaive',
        horizon: LEAD_TIME + REVIEW_PERIOD,
        quantiles: [0.1, 0.5, 0.9],
        seed: 7,
        importance: false,
      });
      if (!result.distribution) throw new Error(`the run at day ${cut} fitted no distribution`);
      const dependence = result.distribution.dependence;
      const byId = new Map(result.forecasts.map((f) => [f.seriesId, f]));
      for (const s of chosen) {
        const f = byId.get(s.id)!;
        const steps = f.dates.map((_, t) =>
          marginalOf({ levels: f.quantiles, values: f.values.map((row) => row[t]!), mean: f.mean?.[t] ?? null }),
        );
        let storedMean = 0;
        for (let t = 0; t < LEAD_TIME + REVIEW_PERIOD; t++) storedMean += f.mean?.[t] ?? 0;
        const offset = s.target.length - n + cut;
        let demand = 0;
        let beforeNextReview = 0;
        let leadTimeDemand = 0;
        for (let t = 0; t < LEAD_TIME + REVIEW_PERIOD; t++) {
          const y = Math.max(0, s.target[offset + t] ?? 0);
          demand += y;
          if (t < REVIEW_PERIOD) beforeNextReview += y;
          if (t < LEAD_TIME) leadTimeDemand += y;
        }
        out.push({ id: s.id, steps, storedMean, demand, beforeNextReview, leadTimeDemand, dependence });
      }
    }
    return out;
  }

  return { series: chosen.length, cyclesAt };
}

/** Cycles played at one target: short ones, and what the plans promised. */
export interface PlayedCycles {
  readonly cycles: number;
  readonly short: number;
  /** Σ over cycles of 1 − P(D_{L+R} > position after ordering) under the plan's own reading. */
  readonly promised: number;
  /** The cycles ordered exactly up to S (the position before ordering was not above it). */
  readonly atS: { readonly cycles: number; readonly short: number; readonly promised: number };
  /**
   * The plan's stock-out probability P(D_L > IP) (`stockoutProbability`, read at the position
   * before ordering: on hand plus on order) against what happened: Σ of the probabilities, and
   * the reviews whose lead-time demand did exceed that position. Reviews with a position only
   * (not the first of a period, which starts at S).
   */
  readonly stockOut: { readonly reviews: number; readonly predicted: number; readonly happened: number };
}

/**
 * Plays one period's cycles (in order: each series' position carries over to its next review;
 * the first review of a period starts every series at S) at target `serviceLevel`. `dependence`
 * replaces each run's (a variant for the bench); `scale` multiplies what sold (an oracle for the
 * bench: never a forecast).
 */
export function playCycles(
  cycles: readonly StockCycle[],
  serviceLevel: number,
  options: { dependence?: (d: DependenceModel) => DependenceModel; scale?: number } = {},
): PlayedCycles {
  const scale = options.scale ?? 1;
  // Inventory position after ordering, per series (backorders: may go negative).
  const positions = new Map<string, number>();
  let short = 0;
  let promised = 0;
  const atS = { cycles: 0, short: 0, promised: 0 };
  const stockOut = { reviews: 0, predicted: 0, happened: 0 };
  for (const c of cycles) {
    const demand = c.demand * scale;
    const profile = sampledDemandProfile(
      [c.steps],
      options.dependence ? options.dependence(c.dependence) : c.dependence,
      { leadTime: LEAD_TIME, reviewPeriod: REVIEW_PERIOD, serviceLevel },
    );
    const before = positions.get(c.id);
    if (before !== undefined) {
      stockOut.reviews++;
      stockOut.predicted += exceedanceProbability(profile.leadTimeDemand, before);
      if (c.leadTimeDemand * scale > before) stockOut.happened++;
    }
    // Order up to S (nothing when the position is already above it).
    const after = Math.max(before ?? profile.orderUpTo, profile.orderUpTo);
    // Net stock just before the order of the next review arrives: every earlier order is in.
    const isShort = demand > after;
    const promise = 1 - exceedanceProbability(profile.protectionDemand!, after);
    if (isShort) short++;
    promised += promise;
    if (after === profile.orderUpTo) {
      atS.cycles++;
      if (isShort) atS.short++;
      atS.promised += promise;
    }
    positions.set(c.id, after - c.beforeNextReview * scale);
  }
  return { cycles: cycles.length, short, promised, atS, stockOut };
}
