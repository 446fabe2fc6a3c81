import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { changeDirection, kpiCards, type HeadlineResult } from './kpi-cards.js';

const period = (from: string, to: string, daysWithData = 28) => ({ from, to, days: 28, daysWithData });

const headline = (overrides: Partial<HeadlineResult> = {}): HeadlineResult => ({
  seriesId: null,
  groupBy: null,
  seriesCount: 10,
  weeks: 4,
  pricedSeriesCount: 10,
  next: period('2024-03-01', '2024-03-28', 0),
  lastPeriod: period('2024-02-02', '2024-02-29'),
  lastYear: period('2023-03-03', '2023-03-30'),
  units: {
    p10: 900,
    p50: 1100,
    p90: 1300,
    lastPeriod: 1000,
    lastYear: 1250,
    changeVsLastPeriod: 0.1,
    changeVsLastYear: -0.12,
  },
  revenue: {
    p10: 9000,
    p50: 11000,
    p90: 13000,
    lastPeriod: 11000,
    lastYear: null,
    changeVsLastPeriod: 0,
    changeVsLastYear: null,
  },
  ...overrides,
});

describe('kpiCards', () => {
  test('a units card and a revenue card, each with the comparisons that have a reference', () => {
    const [units, revenue] = kpiCards(headline());
    assert.equal(units!.measure, 'units');
    assert.deepEqual([units!.p10, units!.p50, units!.p90], [900, 1100, 1300]);
    assert.deepEqual(
      units!.comparisons.map((c) => [c.against, c.direction, c.reference]),
      [
        ['lastYear', 'down', 1250],
        ['lastPeriod', 'up', 1000],
      ],
    );
    assert.equal(revenue!.measure, 'revenue');
    assert.deepEqual(
      revenue!.comparisons.map((c) => [c.against, c.direction]),
      [['lastPeriod', 'flat']],
      'no last-year revenue: no comparison, not a 0 %',
    );
    assert.equal(revenue!.priced, null, 'every series priced');
  });

  test('no revenue card without revenue; a partial reference period is flagged', () => {
    const cards = kpiCards(headline({ revenue: null, lastYear: period('2023-03-03', '2023-03-30', 12) }));
    assert.equal(cards.length, 1);
    assert.equal(cards[0]!.comparisons.find((c) => c.against === 'lastYear')!.partial, true);
    assert.equal(cards[0]!.comparisons.find((c) => c.against === 'lastPeriod')!.partial, false);
  });

  test('says how many series the revenue counts when some have no price', () => {
    const revenue = kpiCards(headline({ pricedSeriesCount: 7 }))[1]!;
    assert.deepEqual(revenue.priced, { count: 7, of: 10 });
  });

  test('changes under one point are flat', () => {
    assert.equal(changeDirection(0.009), 'flat');
    assert.equal(changeDirection(-0.009), 'flat');
    assert.equal(changeDirection(0.01), 'up');
    assert.equal(changeDirection(-0.2), 'down');
  });
});
