/**
 * A forecast's actuals are served from memory while the dataset's data version is unchanged
 * (forecasts.repository.ts `actualsAtVersion`). An import that changes a history value must show
 * at once: in the API that imported it, and in another API instance over the same database (a
 * second `serve --processes` process, or another server on PostgreSQL), whose cache was warm.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createKnex, type Knex } from '../../../api/db/knex.js';
import { withDbs } from '../../helpers/dbs.js';
import { createTestApi, STAND_IN_PIPELINE, tinyCsv, trainToSuccess, type TestApi } from '../support/api.js';
import { seedCsv } from '../support/seed.js';

const FORECAST = `query($d: ID!) { forecast(datasetId: $d, seriesId: "item-0") { points { date actual p50 } } }`;
const IMPORT = `mutation($d: ID!, $csv: String!) { importObservations(datasetId: $d, csv: $csv) { rowsImported } }`;

withDbs((db) => {
  let api: TestApi;
  let other: TestApi;
  let otherKnex: Knex;
  let datasetId: string;
  let historyDate: string;

  const actualOn = async (on: TestApi, date: string): Promise<number | null | undefined> => {
    const { forecast } = await on.ok<{ forecast: { points: Array<{ date: string; actual: number | null }> } }>(
      FORECAST,
      { d: datasetId },
    );
    return forecast.points.find((p) => p.date === date)?.actual;
  };
  const setValue = (value: number) =>
    api.ok(IMPORT, {
      d: datasetId,
      csv: `series_id,date,value,price,store\nitem-0,${historyDate},${value},1.00,north\n`,
    });

  before(async () => {
    api = await createTestApi(db.knex, db.config, { pipelineModule: STAND_IN_PIPELINE });
    datasetId = String(await seedCsv(db.knex, api.tenantId, 'cached', tinyCsv(2, 60)));
    await trainToSuccess(api, datasetId);
    // A second API over the same database, with its own connection pool and caches.
    otherKnex = createKnex(db.config);
    other = await createTestApi(otherKnex, db.config, { pipelineModule: STAND_IN_PIPELINE });
    await other.runner.stop(); // it serves reads only
    const { forecast } = await api.ok<{ forecast: { points: Array<{ date: string; actual: number | null }> } }>(
      FORECAST,
      { d: datasetId },
    );
    historyDate = forecast.points.find((p) => p.actual !== null)!.date;
  });
  after(async () => {
    await other?.close();
    await otherKnex?.destroy();
    await api?.close();
  });

  test('a changed history value shows at once, in this API and in another over the same database', async () => {
    const original = await actualOn(api, historyDate);
    assert.equal(typeof original, 'number');
    // Both caches warm, twice over.
    assert.equal(await actualOn(api, historyDate), original);
    assert.equal(await actualOn(other, historyDate), original);
    assert.equal(await actualOn(other, historyDate), original);

    await setValue(999);
    assert.equal(await actualOn(api, historyDate), 999);
    assert.equal(await actualOn(other, historyDate), 999);

    await setValue(555);
    assert.equal(await actualOn(other, historyDate), 555);
    assert.equal(await actualOn(api, historyDate), 555);

    // The same value again changes nothing, and is still what both answer.
    await setValue(555);
    assert.equal(await actualOn(api, historyDate), 555);
    assert.equal(await actualOn(other, historyDate), 555);
    await setValue(original!);
    assert.equal(await actualOn(other, historyDate), original);
  });
});
