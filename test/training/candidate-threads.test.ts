import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { initBackend } from '../../api/forecasting/backend.js';
import {
  backtestCandidates,
  candidateLanes,
  candidateThreads,
  candidateWeight,
  candidateThreadWaiting,
  startCandidateThread,
} from '../../api/training/candidate-threads.js';
import { generateSeries } from '../fixtures/forecasting/generate.js';

describe('auto candidates on two threads', () => {
  test('the heaviest candidate goes to the worker, the others to the lighter lane; all local: no worker', () => {
    assert.deepEqual(candidateLanes(['snaive', 'naive', 'hw', 'mlp']), {
      main: ['hw', 'snaive', 'naive'],
      worker: ['mlp'],
    });
    // On uci's size the MLP costs more than the trees: it takes the worker, the rest stay here.
    assert.deepEqual(candidateLanes(['snaive', 'gbm', 'theta', 'mlp']), {
      main: ['gbm', 'snaive', 'theta'],
      worker: ['mlp'],
    });
    // Each Holt-Winters weighs about ten simple baselines; the two lanes come out about even: the
    // MLP alone against the trees and every local model.
    const all = ['snaive', 'naive', 'ses', 'theta', 'croston', 'tsb', 'hw', 'hwadd', 'gbm', 'mlp'];
    const uci = { series: 200, points: 72_090 };
    const lanes = candidateLanes(all, uci);
    assert.deepEqual(lanes, {
      main: ['gbm', 'hw', 'hwadd', 'snaive', 'naive', 'ses', 'theta', 'croston', 'tsb'],
      worker: ['mlp'],
    });
    const cost = (ks: readonly string[]): number => ks.reduce((a, k) => a + candidateWeight(k, uci), 0);
    assert.ok(Math.abs(cost(lanes.main) - cost(lanes.worker)) < 1, `${cost(lanes.main)} vs ${cost(lanes.worker)}`);
    // Holt-Winters grows with the values (m5: 280 series of ~1,900 days), the MLP with the series.
    assert.deepEqual(candidateLanes(all, { series: 280, points: 535_640 }), {
      main: ['gbm', 'hw', 'hwadd'],
      worker: ['mlp', 'snaive', 'naive', 'ses', 'theta', 'croston', 'tsb'],
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

  test('a thread started ahead runs the worker lane with the same forecasts; a backtest without a deep candidate stops it', async () => {
    await initBackend('auto');
    const panel = generateSeries({ nSeries: 4, freq: 'W', seed: 5, length: 70, promo: true });
    const kinds = ['snaive', 'mlp', 'theta'];
    const spec = { horizon: 4, origins: 3, requiredOrigins: 2, quantiles: [0.1, 0.5, 0.9], seed: 7, epochs: 2 };
    const one = await backtestCandidates(panel, kinds, spec, { threads: 1 });
    startCandidateThread({ FORECASTQL_CANDIDATE_THREADS: '2' });
    assert.equal(candidateThreadWaiting(), true);
    const two = await backtestCandidates(panel, kinds, spec, { threads: 2 });
    assert.equal(candidateThreadWaiting(), false, 'the backtest took the thread');
    assert.deepEqual(
      two.map((r) => r.windows.map((w) => w.forecasts)),
      one.map((r) => r.windows.map((w) => w.forecasts)),
    );

    startCandidateThread({ FORECASTQL_CANDIDATE_THREADS: '2' });
    const local = await backtestCandidates(panel, ['snaive', 'theta'], spec, { threads: 2 });
    assert.deepEqual(
      local.map((r) => r.kind),
      ['snaive', 'theta'],
    );
    assert.equal(candidateThreadWaiting(), false, 'no deep candidate: the thread was stopped');

    startCandidateThread({ FORECASTQL_CANDIDATE_THREADS: '1' });
    assert.equal(candidateThreadWaiting(), false, 'one thread asked: none started');
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
