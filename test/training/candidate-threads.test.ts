import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { initBackend } from '../../api/forecasting/backend.js';
import { backtestCandidates, candidateLanes, candidateThreads } from '../../api/training/candidate-threads.js';
import { generateSeries } from '../fixtures/forecasting/generate.js';

describe('auto candidates on two threads', () => {
  test('the deep candidate goes to the worker, the others stay here; all local: no worker', () => {
    assert.deepEqual(candidateLanes(['snaive', 'naive', 'hw', 'mlp']), {
      main: ['snaive', 'naive', 'hw'],
      worker: ['mlp'],
    });
    assert.deepEqual(candidateLanes(['snaive', 'gbm', 'theta', 'mlp']), {
      main: ['gbm', 'snaive', 'theta'],
      worker: ['mlp'],
    });
    assert.deepEqual(candidateLanes(['snaive', 'naive']), { main: ['snaive', 'naive'], worker: [] });
  });

  test('two threads give the same windows, forecasts and warnings as one, in the order asked', async () => {
    await initBackend('auto');
    const panel = generateSeries({ nSeries: 4, freq: 'W', seed: 3, length: 70, promo: true });
    const kinds = ['snaive', 'mlp', 'theta'];
    const spec = { horizon: 4, origins: 3, requiredOrigins: 2, quantiles: [0.1, 0.5, 0.9], seed: 7, epochs: 2 };
    const fractions: number[] = [];
    const one = await backtestCandidates(panel, kinds, spec, { threads: 1 });
    const two = await backtestCandidates(panel, kinds, spec, { threads: 2, onProgress: (f) => fractions.push(f) });
    assert.deepEqual(
      two.map((r) => r.kind),
      kinds,
    );
    for (const [i, r] of two.entries()) {
      const a = one[i]!;
      assert.deepEqual(r.warnings, a.warnings, r.kind);
      assert.deepEqual(
        r.windows.map((w) => w.origin),
        a.windows.map((w) => w.origin),
        r.kind,
      );
      for (const [j, w] of r.windows.entries()) {
        assert.deepEqual(w.forecasts, a.windows[j]!.forecasts, `${r.kind} origin ${w.origin}`);
        assert.equal(w.window.origin, w.origin, 'each window is the split window of its origin');
        assert.deepEqual(w.window.actuals, a.windows[j]!.window.actuals);
      }
    }
    assert.ok(fractions.length > 0 && fractions.every((f) => f >= 0 && f <= 1), 'progress within 0..1');
  });
});

test('FORECASTQL_CANDIDATE_THREADS takes 1 or 2; anything else is refused naming the variable and the fix', () => {
  assert.equal(candidateThreads({ FORECASTQL_CANDIDATE_THREADS: '1' }), 1);
  assert.equal(candidateThreads({ FORECASTQL_CANDIDATE_THREADS: '2' }), 2);
  assert.ok([1, 2].includes(candidateThreads({})));
  for (const raw of ['0', '3', 'two', '1.5']) {
    assert.throws(
      () => candidateThreads({ FORECASTQL_CANDIDATE_THREADS: raw }),
      (e: Error & { code?: string }) =>
        e.code === 'INVALID_CONFIGURATION' &&
        e.message.includes('FORECASTQL_CANDIDATE_THREADS') &&
        e.message.includes(raw),
    );
  }
});
