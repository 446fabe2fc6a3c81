import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dateToEpoch, toApexSeries, toForecastChartData, type ForecastPoint } from './to-apex-series.js';

function points(history: number, horizon: number): ForecastPoint[] {
  const result: ForecastPoint[] = [];
  const start = Date.UTC(2024, 0, 1);
  for (let index = 0; index < history + horizon; index++) {
    const date = new Date(start + index * 86_400_000).toISOString().slice(0, 10);
    const future = index >= history;
    result.push({
      date,
      actual: future ? null : 10 + (index % 7),
      p10: future ? 8 : null,
      p50: future ? 11 : null,
      p90: future ? 15 : null,
    });
  }
  return result;
}

describe('toForecastChartData', () => {
  test('sorts by date, converts to UTC epoch ms and finds the forecast start', () => {
    const input = points(5, 3).toReversed();
    const data = toForecastChartData(input);
    assert.deepEqual(
      data.rows.map((row) => row.date),
      ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-06', '2024-01-07', '2024-01-08'],
    );
    assert.equal(data.forecastStart, Date.UTC(2024, 0, 6));
    assert.equal(data.hasInterval, true);
    assert.equal(data.downsampled, false);
  });

  test('has no forecast start and no interval for history only', () => {
    const data = toForecastChartData(points(10, 0));
    assert.equal(data.forecastStart, null);
    assert.equal(data.hasInterval, false);
  });

  test('downsamples above maxPoints but keeps the point where the forecast starts', () => {
    const data = toForecastChartData(points(9_910, 90), { maxPoints: 2000 });
    assert.equal(data.totalPoints, 10_000);
    assert.equal(data.downsampled, true);
    assert.ok(data.rows.length <= 2002 && data.rows.length >= 2000, `got ${data.rows.length} rows`);
    assert.ok(data.rows.some((row) => row.x === data.forecastStart));
    assert.equal(data.rows[0]!.date, '2024-01-01');
    assert.equal(data.rows.at(-1)!.p50, 11);
  });

  test('treats non-finite values as missing', () => {
    const data = toForecastChartData([{ date: '2024-01-01', actual: Number.NaN, p10: null, p50: 3, p90: null }]);
    assert.equal(data.rows[0]!.actual, null);
    assert.equal(data.forecastStart, Date.UTC(2024, 0, 1));
  });

  test('rejects a malformed date with the value and the expected format', () => {
    assert.throws(() => dateToEpoch('01/02/2024'), /"01\/02\/2024".*YYYY-MM-DD/);
  });
});

describe('toApexSeries', () => {
  test('aligns actual and p50 on every row and keeps the band only where p10 and p90 exist', () => {
    const series = toApexSeries(toForecastChartData(points(2, 2)));
    assert.equal(series.actual.length, 4);
    assert.equal(series.p50.length, 4);
    assert.deepEqual(
      series.band.map((point) => [point.x, point.y]),
      [
        [Date.UTC(2024, 0, 1), [null, null]],
        [Date.UTC(2024, 0, 3), [8, 15]],
        [Date.UTC(2024, 0, 4), [8, 15]],
      ],
    );
    assert.deepEqual(
      series.actual.map((point) => point.y),
      [10, 11, null, null],
    );
    assert.deepEqual(
      series.p50.map((point) => point.y),
      [null, null, 11, 11],
    );
    assert.deepEqual(
      series.actual.map((point) => point.x),
      series.p50.map((point) => point.x),
    );
  });

  // The shape that hid the tooltip: history without interval, then a forecast with one. When the
  // band started later than the lines, ApexCharts 4.7 judged the series' x values unequal (it
  // compares first x values only) and picked the tooltip's point by x and y, so the day shown
  // under a cursor depended on the forecast's values (issue: tooltip gone after 488bdf7).
  test('starts every series on the first row, the band with an empty point, so ApexCharts sees equal x values', () => {
    for (const data of [
      toForecastChartData(points(60, 28)),
      toForecastChartData(points(9_910, 90), { maxPoints: 2000 }),
      toForecastChartData(points(60, 28).slice(10), { forecastStart: '2024-03-01' }),
    ]) {
      const series = toApexSeries(data);
      const first = data.rows[0]!.x;
      assert.deepEqual(
        [series.band[0], series.actual[0]!.x, series.p50[0]!.x],
        [{ x: first, y: [null, null] }, first, first],
      );
      // One empty point, then exactly the rows with an interval: the band stays short (O(n²) parsing).
      assert.equal(series.band.length, 1 + data.rows.filter((row) => row.p10 !== null && row.p90 !== null).length);
      assert.ok(series.band.slice(1).every((point) => point.y[0] !== null && point.y[1] !== null));
    }
  });

  test('adds no empty point when the band already starts on the first row, or there is no band', () => {
    const forecastOnly = toApexSeries(toForecastChartData(points(0, 3)));
    assert.deepEqual(
      forecastOnly.band.map((point) => point.y),
      [
        [8, 15],
        [8, 15],
        [8, 15],
      ],
    );
    assert.deepEqual(toApexSeries(toForecastChartData(points(5, 0))).band, []);
  });
});

describe('toForecastChartData with WEEK buckets', () => {
  // Weeks of 2024-01-01 (history), 2024-01-08 (two days of history, five of forecast: no actual,
  // the whole week estimated), 2024-01-15 (forecast) and 2024-01-22 (partial: three forecast days).
  const weeks: ForecastPoint[] = [
    { date: '2024-01-01', actual: 70, p10: null, p50: null, p90: null, days: 7, complete: true },
    { date: '2024-01-08', actual: null, p10: 60, p50: 72, p90: 85, days: 7, complete: true },
    { date: '2024-01-15', actual: null, p10: 58, p50: 71, p90: 88, days: 7, complete: true },
    { date: '2024-01-22', actual: null, p10: 20, p50: 30, p90: 40, days: 3, complete: false },
  ];

  test("places the forecast start on the API's forecastStart, not on the first bucket without actual", () => {
    const data = toForecastChartData(weeks, { forecastStart: '2024-01-10' });
    assert.equal(data.forecastStart, Date.UTC(2024, 0, 10));
  });

  test('marks partial buckets, lists them, and leaves them out of the drawn lines', () => {
    const data = toForecastChartData(weeks, { forecastStart: '2024-01-10' });
    assert.deepEqual(
      data.rows.map((row) => [row.date, row.partial, row.days]),
      [
        ['2024-01-01', false, 7],
        ['2024-01-08', false, 7],
        ['2024-01-15', false, 7],
        ['2024-01-22', true, 3],
      ],
    );
    assert.equal(data.partialCount, 1);
    const series = toApexSeries(data);
    assert.deepEqual(
      series.p50.map((point) => point.y),
      [null, 72, 71, null],
    );
    assert.deepEqual(
      series.band.map((point) => point.x),
      [Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 8), Date.UTC(2024, 0, 15)],
    );
  });

  test('draws partial buckets when nothing else is left', () => {
    const series = toApexSeries(toForecastChartData(weeks.slice(3)));
    assert.deepEqual(
      series.p50.map((point) => point.y),
      [30],
    );
  });
});
