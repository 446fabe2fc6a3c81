import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CalibratedForecaster } from '../../api/forecasting/calibrated.js';
import {
  calibrateForecast,
  calibrateForecasts,
  conformalFactor,
  demandClass,
  fitIntervalCalibration,
  MAX_FACTOR,
  MIN_FACTOR,
  samplesFromWindows,
  type CalibrationSample,
  type DemandClass,
  type IntervalCalibration,
} from '../../api/forecasting/calibration.js';
import { EnsembleForecaster } from '../../api/forecasting/ensemble.js';
import { buildPanel, rollingOriginSplit } from '../../api/forecasting/frames.js';
import { createForecaster, deserializeForecaster } from '../../api/forecasting/models.js';
import { mulberry32 } from '../../api/forecasting/random.js';
import type { QuantileForecast } from '../../api/forecasting/types.js';
import { assertForecasterContract } from '../contract/forecaster.contract.js';
import { generateRawSeries, generateSeries } from '../fixtures/forecasting/generate.js';

const LEVELS = [0.1, 0.5, 0.9];
const Z90 = 1.2815515655446004;

/** Standard normal draws (Box–Muller on mulberry32), deterministic by seed. */
function normals(n: number, seed: number): Float64Array {
  const rnd = mulberry32(seed);
  return Float64Array.from({ length: n }, () => {
    const u = Math.max(rnd(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
  });
}

/**
 * `nSeries` series of `h` points each: y = m + σ·z, forecast by a model whose p10/p90 sit at
 * `width` × the true 10/90 % distance from the median (width 0.5: far too narrow).
 */
function syntheticSamples(nSeries: number, h: number, seed: number, width: number, cls: DemandClass = 'smooth') {
  const z = normals(nSeries * h, seed);
  const out: CalibrationSample[] = [];
  for (let s = 0; s < nSeries; s++) {
    const m = 50 + 10 * s;
    const sigma = 2 + (s % 5);
    const actual = Float64Array.from({ length: h }, (_, t) => m + sigma * z[s * h + t]!);
    const p50 = new Float64Array(h).fill(m);
    const forecast: QuantileForecast = {
      seriesId: `s${s}`,
      dates: Array.from({ length: h }, (_, t) => `d${t}`),
      quantiles: LEVELS,
      values: [
        new Float64Array(h).fill(m - width * Z90 * sigma),
        p50,
        new Float64Array(h).fill(m + width * Z90 * sigma),
      ],
    };
    out.push({ cls, actual, forecast });
  }
  return out;
}

function coverage(samples: readonly CalibrationSample[], forecasts: readonly QuantileForecast[]): number {
  let inside = 0;
  let n = 0;
  samples.forEach((s, i) => {
    const f = forecasts[i]!;
    for (let t = 0; t < s.actual.length; t++) {
      const y = s.actual[t]!;
      if (y >= f.values[0]![t]! && y <= f.values[2]![t]!) inside++;
      n++;
    }
  });
  return inside / n;
}

const asRows = (fs: readonly QuantileForecast[]): number[][][] => fs.map((f) => f.values.map((v) => [...v]));

describe('demandClass (Syntetos–Boylan)', () => {
  test('smooth, erratic, intermittent and lumpy histories; unknown points skipped', () => {
    assert.equal(demandClass([10, 11, 9, 10, 12, 10, Number.NaN, 11]), 'smooth');
    assert.equal(demandClass([1, 30, 2, 45, 1, 60, 3, 1]), 'erratic');
    assert.equal(demandClass([0, 0, 5, 0, 0, 5, 0, 0, 6, 0]), 'intermittent');
    assert.equal(demandClass([0, 0, 1, 0, 0, 40, 0, 0, 2, 0]), 'lumpy');
    assert.equal(demandClass([0, 0, 0]), 'lumpy', 'no sales at all counts as lumpy');
    // NaN is unknown, not zero: these gaps do not make the series intermittent.
    assert.equal(demandClass([5, Number.NaN, Number.NaN, 5, Number.NaN, 6, 5]), 'smooth');
  });
});

describe('conformalFactor', () => {
  test('is the ⌈(n+1)(1−τ)⌉-th smallest score, within the bounds', () => {
    const scores = [0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6]; // n = 9: ⌈10 · 0.9⌉ = 9th
    assert.equal(conformalFactor(scores, 0.1), 0.9);
    assert.equal(conformalFactor(scores, 0.5), 0.5); // ⌈10 · 0.5⌉ = 5th
    assert.equal(conformalFactor([...scores, Number.POSITIVE_INFINITY], 0.05), MAX_FACTOR);
    assert.equal(conformalFactor([0.01, 0.02, 0.03], 0.1), MIN_FACTOR);
    assert.equal(conformalFactor([], 0.1), 1, 'no scores: no change');
  });
});

describe('interval calibration', () => {
  test('too narrow intervals reach nominal coverage on fresh data of the same kind', () => {
    const validation = syntheticSamples(40, 28, 1, 0.5);
    const fresh = syntheticSamples(40, 28, 2, 0.5);
    const cal = fitIntervalCalibration(validation);
    assert.ok(Math.abs(cal.pooled[0]! - 2) < 0.25, `lower factor near 2 (${cal.pooled[0]})`);
    assert.ok(Math.abs(cal.pooled[2]! - 2) < 0.25, `upper factor near 2 (${cal.pooled[2]})`);
    assert.equal(cal.pooled[1], 1, 'the median is never scaled');
    const raw = coverage(
      fresh,
      fresh.map((s) => s.forecast),
    );
    const calibrated = coverage(
      fresh,
      fresh.map((s) => calibrateForecast(s.forecast, cal, s.cls)),
    );
    assert.ok(raw < 0.55, `raw coverage is far below 80 % (${raw})`);
    assert.ok(calibrated > 0.76 && calibrated < 0.84, `calibrated coverage near 80 % (${calibrated})`);
  });

  test('too wide intervals are narrowed, and calibrated p50 is the raw p50', () => {
    const validation = syntheticSamples(40, 28, 3, 2);
    const cal = fitIntervalCalibration(validation);
    assert.ok(cal.pooled[0]! < 0.6 && cal.pooled[2]! < 0.6, `factors near 0.5 (${cal.pooled.join(', ')})`);
    const out = calibrateForecast(validation[0]!.forecast, cal, 'smooth');
    assert.deepEqual([...out.values[1]!], [...validation[0]!.forecast.values[1]!]);
    const c = coverage(
      validation,
      validation.map((s) => calibrateForecast(s.forecast, cal, s.cls)),
    );
    assert.ok(c > 0.76 && c < 0.84, `coverage near 80 % after narrowing (${c})`);
  });

  test('p10 and p90 share one factor: a shock to one side widens both, without shifting the interval', () => {
    // Every actual came in above the median (a common shock): the two-sided factor still puts
    // 20 % of points outside; fitted side by side, p10 would shrink and p90 grow instead.
    const shifted = syntheticSamples(40, 28, 10, 1).map((s) => ({
      ...s,
      actual: Float64Array.from(s.actual, (y, t) => y + 1.5 * (s.forecast.values[2]![t]! - s.forecast.values[1]![t]!)),
    }));
    const both = fitIntervalCalibration(shifted);
    assert.equal(both.pooled[0], both.pooled[2], 'one factor for the pair');
    const c = coverage(
      shifted,
      shifted.map((s) => calibrateForecast(s.forecast, both, s.cls)),
    );
    assert.ok(c > 0.78 && c < 0.82, `two-sided coverage near 80 % on validation (${c})`);
    const sides = fitIntervalCalibration(shifted, { symmetric: false });
    assert.ok(sides.pooled[0]! < sides.pooled[2]!, `side by side, p10 shrinks below p90 (${sides.pooled.join(', ')})`);
  });

  test('classes with enough points get their own factors; the others use the pooled ones', () => {
    const samples = [
      ...syntheticSamples(20, 28, 4, 0.5, 'smooth'), // 560 points, intervals half as wide as needed
      ...syntheticSamples(20, 28, 5, 1, 'lumpy'), // 560 points, intervals right
      ...syntheticSamples(2, 28, 6, 3, 'erratic'), // 56 points: too few for its own factors
    ];
    const cal = fitIntervalCalibration(samples, { minClassPoints: 300 });
    assert.ok(Math.abs(cal.byClass.smooth![2]! - 2) < 0.3, `smooth factor near 2 (${cal.byClass.smooth})`);
    assert.ok(Math.abs(cal.byClass.lumpy![2]! - 1) < 0.2, `lumpy factor near 1 (${cal.byClass.lumpy})`);
    assert.equal(cal.byClass.erratic, undefined, 'erratic has too few points for its own factors');
    const f = samples.at(-1)!.forecast;
    assert.deepEqual(asRows([calibrateForecast(f, cal, 'erratic')]), asRows([calibrateForecast(f, cal, undefined)]));
  });

  test('quantiles never cross and stay non-negative; negative raw steps may stay negative', () => {
    const levels = [0.05, 0.1, 0.5, 0.9, 0.95];
    const f: QuantileForecast = {
      seriesId: 'a',
      dates: ['d0', 'd1', 'd2'],
      quantiles: levels,
      values: [
        Float64Array.from([8, 0, -6]),
        Float64Array.from([9, 0, -5]),
        Float64Array.from([10, 1, -2]),
        Float64Array.from([12, 3, 0]),
        Float64Array.from([13, 4, 1]),
      ],
    };
    // Factors that would put p10 below p05 and p90 above p95 before re-sorting.
    const cal: IntervalCalibration = { levels, pooled: [1, 4, 1, 4, 1], byClass: {}, points: 1000 };
    const out = calibrateForecast(f, cal, 'smooth');
    for (let t = 0; t < 3; t++) {
      for (let k = 1; k < levels.length; k++) {
        assert.ok(out.values[k]![t]! >= out.values[k - 1]![t]!, `levels ${k - 1} and ${k} do not cross at step ${t}`);
      }
    }
    assert.ok(
      out.values.every((r) => r[0]! >= 0 && r[1]! >= 0),
      'steps whose raw quantiles were non-negative stay non-negative',
    );
    assert.equal(out.values[0]![0], 6, 'p10 at 10 − 4 · (10 − 9) = 6 sorts below p05 = 8 and becomes the lowest');
    assert.ok(out.values[0]![2]! < 0, 'a step with negative raw quantiles (returns) keeps them');
    assert.deepEqual([...f.values[1]!], [9, 0, -5], 'the input is not modified');
  });

  test('too few validation points or no median: no calibration', () => {
    const few = syntheticSamples(1, 20, 7, 0.5);
    assert.deepEqual(fitIntervalCalibration(few).pooled, [1, 1, 1]);
    assert.deepEqual(fitIntervalCalibration([]).pooled, []);
  });

  test('deterministic: the same validation gives the same factors and forecasts', () => {
    const a = fitIntervalCalibration(syntheticSamples(30, 14, 8, 0.7));
    const b = fitIntervalCalibration(syntheticSamples(30, 14, 8, 0.7));
    assert.deepEqual(a, b);
    const s = syntheticSamples(3, 14, 9, 0.7);
    assert.deepEqual(
      asRows(s.map((x) => calibrateForecast(x.forecast, a, x.cls))),
      asRows(s.map((x) => calibrateForecast(x.forecast, b, x.cls))),
    );
  });

  test('fitted on backtest windows of a real model, it round-trips through the artefact', async () => {
    const panel = generateSeries({ nSeries: 5, freq: 'D', seed: 12, length: 160 });
    const split = rollingOriginSplit(panel, 14, 2);
    const windows = [];
    for (const w of split.windows) {
      const m = createForecaster('ses');
      await m.fit(w.panel, { horizon: 14, quantiles: LEVELS, seed: 1 });
      windows.push({ window: w, forecasts: await m.predict(w.panel) });
      m.dispose();
    }
    const samples = samplesFromWindows(windows);
    assert.equal(samples.length, 10, 'one sample per series and window');
    const cal = fitIntervalCalibration(samples);
    assert.equal(cal.points, 140);
    const model = new CalibratedForecaster(createForecaster('ses'), cal);
    await model.fit(panel, { horizon: 14, quantiles: LEVELS, seed: 1 });
    const direct = await model.predict(panel);
    const inner = createForecaster('ses');
    await inner.fit(panel, { horizon: 14, quantiles: LEVELS, seed: 1 });
    assert.deepEqual(asRows(direct), asRows(calibrateForecasts(await inner.predict(panel), cal, panel)));
    assert.equal(model.alias, 'ses', 'calibration keeps the model name');
    const restored = await deserializeForecaster(await model.serialize());
    assert.deepEqual(asRows(await restored.predict(panel)), asRows(direct), 'the artefact predicts the same');
    model.dispose();
    inner.dispose();
    restored.dispose();
  });

  test('a calibrated ensemble meets the forecaster contract, with a short and an all-zero series', async () => {
    const cal: IntervalCalibration = { levels: LEVELS, pooled: [2, 1, 2], byClass: { lumpy: [3, 1, 3] }, points: 100 };
    const make = (): CalibratedForecaster =>
      new CalibratedForecaster(
        new EnsembleForecaster([createForecaster('ses'), createForecaster('snaive'), createForecaster('croston')]),
        cal,
      );
    await assertForecasterContract(make, generateSeries({ nSeries: 4, freq: 'D', seed: 13 }), 14);
    const zeros = Array.from({ length: 28 }, (_, i) => `2021-02-${String(i + 1).padStart(2, '0')}`);
    const edge = buildPanel(
      [
        ...generateRawSeries({ nSeries: 1, freq: 'D', seed: 14, length: 40 }),
        {
          id: 'short',
          statics: {},
          dates: ['2021-03-01', '2021-03-02', '2021-03-03'],
          values: [2, 4, 3],
          covariates: {},
        },
        { id: 'zeros', statics: {}, dates: zeros, values: zeros.map(() => 0), covariates: {} },
      ],
      'D',
    );
    await assertForecasterContract(make, edge, 7);
  });
});
