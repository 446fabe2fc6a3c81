import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { aggregateQuantiles, Dependence, quantileAt, totalKind, type QuantileMember } from './quantile-aggregation.js';

// Normal quantiles at 1 %, 2 %, …, 99 % by the Acklam-free route: invert the CDF numerically.
const cdf = (x: number): number => 0.5 * (1 + erf(x / Math.SQRT2));
function normalQuantile(p: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7).
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}
const levels = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);
const normal = (mean: number, sd: number): QuantileMember => ({
  levels,
  values: levels.map((l) => mean + sd * normalQuantile(l)),
});

describe('quantile aggregation', () => {
  test('interpolates between stored levels and extends the tails beyond them (never clamps)', () => {
    const m = { levels: [0.1, 0.5, 0.9], values: [2, 4, 10] };
    assert.ok(Math.abs(quantileAt(m, 0.3) - 3) < 1e-12);
    assert.ok(Math.abs(quantileAt(m, 0.7) - 7) < 1e-12);
    assert.ok(quantileAt(m, 0.05) < 2 && quantileAt(m, 0.05) >= 0, `p05 ${quantileAt(m, 0.05)}`);
    assert.ok(quantileAt(m, 0.99) > quantileAt(m, 0.95) && quantileAt(m, 0.95) > 10);
    // Exponential upper tail continuing the upper half: p99 = 10 + (10 − 4)/ln 5 · ln 10.
    assert.ok(Math.abs(quantileAt(m, 0.99) - (10 + (6 / Math.log(5)) * Math.log(10))) < 1e-9);
    // A stored mean sets the tail: a larger mean, a longer tail.
    assert.ok(quantileAt({ ...m, mean: 9 }, 0.99) > quantileAt({ ...m, mean: 6 }, 0.99));
  });

  test('a single member is returned exactly', () => {
    const m = { levels: [0.1, 0.5, 0.9], values: [2, 4, 10] };
    assert.deepEqual(aggregateQuantiles([m], [0.1, 0.5, 0.9]), [2, 4, 10]);
  });

  test('the sum of independent normals has the variance of the sum, not the sum of spreads', () => {
    const members = [normal(10, 1), normal(10, 1), normal(10, 1), normal(10, 1)];
    const [p10, p50, p90] = aggregateQuantiles(members, [0.1, 0.5, 0.9], {
      samples: 4000,
      dependence: Dependence.INDEPENDENT,
    });
    // N(40, 2²): p90 = 40 + 1.2816 · 2 = 42.563. Summing the p90s would give 45.13.
    assert.ok(Math.abs(p50! - 40) < 0.05, `p50 ${p50}`);
    assert.ok(Math.abs(p90! - 42.563) < 0.1, `p90 ${p90}`);
    assert.ok(Math.abs(p10! - 37.437) < 0.1, `p10 ${p10}`);
  });

  test('comonotonic members add their quantiles exactly', () => {
    const members = [normal(10, 1), normal(5, 2)];
    const [p90] = aggregateQuantiles(members, [0.9], { dependence: Dependence.COMONOTONIC });
    assert.ok(Math.abs(p90! - (15 + 3 * 1.28155)) < 1e-3, `p90 ${p90}`);
  });

  test('is deterministic and never crosses', () => {
    const members = Array.from({ length: 30 }, (_, i) => ({ levels: [0.1, 0.5, 0.9], values: [0, i, 3 * i] }));
    const a = aggregateQuantiles(members, [0.1, 0.25, 0.5, 0.75, 0.9]);
    const b = aggregateQuantiles(members, [0.1, 0.25, 0.5, 0.75, 0.9]);
    assert.deepEqual(a, b);
    for (let i = 1; i < a.length; i++) assert.ok(a[i]! >= a[i - 1]!);
  });

  test('no members sum to zero', () => {
    assert.deepEqual(aggregateQuantiles([], [0.1, 0.9]), [0, 0]);
  });

  test("a total that says its kind takes that kind's spread; any other total its size class's", () => {
    const members = Array.from({ length: 6 }, () => normal(10, 1));
    const fitted = {
      rho: 0,
      phiCommon: 0,
      phiOwn: 0,
      spread: 1,
      spreadBySize: [
        { minSeries: 2, multiStep: false, spread: 1 },
        { minSeries: 10, multiStep: false, spread: 1 },
      ],
      spreadByKind: [{ kind: 'store', multiStep: false, spread: 2 }],
    };
    const width = (kind?: string): number => {
      const [p10, p90] = aggregateQuantiles(members, [0.1, 0.9], { samples: 4000, fitted, kind });
      return p90! - p10!;
    };
    // N(60, 6): p90 − p10 = 2 · 1.2816 · √6 = 6.28; twice that for a store's total.
    assert.ok(Math.abs(width() - 6.28) < 0.25, `no kind ${width()}`);
    assert.ok(Math.abs(width('dept') - 6.28) < 0.25, `a kind without its own κ ${width('dept')}`);
    assert.ok(Math.abs(width('store') - 12.56) < 0.5, `store ${width('store')}`);
  });

  test('the kind of a total follows from how its series were chosen', () => {
    assert.equal(totalKind([], undefined), 'all');
    assert.equal(totalKind([{ name: 'store' }], undefined), 'store');
    assert.equal(totalKind([], 'store'), 'store');
    assert.equal(totalKind([{ name: 'store' }], 'store'), 'store');
    // An intersection of two attributes' groups is neither kind: its size class's spread.
    assert.equal(totalKind([{ name: 'store' }], 'dept'), undefined);
    assert.equal(totalKind([{ name: 'store' }, { name: 'dept' }], undefined), undefined);
  });
});
