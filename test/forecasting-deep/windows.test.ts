/** Known-answer tests of the deep models' windows, sampling and PRNG. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Prng } from '../../api/forecasting/deep/prng.js';
import {
  buildWindows,
  makeSpec,
  predictionPicks,
  preparePanel,
  trainingPicks,
  validationPicks,
  windowDims,
} from '../../api/forecasting/deep/windows.js';
import type { Panel } from '../../api/forecasting/types.js';

// One daily series 1..30 with a gap at index 20, a known `promo` covariate (1 on even days,
// given 3 points past the history), a history-only `temp`, and a static `brand`.
const y = Float64Array.from({ length: 30 }, (_, i) => (i === 20 ? Number.NaN : i + 1));
const panel: Panel = {
  freq: 'D',
  series: [
    {
      id: 'a',
      start: '2024-01-01',
      target: y,
      covariates: {
        promo: Float64Array.from({ length: 33 }, (_, i) => (i % 2 === 0 ? 1 : 0)),
        temp: Float64Array.from({ length: 30 }, () => 5),
      },
      statics: { brand: 'x' },
    },
    {
      id: 'b',
      start: '2024-01-01',
      target: Float64Array.from({ length: 30 }, () => 2),
      covariates: {},
      statics: { brand: 'x' },
    },
  ],
  covariateNames: ['promo', 'temp'],
  knownInAdvance: ['promo'],
  staticNames: ['brand'],
};

describe('deep windows', () => {
  const H = 3;
  const L = 8;
  const spec = makeSpec(panel, H, L);
  const p = preparePanel(panel, spec);
  const d = windowDims(spec);

  test('scales each series by its mean |y| and lays out channels and step features', () => {
    const mean = (465 - 21) / 29;
    assert.ok(Math.abs(p.scales[0]! - mean) < 1e-9);
    assert.equal(p.scales[1], 2);
    assert.equal(d.c, 4); // value, missing, promo, temp
    assert.equal(d.f, spec.calendarNames.length + 1 + 4); // calendar, promo, seasonal lag ×2, yearly lag ×2
    assert.deepEqual(spec.knownNames, ['promo']);
    assert.deepEqual(spec.staticVocab, [['x']]);
  });

  test('a window holds the lookback (gap held, flagged), step features and targets', () => {
    const w = buildWindows(p, { n: 1, series: Int32Array.of(0), origin: Int32Array.of(24) });
    const s = p.scales[0]!;
    const values = Array.from({ length: L }, (_, i) => w.hist[i * d.c]! * s);
    const missing = Array.from({ length: L }, (_, i) => w.hist[i * d.c + 1]);
    // Lookback = points 16..23 (values 17..24), point 20 missing: held at the value before it (20).
    assert.deepEqual(
      values.map((v) => Math.round(v * 1e4) / 1e4),
      [17, 18, 19, 20, 20, 22, 23, 24],
    );
    assert.deepEqual(missing, [0, 0, 0, 0, 1, 0, 0, 0]);
    const kc = spec.calendarNames.length;
    // 2024-01-25 (origin 24) is a Thursday: dow_4 is on in the first step.
    assert.equal(w.fut[spec.calendarNames.indexOf('dow_4')], 1);
    // The known promo of step 0 (point 24, even → 1), standardised: > its mean.
    assert.ok(w.fut[kc]! > 0);
    // Seasonal lag of step 0 = point 17 (value 18), yearly lag missing (flag 1).
    assert.ok(Math.abs(w.fut[kc + 1]! * s - 18) < 1e-4);
    assert.equal(w.fut[kc + 2], 0);
    assert.equal(w.fut[kc + 4], 1);
    assert.deepEqual(
      [...w.y].map((v) => Math.round(v * s * 1e4) / 1e4),
      [25, 26, 27],
    );
    assert.deepEqual([...w.mask], [1, 1, 1]);
    assert.deepEqual([...w.stat], [1]);
  });

  test('prediction windows start after the history, with masked (unknown) targets', () => {
    const picks = predictionPicks(p);
    assert.deepEqual([...picks.origin], [30, 30]);
    const w = buildWindows(p, picks);
    assert.deepEqual([...w.mask], [0, 0, 0, 0, 0, 0]);
  });

  test('training windows never reach into the validation window (the last H points)', () => {
    const val = validationPicks(p);
    assert.deepEqual([...val.origin], [27, 27]);
    const train = trainingPicks(p, 1000, new Prng(1));
    assert.ok(train.n > 0);
    for (let k = 0; k < train.n; k++) assert.ok(train.origin[k]! + H <= 30 - H);
    const again = trainingPicks(p, 10, new Prng(1));
    assert.deepEqual(again, trainingPicks(p, 10, new Prng(1)));
    assert.equal(again.n, 10);
  });
});

describe('Prng', () => {
  test('is deterministic by seed and uniform enough', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    assert.deepEqual(
      xs,
      Array.from({ length: 1000 }, () => b.next()),
    );
    assert.notDeepEqual(
      xs.slice(0, 5),
      Array.from({ length: 5 }, () => new Prng(43).next()),
    );
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(m > 0.45 && m < 0.55 && Math.min(...xs) >= 0 && Math.max(...xs) < 1);
  });
});
