/**
 * Stock planning against what really sold (issue 18, "Show"): on held-back days of a real public
 * set (the M5 sample in ../shared/data: Walmart items, mostly intermittent), every review period
 * the engine is trained on the history up to that day, the plan orders up to S = Q_α(D_{L+R}) as
 * `sampledDemandProfile` reads it (one series' sum through the run's `ownCalibration`),
 * and the held-back sales are played through the stock (backorders). A replenishment cycle is
 * short when the net stock is below 0 just before the next order arrives. The realised cycle
 * service level must be within a few points of the target.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  LEAD_TIME,
  loadStockSimulation,
  playCycles,
  REVIEW_PERIOD,
  REVIEWS,
  SERIES,
} from '../helpers/stock-simulation.js';

/**
 * Periods scored, in days before the data's end (0: the last held-back days). One period's
 * realised level moves 3–6 points with the period (bench/RESULTS.md "Stock sums"), so the verdict
 * is on all of them together. bench/stock-sums.ts also scores 147 and 196, which this test never sees.
 */
const PERIODS = [0, 49, 98];
/**
 * Targets checked and the tolerances, from measurement (3 periods × 80 series × 6 reviews = 1,440
 * cycles, seasonal naive with its fitted distribution; bench/RESULTS.md "Stock sums", 2026-12-07).
 * With one series' sum read at G⁻¹(α) (`ownCalibration`, fitted on each run's validation sums):
 * realised 0.831, 0.903 and 0.950 for targets 0.8, 0.9 and 0.95 (0.828, 0.900 and 0.947 when the
 * calibration also fitted one-day sums), against 0.850, 0.926 and 0.964 that the plans promised
 * (1 − P(D > position) under their own calibrated reading); in the cycles ordered exactly up to S,
 * 0.805, 0.883 and 0.940. So:
 * - never more than 3 points below the target (measured +0.0 at 95 %);
 * - above it, within 4 points at 90 and 95 % (measured +0.3 and +0.0) and 5 at 80 % (measured
 *   +3.1; was 10 before the calibration, when it measured +7.8): what remains at 80 % is whole
 *   units (S rounds up; 0.805 at S) and the stock left from the last cycle (position above S);
 * - within 4 points of what the plans promised, at every target (measured −1.9, −2.3, −1.4).
 * Reading the sampled sum at α itself (runs trained before the calibration), the same 3 periods
 * realised 0.878, 0.926 and 0.951.
 *
 * The plan's other probability, `stockoutProbability` = P(D_L > IP) at the position before
 * ordering, is checked against the reviews whose lead-time demand did exceed that position
 * (1,200 reviews a target: the first review of a period has no position yet). Measured predicted
 * 0.156 / 0.085 / 0.044 against 0.178 / 0.101 / 0.051 at the three targets (−2.2, −1.6, −0.7 points;
 * period 49 alone, where the mean turns 4 % low after validation, −7.8 at 80 %; on the periods 147
 * and 196 the test never sees within 1.4 points, both measured with the one-day fit): within 4
 * points, as the promise above.
 */
const STOCK_OUT_FROM_PREDICTED = 0.04;
const TARGETS = [0.8, 0.9, 0.95];
const BELOW = 0.03;
const ABOVE: Readonly<Record<number, number>> = { 0.8: 0.05, 0.9: 0.04, 0.95: 0.04 };
const FROM_PROMISE = 0.04;

test('ordering by the plan on held-back M5 days (3 periods) gives the target cycle service level: never 3 points below it, within 4 above at 90 and 95 % and 5 at 80 %, within 4 of what the plans promised, and the stock-out probability within 4 points of how often it happened', async () => {
  const simulation = await loadStockSimulation();
  const shortfalls = new Map(TARGETS.map((a) => [a, 0]));
  const promised = new Map(TARGETS.map((a) => [a, 0]));
  const atS = new Map(TARGETS.map((a) => [a, { n: 0, short: 0, promised: 0 }]));
  const stockOut = new Map(TARGETS.map((a) => [a, { reviews: 0, predicted: 0, happened: 0 }]));
  let cycles = 0;
  for (const period of PERIODS) {
    const played = await simulation.cyclesAt(period);
    const levels: string[] = [];
    for (const alpha of TARGETS) {
      const r = playCycles(played, alpha);
      shortfalls.set(alpha, shortfalls.get(alpha)! + r.short);
      promised.set(alpha, promised.get(alpha)! + r.promised);
      const e = atS.get(alpha)!;
      e.n += r.atS.cycles;
      e.short += r.atS.short;
      e.promised += r.atS.promised;
      const o = stockOut.get(alpha)!;
      o.reviews += r.stockOut.reviews;
      o.predicted += r.stockOut.predicted;
      o.happened += r.stockOut.happened;
      levels.push(`target ${alpha} → ${(1 - r.short / r.cycles).toFixed(3)}`);
    }
    cycles += played.length;
    process.stdout.write(`period ending ${period} days before the data's end: ${levels.join('; ')}\n`);
  }
  const realised = TARGETS.map((a) => 1 - shortfalls.get(a)! / cycles);
  process.stdout.write(
    `stock simulation (M5, ${SERIES} series × ${REVIEWS} reviews × ${PERIODS.length} periods, L=${LEAD_TIME}, R=${REVIEW_PERIOD}): ${TARGETS.map((a, i) => `target ${a} → realised ${realised[i]!.toFixed(3)}`).join('; ')}\n`,
  );
  for (const a of TARGETS) {
    const e = atS.get(a)!;
    process.stdout.write(
      `target ${a}: all cycles promised ${(promised.get(a)! / cycles).toFixed(3)}; ordered up to S: ${e.n} cycles, realised ${(1 - e.short / e.n).toFixed(3)}, promised ${(e.promised / e.n).toFixed(3)}\n`,
    );
    const o = stockOut.get(a)!;
    process.stdout.write(
      `target ${a}: stock-out probability P(D_L > IP) at ${o.reviews} reviews: predicted ${(o.predicted / o.reviews).toFixed(3)}, happened ${(o.happened / o.reviews).toFixed(3)}\n`,
    );
  }
  TARGETS.forEach((a, i) => {
    const what = `target ${a}: realised cycle service level ${realised[i]!.toFixed(3)} over ${cycles} cycles`;
    assert.ok(realised[i]! >= a - BELOW, what);
    assert.ok(realised[i]! <= a + ABOVE[a]!, what);
    const promise = promised.get(a)! / cycles;
    assert.ok(Math.abs(realised[i]! - promise) <= FROM_PROMISE, `${what}; the plans promised ${promise.toFixed(3)}`);
    const o = stockOut.get(a)!;
    const predicted = o.predicted / o.reviews;
    const happened = o.happened / o.reviews;
    assert.ok(
      Math.abs(happened - predicted) <= STOCK_OUT_FROM_PREDICTED,
      `target ${a}: stock-out before the next delivery predicted ${predicted.toFixed(3)}, happened ${happened.toFixed(3)} over ${o.reviews} reviews`,
    );
  });
});
