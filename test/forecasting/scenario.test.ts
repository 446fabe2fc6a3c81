/**
 * The pure scenario maths (api/forecasting/scenario.ts): what a model artefact says it reads, how
 * changes are checked and applied to the future covariates, and the panel cut at a run's origin.
 * The model's answer to a price cut is tested end to end in test/scenarios.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from '../../api/errors/index.js';
import { applyChanges, asOfOrigin, modelInputs, priceCovariate } from '../../api/forecasting/scenario.js';
import type { Panel, SeriesFrame } from '../../api/forecasting/types.js';

/** A gradient-boosting artefact reading `price` for future dates, with the given price spec fields. */
const gbm = (price: Record<string, unknown>): string =>
  JSON.stringify({
    format: 'forecastql.gbm.v1',
    spec: { covariateNames: ['price'], knownNames: ['price'], price: { prices: ['price'], ...price } },
  });

const deep = (known: string[], all: string[], group?: string): string =>
  JSON.stringify({
    format: 'forecastql-deep/1',
    spec: { covariateNames: all, knownNames: known, ...(group ? { derived: { price: { group } } } : {}) },
  });

function frame(id: string, target: number[], price: number[], store = 'a'): SeriesFrame {
  return {
    id,
    start: '2024-01-01',
    target: Float64Array.from(target),
    covariates: { price: Float64Array.from(price), promo: new Float64Array(price.length) },
    statics: { store },
  };
}

/** Two weekly series: 4 weeks of history, 2 planned weeks of price. */
function panel(): Panel {
  return {
    freq: 'W',
    series: [frame('x', [5, 6, 7, 8], [2, 2, 1.8, 2, 2, 2]), frame('y', [1, 1, 1, 1], [3, 3, 3, 3, 3, 3])],
    covariateNames: ['price', 'promo'],
    knownInAdvance: ['price', 'promo'],
    staticNames: ['store'],
  };
}

/** Prices as logs, of the price over 2.2 (so under 1 they are negative). */
const logs = (xs: number[]): number[] => xs.map((v) => Math.log(v / 2.2));

function codeOf(fn: () => unknown): { code: string; message: string; details: Readonly<Record<string, unknown>> } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DomainError, String(e));
    return { code: e.code, message: e.message, details: e.details };
  }
  assert.fail('expected a coded error');
}

describe('scenario maths', () => {
  test('what a model reads: deep spec, calibrated and ensemble wrappers, baselines none, unknown formats undefined', () => {
    assert.deepEqual(modelInputs(deep(['price'], ['price', 'stock'], 'store')), {
      known: ['price'],
      historyOnly: ['stock'],
      competitorGroup: 'store',
    });
    const calibrated = JSON.stringify({
      format: 'forecastql.calibrated.v1',
      inner: { json: deep(['price'], ['price']) },
    });
    assert.deepEqual(modelInputs(calibrated), { known: ['price'], historyOnly: [] });
    const local = JSON.stringify({ format: 'forecastql.local.v1' });
    const ensemble = JSON.stringify({
      format: 'forecastql.ensemble.v1',
      members: [{ json: local }, { json: deep(['promo'], ['promo', 'price']) }],
    });
    assert.deepEqual(modelInputs(ensemble), { known: ['promo'], historyOnly: ['price'] });
    assert.deepEqual(modelInputs(local), { known: [], historyOnly: [] });
    assert.equal(modelInputs(JSON.stringify({ format: 'someday.v9' })), undefined);
    assert.equal(modelInputs('not json'), undefined);
  });

  test('a percent change moves the planned values of the selected series only, on the dates asked', () => {
    const p = panel();
    const r = applyChanges(
      p,
      new Set(['x']),
      [{ covariate: 'price', percentChange: -10, from: '2024-02-05' }],
      undefined,
      2,
    );
    const x = r.panel.series[0]!.covariates.price!;
    // History untouched; the first planned week (2024-01-29) before `from` untouched; the second cut 10 %.
    assert.deepEqual(Array.from(x.subarray(0, 5)), [2, 2, 1.8, 2, 2]);
    assert.ok(Math.abs(x[5]! - 1.8) < 1e-12);
    assert.equal(r.panel.series[1], p.series[1], 'a series not selected is the same object');
    assert.deepEqual(
      Array.from(p.series[0]!.covariates.price!),
      [2, 2, 1.8, 2, 2, 2],
      'the input panel is not changed',
    );
    assert.deepEqual(r.changes, [
      { covariate: 'price', from: '2024-02-05', to: '2024-02-05', value: null, percentChange: -10 },
    ]);
    assert.deepEqual(r.warnings, []);
  });

  test('a price on the log scale moves by log(1 + p/100), and a log price may be 0 or below', () => {
    // The same prices as `panel()`, given as logs (negative below 1: log 0.9 is < 0).
    const p: Panel = {
      ...panel(),
      series: [
        frame('x', [5, 6, 7, 8], logs([2, 2, 1.8, 2, 2, 2])),
        frame('y', [1, 1, 1, 1], logs([3, 3, 3, 3, 3, 3])),
      ],
    };
    const r = applyChanges(p, new Set(['x']), [{ covariate: 'price', percentChange: -10 }], undefined, 2);
    const x = r.panel.series[0]!.covariates.price!;
    assert.ok(Math.abs(x[4]! - Math.log((2 * 0.9) / 2.2)) < 1e-12, `${x[4]}`);
    assert.ok(Math.abs(x[5]! - Math.log((2 * 0.9) / 2.2)) < 1e-12);
    // Setting a log price of -0.2 is a price (0.82 of the unit), not a refusal.
    const v = applyChanges(p, new Set(['x']), [{ covariate: 'price', value: -0.2 }], undefined, 2);
    assert.equal(v.panel.series[0]!.covariates.price![5], -0.2);
    // A price on the ordinary scale still refuses one of 0 or below.
    assert.equal(
      codeOf(() => applyChanges(panel(), new Set(['x']), [{ covariate: 'price', value: -0.2 }], undefined, 2)).code,
      'BAD_USER_INPUT',
    );
  });

  test("a stored model's own reading of a price column decides its scale, not the rows imported since", () => {
    const asLogs = modelInputs(gbm({ logScale: ['price'], past: 2 }));
    assert.deepEqual(asLogs?.logPrices, ['price']);
    const asPrices = modelInputs(gbm({ past: 2 }));
    assert.deepEqual(asPrices?.logPrices, []);
    // A model stored before log prices were read does not say: the panel decides.
    assert.equal(modelInputs(gbm({}))?.logPrices, undefined);
    // An ensemble lists what any member read as logs.
    const ensemble = JSON.stringify({
      format: 'forecastql.ensemble.v1',
      members: [{ json: gbm({ logScale: ['price'], past: 2 }) }, { json: deep(['price'], ['price']) }],
    });
    assert.deepEqual(modelInputs(ensemble)?.logPrices, ['price']);

    // Plain prices (all above 0) that the model read as logs when it trained move by log 0.9 ...
    const cut = [{ covariate: 'price', percentChange: -10 }];
    const x = applyChanges(panel(), new Set(['x']), cut, asLogs, 2).panel.series[0]!.covariates.price!;
    assert.ok(Math.abs(x[4]! - (2 + Math.log(0.9))) < 1e-12, `${x[4]}`);
    // ... and logs (a third below 0) that it read as prices are cut by 10 %.
    const p: Panel = { ...panel(), series: [frame('x', [5, 6, 7, 8], logs([2, 2, 1.8, 2, 1, 2]))] };
    const y = applyChanges(p, new Set(['x']), cut, asPrices, 2).panel.series[0]!.covariates.price!;
    assert.ok(Math.abs(y[4]! - 0.9 * Math.log(1 / 2.2)) < 1e-12, `${y[4]}`);
    // Without the model's word, the panel's reading: those logs move by log 0.9.
    const z = applyChanges(p, new Set(['x']), cut, modelInputs(gbm({})), 2).panel.series[0]!.covariates.price!;
    assert.ok(Math.abs(z[4]! - (Math.log(1 / 2.2) + Math.log(0.9))) < 1e-12, `${z[4]}`);
  });

  test('a value outside what the series showed in training is a warning; dates beyond the window are clipped', () => {
    const r = applyChanges(
      panel(),
      new Set(['x', 'y']),
      [{ covariate: 'price', value: 1.5, from: '2023-01-01', to: '2030-01-01' }],
      undefined,
      2,
    );
    assert.equal(r.warnings.length, 2, r.warnings.join('\n'));
    assert.match(r.warnings[0]!, /limited to the forecast window: 2024-01-29 to 2024-02-05/);
    assert.match(
      r.warnings[1]!,
      /outside the range the model saw in training for 2 of 2 series \(x: 1\.5 on 2024-01-29, seen 1\.8 to 2\)/,
    );
  });

  const refusals: [string, Parameters<typeof applyChanges>[2], string | undefined, RegExp][] = [
    [
      'a covariate the model never saw',
      [{ covariate: 'weather', value: 1 }],
      deep(['price'], ['price']),
      /never saw covariate "weather".*: price\./,
    ],
    [
      'a history-only covariate',
      [{ covariate: 'promo', value: 1 }],
      deep(['price'], ['price', 'promo']),
      /not given for future dates/,
    ],
    [
      'any covariate, for a model that reads none',
      [{ covariate: 'price', value: 1 }],
      JSON.stringify({ format: 'forecastql.local.v1' }),
      /reads no covariate for future dates/,
    ],
    ['a price at 0', [{ covariate: 'price', value: 0 }], undefined, /price must stay above 0/],
    ['a 100 % price cut', [{ covariate: 'price', percentChange: -100 }], undefined, /price must stay above 0/],
    [
      'both a value and a percent change',
      [{ covariate: 'price', value: 2, percentChange: 5 }],
      undefined,
      /exactly one of/,
    ],
    ['neither', [{ covariate: 'price' }], undefined, /exactly one of/],
    [
      'dates outside the forecast window',
      [{ covariate: 'price', value: 2, to: '2023-12-31' }],
      undefined,
      /outside the forecast window/,
    ],
    ['no change at all', [], undefined, /at least one change/],
  ];
  for (const [what, changes, artefact, pattern] of refusals) {
    test(`refuses ${what} with BAD_USER_INPUT`, () => {
      const inputs = artefact === undefined ? undefined : modelInputs(artefact);
      const e = codeOf(() => applyChanges(panel(), new Set(['x']), changes, inputs, 2, { runId: '7' }));
      assert.equal(e.code, 'BAD_USER_INPUT');
      assert.match(e.message, pattern);
    });
  }

  test('the refusal of an unknown covariate carries it and the covariates available', () => {
    const e = codeOf(() =>
      applyChanges(
        panel(),
        new Set(['x']),
        [{ covariate: 'weather', value: 1 }],
        modelInputs(deep(['price', 'promo'], ['price', 'promo'])),
        2,
      ),
    );
    assert.equal(e.details['covariate'], 'weather');
    assert.deepEqual(e.details['available'], ['price', 'promo']);
  });

  test("the panel at a run's origin: history cut before the first forecast date, covariates kept through the horizon", () => {
    const p = asOfOrigin(panel(), new Map([['x', '2024-01-22']]), 2);
    assert.deepEqual(Array.from(p.series[0]!.target), [5, 6, 7]);
    assert.deepEqual(Array.from(p.series[0]!.covariates.price!), [2, 2, 1.8, 2, 2]);
    assert.deepEqual(Array.from(p.series[1]!.target), [1, 1, 1, 1], 'a series without an origin keeps its history');
    assert.equal(priceCovariate(p), 'price');
  });
});
