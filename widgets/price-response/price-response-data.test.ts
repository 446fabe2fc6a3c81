import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildPriceResponseOptions, modelCurve, percentChangesFor } from './price-response-data.js';

describe('modelCurve', () => {
  test('window totals at % changes become units a day at a price, by price', () => {
    const curve = modelCurve(
      [
        { percentChange: 10, units: 252 },
        { percentChange: -10, units: 308 },
        { percentChange: 0, units: 280 },
      ],
      2,
      28,
    );
    assert.deepEqual(
      curve.map((p) => [Number(p.price.toFixed(6)), p.units]),
      [
        [1.8, 11],
        [2, 10],
        [2.2, 9],
      ],
    );
  });

  test('no curve without a current price or a forecast window', () => {
    assert.deepEqual(modelCurve([{ percentChange: 0, units: 1 }], null, 28), []);
    assert.deepEqual(modelCurve([{ percentChange: 0, units: 1 }], 2, null), []);
    assert.deepEqual(modelCurve([{ percentChange: 0, units: 1 }], 0, 28), []);
  });
});

describe('percentChangesFor', () => {
  test('spans the prices history saw around the current price, 0 included', () => {
    const changes = percentChangesFor([1, 1.5, 2, 2.5], 2);
    assert.equal(changes[0], -50);
    assert.equal(changes.at(-1), 25);
    assert.ok(changes.includes(0));
    assert.ok(changes.length >= 5 && changes.length <= 11, changes.join(','));
    assert.deepEqual(percentChangesFor([], 2), [-30, -20, -10, 0, 10, 20, 30]);
  });

  test('at least ±10 % even when the price never moved', () => {
    const changes = percentChangesFor([2, 2], 2);
    assert.equal(changes[0], -10);
    assert.equal(changes.at(-1), 10);
  });
});

describe('buildPriceResponseOptions', () => {
  test('days and promotion days as scatters, the curve as a line, on a numeric price axis', () => {
    const options = buildPriceResponseOptions({
      points: [
        { price: 1, units: 30, promotion: false },
        { price: 2, units: 40, promotion: true },
      ],
      curve: [
        { price: 1, units: 31 },
        { price: 2, units: 21 },
      ],
      palette: { point: '#111', promotion: '#222', curve: '#333', text: '#444', muted: '#555', border: '#666' },
      labels: { days: 'Days', promotionDays: 'Promotion days', curve: 'Model', price: 'Price', units: 'Units a day' },
      formatPrice: (v) => `€${v}`,
      formatUnits: (v) => String(v),
      height: 300,
    });
    const series = options.series as { name: string; type: string; data: number[][] }[];
    assert.deepEqual(
      series.map((s) => [s.name, s.type, s.data]),
      [
        ['Days', 'scatter', [[1, 30]]],
        ['Promotion days', 'scatter', [[2, 40]]],
        [
          'Model',
          'line',
          [
            [1, 31],
            [2, 21],
          ],
        ],
      ],
    );
    assert.equal(options.xaxis?.type, 'numeric');
    assert.deepEqual(options.colors, ['#111', '#222', '#333']);
    assert.equal((options.xaxis!.labels!.formatter as (v: string) => string)('1.5'), '€1.5');
  });
});
