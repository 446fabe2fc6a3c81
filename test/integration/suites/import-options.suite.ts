/**
 * `importObservations` takes the options of `forecastql import`: `frequency`, `attributes` (numeric
 * columns read as text attributes) and `allowNegative`; a refused import changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { withDbs } from '../../helpers/dbs.js';
import { createTestApi, type TestApi } from '../support/api.js';

const IMPORT = `mutation($id: ID!, $csv: String!, $frequency: Frequency, $attributes: [String!], $allowNegative: Boolean) {
  importObservations(datasetId: $id, csv: $csv, frequency: $frequency, attributes: $attributes, allowNegative: $allowNegative) {
    rowsImported dataset { frequency rowCount attributes covariates { name } }
  }
}`;

/** Weekly sales in money with returns (negative weeks) and a numeric store number. */
const CSV = [
  'series_id,date,value,store',
  'S1,2024-01-05,120.5,17',
  'S1,2024-01-12,-30,17',
  'S1,2024-01-26,80,17',
  'S2,2024-01-05,10,18',
  'S2,2024-01-19,12,18',
].join('\n');

withDbs((db) => {
  let api: TestApi;
  before(async () => {
    api = await createTestApi(db.knex, db.config);
  });
  after(async () => {
    await api?.close();
  });

  describe('importObservations options', () => {
    test('frequency, attributes and allowNegative work as the CLI flags do', async () => {
      const { createDataset } = await api.ok<{ createDataset: { id: string } }>(
        'mutation { createDataset(input: { name: "weekly-money" }) { id } }',
      );
      const id = createDataset.id;
      const refused = await api.fails(IMPORT, { id, csv: CSV });
      assert.equal(refused.code, 'BAD_USER_INPUT');
      assert.match(refused.message, /negative/);
      const counted = async (): Promise<number> =>
        Number(((await db.knex('observations').count({ n: '*' })) as Array<{ n: number | string }>)[0]!.n);
      assert.equal(await counted(), 0, 'a refused import changes nothing');

      const { importObservations } = await api.ok<{ importObservations: unknown }>(IMPORT, {
        id,
        csv: CSV,
        frequency: 'WEEK',
        attributes: ['store'],
        allowNegative: true,
      });
      assert.deepEqual(importObservations, {
        rowsImported: 5,
        dataset: { frequency: 'WEEK', rowCount: 5, attributes: ['store'], covariates: [] },
      });
      const s1 = (await db.knex('series').where({ key: 'S1' }).first('attributes')) as { attributes: string };
      assert.deepEqual(JSON.parse(s1.attributes), { store: '17' });

      const monthly = await api.fails(IMPORT, { id, csv: CSV, frequency: 'MONTH', allowNegative: true });
      assert.equal(monthly.code, 'BAD_USER_INPUT', 'a given frequency is checked row by row');
    });
  });
});
