import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDatasetsRepository } from '../../api/db/datasets.repository.js';
import { DEMO_DATASET_NAME, ensureDemoData } from '../../api/demo.js';
import { createLogger } from '../../api/log.js';
import { snapshot } from '../db/snapshot.js';
import { withDbs } from '../helpers/dbs.js';

withDbs((db) => {
  test('ensureDemoData migrates and imports the UCI Online Retail demo once', async () => {
    const logger = createLogger('silent');
    const first = await ensureDemoData(db.knex, logger);
    assert.equal(first.imported, true);
    const dataset = await createDatasetsRepository(db.knex).require(first.tenantId, first.datasetId);
    assert.equal(dataset.name, DEMO_DATASET_NAME);
    assert.equal(dataset.frequency, 'D');
    assert.equal(dataset.seriesCount, 550);
    assert.equal(dataset.rowCount, 199_694);
    assert.deepEqual(dataset.covariates, [{ name: 'price', knownInAdvance: false }]);
    assert.deepEqual(dataset.attributes, ['description']);
    assert.equal(dataset.firstDate, '2010-12-01');
    assert.equal(dataset.lastDate, '2011-12-09');

    const before = await snapshot(db.knex);
    const second = await ensureDemoData(db.knex, logger);
    assert.deepEqual(second, { tenantId: first.tenantId, datasetId: first.datasetId, imported: false });
    assert.deepEqual(await snapshot(db.knex), before);
  });
});
