/**
 * Every deep model meets the engine's forecaster contract (STYLE §10: fit+predict = forecast,
 * shapes, dates, quantile order, non-negativity, determinism, serialisation round trip, tensors
 * freed), plus what is particular to them: progress per epoch, another seed, abort, warm start
 * rules, permutation hooks, negative series. Tiny panels, 2 epochs.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { initBackend } from '../../api/forecasting/backend.js';
import { createDeepForecaster, DEEP_KINDS, type DeepKind } from '../../api/forecasting/deep/index.js';
import { NotFittedError } from '../../api/forecasting/errors.js';
import type { Panel, QuantileForecast } from '../../api/forecasting/types.js';
import { weeklyPanel } from '../forecasting-deep/fixtures.js';
import { assertForecasterContract } from './forecaster.contract.js';

const H = 7;
const QUANTILES = [0.1, 0.5, 0.9] as const;
const SMALL = { epochs: 2, windows: 240, hidden: 16, batchSize: 64, lookback: 14 } as const;

function flat(fc: readonly QuantileForecast[]): number[] {
  return fc.flatMap((f) => f.values.flatMap((v) => [...v]));
}

async function fitPredict(kind: DeepKind, panel: Panel, seed: number): Promise<QuantileForecast[]> {
  const m = createDeepForecaster(kind, SMALL);
  try {
    await m.fit(panel, { horizon: H, quantiles: QUANTILES, seed });
    return await m.predict(panel);
  } finally {
    m.dispose();
  }
}

before(async () => {
  await initBackend('wasm');
});

for (const kind of DEEP_KINDS) {
  describe(`deep model ${kind}`, () => {
    const panel = weeklyPanel(4, 70, H);

    test('forecasts H dated steps per series with ordered, non-negative quantiles; frees every tensor', async () => {
      const tensorsBefore = tf.memory().numTensors;
      const m = createDeepForecaster(kind, SMALL);
      const progress: number[] = [];
      await m.fit(panel, { horizon: H, quantiles: QUANTILES, seed: 1, onProgress: (p) => progress.push(p.epoch) });
      const fc = await m.predict(panel);
      m.dispose();
      m.dispose();
      assert.equal(tf.memory().numTensors, tensorsBefore);
      assert.deepEqual(progress, [1, 2]);
      assert.equal(fc.length, panel.series.length);
      for (const [i, f] of fc.entries()) {
        assert.equal(f.seriesId, panel.series[i]!.id);
        assert.deepEqual(f.quantiles, QUANTILES);
        assert.equal(f.dates[0], '2024-03-11'); // 70 days after 2024-01-01
        assert.equal(f.dates.length, H);
        assert.equal(f.values.length, QUANTILES.length);
        for (let t = 0; t < H; t++) {
          for (let q = 0; q < QUANTILES.length; q++) {
            assert.ok(Number.isFinite(f.values[q]![t]!), `finite ${f.seriesId} q${q} t${t}`);
            assert.ok(f.values[q]![t]! >= 0, `non-negative ${f.seriesId} q${q} t${t}`);
            if (q > 0) assert.ok(f.values[q]![t]! >= f.values[q - 1]![t]!, `ordered ${f.seriesId} t${t}`);
          }
        }
      }
    });

    test('meets the engine forecaster contract', async () => {
      await assertForecasterContract(() => createDeepForecaster(kind, SMALL), panel, H);
    });

    test('another seed gives another forecast', async () => {
      assert.notDeepEqual(flat(await fitPredict(kind, panel, 7)), flat(await fitPredict(kind, panel, 8)));
    });

    test('abort stops training with an AbortError and frees its tensors', async () => {
      const tensorsBefore = tf.memory().numTensors;
      const m = createDeepForecaster(kind, { ...SMALL, epochs: 50 });
      const ac = new AbortController();
      let epochs = 0;
      await assert.rejects(
        () =>
          m.fit(panel, {
            horizon: H,
            quantiles: QUANTILES,
            seed: 1,
            signal: ac.signal,
            onProgress: () => {
              epochs++;
              ac.abort();
            },
          }),
        (e: unknown) => e instanceof Error && e.name === 'AbortError',
      );
      assert.equal(epochs, 1);
      await assert.rejects(() => m.predict(panel), NotFittedError);
      m.dispose();
      assert.equal(tf.memory().numTensors, tensorsBefore);
    });
  });
}

describe('deep model rules', () => {
  const panel = weeklyPanel(4, 70, H);

  test('warm start from an earlier origin is used; from a later one it is refused', async () => {
    const earlier: Panel = { ...panel, series: panel.series.map((s) => ({ ...s, target: s.target.slice(0, 63) })) };
    const m0 = createDeepForecaster('mlp', SMALL);
    await m0.fit(earlier, { horizon: H, quantiles: QUANTILES, seed: 1 });
    const early = await m0.serialize();
    m0.dispose();
    const m1 = createDeepForecaster('mlp', SMALL);
    await m1.fit(panel, { horizon: H, quantiles: QUANTILES, seed: 1, warmStart: early });
    const cold = createDeepForecaster('mlp', SMALL);
    await cold.fit(panel, { horizon: H, quantiles: QUANTILES, seed: 1 });
    assert.notDeepEqual(flat(await m1.predict(panel)), flat(await cold.predict(panel)));
    const late = await m1.serialize();
    m1.dispose();
    cold.dispose();
    const m2 = createDeepForecaster('mlp', SMALL);
    await assert.rejects(
      () => m2.fit(earlier, { horizon: H, quantiles: QUANTILES, seed: 1, warmStart: late }),
      /leak the future/,
    );
    m2.dispose();
  });

  test('permuting a calendar group changes the forecast, deterministically by seed', async () => {
    const m = createDeepForecaster('mlp', { ...SMALL, epochs: 4 });
    await m.fit(panel, { horizon: H, quantiles: QUANTILES, seed: 1 });
    const groups = m.featureGroups(panel);
    assert.ok(groups.includes('weekday') && groups.includes('yearly'), groups.join());
    const base = flat(await m.predict(panel));
    const p1 = flat(await m.predictPermuted(panel, 'weekday', 5));
    const p2 = flat(await m.predictPermuted(panel, 'weekday', 5));
    assert.deepEqual(p1, p2);
    assert.notDeepEqual(p1, base);
    for (const g of ['history', 'static', 'static:brand', 'covariate:promo'])
      assert.notDeepEqual(flat(await m.predictPermuted(panel, g, 5)), base, g);
    await assert.rejects(() => m.predictPermuted(panel, 'nonsense', 1), /Unknown feature group/);
    m.dispose();
  });

  test('series with negative values (returns) may be forecast negative; others are clipped at 0', async () => {
    const neg: Panel = {
      ...panel,
      series: panel.series.map((s, i) => (i === 0 ? { ...s, target: s.target.map((v) => -v - 50) } : s)),
    };
    const m = createDeepForecaster('mlp', { ...SMALL, epochs: 6 });
    await m.fit(neg, { horizon: H, quantiles: QUANTILES, seed: 1 });
    const fc = await m.predict(neg);
    m.dispose();
    assert.ok(
      fc[0]!.values[1]!.some((v) => v < 0),
      'series with returns goes negative',
    );
    for (const f of fc.slice(1)) for (const v of f.values) assert.ok(v.every((x) => x >= 0));
  });

  test('series shorter than two horizons train on the last window, with a warning', async () => {
    const short: Panel = { ...panel, series: panel.series.map((s) => ({ ...s, target: s.target.slice(0, 12) })) };
    const m = createDeepForecaster('mlp', SMALL);
    await m.fit(short, { horizon: H, quantiles: QUANTILES, seed: 1 });
    assert.equal((await m.predict(short)).length, short.series.length);
    assert.match(m.warnings.join(), /shorter than two horizons/);
    await m.fit(panel, { horizon: H, quantiles: QUANTILES, seed: 1 });
    assert.deepEqual(m.warnings, []);
    m.dispose();
  });

  test('a panel too short for any window fails with INSUFFICIENT_HISTORY', async () => {
    const short: Panel = { ...panel, series: panel.series.map((s) => ({ ...s, target: s.target.slice(0, 1) })) };
    const m = createDeepForecaster('mlp', SMALL);
    await assert.rejects(() => m.fit(short, { horizon: H, quantiles: QUANTILES, seed: 1 }), {
      code: 'INSUFFICIENT_HISTORY',
    });
  });
});
