/**
 * New products (issue 13, item 5), end to end through the real pipeline: a launch whose rows all
 * lie in the future (planned price only) is imported, trained and forecast from its category's
 * launch curve with a run warning naming it; a 2-point series is named in the warnings; no series
 * is dropped.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { withDbs } from '../../helpers/dbs.js';
import { createTestApi, trainToSuccess, type TestApi } from '../support/api.js';

const day = (i: number): string => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);

/**
 * Six snacks launched one after another (ramping up to ~30 a day), two drinks selling ~200 a day
 * all along, a 2-point snack, and `snack-new`: 14 future rows with a planned price, no sales.
 */
function launchCsv(): string {
  const lines = ['series_id,date,value,price,category'];
  for (let k = 0; k < 2; k++) {
    for (let d = 0; d < 90; d++) lines.push(`drink-${k},${day(d)},${200 + ((d * 7 + k) % 11)},2.5,drinks`);
  }
  for (let k = 0; k < 6; k++) {
    for (let d = 10 * k; d < 90; d++) {
      const age = d - 10 * k;
      lines.push(`snack-${k},${day(d)},${Math.round(30 * Math.min(1, (age + 1) / 10)) + ((d + k) % 3)},1.0,snacks`);
    }
  }
  lines.push(`snack-short,${day(88)},12,1.0,snacks`, `snack-short,${day(89)},14,1.0,snacks`);
  for (let d = 90; d < 104; d++) lines.push(`snack-new,${day(d)},,1.0,snacks`);
  return `${lines.join('\n')}\n`;
}

withDbs((db) => {
  let api: TestApi;

  before(async () => {
    api = await createTestApi(db.knex, db.config);
  });
  after(async () => {
    await api?.close();
  });

  describe('new products', () => {
    test('a launch with only future rows is imported, trained and forecast, with a warning naming it; a 2-point series is named', async () => {
      const { createDataset } = await api.ok<{ createDataset: { id: string } }>(
        'mutation { createDataset(input: { name: "launches" }) { id } }',
      );
      const id = createDataset.id;
      const imported = await api.ok<{ importObservations: { seriesCount: number } }>(
        'mutation($id: ID!, $csv: String!) { importObservations(datasetId: $id, csv: $csv) { seriesCount } }',
        { id, csv: launchCsv() },
      );
      assert.equal(imported.importObservations.seriesCount, 10);
      const runId = await trainToSuccess(api, id, 'horizon: 14, model: SNAIVE');
      const { trainingRun } = await api.ok<{ trainingRun: { warnings: string[] } }>(
        `{ trainingRun(id: "${runId}") { warnings } }`,
      );
      const launchWarning = trainingRun.warnings.find((w) => w.includes('"snack-new"'));
      assert.ok(launchWarning, trainingRun.warnings.join('\n'));
      assert.match(launchWarning, /no sales history/);
      assert.match(launchWarning, /category=snacks/);
      assert.ok(
        trainingRun.warnings.some((w) => w.includes('"snack-short" (2 points)') && /too short for any model/.test(w)),
        trainingRun.warnings.join('\n'),
      );

      const { forecast } = await api.ok<{
        forecast: { forecastStart: string; points: Array<{ date: string; p10: number; p50: number; p90: number }> };
      }>(`{ forecast(datasetId: "${id}", seriesId: "snack-new") { forecastStart points { date p10 p50 p90 } } }`);
      assert.equal(forecast.forecastStart, day(90));
      const future = forecast.points.filter((p) => p.date >= day(90));
      assert.equal(future.length, 14);
      for (const p of future) {
        assert.ok(p.p10 <= p.p50 && p.p50 <= p.p90 && p.p10 >= 0, JSON.stringify(p));
      }
      const last = future.at(-1)!;
      // Snacks settle near 30 a day; drinks sell ~200: the launch follows its own category.
      assert.ok(last.p50 > 15 && last.p50 < 60, JSON.stringify(last));
      assert.ok(future[0]!.p50 < last.p50, 'the launch ramps up like the earlier snacks did');

      const table = await api.ok<{ forecastTable: { totalCount: number } }>(
        `{ forecastTable(datasetId: "${id}", first: 500) { totalCount } }`,
      );
      assert.equal(table.forecastTable.totalCount, 10 * 14, 'every series has a forecast, none dropped');
    });
  });
});
