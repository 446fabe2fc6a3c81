import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CALIBRATED_FORMAT, type CalibratedForecaster } from '../../api/forecasting/calibrated.js';
import { calibrateForecasts, type IntervalCalibration } from '../../api/forecasting/calibration.js';
import { buildPanel, gridDates } from '../../api/forecasting/frames.js';
import { deserializeForecaster } from '../../api/forecasting/models.js';
import {
  autoDeepTrainingWindows,
  defaultCandidates,
  permutePanel,
  relativeScore,
  runForecastPipeline,
} from '../../api/forecasting/pipeline.js';
import type { ModelKind, PipelineOptions, TrainingProgress } from '../../api/forecasting/types.js';
import { generateSeries } from '../fixtures/forecasting/generate.js';

const BASELINES: ModelKind[] = ['snaive', 'naive', 'ses', 'theta', 'croston', 'tsb'];
const panel = generateSeries({ nSeries: 6, freq: 'D', seed: 11, length: 150, promo: true });
const base: PipelineOptions = {
  model: 'auto',
  horizon: 14,
  quantiles: [0.1, 0.5, 0.9],
  seed: 3,
  candidates: BASELINES,
};

const sum = (a: Float64Array): number => a.reduce((x, y) => x + y, 0);

describe('runForecastPipeline', () => {
  test('auto chooses by validation beside seasonal naive, forecasts every series, explains', async () => {
    const progress: TrainingProgress[] = [];
    const r = await runForecastPipeline(panel, { ...base, onProgress: (p) => progress.push(p) });
    assert.equal(r.forecasts.length, panel.series.length);
    assert.equal(r.backtest.origins, 2);
    const names = r.backtest.scores.map((s) => s.model);
    assert.equal(names[0], r.chosenModel, 'the chosen model is scored first');
    assert.ok(names.includes('snaive') || r.chosenModel === 'snaive', 'seasonal naive is always scored');
    const chosen = r.backtest.scores[0]!.metrics;
    const snaive = (r.backtest.scores.find((s) => s.model === 'snaive') ?? r.backtest.scores[0]!).metrics;
    assert.ok(relativeScore(chosen, snaive) <= 1, 'the winner is at least as good as seasonal naive by the rule');
    // Weekly-seasonal data: naive (no season) must not win.
    assert.notEqual(r.chosenModel, 'naive');
    const total = r.importance.reduce((a, e) => a + e.importance, 0);
    assert.ok(Math.abs(total - 1) < 1e-9, `importance sums to 1 (${total})`);
    assert.equal(r.importance[0]!.label, 'Sales history');
    assert.equal(r.seriesImportance.size, panel.series.length);
    assert.ok(progress.length > 0 && progress.at(-1)!.fraction === 1);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i]!.fraction >= progress[i - 1]!.fraction);
    const restored = await deserializeForecaster(r.artefact);
    const again = await restored.predict(panel);
    assert.deepEqual(
      again.map((f) => f.values.map((v) => [...v])),
      r.forecasts.map((f) => f.values.map((v) => [...v])),
      'the artefact predicts the returned forecast',
    );
  });

  test("auto's default candidates: every baseline and both Holt-Winters", () => {
    const c = defaultCandidates();
    for (const k of [...BASELINES, 'hw', 'hwadd']) assert.ok(c.includes(k), `${k} is a candidate: ${c.join(', ')}`);
  });

  test("auto's deep training windows: 20 per series, from 3,000 to 6,000", () => {
    assert.equal(autoDeepTrainingWindows(1), 3000);
    assert.equal(autoDeepTrainingWindows(118), 3000);
    assert.equal(autoDeepTrainingWindows(200), 4000);
    assert.equal(autoDeepTrainingWindows(280), 5600);
    assert.equal(autoDeepTrainingWindows(500), 6000);
    assert.equal(autoDeepTrainingWindows(30_000), 6000);
  });

  test('the same seed and data give the same result', async () => {
    const a = await runForecastPipeline(panel, { ...base, importance: false });
    const b = await runForecastPipeline(panel, { ...base, importance: false });
    assert.equal(a.chosenModel, b.chosenModel);
    assert.deepEqual(
      a.forecasts.map((f) => f.values.map((v) => [...v])),
      b.forecasts.map((f) => f.values.map((v) => [...v])),
    );
  });

  test('auto calibrates the chosen model on its validation windows; a named model keeps its own intervals', async () => {
    const r = await runForecastPipeline(panel, { ...base, importance: false });
    const stored = JSON.parse(r.artefact.json) as { format: string; calibration: IntervalCalibration };
    assert.equal(stored.format, CALIBRATED_FORMAT, 'the artefact carries the calibration');
    assert.ok(stored.calibration.points > 0, 'fitted on validation points');
    const restored = (await deserializeForecaster(r.artefact)) as CalibratedForecaster;
    const raw = await restored.inner.predict(panel);
    assert.deepEqual(
      r.forecasts.map((f) => [...f.values[1]!]),
      raw.map((f) => [...f.values[1]!]),
      "p50 is the raw model's",
    );
    assert.deepEqual(
      r.forecasts.map((f) => f.values.map((v) => [...v])),
      calibrateForecasts(raw, stored.calibration, panel).map((f) => f.values.map((v) => [...v])),
      "p10 and p90 are the raw model's, calibrated",
    );
    const named = await runForecastPipeline(panel, { ...base, model: 'ses', importance: false });
    assert.notEqual((JSON.parse(named.artefact.json) as { format: string }).format, CALIBRATED_FORMAT);
  });

  test('a named model that lost to seasonal naive in validation comes with a warning', async () => {
    const r = await runForecastPipeline(panel, { ...base, model: 'naive', importance: false });
    assert.equal(r.chosenModel, 'naive');
    assert.match(r.warnings.join('\n'), /naive did worse than seasonal naive in validation \(MASE/);
    assert.deepEqual(
      r.backtest.scores.map((s) => s.model).toSorted(),
      ['croston', 'naive', 'ses', 'snaive', 'theta', 'tsb'],
      'the chosen model and every baseline are scored',
    );
  });

  test('series too short to validate are still forecast, with a warning', async () => {
    const dates = gridDates('2024-01-01', 0, 10, 'D');
    const tiny = buildPanel([{ id: 'x', statics: {}, dates, values: dates.map((_, i) => i % 3), covariates: {} }], 'D');
    const r = await runForecastPipeline(tiny, { ...base, horizon: 7 });
    assert.equal(r.forecasts[0]!.dates.length, 7);
    assert.match(r.warnings.join('\n'), /not validated/);
  });

  test('aborting rejects with an AbortError', async () => {
    const c = new AbortController();
    c.abort();
    await assert.rejects(() => runForecastPipeline(panel, { ...base, signal: c.signal }), { name: 'AbortError' });
  });

  test('unknown models fail before any work with the list of models', async () => {
    await assert.rejects(
      () => runForecastPipeline(panel, { ...base, candidates: ['prophet' as ModelKind] }),
      /Model "prophet" is not available/,
    );
  });

  test('permutePanel shuffles one group only, deterministically', () => {
    const p1 = permutePanel(panel, 'covariate:promo', 5);
    const p2 = permutePanel(panel, 'covariate:promo', 5);
    assert.deepEqual([...p1.series[0]!.covariates.promo!], [...p2.series[0]!.covariates.promo!]);
    assert.deepEqual([...p1.series[0]!.target], [...panel.series[0]!.target], 'history untouched');
    assert.equal(sum(p1.series[0]!.covariates.promo!), sum(panel.series[0]!.covariates.promo!), 'a permutation');
  });
});
