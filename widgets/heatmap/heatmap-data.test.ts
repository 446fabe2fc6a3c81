import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  cellColors,
  contrastRatio,
  driverGrid,
  luminance,
  mondayOf,
  weekdayGrid,
  weekdayIndex,
} from './heatmap-data.js';

/** Luminance of a `#rrggbb` colour (the pure module's own formula, applied independently of cellColors). */
function lum(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  return luminance([(n >> 16) & 255, (n >> 8) & 255, n & 255]);
}

/** Daily points from `start`: history values then forecasts. */
function days(start: string, actuals: number[], forecasts: number[]) {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  const date = (i: number) => new Date(t0 + i * 86_400_000).toISOString().slice(0, 10);
  return [
    ...actuals.map((v, i) => ({ date: date(i), actual: v, p50: null })),
    ...forecasts.map((v, i) => ({ date: date(actuals.length + i), actual: null, p50: v })),
  ];
}

describe('weekdayGrid', () => {
  test('puts each day under its ISO week and weekday, actuals first, then the median forecast', () => {
    // 2024-01-01 is a Monday: 10 days of history, then 4 days of forecast (to Sunday 2024-01-14).
    const grid = weekdayGrid(days('2024-01-01', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [20, 21, 22, 23]), 2);
    assert.deepEqual(grid.weeks, ['2024-01-01', '2024-01-08']);
    assert.deepEqual(grid.forecastWeeks, [false, true]);
    assert.deepEqual(
      grid.rows.map((row) => row.map((c) => c.value)),
      [
        [1, 8],
        [2, 9],
        [3, 10],
        [4, 20],
        [5, 21],
        [6, 22],
        [7, 23],
      ],
    );
    assert.equal(grid.rows[3]![1]!.kind, 'forecast');
    assert.equal(grid.rows[2]![1]!.kind, 'actual');
    assert.equal(grid.min, 1);
    assert.equal(grid.max, 23);
  });

  test('keeps the last weeks only, marks missing days, and drops weeks before the data', () => {
    // Starts on a Wednesday: Monday and Tuesday of the first week have no data.
    const grid = weekdayGrid(days('2024-01-03', [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5], []), 8);
    assert.deepEqual(grid.weeks, ['2024-01-01', '2024-01-08', '2024-01-15']);
    assert.equal(grid.rows[0]![0]!.kind, 'none');
    assert.equal(grid.rows[0]![0]!.value, null);
    assert.equal(weekdayGrid(days('2024-01-01', Array(70).fill(1), []), 3).weeks.length, 3);
    assert.deepEqual(weekdayGrid([], 4).rows, []);
  });

  test('weekdays and Mondays of ISO weeks', () => {
    assert.equal(weekdayIndex('2024-01-07'), 6, 'a Sunday is the last day of the week');
    assert.equal(mondayOf('2024-01-07'), '2024-01-01');
    assert.equal(mondayOf('2024-03-01'), '2024-02-26');
  });
});

describe('driverGrid', () => {
  test('shares of each series’ own total, strongest drivers overall as columns', () => {
    const grid = driverGrid(
      [
        {
          seriesId: 'a',
          drivers: [
            { feature: 'price', label: 'Price', importance: 3 },
            { feature: 'dow', label: 'Weekday pattern', importance: 1 },
          ],
        },
        {
          seriesId: 'b',
          drivers: [
            { feature: 'dow', label: 'Weekday pattern', importance: 1 },
            { feature: 'promo', label: 'Promotions', importance: -2 },
          ],
        },
      ],
      2,
    );
    assert.deepEqual(
      grid.columns.map((c) => c.label),
      ['Weekday pattern', 'Price'],
    );
    assert.deepEqual(grid.rows[0]!.shares, [0.25, 0.75]);
    assert.deepEqual(grid.rows[1]!.shares, [1, null], 'b has no price driver: no value, not 0');
    assert.equal(grid.max, 1);
  });
});

describe('cellColors', () => {
  test('runs from the low colour to the high one, with text of at least 4.5:1 contrast', () => {
    assert.equal(cellColors(0, 0, 10, '#ffffff', '#000000').background, '#ffffff');
    assert.equal(cellColors(10, 0, 10, '#ffffff', '#000000').background, '#000000');
    assert.equal(cellColors(5, 0, 10, '#ffffff', '#000000').background, '#808080');
    for (let v = 0; v <= 10; v++) {
      const { background, text } = cellColors(v, 0, 10, '#eff6ff', '#1d4ed8');
      assert.ok(contrastRatio(lum(background), lum(text)) >= 4.5, `${background} / ${text}`);
    }
  });
});
