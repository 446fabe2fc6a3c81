import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LocalForecaster } from '../../api/forecasting/baselines.js';
import type { GlobalForecaster, Panel, QuantileForecast } from '../../api/forecasting/types.js';
import { assertForecasterContract } from '../contract/forecaster.contract.js';
import { generateSeries } from '../fixtures/forecasting/generate.js';

const panel = generateSeries({ nSeries: 2, freq: 'D', seed: 5 });

/** Wraps a good model and breaks one promise of the contract. */
function broken(kind: 'crossing' | 'negative' | 'random'): GlobalForecaster {
  const inner = new LocalForecaster('naive');
  let calls = 0;
  return {
    alias: 'naive',
    fit: (p, o) => inner.fit(p, o),
    predict: async (p: Panel): Promise<QuantileForecast[]> => {
      const fs = await inner.predict(p);
      calls++;
      return fs.map((f) => ({
        ...f,
        values: f.values.map((row, q) =>
          row.map((v) =>
            kind === 'crossing' ? (q === 0 ? v + 100 : v) : kind === 'negative' ? v - 1000 : v + Math.random() + calls,
          ),
        ),
      }));
    },
    serialize: () => inner.serialize(),
    dispose: () => inner.dispose(),
  };
}

for (const kind of ['crossing', 'negative', 'random'] as const) {
  test(`the contract catches a model whose forecasts are ${kind}`, async () => {
    await assert.rejects(() => assertForecasterContract(() => broken(kind), panel, 7), assert.AssertionError);
  });
}
