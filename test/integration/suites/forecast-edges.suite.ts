/**
 * Edges of the chart's default views: calendar annotations over a dataset longer than two years,
 * and WEEK buckets at the forecast start and end (stand-in pipeline: the API, not the maths).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { withDbs } from '../../helpers/dbs.js';
import { createTestApi, STAND_IN_PIPELINE, tinyCsv, trainToSuccess, type TestApi } from '../support/api.js';
import { seedCsv } from '../support/seed.js';

interface Point {
  date: string;
  actual: number | null;
  p50: number | null;
  days: number;
  complete: boolean;
}

const POINT = 'date actual p50 days complete';
const addDays = (date: string, n: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

withDbs((db) => {
  let api: TestApi;
  let datasetId: string;

  before(async () => {
    api = await createTestApi(db.knex, db.config, { pipelineModule: STAND_IN_PIPELINE, config: { maxHorizon: 60 } });
    // 2021-12-27..2024-02-29 (795 days, ends on a Thursday): the default calendar range is 1160 days.
    datasetId = String(await seedCsv(db.knex, api.tenantId, 'long', tinyCsv(2, 795, '2021-12-27')));
    // Generous: the machine is shared, and a slow run is not what this suite is about.
    await trainToSuccess(api, datasetId, 'horizon: 9', 90_000);
  });
  after(async () => {
    await api?.close();
  });

  describe('calendarEvents default range', () => {
    test('a dataset longer than two years gets its holidays, through the forecast year', async () => {
      const { calendarEvents } = await api.ok<{ calendarEvents: Array<{ date: string; kind: string }> }>(
        `{ calendarEvents(datasetId: "${datasetId}") { date kind } }`,
      );
      assert.ok(calendarEvents.length > 0, 'the default range has events');
      assert.ok(
        calendarEvents.some((e) => e.kind === 'HOLIDAY' && e.date > '2024-02-29'),
        'a holiday after the history ends',
      );
    });
  });

  describe('forecast WEEK buckets', () => {
    test('the week of the forecast start is whole: its actuals plus the forecast of its other days', async () => {
      const { forecast } = await api.ok<{ forecast: { forecastStart: string; points: Point[] } }>(
        `{ forecast(datasetId: "${datasetId}", seriesId: "item-0", bucket: WEEK) { forecastStart points { ${POINT} } } }`,
      );
      assert.equal(forecast.forecastStart, '2024-03-01');
      const byDate = new Map(forecast.points.map((p) => [p.date, p]));
      const straddling = byDate.get('2024-02-26')!;
      assert.equal(straddling.actual, null, 'four days of actuals must not read as a weekly drop');
      assert.deepEqual([straddling.days, straddling.complete], [7, true]);
      const days = await api.ok<{ forecast: { points: Point[] } }>(
        `{ forecast(datasetId: "${datasetId}", seriesId: "item-0", from: "2024-02-26", to: "2024-02-29") { points { ${POINT} } } }`,
      );
      const known = days.forecast.points.reduce((s, p) => s + p.actual!, 0);
      const rest = await api.ok<{ forecast: { points: Point[] } }>(
        `{ forecast(datasetId: "${datasetId}", seriesId: "item-0", bucket: WEEK, from: "2024-03-01", to: "2024-03-03") { points { ${POINT} } } }`,
      );
      assert.deepEqual([rest.forecast.points[0]!.days, rest.forecast.points[0]!.complete], [3, false]);
      assert.ok(
        Math.abs(straddling.p50! - (known + rest.forecast.points[0]!.p50!)) < 1e-6,
        `straddling week p50 ${straddling.p50} = history ${known} + forecast of the rest`,
      );
      // Horizon 9 ends on Saturday 2024-03-09: the last week is partial and says so.
      const last = forecast.points.at(-1)!;
      assert.deepEqual([last.date, last.days, last.complete], ['2024-03-04', 6, false]);
      assert.equal(addDays(last.date, last.days - 1), '2024-03-09');
      // The default start is a Monday: the first week is whole.
      assert.equal(forecast.points[0]!.complete, true);
      assert.ok(forecast.points.slice(0, -1).every((p) => p.complete));
    });
  });

  describe('forecast columns', () => {
    test('hold the values of points, as parallel arrays', async () => {
      const { forecast } = await api.ok<{
        forecast: {
          points: Array<Point & { p10: number | null; p90: number | null; quantiles: { value: number | null }[] }>;
          columns: Record<string, unknown[]>;
        };
      }>(
        `{ forecast(datasetId: "${datasetId}", seriesId: "item-1", bucket: WEEK, quantiles: [0.25, 0.75]) {
             points { ${POINT} p10 p90 quantiles { value } }
             columns { dates actual p10 p50 p90 days complete quantiles } } }`,
      );
      const { points, columns } = forecast;
      assert.ok(points.length > 5, `${points.length} points`);
      assert.deepEqual(columns, {
        dates: points.map((p) => p.date),
        actual: points.map((p) => p.actual),
        p10: points.map((p) => p.p10),
        p50: points.map((p) => p.p50),
        p90: points.map((p) => p.p90),
        days: points.map((p) => p.days),
        complete: points.map((p) => p.complete),
        quantiles: [0, 1].map((k) => points.map((p) => p.quantiles[k]!.value)),
      });
    });
  });
});
