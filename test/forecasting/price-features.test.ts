/**
 * Price and promotion features (price-features.ts) and what a global model learns from them: on a
 * synthetic store × brand panel with a known elasticity, the MLP's forecast answers a 10 % price
 * cut with the right sign and size.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { initBackend } from '../../api/forecasting/backend.js';
import { createDeepForecaster } from '../../api/forecasting/deep/index.js';
import {
  competitorGroup,
  derivedFeatures,
  detectPriceFeatures,
  LOG_PRICE_NAME,
  priceFeatures,
} from '../../api/forecasting/price-features.js';
import type { Panel, SeriesFrame } from '../../api/forecasting/types.js';
import { pricePanel } from '../fixtures/forecasting/price-panel.js';

function frame(
  id: string,
  start: string,
  price: number[],
  extra: Record<string, number[]> = {},
  store = 'a',
): SeriesFrame {
  return {
    id,
    start,
    target: new Float64Array(price.length - 1).fill(1),
    covariates: {
      price: Float64Array.from(price),
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, Float64Array.from(v)])),
    },
    statics: { store, sku: id },
  };
}

/** A series whose price is given as its log, under `name`. */
const asLogs = (s: SeriesFrame, name: string): SeriesFrame => ({
  ...s,
  covariates: { deal: s.covariates.deal!, [name]: s.covariates.price!.map(Math.log) },
});

function panelOf(series: SeriesFrame[], names: string[], knownInAdvance = names): Panel {
  return { freq: 'W', series, covariateNames: names, knownInAdvance, staticNames: ['store', 'sku'] };
}

describe('price features', () => {
  test('which covariates are prices and promotions: by name, economy-wide prices excluded', () => {
    const s = frame('x', '2024-01-01', [2, 2], { fuel_price: [3, 3], promo_flag: [0, 1], temperature: [9, 9] });
    const spec = detectPriceFeatures(panelOf([s], ['fuel_price', 'promo_flag', 'temperature', 'price']));
    assert.deepEqual(spec?.prices, ['price']);
    assert.deepEqual(spec?.flags, ['promo_flag']);
    assert.equal(spec?.window, 13);
    assert.equal(detectPriceFeatures(panelOf([s], ['fuel_price', 'temperature'])), undefined);
  });

  test('the competitor group is the static attribute with the smallest groups of two or more (the store, not the product)', () => {
    const series = ['a', 'a', 'b', 'b'].map((store, i) => frame(`s${i}`, '2024-01-01', [1, 1], {}, store));
    assert.equal(competitorGroup(panelOf(series, ['price'])), 'store'); // sku: one series per value
    assert.equal(competitorGroup(panelOf(series.slice(0, 1), ['price'])), undefined);
  });

  test('relative to the regular price, price change, level, competitors and deal × discount, causally', () => {
    // Two products of one store, weekly; the second starts a week later. The last point is the future.
    const a = frame('a', '2024-01-01', [2, 2, 1.5, 2, 1.8], { deal: [0, 0, 1, 0, 1] });
    const b = frame('b', '2024-01-08', [4, 3, 4, 4], { deal: [0, 1, 0, 0] });
    const panel = panelOf([a, b], ['price', 'deal']);
    const spec = detectPriceFeatures(panel)!;
    assert.equal(spec.group, 'store');
    const { features, values } = priceFeatures(panel, spec, 1);
    const names = features.map((f) => f.name);
    assert.deepEqual(names, [
      'price~rel',
      'price~chg',
      'price~lvl',
      'price~cmp',
      'price~gpos',
      'deal~x~price',
      'price~past',
    ]);
    assert.ok(features.every((f) => f.known));
    const col = (i: number, name: string): number[] => [...values[i]![names.indexOf(name)]!].map((v) => +v.toFixed(4));
    const L = Math.log;
    // a's regular price is 2 (the highest of the last 13 weeks): 25 % and 10 % cuts.
    assert.deepEqual(col(0, 'price~rel'), [0, 0, +L(0.75).toFixed(4), 0, +L(0.9).toFixed(4)]);
    assert.deepEqual(col(0, 'price~chg'), [0, 0, +L(0.75).toFixed(4), +L(2 / 1.5).toFixed(4), +L(0.9).toFixed(4)]);
    // Level: against the mean log price of a's history (the first four points), not the future.
    const meanA = (3 * L(2) + L(1.5)) / 4;
    assert.deepEqual(
      col(0, 'price~lvl'),
      [L(2), L(2), L(1.5), L(2), L(1.8)].map((v) => +(v - meanA).toFixed(4)),
    );
    // Competitors: b's discount the same date (b starts a week later: nothing in a's first week).
    assert.deepEqual(col(0, 'price~cmp'), [0, 0, +L(0.75).toFixed(4), 0, 0]);
    assert.deepEqual(col(1, 'price~cmp'), [0, +L(0.75).toFixed(4), 0, +L(0.9).toFixed(4)]);
    assert.deepEqual(
      col(0, 'price~gpos'),
      [0, L(2 / 4), L(1.5 / 3), L(2 / 4), L(1.8 / 4)].map((v) => +v.toFixed(4)),
    );
    // Deal weeks carry the discount, other weeks 0.
    assert.deepEqual(col(0, 'deal~x~price'), [0, 0, +L(0.75).toFixed(4), 0, +L(0.9).toFixed(4)]);
    // A model stored before `~past` keeps the features it was trained on (its spec has no `past`).
    const { past: _, ...stored } = spec;
    assert.deepEqual(
      priceFeatures(panel, stored, 1).features.map((f) => f.name),
      names.filter((n) => n !== 'price~past'),
    );
    assert.equal(spec.past, 2);
    // The recent past: the mean discount of the two weeks before (the dip after a promotion).
    assert.deepEqual(col(0, 'price~past'), [0, 0, 0, +(L(0.75) / 2).toFixed(4), +(L(0.75) / 2).toFixed(4)]);
    assert.deepEqual(col(1, 'price~past'), [0, 0, +(L(0.75) / 2).toFixed(4), +(L(0.75) / 2).toFixed(4)]);
    // Causal: a's features up to a date do not change when later prices do.
    const later = panelOf(
      [frame('a', '2024-01-01', [2, 2, 1.5, 2, 9], { deal: [0, 0, 1, 0, 1] }), b],
      ['price', 'deal'],
    );
    const v2 = priceFeatures(later, spec, 1).values;
    for (let j = 0; j < names.length; j++) {
      assert.deepEqual(Array.from(v2[0]![j]!.subarray(0, 4)), Array.from(values[0]![j]!.subarray(0, 4)), names[j]);
    }
  });

  test('a price on the log scale (a negative value, or a name like lprice) gives the features of the price itself', () => {
    const a = frame('a', '2024-01-01', [2, 2, 1.5, 2, 1.8], { deal: [0, 0, 1, 0, 1] });
    const b = frame('b', '2024-01-08', [0.8, 0.6, 0.8, 0.8], { deal: [0, 1, 0, 0] });
    const plain = panelOf([a, b], ['price', 'deal']);
    const spec = detectPriceFeatures(plain)!;
    assert.equal(spec.logScale, undefined);
    const want = priceFeatures(plain, spec, 1).values;
    // b's prices under 1 make its logs negative: the column is read as logs without a hint.
    const logged = panelOf([asLogs(a, 'price'), asLogs(b, 'price')], ['price', 'deal']);
    const logSpec = detectPriceFeatures(logged)!;
    assert.deepEqual(logSpec.logScale, ['price']);
    // One stray negative row among prices does not turn the column.
    const stray = frame('c', '2024-01-01', [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, -1]);
    assert.equal(detectPriceFeatures(panelOf([stray, a], ['price', 'deal']))!.logScale, undefined);
    // Prices all above 1 have positive logs: the name says it (lprice, log_price, ln price).
    const named = panelOf([asLogs(a, 'lprice'), { ...asLogs(a, 'lprice'), id: 'a2' }], ['lprice', 'deal']);
    assert.deepEqual(detectPriceFeatures(named)!.logScale, ['lprice']);
    assert.equal(LOG_PRICE_NAME.test('log_price'), true);
    assert.equal(LOG_PRICE_NAME.test('Ln Price'), true);
    assert.equal(LOG_PRICE_NAME.test('retail_price'), false);
    assert.equal(LOG_PRICE_NAME.test('total_price'), false);
    const got = priceFeatures(logged, logSpec, 1).values;
    for (let i = 0; i < 2; i++) {
      got[i]!.forEach((col, j) => {
        assert.deepEqual(
          Array.from(col, (v) => +v.toFixed(5)),
          Array.from(want[i]![j]!, (v) => +v.toFixed(5)),
          `series ${i}, feature ${j}`,
        );
      });
    }
  });

  test("competitors' prices as columns: the brand attribute names each series' own price column", () => {
    // Two brands of one store, each with both brands' prices (price_1 is brand 1's).
    const cols = { price_1: [2, 2, 1.6], price_2: [4, 3, 4] };
    const one: SeriesFrame = {
      id: 'b1',
      start: '2024-01-01',
      target: new Float64Array(2).fill(1),
      covariates: Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, Float64Array.from(v)])),
      statics: { brand: '1' },
    };
    const two: SeriesFrame = { ...one, id: 'b2', statics: { brand: '2' } };
    const panel: Panel = {
      freq: 'W',
      series: [one, two],
      covariateNames: ['price_1', 'price_2'],
      knownInAdvance: ['price_1', 'price_2'],
      staticNames: ['brand'],
    };
    const spec = detectPriceFeatures(panel)!;
    assert.equal(spec.ownBy, 'brand');
    const { features, values } = priceFeatures(panel, spec, 1);
    const names = features.map((f) => f.name);
    assert.deepEqual(names.slice(0, 4), ['own_price~rel', 'own_price~chg', 'own_price~lvl', 'own_price~gpos']);
    const col = (i: number, name: string): number[] =>
      Array.from(values[i]![names.indexOf(name)]!, (v) => +v.toFixed(4));
    assert.deepEqual(col(0, 'own_price~rel'), [0, 0, +Math.log(0.8).toFixed(4)]);
    assert.deepEqual(col(1, 'own_price~rel'), [0, +Math.log(0.75).toFixed(4), 0]);
    assert.deepEqual(
      col(0, 'own_price~gpos'),
      [Math.log(0.5), Math.log(2 / 3), Math.log(0.4)].map((v) => +v.toFixed(4)),
    );
    assert.deepEqual(col(1, 'price_1~rel'), col(0, 'own_price~rel')); // every column's discount, the same for both
    assert.deepEqual(col(1, 'own_price~past'), [0, 0, +(Math.log(0.75) / 2).toFixed(4)]); // its own column's past
    // A numeric brand code read as a covariate (constant within each series) names the column too.
    const coded: Panel = {
      ...panel,
      series: panel.series.map((s, i) => ({
        ...s,
        statics: {},
        covariates: { ...s.covariates, brand: new Float64Array(3).fill(i + 1) },
      })),
      covariateNames: ['price_1', 'price_2', 'brand'],
      staticNames: [],
    };
    const codedSpec = detectPriceFeatures(coded)!;
    assert.equal(codedSpec.ownBy, 'brand');
    assert.deepEqual(priceFeatures(coded, codedSpec, 1).values, values);
  });

  test('a history-only price gives history-only features; several prices get no competitor group', () => {
    const s = frame('x', '2024-01-01', [2, 2], { price_rival: [3, 3] });
    const p = panelOf([s, { ...s, id: 'y' }], ['price', 'price_rival'], ['price_rival']);
    const spec = detectPriceFeatures(p)!;
    assert.deepEqual(spec.prices, ['price', 'price_rival']);
    assert.equal(spec.group, undefined);
    const f = derivedFeatures(spec, p.knownInAdvance);
    assert.deepEqual(
      f.filter((x) => x.known).map((x) => x.name),
      ['price_rival~rel', 'price_rival~chg', 'price_rival~lvl'],
    );
  });
});

describe('price response of the global model', () => {
  before(async () => {
    await initBackend('wasm');
  });

  test('a 10 % price cut raises the MLP forecast by what the elasticity says (β = −2: +23.5 %)', async () => {
    const H = 4;
    const beta = -2;
    // 60 series, 120 weeks; only the own price moves sales here (no deal, display or cross effect).
    const pp = pricePanel({
      stores: 10,
      brands: 6,
      weeks: 120,
      future: H,
      seed: 1,
      elasticity: beta,
      deal: 0,
      dealElasticity: 0,
      display: 0,
      cross: 0,
    });
    const scenario = (cut: number): Panel => ({
      ...pp.panel,
      series: pp.panel.series.map((s) => {
        const n = s.target.length;
        const reg = pp.regular.get(s.id)!;
        const c = Object.fromEntries(Object.entries(s.covariates).map(([k, v]) => [k, v.slice()]));
        for (let t = n; t < n + H; t++) {
          c.price![t] = reg[t]! * (1 - cut);
          c.deal![t] = 0;
          c.display![t] = 0;
        }
        return { ...s, covariates: c };
      }),
    });
    const m = createDeepForecaster('mlp', { windows: 2000, hidden: 32, epochs: 10, seed: 1 });
    try {
      await m.fit(pp.panel, { horizon: H, quantiles: [0.1, 0.5, 0.9], seed: 1 });
      const sum = (f: Awaited<ReturnType<typeof m.predict>>): number =>
        f.reduce((a, x) => a + x.values[1]!.reduce((p, v) => p + v, 0), 0);
      const atRegular = sum(await m.predict(scenario(0)));
      const cut = sum(await m.predict(scenario(0.1)));
      const implied = Math.log(cut / atRegular) / Math.log(0.9);
      // Measured over data seeds 1–5 of this panel (this model): implied elasticity −1.56 … −2.13
      // (median forecasts of overdispersed sales, early stopping); with the panel-wide standardised
      // price alone (`priceFeatures: false`) −0.26 … +0.19. ±0.6 around the truth holds all of the
      // former and none of the latter.
      assert.ok(cut > atRegular, `a price cut must raise the forecast (${cut} vs ${atRegular})`);
      assert.ok(Math.abs(implied - beta) <= 0.6, `implied elasticity ${implied.toFixed(2)}, true ${beta}`);
    } finally {
      m.dispose();
    }
  });
});
