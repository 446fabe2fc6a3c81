import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BASELINE_KINDS,
  crostonForecast,
  EXTRA_LOCAL_KINDS,
  holtWintersFit,
  holtWintersForecast,
  LocalForecaster,
  naiveForecast,
  seasonalNaiveForecast,
  sesForecast,
  thetaForecast,
  tsbForecast,
} from '../../api/forecasting/baselines.js';
import { buildPanel } from '../../api/forecasting/frames.js';
import { createForecaster } from '../../api/forecasting/models.js';
import { assertForecasterContract } from '../contract/forecaster.contract.js';
import { generateRawSeries, generateSeries } from '../fixtures/forecasting/generate.js';

const daily = generateSeries({ nSeries: 4, freq: 'D', seed: 1 });
const monthly = generateSeries({ nSeries: 3, freq: 'M', seed: 2 });
// A short series (3 points) and an all-zero series beside a normal one.
const edge = buildPanel(
  [
    ...generateRawSeries({ nSeries: 1, freq: 'D', seed: 3, length: 40 }),
    { id: 'short', statics: {}, dates: ['2021-03-01', '2021-03-02', '2021-03-03'], values: [2, 4, 3], covariates: {} },
    {
      id: 'zeros',
      statics: {},
      dates: Array.from({ length: 30 }, (_, i) => `2021-02-${String(i + 1).padStart(2, '0')}`).slice(0, 28),
      values: Array.from({ length: 28 }, () => 0),
      covariates: {},
    },
  ],
  'D',
);

describe('baseline contract', () => {
  for (const kind of [...BASELINE_KINDS, ...EXTRA_LOCAL_KINDS]) {
    test(`${kind} meets the forecaster contract on daily data`, async () => {
      await assertForecasterContract(() => createForecaster(kind), daily, 14);
    });
    test(`${kind} meets the forecaster contract on monthly data`, async () => {
      await assertForecasterContract(() => createForecaster(kind), monthly, 12);
    });
    test(`${kind} handles a 3-point series and an all-zero series`, async () => {
      await assertForecasterContract(() => createForecaster(kind), edge, 7);
      const m = createForecaster(kind);
      await m.fit(edge, { horizon: 7, quantiles: [0.1, 0.5, 0.9], seed: 0 });
      const f = await m.predict(edge);
      const zeros = f.find((x) => x.seriesId === 'zeros')!;
      for (const row of zeros.values)
        assert.deepEqual(
          [...row],
          Array.from({ length: 7 }, () => 0),
          'all-zero history → zeros',
        );
      if (kind === 'snaive') assert.match(m.warnings?.join(' ') ?? '', /1 series shorter than 7 points/);
    });
  }
});

describe('baseline point methods (hand-computed)', () => {
  const y = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  test('naive repeats the last value', () => assert.deepEqual([...naiveForecast(y, 3)], [9, 9, 9]));
  test('seasonal naive repeats the last season', () => {
    assert.deepEqual([...seasonalNaiveForecast(y, 9, 7)], [3, 4, 5, 6, 7, 8, 9, 3, 4]);
    assert.deepEqual([...seasonalNaiveForecast([1, 2], 2, 7)], [2, 2], 'shorter than a season: naive');
  });
  test('SES of a constant series is that constant', () => {
    assert.deepEqual([...sesForecast([4, 4, 4, 4, 4], 2)], [4, 4]);
  });
  test('Theta follows a linear trend at half its slope from the smoothed level', () => {
    const lin = Array.from({ length: 30 }, (_, t) => 10 + 2 * t);
    const f = thetaForecast(lin, 3, 1);
    // SES on a line lags it; half the drift is added per step: the forecast still rises by 1 per step.
    assert.ok(Math.abs(f[1]! - f[0]! - 1) < 1e-9 && Math.abs(f[2]! - f[1]! - 1) < 1e-9);
    assert.ok(f[0]! > 60 && f[0]! < 72, `near the end of the line: ${f[0]}`);
  });
  test('Holt-Winters follows a multiplicative seasonal pattern with growth', () => {
    const m = 12;
    const season = [0.8, 0.9, 1, 1.1, 1.3, 1.2, 1, 0.9, 0.8, 0.9, 1, 1.1];
    const growing = Array.from({ length: 60 }, (_, t) => 100 * 1.01 ** t * season[t % m]!);
    const f = holtWintersForecast(growing, 12, m);
    for (let k = 0; k < 12; k++) {
      const truth = 100 * 1.01 ** (60 + k) * season[(60 + k) % m]!;
      assert.ok(Math.abs(f[k]! - truth) / truth < 0.03, `step ${k}: ${f[k]} vs ${truth}`);
    }
  });
  // Weekly (m = 52): an additive season (sums to 0), a trend of 0.5 a week and negative weeks (returns).
  const m52 = 52;
  const weekSeason = Array.from(
    { length: m52 },
    (_, i) => 40 * Math.sin((2 * Math.PI * i) / m52) + (i === 47 ? 90 : 0),
  );
  const seasonMean = weekSeason.reduce((a, b) => a + b, 0) / m52;
  const flat = (t: number): number => -20 + weekSeason[t % m52]! - seasonMean;
  const weekly = (t: number): number => flat(t) + 0.5 * t;
  test('Holt-Winters initial states by least squares: a noiseless seasonal series is fitted exactly', () => {
    const x = Array.from({ length: 110 }, (_, t) => flat(t));
    const fit = holtWintersFit(x, m52);
    const energy = x.reduce((a, v) => a + v * v, 0);
    assert.ok(fit.seasonal, 'two seasons of history: seasonal');
    // The classical start (first two seasons' means) leaves a one-step error; least squares removes it.
    assert.ok(fit.sse < 1e-8 * energy, `one-step SSE ${fit.sse} against a total of ${energy}`);
  });
  test('additive Holt-Winters (hwadd) follows a weekly season, trend and negative values', () => {
    const cases = [
      // A damped trend (φ ≤ 0.98) lags a straight line: within 2.5, under 2 % of the series' range of ~190.
      { n: 104, truthAt: weekly, tol: 2.5 },
      { n: 78, truthAt: flat, tol: 1e-3 }, // one and a half seasons: seasonal already, exact without a trend
    ];
    for (const { n, truthAt, tol } of cases) {
      const f = holtWintersForecast(
        Array.from({ length: n }, (_, t) => truthAt(t)),
        13,
        m52,
        'raw',
      );
      for (let k = 0; k < 13; k++) {
        const truth = truthAt(n + k);
        assert.ok(Math.abs(f[k]! - truth) < tol, `n=${n}, step ${k}: ${f[k]} vs ${truth}`);
      }
    }
  });
  test('multiplicative Holt-Winters (hw) needs two seasons; additive one and a half', () => {
    const positive = Array.from({ length: 80 }, (_, t) => 200 + weekly(t));
    const add = holtWintersForecast(positive, 20, m52, 'raw');
    const mul = holtWintersForecast(positive, 20, m52, 'log');
    // Week 47's peak (t = 99) is 90 above its neighbours: the seasonal model sees it, damped Holt cannot.
    assert.ok(add[99 - 80]! - add[98 - 80]! > 60, `additive sees the week-47 peak: ${add[19]} vs ${add[18]}`);
    assert.ok(
      Math.abs(mul[19]! - mul[18]!) < 10,
      `multiplicative on 80 weeks is damped Holt: ${mul[19]} vs ${mul[18]}`,
    );
  });
  test('Holt-Winters forecasts stay within the history widened by its range (no runaway trend)', () => {
    // Doubling every day at the end: on the log scale the trend would reach 64·2^20 within 28 days.
    const doubling = [...Array.from({ length: 14 }, () => 1), 2, 4, 8, 16, 32, 64];
    for (const scale of ['log', 'raw'] as const) {
      const f = holtWintersForecast(doubling, 28, 7, scale);
      const unclamped = holtWintersForecast(doubling, 28, 7, scale, 1, scale === 'raw' ? 11 : 14, false);
      assert.ok(Math.max(...unclamped) > 127, `${scale}: the fit alone runs away (${Math.max(...unclamped)})`);
      for (const v of f) assert.ok(v >= 1 - 63 && v <= 64 + 63, `${scale}: ${v} within [-62, 127]`);
      assert.ok(f[0]! > 32, `${scale}: still follows the rise (${f[0]})`);
    }
  });
  test('Croston: size over interval (alpha 0.1)', () => {
    // demands 4 (interval 2), 6 (interval 3): z = 4 + 0.1*(6-4) = 4.2; p = 2 + 0.1*(3-2) = 2.1
    const f = crostonForecast([0, 4, 0, 0, 6, 0], 2);
    assert.ok(Math.abs(f[0]! - 4.2 / 2.1) < 1e-12);
  });
  test('TSB: probability times size (alpha = beta = 0.1)', () => {
    // first demand at t=1: z=4, p=1/2; t=2: p=0.45; t=3: p=0.405; t=4 demand 6: p=0.4645, z=4.2; t=5: p=0.41805
    const f = tsbForecast([0, 4, 0, 0, 6, 0], 1);
    assert.ok(Math.abs(f[0]! - 4.2 * 0.41805) < 1e-12, String(f[0]));
  });
  test('predicting with more history uses it (a local model refits its level)', async () => {
    const m = new LocalForecaster('naive');
    await m.fit(daily, { horizon: 3, quantiles: [0.1, 0.5, 0.9], seed: 0 });
    const longer = {
      ...daily,
      series: daily.series.map((s) => ({ ...s, target: Float64Array.of(...s.target, 1000) })),
    };
    const f = await m.predict(longer);
    assert.ok(f[0]!.values[1]![0]! > 500, 'the median follows the new last value');
  });
});
