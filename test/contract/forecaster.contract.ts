/**
 * The contract every forecaster meets (after statsforecast's `assert_class`), run on every model:
 * `assertForecasterContract(factory, panel, h)` checks that
 * - `predict` before `fit` throws NotFittedError;
 * - `fit` + `predict` deep-equals `forecast` (models.ts) on a fresh instance;
 * - one forecast per series, in order, `h` steps on the grid right after the history, one row
 *   per quantile level;
 * - quantiles never cross and are never negative;
 * - the same seed gives the same forecast (a third instance);
 * - `serialize` → plain JSON + bytes → `deserializeForecaster` predicts identically;
 * - `tf.memory().numTensors` is the same before and after (every model disposed).
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { gridDates } from '../../api/forecasting/frames.js';
import { deserializeForecaster, forecast } from '../../api/forecasting/models.js';
import {
  DEFAULT_QUANTILES,
  type FitOptions,
  type GlobalForecaster,
  type Panel,
  type QuantileForecast,
} from '../../api/forecasting/types.js';

function plain(fs: readonly QuantileForecast[]): unknown {
  return fs.map((f) => ({ ...f, values: f.values.map((v) => Array.from(v)) }));
}

export async function assertForecasterContract(
  factory: () => GlobalForecaster,
  panel: Panel,
  h: number,
  options: Partial<FitOptions> = {},
): Promise<void> {
  const fit: FitOptions = { horizon: h, quantiles: DEFAULT_QUANTILES, seed: 7, ...options };
  const before = tf.memory().numTensors;
  const a = factory();
  const b = factory();
  const c = factory();
  let restored: GlobalForecaster | undefined;
  try {
    await assert.rejects(
      () => a.predict(panel),
      (e: Error) => e.name === 'NotFittedError',
      'predict before fit throws',
    );

    await a.fit(panel, fit);
    const fa = await a.predict(panel);
    const fb = await forecast(b, panel, fit);
    assert.deepEqual(plain(fa), plain(fb), 'fit + predict equals forecast');

    assert.equal(fa.length, panel.series.length, 'one forecast per series');
    fa.forEach((f, i) => {
      const s = panel.series[i]!;
      assert.equal(f.seriesId, s.id, 'series order is kept');
      assert.deepEqual([...f.dates], gridDates(s.start, s.target.length, h, panel.freq), 'dates follow the history');
      assert.deepEqual([...f.quantiles], [...fit.quantiles], 'quantile levels as asked');
      assert.equal(f.values.length, fit.quantiles.length);
      for (const row of f.values) {
        assert.equal(row.length, h, 'h steps');
        for (const v of row) {
          assert.ok(Number.isFinite(v), `finite forecast for ${s.id}`);
          assert.ok(v >= 0, `non-negative forecast for ${s.id}: ${v}`);
        }
      }
      for (let q = 1; q < f.values.length; q++) {
        for (let t = 0; t < h; t++) {
          assert.ok(f.values[q]![t]! >= f.values[q - 1]![t]!, `quantiles do not cross (${s.id}, step ${t})`);
        }
      }
    });

    const fc = await forecast(c, panel, fit);
    assert.deepEqual(plain(fc), plain(fa), 'the same seed gives the same forecast');

    const art = await a.serialize();
    assert.equal(typeof art.json, 'string');
    assert.ok(art.weights instanceof Uint8Array);
    const copy = { alias: art.alias, json: String(art.json), weights: Uint8Array.from(art.weights) };
    restored = await deserializeForecaster(copy);
    assert.equal(restored.alias, a.alias);
    assert.deepEqual(plain(await restored.predict(panel)), plain(fa), 'a restored model predicts identically');
  } finally {
    a.dispose();
    b.dispose();
    c.dispose();
    restored?.dispose();
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor is left behind');
}
