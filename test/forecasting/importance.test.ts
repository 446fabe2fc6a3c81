/**
 * Global permutation importance (pipeline.ts) on the synthetic store × brand panel whose sales
 * move with price (β = −2) and with each series' own level: both the price and the sales
 * history must be found, by the gbm (which derives no feature groups of its own) and by the MLP
 * (which permutes its own windows).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { initBackend } from '../../api/forecasting/backend.js';
import { createDeepForecaster } from '../../api/forecasting/deep/index.js';
import { rollingOriginSplit } from '../../api/forecasting/frames.js';
import { createForecaster } from '../../api/forecasting/models.js';
import { permutationImportance } from '../../api/forecasting/pipeline.js';
import type { FeatureImportanceEntry, GlobalForecaster } from '../../api/forecasting/types.js';
import { pricePanel } from '../fixtures/forecasting/price-panel.js';

const H = 4;
const pp = pricePanel({
  stores: 10,
  brands: 6,
  weeks: 120,
  future: 0,
  seed: 1,
  elasticity: -2,
  deal: 0,
  dealElasticity: 0,
  display: 0,
  cross: 0,
});
const window = rollingOriginSplit(pp.panel, H, 1).windows.at(-1)!;
const fit = { horizon: H, quantiles: [0.1, 0.5, 0.9], seed: 1 };
const share = (r: readonly FeatureImportanceEntry[], feature: string): number =>
  r.find((e) => e.feature === feature)?.importance ?? 0;

describe('permutation importance on a panel with a planted price effect', () => {
  before(async () => {
    await initBackend('wasm');
  });

  // Measured (seed 3): gbm price 86 %, history 11 %; before the fix the gbm was never asked
  // about covariates (price absent, history 100 %).
  test('gbm: the price is found, and the history matters', async () => {
    const r = await permutationImportance(() => createForecaster('gbm', { seed: 1 }), window, fit, 3);
    const total = r.dataset.reduce((a, e) => a + e.importance, 0);
    assert.ok(Math.abs(total - 1) < 1e-9, `sums to 1 (${total})`);
    assert.ok(share(r.dataset, 'covariate:price') >= 0.2, JSON.stringify(r.dataset));
    assert.ok(share(r.dataset, 'history') > 0.02, JSON.stringify(r.dataset));
    assert.equal(r.dataset.find((e) => e.feature === 'covariate:price')!.label, 'Price');
    // Per series too: most series find their price.
    const withPrice = [...r.perSeries.values()].filter((e) => share(e, 'covariate:price') > 0.1).length;
    assert.ok(withPrice >= r.perSeries.size / 2, `${withPrice} of ${r.perSeries.size} series`);
  });

  // Measured (seed 3): MLP history 86 %, price 11 %; before the fix history was 0.0 % (the
  // lookbacks were moved between series but each kept its own scale, so the level stayed).
  // A 10-epoch MLP can miss the price at one seed (seed 1 after `~past` joined the price
  // features: 2.2 %, seeds 2 and 3: 12.4 % and 11.1 %; before it 10.8 / 8.9 / 6.3 %), so the
  // price is asked of three seeds' mean, the history of every seed.
  test('mlp: the history (its level included) matters, and the price is found', async () => {
    let price = 0;
    let yearly = 0;
    for (const seed of [1, 2, 3]) {
      const model = (): GlobalForecaster =>
        createDeepForecaster('mlp', { windows: 2000, hidden: 32, epochs: 10, seed });
      const r = await permutationImportance(model, window, { ...fit, seed }, 3);
      assert.ok(share(r.dataset, 'history') >= 0.2, `seed ${seed}: ${JSON.stringify(r.dataset)}`);
      price += share(r.dataset, 'covariate:price') / 3;
      yearly += share(r.dataset, 'yearly') / 3;
    }
    assert.ok(price >= 0.03, `mean price share ${price}`);
    assert.ok(price > yearly, 'the planted price beats the mild season');
  });
});
