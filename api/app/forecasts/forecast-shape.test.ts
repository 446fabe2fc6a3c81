import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ActualRecord, ForecastRecord } from '../ports.js';
import { bucketLength, shapeForecast, toColumns } from './forecast-shape.js';
import { aggregateQuantiles, Dependence } from './quantile-aggregation.js';

const day = (offset: number): string => new Date(Date.UTC(2024, 0, 1 + offset)).toISOString().slice(0, 10);
// 2024-01-01 is a Monday. History: 2024-01-01..2024-01-09 (a whole week, then Mon and Tue).
const actuals: ActualRecord[] = Array.from({ length: 9 }, (_, i) => ({ seriesId: 1, date: day(i), value: 10 + i }));
// Forecast: Wed 2024-01-10..Wed 2024-01-17 (five days of the second week, three of the third).
const forecasts: ForecastRecord[] = Array.from({ length: 8 }, (_, i) => ({
  seriesId: 1,
  date: day(9 + i),
  levels: [0.1, 0.5, 0.9],
  values: [15 + i, 20 + i, 30 + i],
}));
const levels = [0.1, 0.5, 0.9];
const shape = (bucket: 'day' | 'week' | 'month', from?: string) =>
  shapeForecast({
    forecasts,
    actuals,
    from,
    to: undefined,
    bucket,
    levels,
    dependence: Dependence.INDEPENDENT,
  });

describe('shapeForecast buckets', () => {
  test('a week straddling the forecast start combines its actuals with the forecast of its other days', () => {
    const [first, straddling, last] = shape('week');
    assert.equal(first!.date, '2024-01-01');
    assert.equal(first!.actual, 10 + 11 + 12 + 13 + 14 + 15 + 16);
    assert.equal(first!.p50, null);
    assert.equal(straddling!.date, '2024-01-08');
    assert.equal(straddling!.actual, null, 'two days of actuals must not read as a weekly drop');
    assert.equal(straddling!.actualToDate, 17 + 18, 'what was sold so far is still reported');
    assert.equal(first!.actualToDate, first!.actual, 'a bucket fully known: the same as actual');
    assert.equal(last!.actualToDate, null, 'nothing known yet');
    const forecastPart = aggregateQuantiles(
      forecasts.filter((f) => f.date <= '2024-01-14').map((f) => ({ levels: f.levels, values: f.values })),
      levels,
      { dependence: Dependence.INDEPENDENT },
    );
    const known = 17 + 18;
    assert.deepEqual(
      [straddling!.p10, straddling!.p50, straddling!.p90],
      forecastPart.map((v) => v + known),
    );
    assert.deepEqual([straddling!.days, straddling!.complete], [7, true]);
    assert.equal(last!.date, '2024-01-15');
    assert.deepEqual([last!.days, last!.complete], [3, false], 'the last forecast week ends on Wednesday');
  });

  test('a week cut by `from` is marked partial', () => {
    const [first] = shape('week', '2024-01-04');
    assert.deepEqual(
      [first!.date, first!.days, first!.complete, first!.actual],
      ['2024-01-01', 4, false, 13 + 14 + 15 + 16],
    );
  });

  test('day points are complete and keep their own actual and forecast', () => {
    const points = shape('day');
    assert.equal(points.length, 17);
    assert.ok(points.every((p) => p.days === 1 && p.complete));
    assert.equal(points[8]!.actual, 18);
    assert.equal(points[9]!.p50, 20);
  });

  test('a month is complete only when every day of it is covered', () => {
    assert.equal(bucketLength('2024-02-01', 'month'), 29);
    const [january] = shape('month');
    assert.deepEqual([january!.days, january!.complete], [17, false]);
  });
});

describe('toColumns', () => {
  test('entry i of every array is point i', () => {
    const points = shape('week');
    const columns = toColumns(points, levels.length);
    assert.deepEqual(
      columns.dates,
      points.map((p) => p.date),
    );
    assert.deepEqual(
      columns.actual,
      points.map((p) => p.actual),
    );
    assert.deepEqual(
      columns.p10,
      points.map((p) => p.p10),
    );
    assert.deepEqual(
      columns.p50,
      points.map((p) => p.p50),
    );
    assert.deepEqual(
      columns.p90,
      points.map((p) => p.p90),
    );
    assert.deepEqual(
      columns.days,
      points.map((p) => p.days),
    );
    assert.deepEqual(
      columns.complete,
      points.map((p) => p.complete),
    );
    assert.deepEqual(
      columns.quantiles,
      levels.map((_, k) => points.map((p) => p.quantiles[k]!.value)),
    );
    assert.ok(columns.p50.some((v) => v !== null) && columns.actual.some((v) => v !== null), 'both kinds of value');
  });
});

/** The week shape of the fixtures above, with a memo when given. */
const shapeWithMemo = (memo?: { key: string; cache: Map<string, readonly number[]> }) =>
  shapeForecast({
    forecasts,
    actuals,
    from: undefined,
    to: undefined,
    bucket: 'week',
    levels,
    dependence: Dependence.INDEPENDENT,
    ...(memo ? { memo } : {}),
  });

describe('shapeForecast memo', () => {
  test('keeps the aggregated quantiles of buckets with several members, and reads them back', () => {
    const cache = new Map<string, readonly number[]>();
    const plain = shapeWithMemo();
    assert.deepEqual(shapeWithMemo({ key: 'run-1', cache }), plain, 'the same points with a memo');
    // Weeks 2024-01-08 and 2024-01-15 have several forecast days; the first week has none.
    assert.equal(cache.size, 2, [...cache.keys()].join('\n'));
    for (const key of cache.keys()) cache.set(key, [1000, 2000, 3000]);
    const [, straddling, last] = shapeWithMemo({ key: 'run-1', cache });
    assert.deepEqual([last!.p10, last!.p50, last!.p90], [1000, 2000, 3000], 'read from the memo');
    assert.equal(straddling!.p50, 2000 + 17 + 18, 'known history days are added to what the memo holds');
    assert.deepEqual(shapeWithMemo({ key: 'run-2', cache }), plain, 'another key does not read them');
  });
});

describe('shapeForecast totals by kind', () => {
  test("a total of a kind the run fitted takes that kind's spread, also through the memo", () => {
    // Two series on the same days: a total of two members per day.
    const members: ForecastRecord[] = [1, 2].flatMap((seriesId) =>
      Array.from({ length: 3 }, (_, i) => ({
        seriesId,
        date: day(9 + i),
        levels,
        values: [10, 20, 30],
        mean: 20,
      })),
    );
    const fitted = {
      rho: 0,
      phiCommon: 0,
      phiOwn: 0,
      spread: 1,
      spreadByKind: [{ kind: 'store', multiStep: false, spread: 2 }],
    };
    const cache = new Map<string, readonly number[]>();
    const width = (kind?: string): number => {
      const [point] = shapeForecast({
        forecasts: members,
        actuals: [],
        from: undefined,
        to: undefined,
        bucket: 'day',
        levels,
        dependence: Dependence.FITTED,
        fitted,
        kind,
        memo: { key: 'run 1', cache },
      });
      return point!.p90! - point!.p10!;
    };
    const plain = width();
    const store = width('store');
    // κ 2 doubles the deviations from the mean, so the 10–90 % width too (within sampling).
    assert.ok(Math.abs(store / plain - 2) < 0.1, `store ${store}, no kind ${plain}`);
    // The memo keeps the two apart: asked again, each kind reads its own.
    assert.equal(width(), plain);
    assert.equal(width('store'), store);
  });
});
