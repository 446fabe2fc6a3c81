import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { historyResponse, pricePoints, type PricePoint } from './price-history.js';

const day = (i: number) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);

describe('pricePoints', () => {
  test('one point per known day with its price (carried forward), promotions marked, by date', () => {
    const points = pricePoints(
      [
        { seriesId: 1, date: day(2), value: 5 },
        { seriesId: 1, date: day(0), value: 8 },
        { seriesId: 1, date: day(1), value: null },
        { seriesId: 1, date: day(3), value: 12 },
      ],
      [
        { seriesId: 1, date: day(0), value: 2 },
        { seriesId: 1, date: day(3), value: 1.5 },
      ],
      [{ seriesId: 1, date: day(3), value: 1 }],
    );
    assert.deepEqual(points, [
      { date: day(0), units: 8, price: 2, promotion: false },
      { date: day(2), units: 5, price: 2, promotion: false },
      { date: day(3), units: 12, price: 1.5, promotion: true },
    ]);
  });
});

describe('historyResponse', () => {
  /** A planted price response: units = 40 − 10 × price, prices 1.0 … 3.0, 10 days each. */
  const planted: PricePoint[] = Array.from({ length: 50 }, (_, i) => {
    const price = 1 + 0.5 * Math.floor(i / 10);
    return { date: day(i), price, units: 40 - 10 * price + ((i % 3) - 1), promotion: false };
  });

  test('finds a planted falling response: median units fall as the price rises', () => {
    const curve = historyResponse(planted, 5);
    assert.deepEqual(
      curve.map((b) => b.price),
      [1, 1.5, 2, 2.5, 3],
    );
    assert.deepEqual(
      curve.map((b) => b.units),
      [30, 25, 20, 15, 10],
    );
    assert.ok(curve.every((b) => b.days === 10));
  });

  test('leaves promotion days out (a promotion is not the price effect)', () => {
    const withPromos = [
      ...planted,
      ...Array.from({ length: 10 }, (_, i) => ({ date: day(60 + i), price: 3, units: 100, promotion: true })),
    ];
    assert.deepEqual(historyResponse(withPromos, 5), historyResponse(planted, 5));
  });

  test('merges bins to at least minDays and draws nothing from too little history', () => {
    const curve = historyResponse(planted, 20, 7);
    assert.ok(
      curve.every((b) => b.days >= 7),
      JSON.stringify(curve),
    );
    assert.deepEqual(historyResponse(planted.slice(0, 5), 5, 7), []);
    const flat = historyResponse(
      Array.from({ length: 14 }, (_, i) => ({ date: day(i), price: 2, units: 7, promotion: false })),
      4,
    );
    assert.deepEqual(flat, [{ price: 2, units: 7, days: 14 }], 'one price: one bin, no made-up slope');
  });
});
