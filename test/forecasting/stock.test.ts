import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  INDEPENDENT,
  marginalOf,
  OWN_CALIBRATION_GRID,
  type DependenceModel,
} from '../../api/forecasting/distribution.js';
import {
  daysOfCover,
  exceedanceProbability,
  lowerQuantile,
  recalibratedSums,
  stockPlan,
  stockPlanFromPaths,
  StockPolicyError,
  type StockPolicyInput,
} from '../../api/forecasting/stock.js';

// Four equally likely demand paths over three periods (sample s = column):
//   period 0: 0 1 2 5
//   period 1: 0 2 1 3
//   period 2: 1 0 3 4
// Lead time 1, review period 2: D_L = period 0 = {0, 1, 2, 5}; D_{L+R} = all three = {1, 3, 6, 12}.
// Expected demand per period: 2, 1.5, 2; E[D_{L+R}] = 22 / 4 = 5.5.
const PATHS = [
  [0, 1, 2, 5],
  [0, 2, 1, 3],
  [1, 0, 3, 4],
];
const POLICY: StockPolicyInput = { onHand: 2, onOrder: 1, leadTime: 1, reviewPeriod: 2, serviceLevel: 0.75 };

describe('stock maths on a small discrete distribution (hand-computed)', () => {
  test('at 75 %: S = Q.75{1,3,6,12} = 6, SS = 0.5, s = Q.75{0,1,2,5} = 2, order 6 − 3 = 3, P(D_L > 3) = 1/4', () => {
    const plan = stockPlanFromPaths(PATHS, POLICY);
    assert.equal(plan.expectedDemand, 5.5);
    assert.equal(plan.orderUpTo, 6);
    assert.equal(plan.safetyStock, 0.5);
    assert.equal(plan.reorderPoint, 2);
    assert.equal(plan.inventoryPosition, 3);
    assert.equal(plan.suggestedOrder, 3);
    assert.equal(plan.stockoutProbability, 0.25);
    assert.equal(plan.protectionPeriods, 3);
    // 2 on hand, 2 expected in period 0: gone at the end of period 0.
    assert.equal(plan.daysOfCover, 1);
  });

  test('at 90 %: S = 12 (the top path), SS = 6.5, s = 5, order 9', () => {
    const plan = stockPlanFromPaths(PATHS, { ...POLICY, serviceLevel: 0.9 });
    assert.equal(plan.orderUpTo, 12);
    assert.equal(plan.safetyStock, 6.5);
    assert.equal(plan.reorderPoint, 5);
    assert.equal(plan.suggestedOrder, 9);
  });

  test('at 50 %: S = Q.5{1,3,6,12} = 3 (the lower median, not an interpolated 4.5): nothing to order with 3 in position', () => {
    const plan = stockPlanFromPaths(PATHS, { ...POLICY, serviceLevel: 0.5 });
    assert.equal(plan.orderUpTo, 3);
    assert.equal(plan.safetyStock, -2.5);
    assert.equal(plan.suggestedOrder, 0);
  });

  test('a position above every lead-time path cannot run out; more stock means more cover', () => {
    const plan = stockPlanFromPaths(PATHS, { ...POLICY, onHand: 5, onOrder: 0 });
    assert.equal(plan.stockoutProbability, 0);
    assert.equal(plan.suggestedOrder, 1);
    // 5 on hand: 2 in period 0, 1.5 in period 1 (3.5), 1.5 of period 2's 2 → 2 + 0.75.
    assert.equal(plan.daysOfCover, 2.75);
  });

  test('lead time 0: an order arrives at once, so no stock-out before it and a reorder point of 0', () => {
    const plan = stockPlanFromPaths(PATHS, { ...POLICY, onHand: 0, onOrder: 0, leadTime: 0, reviewPeriod: 3 });
    assert.equal(plan.stockoutProbability, 0);
    assert.equal(plan.reorderPoint, 0);
    assert.equal(plan.orderUpTo, 6);
  });

  test('days of cover past the forecast continue at its average rate; none when nothing is expected', () => {
    // 10 on hand: 5.5 in the three periods, then 4.5 at 5.5 / 3 per period.
    assert.ok(Math.abs(daysOfCover(10, [2, 1.5, 2])! - (3 + 4.5 / (5.5 / 3))) < 1e-12);
    assert.equal(daysOfCover(3, [0, 0, 0]), null);
    assert.equal(daysOfCover(0, [0, 0, 0]), 0);
    assert.equal(daysOfCover(0, [1, 1]), 0);
  });

  test('nothing on hand is 0 days of cover, also when the first periods expect no sales', () => {
    // The old walk skipped the zero-demand periods and answered 1 (the first period with demand).
    assert.equal(daysOfCover(0, [0, 2, 2]), 0);
    assert.equal(daysOfCover(0, [0, 0, 3]), 0);
    assert.equal(daysOfCover(-2, [0, 1]), 0);
    // A positive stock still waits out the quiet periods: 1 unit lasts through period 0 and half of period 1.
    assert.equal(daysOfCover(1, [0, 2, 2]), 1.5);
  });

  test('lowerQuantile is the inverse empirical CDF', () => {
    const sorted = [1, 3, 6, 12];
    assert.deepEqual(
      [0.01, 0.25, 0.26, 0.5, 0.75, 0.76, 0.99].map((l) => lowerQuantile(sorted, l)),
      [1, 1, 3, 3, 6, 12, 12],
    );
  });

  test('recalibrated: read at G⁻¹(α) = α/2, D_{L+R} = {1, 3, 6, 12} reads {1, 1, 3, 12}: S at 75 % is 3, P(D > 3) = 1/4', () => {
    // G⁻¹(q) = q/2 below 1 (and 1 at 1), on the stored grid, for every sum length.
    const levels = Array.from({ length: OWN_CALIBRATION_GRID + 1 }, (_, k) =>
      k === OWN_CALIBRATION_GRID ? 1 : k / OWN_CALIBRATION_GRID / 2,
    );
    const dependence: DependenceModel = { ...INDEPENDENT, ownCalibration: [{ steps: 1, levels, sums: 100 }] };
    // Sample k of 4 is Q(G⁻¹((k + 1)/4)): Q(0.125) = 1, Q(0.25) = 1, Q(0.375) = 3, Q(1) = 12.
    const read = recalibratedSums(Float64Array.from([1, 3, 6, 12]), 3, dependence);
    assert.deepEqual([...read], [1, 1, 3, 12]);
    assert.equal(lowerQuantile(read, 0.75), 3);
    assert.equal(exceedanceProbability(read, 3), 0.25);
    // No calibration (a run trained before it), or no steps (lead time 0): the samples as they are.
    const sorted = Float64Array.from([1, 3, 6, 12]);
    assert.equal(recalibratedSums(sorted, 3, INDEPENDENT), sorted);
    assert.equal(recalibratedSums(sorted, 0, dependence), sorted);
  });

  const bad: [string, Partial<StockPolicyInput>, string][] = [
    ['a negative stock on hand', { onHand: -1 }, 'onHand'],
    ['a negative stock on order', { onOrder: -2 }, 'onOrder'],
    ['a fractional lead time', { leadTime: 1.5 }, 'leadTime'],
    ['a review period of 0', { reviewPeriod: 0 }, 'reviewPeriod'],
    ['a service level of 1', { serviceLevel: 1 }, 'serviceLevel'],
    ['a service level of 0', { serviceLevel: 0 }, 'serviceLevel'],
    ['lead time + review period beyond the forecast', { leadTime: 2, reviewPeriod: 2 }, 'horizon'],
  ];
  for (const [what, change, field] of bad) {
    test(`rejects ${what}, naming the field`, () => {
      assert.throws(
        () => stockPlanFromPaths(PATHS, { ...POLICY, ...change }),
        (e: unknown) => e instanceof StockPolicyError && e.field === field,
      );
    });
  }
});

describe('stock maths from forecast marginals (sampled paths)', () => {
  test('a certain demand of 2 a period: S = 2 (L + R), no safety stock, certain stock-out below 2 L', () => {
    const steps = Array.from({ length: 10 }, () => marginalOf({ levels: [0.1, 0.5, 0.9], values: [2, 2, 2], mean: 2 }));
    const plan = stockPlan(steps, INDEPENDENT, {
      onHand: 3,
      onOrder: 0,
      leadTime: 2,
      reviewPeriod: 3,
      serviceLevel: 0.95,
    });
    assert.equal(plan.orderUpTo, 10);
    assert.ok(Math.abs(plan.safetyStock) < 1e-9);
    assert.equal(plan.reorderPoint, 4);
    assert.equal(plan.suggestedOrder, 7);
    assert.equal(plan.stockoutProbability, 1);
    assert.equal(plan.daysOfCover, 1.5);
  });

  test('intermittent demand (p10 = p50 = 0, p90 = 3, mean 0.6): the order-up-to level is a sum of sampled days, above the normal approximation', () => {
    const member = { levels: [0.1, 0.5, 0.9], values: [0, 0, 3], mean: 0.6 };
    const steps = Array.from({ length: 14 }, () => marginalOf(member));
    const input = { onHand: 0, onOrder: 0, leadTime: 3, reviewPeriod: 4, serviceLevel: 0.95 };
    const a = stockPlan(steps, INDEPENDENT, input, { seed: 1 });
    const b = stockPlan(steps, INDEPENDENT, input, { seed: 1 });
    assert.deepEqual(a, b, 'deterministic for a seed');
    assert.ok(Math.abs(a.expectedDemand - 7 * 0.6) < 0.25, `E[D] ${a.expectedDemand} ≈ 4.2`);
    // More safety stock than zero and an order-up-to level that covers the right-skewed sum.
    assert.ok(a.safetyStock > 0);
    assert.ok(a.orderUpTo >= Math.ceil(a.expectedDemand));
    assert.equal(a.suggestedOrder, a.orderUpTo);
    // Raising the service level never lowers S.
    const c = stockPlan(steps, INDEPENDENT, { ...input, serviceLevel: 0.99 }, { seed: 1 });
    assert.ok(c.orderUpTo >= a.orderUpTo);
  });

  test('dependence across periods widens the sum: positively autocorrelated days need more safety stock', () => {
    const member = { levels: [0.1, 0.5, 0.9], values: [1, 4, 8], mean: 4.3 };
    const steps = Array.from({ length: 14 }, () => marginalOf(member));
    const input = { onHand: 0, onOrder: 0, leadTime: 4, reviewPeriod: 7, serviceLevel: 0.95 };
    const independent = stockPlan(steps, INDEPENDENT, input);
    const dependent = stockPlan(steps, { rho: 0, phiCommon: 0, phiOwn: 0.8 }, input);
    assert.ok(
      dependent.safetyStock > independent.safetyStock + 2,
      `${dependent.safetyStock} vs ${independent.safetyStock}`,
    );
  });
});
