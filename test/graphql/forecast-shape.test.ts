/**
 * The pure reshaping behind `forecast` (api/graphql/forecast/forecast-shape.ts): day, week and
 * month buckets, actuals beside forecasts, a bucket straddling the forecast start, totals.
 * Expected values are worked out by hand in the comments.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shapeForecast, toColumns, type ShapeInput } from '../../api/app/forecasts/forecast-shape.js';
import { Dependence } from '../../api/app/forecasts/quantile-aggregation.js';

const LEVELS = [0.1, 0.5, 0.9];
const f = (seriesId: number, date: string, values: number[]) => ({ seriesId, date, levels: LEVELS, values });
const a = (seriesId: number, date: string, value: number | null) => ({ seriesId, date, value });

function shape(over: Partial<ShapeInput>) {
  return shapeForecast({
    forecasts: [],
    actuals: [],
    from: undefined,
    to: undefined,
    bucket: 'day',
    levels: LEVELS,
    dependence: Dependence.COMONOTONIC,
    ...over,
  });
}

describe('shapeForecast', () => {
  it('gives one DAY point per date with its actual and its own forecast, never mixing them', () => {
    const points = shape({
      actuals: [a(1, '2025-01-01', 5), a(1, '2025-01-02', null), a(1, '2025-01-03', 7)],
      forecasts: [f(1, '2025-01-03', [1, 2, 3]), f(1, '2025-01-04', [2, 4, 6])],
    });
    assert.deepEqual(
      points.map((p) => [p.date, p.actual, p.p10, p.p50, p.p90, p.days, p.complete]),
      [
        ['2025-01-01', 5, null, null, null, 1, true],
        ['2025-01-02', null, null, null, null, 1, true], // a missing value is unknown, not 0
        ['2025-01-03', 7, 1, 2, 3, 1, true], // the actual of a forecast day is not added to it
        ['2025-01-04', null, 2, 4, 6, 1, true],
      ],
    );
    assert.deepEqual(points[0]!.quantiles, [
      { level: 0.1, value: null },
      { level: 0.5, value: null },
      { level: 0.9, value: null },
    ]);
    assert.deepEqual(points[3]!.quantiles, [
      { level: 0.1, value: 2 },
      { level: 0.5, value: 4 },
      { level: 0.9, value: 6 },
    ]);
  });

  it('keeps only dates in [from, to]', () => {
    const points = shape({
      actuals: [a(1, '2025-01-01', 5), a(1, '2025-01-02', 6)],
      forecasts: [f(1, '2025-01-03', [1, 2, 3]), f(1, '2025-01-04', [2, 4, 6])],
      from: '2025-01-02',
      to: '2025-01-03',
    });
    assert.deepEqual(
      points.map((p) => p.date),
      ['2025-01-02', '2025-01-03'],
    );
  });

  it('sums a WEEK straddling the forecast start: history days plus the forecast of the rest', () => {
    // Mon 6 and Tue 7 January 2025 are known (3 + 4); Wed 8 to Sun 12 are forecast [1, 2, 3] each.
    const days = ['2025-01-08', '2025-01-09', '2025-01-10', '2025-01-11', '2025-01-12'];
    const input = {
      actuals: [a(1, '2025-01-06', 3), a(1, '2025-01-07', 4)],
      forecasts: days.map((d) => f(1, d, [1, 2, 3])),
      bucket: 'week' as const,
    };
    const [week] = shape(input);
    // Comonotonic sum of 5 days: 5, 10, 15, plus the 7 already sold.
    assert.deepEqual([week!.date, week!.p10, week!.p50, week!.p90], ['2025-01-06', 12, 17, 22]);
    assert.equal(week!.actual, null, 'two known days of seven are not the week’s sales');
    assert.equal(week!.days, 7);
    assert.equal(week!.complete, true);
    const [cut] = shape({ ...input, from: '2025-01-08' });
    assert.deepEqual([cut!.days, cut!.complete, cut!.p50], [5, false, 10], 'a week cut by `from` is incomplete');
  });

  it('reports a MONTH actual only when every day of it in range is known', () => {
    const actuals = [a(1, '2025-02-01', 1), a(1, '2025-02-02', 2), a(1, '2025-03-01', 4), a(1, '2025-03-02', null)];
    const points = shape({ actuals, bucket: 'month' });
    assert.deepEqual(
      points.map((p) => [p.date, p.actual, p.days, p.complete]),
      [
        ['2025-02-01', 3, 2, false],
        ['2025-03-01', null, 2, false],
      ],
    );
  });

  it('adds the members of a total date by date (comonotonic: quantiles add up)', () => {
    const points = shape({
      actuals: [a(1, '2025-01-01', 5), a(2, '2025-01-01', 6), a(1, '2025-01-02', 1)],
      forecasts: [f(1, '2025-01-03', [1, 2, 3]), f(2, '2025-01-03', [2, 3, 4])],
    });
    assert.deepEqual(
      points.map((p) => [p.date, p.actual, p.p10, p.p50, p.p90]),
      [
        ['2025-01-01', 11, null, null, null],
        ['2025-01-02', 1, null, null, null],
        ['2025-01-03', null, 3, 5, 7],
      ],
    );
  });

  it('reports the requested levels in `quantiles`, interpolating between stored ones', () => {
    const [p] = shape({ forecasts: [f(1, '2025-01-03', [1, 2, 3])], levels: [0.3, 0.5] });
    assert.deepEqual(
      p!.quantiles.map((q) => q.level),
      [0.3, 0.5],
    );
    assert.equal(p!.quantiles[1]!.value, 2);
    const q30 = p!.quantiles[0]!.value!;
    assert.ok(q30 > 1 && q30 < 2, `p30 ${q30} lies between p10 (1) and p50 (2)`);
    assert.deepEqual([p!.p10, p!.p50, p!.p90], [1, 2, 3], 'p10/p50/p90 are reported whatever the levels asked');
  });

  it('turns points into parallel columns', () => {
    const points = shape({ actuals: [a(1, '2025-01-01', 5)], forecasts: [f(1, '2025-01-02', [1, 2, 3])] });
    const c = toColumns(points, LEVELS.length);
    assert.deepEqual(c.dates, ['2025-01-01', '2025-01-02']);
    assert.deepEqual(c.actual, [5, null]);
    assert.deepEqual(c.p50, [null, 2]);
    assert.deepEqual(c.quantiles[2], [null, 3]);
  });
});
