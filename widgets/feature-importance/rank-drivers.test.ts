import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { humanizeFeature, rankDrivers } from './rank-drivers.js';

describe('rankDrivers', () => {
  test('ranks by importance with shares summing to 1 and the top bar full width', () => {
    const drivers = rankDrivers([
      { feature: 'promo', label: 'Promotions', importance: 2 },
      { feature: 'dow', label: 'Weekday pattern', importance: 6 },
      { feature: 'price', label: 'Price', importance: 2 },
    ]);
    assert.deepEqual(
      drivers.map((driver) => driver.label),
      ['Weekday pattern', 'Price', 'Promotions'],
    );
    assert.equal(drivers[0]!.share, 0.6);
    assert.equal(drivers[0]!.width, 1);
    assert.ok(Math.abs(drivers.reduce((sum, driver) => sum + driver.share, 0) - 1) < 1e-12);
  });

  test('counts negative and non-finite importance as zero and limits the list', () => {
    const drivers = rankDrivers(
      [
        { feature: 'a', label: 'A', importance: -0.1 },
        { feature: 'b', label: 'B', importance: Number.NaN },
        { feature: 'c', label: 'C', importance: 1 },
      ],
      2,
    );
    assert.equal(drivers.length, 2);
    assert.equal(drivers[0]!.label, 'C');
    assert.equal(drivers[1]!.share, 0);
  });

  test('falls back to words from the feature name when the label is empty', () => {
    assert.equal(
      rankDrivers([{ feature: 'holiday_christmas', label: ' ', importance: 1 }])[0]!.label,
      'Holiday christmas',
    );
    assert.equal(humanizeFeature('dayOfWeek'), 'Day of week');
  });

  test('returns an empty list for no rows and zero shares when all importance is zero', () => {
    assert.deepEqual(rankDrivers([]), []);
    assert.equal(rankDrivers([{ feature: 'x', label: 'X', importance: 0 }])[0]!.width, 0);
  });
});
