import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lttbIndices } from './lttb.js';

describe('lttbIndices', () => {
  test('returns every index when the threshold is not below the length', () => {
    assert.deepEqual(lttbIndices([0, 1, 2], [5, 6, 7], 3), [0, 1, 2]);
    assert.deepEqual(lttbIndices([0, 1, 2], [5, 6, 7], 10), [0, 1, 2]);
  });

  test('keeps first and last and exactly threshold points, strictly increasing', () => {
    const xs = Array.from({ length: 10_000 }, (_, index) => index);
    const ys = xs.map((x) => Math.sin(x / 50) * 100 + (x % 7));
    const kept = lttbIndices(xs, ys, 2000);
    assert.equal(kept.length, 2000);
    assert.equal(kept[0], 0);
    assert.equal(kept.at(-1), 9999);
    for (let index = 1; index < kept.length; index++) assert.ok(kept[index]! > kept[index - 1]!);
  });

  test('keeps a lone spike that uniform sampling would drop', () => {
    const xs = Array.from({ length: 1000 }, (_, index) => index);
    const ys = xs.map((x) => (x === 503 ? 1000 : 10));
    const kept = lttbIndices(xs, ys, 50);
    assert.ok(kept.includes(503), 'the spike at x=503 survives downsampling');
  });

  test('rejects mismatched lengths and a threshold below 3', () => {
    assert.throws(() => lttbIndices([0, 1], [1], 2), /2 x values but 1 y values/);
    assert.throws(() => lttbIndices([0, 1, 2, 3], [1, 2, 3, 4], 2), /at least 3/);
  });
});
