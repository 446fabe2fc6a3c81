import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKnex, type Knex } from '../../api/db/knex.js';
import { createDatasetsRepository } from '../../api/db/datasets.repository.js';
import { DEMO_DATASET_NAME, DEMO_PLANNED_DAYS, ensureDemoData } from '../../api/demo.js';
import { createLogger } from '../../api/log.js';
import { snapshot } from '../db/snapshot.js';
import { createEmptyDatabase } from '../helpers/dbs.js';

// SQLite only: the demo is what `npm start` (serve --demo) imports into the default SQLite file.
// The same import path runs on PostgreSQL in import.test.ts, on smaller files, to keep CI short.
describe('demo data (SQLite)', () => {
  let knex: Knex;
  let drop: () => Promise<void>;
  before(async () => {
    const db = await createEmptyDatabase('sqlite');
    drop = db.drop;
    knex = createKnex(db.config);
  });
  after(async () => {
    await knex.destroy();
    await drop();
  });

  test('ensureDemoData migrates and imports the UCI Online Retail demo once', async () => {
    const logger = createLogger('silent');
    const first = await ensureDemoData(knex, logger);
    assert.equal(first.imported, true);
    const dataset = await createDatasetsRepository(knex).require(first.tenantId, first.datasetId);
    assert.equal(dataset.name, DEMO_DATASET_NAME);
    assert.equal(dataset.frequency, 'D');
    assert.equal(dataset.seriesCount, 550);
    // The file's 199,694 sales rows, plus DEMO_PLANNED_DAYS rows of planned price (no sales) per product.
    assert.equal(dataset.rowCount, 199_694 + 550 * DEMO_PLANNED_DAYS);
    const counts = (await knex('series')
      .where({ dataset_id: first.datasetId })
      .first(knex.raw('sum(value_count) as sales'), knex.raw('max(last_date) as last_sale'))) as {
      sales: number | string;
      last_sale: string;
    };
    assert.equal(Number(counts.sales), 199_694, "the sales rows are the file's");
    assert.equal(String(counts.last_sale).slice(0, 10), '2011-12-09', 'the last sale: the forecast starts 2011-12-10');
    // Planned prices on future rows make `price` known in advance: a trained model can answer what-ifs.
    assert.deepEqual(dataset.covariates, [{ name: 'price', knownInAdvance: true }]);
    assert.deepEqual(dataset.attributes, ['description']);
    assert.equal(dataset.firstDate, '2010-12-01');
    assert.equal(dataset.lastDate, '2012-01-06', 'the dataset ends with the planned prices, 28 days after 2011-12-09');
    // 85123A sold at 2.95 on most of its last days (4.37 on 2011-12-09, an odd day): its planned price is 2.95.
    const planned = (await knex('observations as o')
      .join('series as s', 's.id', 'o.series_id')
      .where({ 's.dataset_id': first.datasetId, 's.key': '85123A' })
      .whereNull('o.value')
      .orderBy('o.date')
      .select('o.date', 'o.covariates')) as { date: string; covariates: string }[];
    assert.equal(planned.length, DEMO_PLANNED_DAYS);
    assert.equal(String(planned[0]!.date).slice(0, 10), '2011-12-10');
    assert.ok(planned.every((r) => (JSON.parse(r.covariates) as { price: number }).price === 2.95));
    assert.equal(dataset.country, 'GB', 'a UK shop: UK holidays, no Thanksgiving');

    const snapshotBefore = await snapshot(knex);
    const second = await ensureDemoData(knex, logger);
    assert.deepEqual(second, { tenantId: first.tenantId, datasetId: first.datasetId, imported: false });
    assert.deepEqual(await snapshot(knex), snapshotBefore);
  });
});
