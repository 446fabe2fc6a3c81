import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { headlinePeriods, headlineWeeks, knownTotal, priceCovariate, pricesOn, relativeChange } from './headline.js';

describe('headlinePeriods', () => {
  test('daily data: the next 4 weeks, the 28 days before, and 52 weeks earlier (same weekdays)', () => {
    const p = headlinePeriods('2011-12-10', '2012-03-01', 4, 'D');
    assert.deepEqual(p.next, { from: '2011-12-10', to: '2012-01-06' });
    assert.deepEqual(p.lastPeriod, { from: '2011-11-12', to: '2011-12-09' });
    assert.deepEqual(p.lastYear, { from: '2010-12-11', to: '2011-01-07' });
    assert.equal(p.days, 28);
  });

  test('a forecast shorter than the weeks asked cuts the period and the comparisons alike', () => {
    const p = headlinePeriods('2024-03-01', '2024-03-07', 4, 'D');
    assert.equal(p.days, 7);
    assert.deepEqual(p.lastPeriod, { from: '2024-02-23', to: '2024-02-29' });
  });

  test('monthly data compares with the same months a year earlier', () => {
    const p = headlinePeriods('2024-03-01', '2024-12-01', 8, 'M');
    assert.deepEqual(p.lastYear, { from: '2023-03-01', to: '2023-04-25' });
  });
});

describe('headlineWeeks', () => {
  test('defaults to 4 and refuses what is not 1–52 weeks, naming the value', () => {
    assert.equal(headlineWeeks(undefined), 4);
    assert.equal(headlineWeeks(52), 52);
    for (const bad of [0, 53, 2.5, -1]) assert.throws(() => headlineWeeks(bad), new RegExp(`weeks ${bad} `));
  });
});

describe('pricesOn and knownTotal', () => {
  const prices = [
    { seriesId: 1, date: '2024-01-03', value: 2 },
    { seriesId: 1, date: '2024-01-01', value: 1.5 },
    { seriesId: 2, date: '2024-01-02', value: 10 },
  ];

  test('a price holds from the day it is seen until the next one; none before the first', () => {
    const p = pricesOn(prices, [
      { seriesId: 1, date: '2024-01-01' },
      { seriesId: 1, date: '2024-01-02' },
      { seriesId: 1, date: '2024-01-09' },
      { seriesId: 2, date: '2024-01-01' },
      { seriesId: 3, date: '2024-01-05' },
    ]);
    assert.deepEqual(Object.fromEntries(p), { '1|2024-01-01': 1.5, '1|2024-01-02': 1.5, '1|2024-01-09': 2 });
  });

  test('sums units and units × price inside the period only, and says how much was priced', () => {
    const actuals = [
      { seriesId: 1, date: '2024-01-01', value: 4 },
      { seriesId: 1, date: '2024-01-03', value: 2 },
      { seriesId: 2, date: '2024-01-01', value: 6 },
      { seriesId: 2, date: '2024-01-02', value: null },
      { seriesId: 2, date: '2024-01-08', value: 100 },
    ];
    const total = knownTotal(actuals, { from: '2024-01-01', to: '2024-01-07' }, pricesOn(prices, actuals));
    assert.equal(total.units, 12);
    assert.equal(total.revenue, 4 * 1.5 + 2 * 2);
    assert.equal(total.daysWithData, 2);
    assert.equal(total.pricedShare, 6 / 12);
    assert.deepEqual(knownTotal([], { from: '2024-01-01', to: '2024-01-07' }, undefined), {
      period: { from: '2024-01-01', to: '2024-01-07' },
      units: null,
      revenue: null,
      daysWithData: 0,
      pricedShare: null,
    });
  });
});

test('relativeChange and priceCovariate', () => {
  assert.equal(relativeChange(120, 100), 0.19999999999999996);
  assert.equal(relativeChange(5, 0), null);
  assert.equal(relativeChange(null, 3), null);
  assert.equal(priceCovariate([{ name: 'promo' }, { name: 'unit_price' }]), 'unit_price');
  assert.equal(priceCovariate([{ name: 'unit_price' }, { name: 'Price' }]), 'Price');
  assert.equal(priceCovariate([{ name: 'promo' }]), undefined);
});
