/**
 * One series' demand over a stock plan's lead time plus review period (issue 18): what
 * distribution.ts does for a single series' multi-step sum, on which the plan's order-up-to level
 * rests. A member whose mean is below what its quantiles can carry gets a point mass at 0 (its
 * marginal has that mean); one series' own sum takes the κ fitted on single-series block sums,
 * not the pooled κ of totals (runs trained before keep the pooled one); and a plan reads one
 * series' sum at the level that served its target on the validation sums in whole units
 * (`ownCalibration`).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  fitOwnCalibration,
  fitOwnSpread,
  IDENTITY_MEAN,
  INDEPENDENT,
  marginalCdfRange,
  marginalMean,
  marginalOf,
  marginalQuantile,
  OWN_CALIBRATION_GRID,
  ownCalibratedLevel,
  ownCalibrationLengths,
  spreadFor,
  type DependenceModel,
  type DistributionModel,
  type ValidationWindow,
} from '../../api/forecasting/distribution.js';
import { gridDates } from '../../api/forecasting/frames.js';
import { mulberry32 } from '../../api/forecasting/random.js';
import { sampledDemandProfile } from '../../api/forecasting/stock.js';
import type { Panel, QuantileForecast } from '../../api/forecasting/types.js';
import { poissonDraw } from '../helpers/poisson.js';

const LEVELS = [0.1, 0.5, 0.9];

const panelOf = (targets: readonly Float64Array[]): Panel => ({
  freq: 'D',
  series: targets.map((target, i) => ({ id: `s${i}`, start: '2024-01-01', target, covariates: {}, statics: {} })),
  covariateNames: [],
  knownInAdvance: [],
  staticNames: [],
});

describe('one series: a mean below what its quantiles carry', () => {
  test('p10 = p50 = 0, p90 = 1 and a mean of 0.04: a point mass at 0 carries the rest, the mean is kept', () => {
    // The quantiles alone carry at least 0.1 (P(X ≥ 1) ≥ 0.1); a mean of 0.04 needs P(X = 0) ≥ 0.6.
    const m = marginalOf({ levels: LEVELS, values: [0, 0, 1], mean: 0.04 });
    assert.ok((m.zeroMass ?? 0) > 0.5, `zero mass ${m.zeroMass}`);
    assert.ok(Math.abs(marginalMean(m) - 0.04) < 1e-9, `mean ${marginalMean(m)}`);
    assert.equal(marginalQuantile(m, (m.zeroMass ?? 0) * 0.99), 0);
    // The shape is kept above the mass: the top value 1 is reached, later than at 0.9.
    assert.equal(marginalQuantile(m, 0.999), 1);
    assert.ok(marginalQuantile(m, 0.9) < 1);
    const [lo, hi] = marginalCdfRange(m, 0);
    assert.ok(lo < 1e-9 && hi >= m.zeroMass! - 1e-6, `P(X = 0) in [${lo}, ${hi}]`);
    // The mean by sampling agrees with the closed form.
    const u = mulberry32(5);
    let s = 0;
    for (let i = 0; i < 200_000; i++) s += marginalQuantile(m, u());
    assert.ok(Math.abs(s / 200_000 - 0.04) < 0.002, `sampled mean ${s / 200_000}`);
  });

  test('a mean the quantiles can carry keeps them as they are (no point mass)', () => {
    for (const mean of [0.2, 0.6, 3]) {
      const m = marginalOf({ levels: LEVELS, values: [0, 0, 1], mean });
      assert.equal(m.zeroMass, undefined, `mean ${mean}`);
      assert.ok(Math.abs(marginalMean(m) - mean) < 1e-9);
    }
    // Money (negatives allowed): no floor, so no point mass.
    const money = marginalOf({ levels: LEVELS, values: [-2, 0, 1], mean: -5 });
    assert.equal(money.zeroMass, undefined);
  });
});

describe('one series: its own κ', () => {
  test('spreadFor: one series over several steps takes ownSpread; totals and one step do not; absent: the pooled κ', () => {
    const dep: DependenceModel = {
      rho: 0.1,
      phiCommon: 0,
      phiOwn: 0.2,
      spread: 0.8,
      spreadBySize: [
        { minSeries: 2, multiStep: false, spread: 0.9 },
        { minSeries: 2, multiStep: true, spread: 0.7 },
      ],
      ownSpread: 1.3,
    };
    assert.equal(spreadFor(dep, 1, 14), 1.3);
    assert.equal(spreadFor(dep, 1, 1), 0.8);
    assert.equal(spreadFor(dep, 2, 14), 0.7);
    assert.equal(spreadFor(dep, 5, 1), 0.9);
    const { ownSpread: _own, ...before } = dep;
    assert.equal(spreadFor(before, 1, 14), 0.8);
  });

  // Series whose level moves from week to week (a shock shared by all 7 days of a week) have weekly
  // sums far wider than independent days, which is what a forecast of each day alone models; a
  // series of independent days needs no correction.
  const H = 14;
  const SERIES = 60;
  const window = (weekly: boolean, seed: number): ValidationWindow => {
    const u = mulberry32(seed);
    const history: Float64Array[] = [];
    const actuals = new Map<string, Float64Array>();
    const forecasts: QuantileForecast[] = [];
    const dates = gridDates('2024-01-01', 56, H, 'D');
    for (let i = 0; i < SERIES; i++) {
      const level = 5 + 10 * u();
      history.push(Float64Array.from({ length: 56 }, () => level));
      // A day: level · shock · (0.75 … 1.25); the shock is the week's (weekly) or the day's own.
      const y = new Float64Array(H);
      let shock = 1;
      for (let t = 0; t < H; t++) {
        if (!weekly || t % 7 === 0) shock = 0.4 + 1.2 * u();
        y[t] = level * shock * (0.75 + 0.5 * u());
      }
      actuals.set(`s${i}`, y);
      // Each day's true quantiles (a product of two uniforms, sampled once, 20,000 draws).
      const draws = Float64Array.from(
        { length: 20_000 },
        () => level * (0.4 + 1.2 * u()) * (0.75 + 0.5 * u()),
      ).toSorted();
      const q = LEVELS.map((l) => draws[Math.floor(l * draws.length)]!);
      forecasts.push({
        seriesId: `s${i}`,
        dates,
        quantiles: LEVELS,
        values: q.map((v) => new Float64Array(H).fill(v)),
        mean: new Float64Array(H).fill(level),
      });
    }
    return { panel: panelOf(history), actuals, forecasts };
  };
  const model: DistributionModel = { version: 1, meanLift: IDENTITY_MEAN, dependence: INDEPENDENT, points: 0 };

  test('fitted on validation block sums: far wider when a week shares one shock than with independent days (never above 1.1 then)', () => {
    const wide = fitOwnSpread([window(true, 1), window(true, 2)], model, { seed: 3 });
    const right = fitOwnSpread([window(false, 1), window(false, 2)], model, { seed: 3 });
    assert.ok(wide !== undefined && right !== undefined);
    // Independent days: the marginals' exponential tails are wider than these bounded days, so the
    // sums need a little narrowing, never widening (0.83 here; 240 block sums, ±0.1 with the draw).
    assert.ok(right >= 0.7 && right <= 1.1, `κ with independent days ${right}`);
    // A weekly shock: the weekly sum's spread is about √7 ≈ 2.6 times the independent days' (less
    // the within-day noise), so κ is far above the independent days' one.
    assert.ok(wide >= 1.8 * right, `κ with a weekly shock ${wide}, independent days ${right}`);
  });

  test('fewer than 30 block sums: no κ of its own (the pooled κ stays)', () => {
    const w = window(true, 4);
    const few: ValidationWindow = {
      ...w,
      forecasts: w.forecasts.slice(0, 10),
    };
    assert.equal(fitOwnSpread([few], model, { seed: 3 }), undefined);
  });
});

/** The smallest k with P(Poisson(λ) ≤ k) ≥ q. */
const poissonQuantile = (lambda: number, q: number): number => {
  let k = 0;
  let p = Math.exp(-lambda);
  let c = p;
  while (c < q) {
    k++;
    p *= lambda / k;
    c += p;
  }
  return k;
};
/** A stock policy of 7 + 7 days at a target. */
const policy = (serviceLevel: number) => ({ leadTime: 7, reviewPeriod: 7, serviceLevel });
/** G⁻¹ = f on the stored grid. */
const grid = (f: (q: number) => number): number[] =>
  Array.from({ length: OWN_CALIBRATION_GRID + 1 }, (_, k) => f(k / OWN_CALIBRATION_GRID));
const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-12;
/** The share of a fresh window's 14-day sums (one per series) at or below the plan's S. */
const served = (w: ValidationWindow, dependence: DependenceModel, alpha: number): number => {
  let ok = 0;
  for (const f of w.forecasts) {
    const steps = f.dates.map((_, t) => marginalOf({ levels: f.quantiles, values: f.values.map((r) => r[t]!) }));
    const y = w.actuals.get(f.seriesId)!.reduce((a, b) => a + b, 0);
    if (y <= sampledDemandProfile([steps], dependence, policy(alpha)).orderUpTo) ok++;
  }
  return ok / w.forecasts.length;
};

describe('one series: the whole-unit reading calibrated on validation sums', () => {
  // Poisson days (whole units, λ from 0.2 to 3 a day) forecast by the Poisson quantiles of λ·bias:
  // bias 1 is the right law read as a continuous sum, 1.3 sits too high, 0.8 too low.
  const H = 14;
  const window = (series: number, bias: number, seed: number): ValidationWindow => {
    const u = mulberry32(seed);
    const dates = gridDates('2024-01-01', 56, H, 'D');
    const actuals = new Map<string, Float64Array>();
    const forecasts: QuantileForecast[] = [];
    for (let i = 0; i < series; i++) {
      const lambda = 0.2 + 2.8 * u();
      actuals.set(
        `s${i}`,
        Float64Array.from({ length: H }, () => poissonDraw(u, lambda)),
      );
      const q = LEVELS.map((l) => poissonQuantile(lambda * bias, l));
      forecasts.push({
        seriesId: `s${i}`,
        dates,
        quantiles: LEVELS,
        values: q.map((v) => new Float64Array(H).fill(v)),
        mean: new Float64Array(H).fill(lambda * bias),
      });
    }
    const history = Array.from({ length: series }, () => new Float64Array(56).fill(1));
    return { panel: panelOf(history), actuals, forecasts };
  };
  // The identity mean model: each point's mean is its quantiles' own (as the plans below read them).
  const model: DistributionModel = { version: 1, meanLift: IDENTITY_MEAN, dependence: INDEPENDENT, points: 0 };

  test('fitted per sum length (a week and the 14-day horizon; not one day): read lower when the sums sit too high, higher when too low; G⁻¹ non-decreasing from 0 to 1', () => {
    const high = fitOwnCalibration([window(80, 1.3, 1), window(80, 1.3, 2)], model, { seed: 3 });
    const low = fitOwnCalibration([window(80, 0.8, 1), window(80, 0.8, 2)], model, { seed: 3 });
    assert.ok(high && low);
    assert.deepEqual(
      high.map((c) => [c.steps, c.sums]),
      [
        [7, 160],
        [14, 160],
      ],
    );
    assert.deepEqual(ownCalibrationLengths('D', 28), [7, 28]);
    assert.deepEqual(ownCalibrationLengths('D', 5), [5]);
    assert.deepEqual(ownCalibrationLengths('W', 13), [4, 13]);
    for (const c of [...high, ...low]) {
      assert.equal(c.levels.length, OWN_CALIBRATION_GRID + 1);
      assert.equal(c.levels[0], 0);
      assert.equal(c.levels.at(-1), 1);
      for (let k = 1; k < c.levels.length; k++) assert.ok(c.levels[k]! >= c.levels[k - 1]!, `G⁻¹ at ${k}`);
    }
    const at = (g: typeof high, level: number): number =>
      ownCalibratedLevel({ ...INDEPENDENT, ownCalibration: g }, H, level);
    // 30 % too high: the 80 % target is read far down the sampled sum; 20 % too low: far up.
    assert.ok(at(high, 0.8) < 0.5, `too high: reads ${at(high, 0.8)} for 0.8`);
    assert.ok(at(low, 0.8) > 0.85, `too low: reads ${at(low, 0.8)} for 0.8`);
  });

  test('plans of fresh series (not the validation ones) serve their target within 5 points, where reading the sampled sum as it is misses by more than 8', () => {
    for (const bias of [1.3, 0.8]) {
      const g = fitOwnCalibration([window(200, bias, 1), window(200, bias, 2)], model, { seed: 3 });
      const fresh = window(400, bias, 9);
      for (const alpha of [0.8, 0.9]) {
        const calibrated = served(fresh, { ...INDEPENDENT, ownCalibration: g }, alpha);
        const raw = served(fresh, INDEPENDENT, alpha);
        const what = `bias ${bias}, target ${alpha}: served ${calibrated.toFixed(3)} calibrated, ${raw.toFixed(3)} as sampled`;
        assert.ok(Math.abs(calibrated - alpha) <= 0.05, what);
        assert.ok(Math.abs(raw - alpha) > 0.08, what);
      }
    }
  });

  test('fewer than 30 validation sums of a length: none for it (none at all: undefined)', () => {
    assert.equal(fitOwnCalibration([window(12, 1, 1), window(12, 1, 2)], model, { seed: 3 }), undefined);
  });

  test('the level read: α itself without a calibration; linear in the sum length between fitted lengths, the nearest outside them', () => {
    const dependence: DependenceModel = {
      ...INDEPENDENT,
      ownCalibration: [
        { steps: 1, levels: grid((q) => q), sums: 100 },
        { steps: 7, levels: grid((q) => q * q), sums: 100 },
        { steps: 14, levels: grid((q) => q ** 3), sums: 100 },
      ],
    };
    assert.equal(ownCalibratedLevel(INDEPENDENT, 14, 0.8), 0.8);
    assert.ok(close(ownCalibratedLevel(dependence, 7, 0.8), 0.64));
    assert.ok(close(ownCalibratedLevel(dependence, 14, 0.8), 0.512));
    assert.ok(close(ownCalibratedLevel(dependence, 28, 0.8), 0.512));
    // 4 steps: halfway between 1 (0.8) and 7 (0.64).
    assert.ok(close(ownCalibratedLevel(dependence, 4, 0.8), 0.72));
    // Between grid levels: linear (0.805 between 0.8² and 0.81²).
    assert.ok(close(ownCalibratedLevel(dependence, 7, 0.805), (0.64 + 0.6561) / 2));
  });

  test('only one series is read through it: a total of two series plans the same with or without it', () => {
    const g = fitOwnCalibration([window(80, 1.3, 1), window(80, 1.3, 2)], model, { seed: 3 })!;
    const steps = (values: number[]) => Array.from({ length: H }, () => marginalOf({ levels: LEVELS, values }));
    const a = steps([0, 1, 3]);
    const b = steps([1, 2, 4]);
    const calibrated: DependenceModel = { ...INDEPENDENT, ownCalibration: g };
    const total = sampledDemandProfile([a, b], calibrated, policy(0.9));
    assert.deepEqual(total, sampledDemandProfile([a, b], INDEPENDENT, policy(0.9)));
    // One series is read through it, also when listed beside a member with no forecast over the plan's days.
    const none = Array.from({ length: H }, () => undefined);
    assert.ok(
      sampledDemandProfile([a], calibrated, policy(0.9)).orderUpTo <
        sampledDemandProfile([a], INDEPENDENT, policy(0.9)).orderUpTo,
    );
    assert.ok(
      sampledDemandProfile([a, none], calibrated, policy(0.9)).orderUpTo <
        sampledDemandProfile([a, none], INDEPENDENT, policy(0.9)).orderUpTo,
    );
  });
});
