import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from '../../api/errors/index.js';
import { assertLevelsServable } from '../../api/app/forecasts/forecast.service.js';
import { aggregateQuantiles, Dependence, quantileAt } from '../../api/app/forecasts/quantile-aggregation.js';

const run = { id: 7, quantiles: [0.1, 0.5, 0.9] };

describe('any quantile level (issue 13, item 6)', () => {
  test('a run with a fitted distribution computes 0.05 and 0.99 from its tails, never the p10/p90', () => {
    assert.doesNotThrow(() => assertLevelsServable([0.05, 0.99], run, true));
    const member = { levels: [0.1, 0.5, 0.9], values: [3, 6, 12], mean: 7.5 };
    const p99 = quantileAt(member, 0.99);
    const p05 = quantileAt(member, 0.05);
    assert.ok(p99 > 12, `p99 ${p99} is not clamped to p90`);
    assert.ok(p05 < 3 && p05 >= 0, `p05 ${p05} is not clamped to p10 and stays ≥ 0`);
    const total = aggregateQuantiles(
      [
        { ...member, seriesId: 1, date: '2024-01-01' },
        { ...member, seriesId: 2, date: '2024-01-01' },
      ],
      [0.9, 0.99],
      { dependence: Dependence.INDEPENDENT, samples: 2000 },
    );
    assert.ok(total[1]! > total[0]!, 'a total’s p99 lies above its p90');
  });

  test('a run without one refuses levels outside its own with a coded error naming them', () => {
    assert.doesNotThrow(() => assertLevelsServable([0.1, 0.25, 0.9], run, false));
    assert.throws(
      () => assertLevelsServable([0.05, 0.5, 0.99], run, false),
      (e: unknown) =>
        e instanceof DomainError &&
        e.code === 'BAD_USER_INPUT' &&
        e.message.includes('0.05, 0.99') &&
        e.message.includes('0.1, 0.5, 0.9') &&
        JSON.stringify(e.details['available']) === '[0.1,0.5,0.9]',
    );
  });
});
