/** The backtest view's `baseline` flag (api/graphql/insight/insight.service.ts): every local baseline the engine can choose is a reference model, deep models and ensembles are not. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BacktestScoreRecord } from '../../api/db/metrics.repository.js';
import { BASELINE_KINDS, EXTRA_LOCAL_KINDS } from '../../api/forecasting/baselines.js';
import { toScoreView } from '../../api/app/insights/insight.service.js';

const score = (model: string): BacktestScoreRecord => ({
  runId: 1,
  model,
  isChosen: false,
  metrics: { mase: 1, smape: 10, rmsse: 1, wape: 0.1, wql: 0.1, coverage80: 0.8 },
  origins: 2,
  horizon: 7,
});

describe('backtest view', () => {
  it('marks every local baseline of the engine, both Holt-Winters models included, as a reference', () => {
    for (const model of [...BASELINE_KINDS, ...EXTRA_LOCAL_KINDS, 'hwadd', 'SNAIVE']) {
      assert.equal(toScoreView(score(model)).baseline, true, `${model} is a baseline`);
    }
  });

  it('does not mark deep models or ensembles as references', () => {
    for (const model of ['mlp', 'conv1d', 'lstm', 'gru', 'auto', 'ensemble(hwadd,snaive)']) {
      assert.equal(toScoreView(score(model)).baseline, false, `${model} is not a baseline`);
    }
  });
});
