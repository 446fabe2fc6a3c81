import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKnex, type Knex } from '../../api/db/knex.js';
import { createDatasetsRepository } from '../../api/db/datasets.repository.js';
import { DEMO_DATASET_NAME, ensureDemoData } from '../../api/demo.js';
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
    assert.equal(dataset.rowCount, 199_694);
    assert.deepEqual(dataset.covariates, [{ name: 'price', knownInAdvance: false }]);
    assert.deepEqual(dataset.attributes, ['description']);
    assert.equal(dataset.firstDate, '2010-12-01');
    assert.equal(dataset.lastDate, '2011-12-09');
    assert.equal(dataset.country, 'GB', 'a UK shop: UK holidays, no Thanksgiving');

    const snapshotBefore = await snapshot(knex);
    const second = await ensureDemoData(knex, logger);
    assert.deepEqual(second, { tenantId: first.tenantId, datasetId: first.datasetId, imported: false });
    assert.deepEqual(await snapshot(knex), snapshotBefore);
  });
});
