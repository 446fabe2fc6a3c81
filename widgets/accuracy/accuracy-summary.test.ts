import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareWithSeasonalNaive, type BacktestModelRow } from './accuracy-summary.js';

const ours = (overrides: Partial<BacktestModelRow> = {}): BacktestModelRow => ({
  model: 'MLP',
  baseline: false,
  mase: 0.66,
  wape: 0.3,
  coverage: 0.78,
  ...overrides,
});
const snaive = (overrides: Partial<BacktestModelRow> = {}): BacktestModelRow => ({
  model: 'SNAIVE',
  baseline: true,
  mase: 0.99,
  wape: 0.44,
  coverage: 0.7,
  ...overrides,
});

describe('compareWithSeasonalNaive', () => {
  test('computes the improvement from WAPE when both rows have it', () => {
    const comparison = compareWithSeasonalNaive({ horizon: 28, origins: 3, models: [ours(), snaive()] });
    assert.equal(comparison?.metric, 'WAPE');
    assert.ok(Math.abs(comparison!.improvement - (1 - 0.3 / 0.44)) < 1e-12);
    assert.equal(comparison?.direction, 'better');
    assert.equal(comparison?.coverage, 0.78);
  });

  test('falls back to MASE when WAPE is missing', () => {
    const comparison = compareWithSeasonalNaive({
      horizon: 28,
      origins: 3,
      models: [snaive({ wape: null }), ours({ wape: null, mase: 0.66 })],
    });
    assert.equal(comparison?.metric, 'MASE');
    assert.ok(Math.abs(comparison!.improvement - (1 - 0.66 / 0.99)) < 1e-12);
  });

  test('says worse when ours has the larger error and same within one point', () => {
    assert.equal(
      compareWithSeasonalNaive({ horizon: 7, origins: 1, models: [ours({ wape: 0.5 }), snaive({ wape: 0.4 })] })
        ?.direction,
      'worse',
    );
    assert.equal(
      compareWithSeasonalNaive({ horizon: 7, origins: 1, models: [ours({ wape: 0.402 }), snaive({ wape: 0.4 })] })
        ?.direction,
      'same',
    );
  });

  test('finds the seasonal-naive row by name regardless of spelling and ignores other baselines', () => {
    const comparison = compareWithSeasonalNaive({
      horizon: 7,
      origins: 1,
      models: [ours(), { ...snaive(), model: 'ETS', wape: 0.1 }, { ...snaive(), model: 'seasonal-naive' }],
    });
    assert.equal(comparison?.baseline.model, 'seasonal-naive');
  });

  test('compares the chosen model when the API marks one', () => {
    const comparison = compareWithSeasonalNaive({
      horizon: 7,
      origins: 1,
      models: [ours({ model: 'LSTM', wape: 0.5 }), ours({ model: 'MLP', chosen: true, wape: 0.33 }), snaive()],
    });
    assert.equal(comparison?.ours.model, 'MLP');
    assert.ok(Math.abs(comparison!.improvement - 0.25) < 1e-12);
  });

  test('returns null without a seasonal-naive row, without our row, or without usable metrics', () => {
    assert.equal(compareWithSeasonalNaive(null), null);
    assert.equal(compareWithSeasonalNaive({ horizon: 7, origins: 1, models: [ours()] }), null);
    assert.equal(compareWithSeasonalNaive({ horizon: 7, origins: 1, models: [snaive()] }), null);
    assert.equal(
      compareWithSeasonalNaive({
        horizon: 7,
        origins: 1,
        models: [ours({ wape: null, mase: null }), snaive({ wape: 0, mase: 0 })],
      }),
      null,
    );
  });
});
