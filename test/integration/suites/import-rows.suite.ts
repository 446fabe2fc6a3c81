/**
 * `importObservations(rows:)`: observations as a list instead of CSV text, through the same import
 * code (api/ingest/import-rows.ts → importCsv): the same stored result as the equivalent CSV, the
 * same rules with errors that name the row and field, all-or-nothing, idempotent; and exactly one
 * of `csv`/`rows`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { withDbs } from '../../helpers/dbs.js';
import { createTestApi, type TestApi } from '../support/api.js';

interface Row {
  seriesId: string;
  date: string;
  value: number | null;
  covariates?: { name: string; value: number | null }[];
  attributes?: { name: string; value: string }[];
}

const IMPORT_ROWS = `mutation($id: ID!, $rows: [ObservationInput!]) {
  importObservations(datasetId: $id, rows: $rows) {
    rowsImported seriesCount dataset { rowCount attributes covariates { name knownInAdvance } }
  }
}`;
const IMPORT_CSV = `mutation($id: ID!, $csv: String!) {
  importObservations(datasetId: $id, csv: $csv) {
    rowsImported seriesCount dataset { rowCount attributes covariates { name knownInAdvance } }
  }
}`;

const day = (i: number): string => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);

/** Two series × 10 days of history and 3 future days with only the price; a store attribute. */
function sampleRows(): Row[] {
  const rows: Row[] = [];
  for (const [s, store] of [
    ['A-1', 'north'],
    ['B,2 "x"', 'south'],
  ] as const) {
    for (let d = 0; d < 13; d++) {
      rows.push({
        seriesId: s,
        date: day(d),
        value: d < 10 ? (d % 7) + (s === 'A-1' ? 0.5 : 2) : null,
        covariates: [{ name: 'price', value: d === 4 ? null : 1 + d / 10 }],
        attributes: [{ name: 'store', value: store }],
      });
    }
  }
  return rows;
}

/** The same observations as CSV text (what the rows must be equivalent to). */
function sampleCsv(): string {
  const lines = ['series_id,date,value,price,store'];
  for (const r of sampleRows()) {
    const id = r.seriesId.includes(',') ? `"${r.seriesId.replaceAll('"', '""')}"` : r.seriesId;
    lines.push(
      [id, r.date, r.value ?? '', r.covariates![0]!.value ?? '', r.attributes![0]!.value].map(String).join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

withDbs((db) => {
  let api: TestApi;

  /** What a dataset holds, as plain rows (series key, date, value, covariates, attributes). */
  async function stored(datasetId: string): Promise<unknown[]> {
    const rows = (await db
      .knex('observations as o')
      .join('series as s', 's.id', 'o.series_id')
      .where('s.dataset_id', Number(datasetId))
      .select('s.key', 'o.date', 'o.value', 'o.covariates', 's.attributes')
      .orderBy([{ column: 's.key' }, { column: 'o.date' }])) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      key: r['key'],
      date: String(r['date']),
      value: r['value'] === null ? null : Number(r['value']),
      covariates: r['covariates'] === null ? null : JSON.parse(String(r['covariates'])),
      attributes: JSON.parse(String(r['attributes'])),
    }));
  }

  async function newDataset(name: string): Promise<string> {
    const { createDataset } = await api.ok<{ createDataset: { id: string } }>(
      'mutation($name: String!) { createDataset(input: { name: $name }) { id } }',
      { name },
    );
    return createDataset.id;
  }

  before(async () => {
    api = await createTestApi(db.knex, db.config);
  });
  after(async () => {
    await api?.close();
  });

  describe('importObservations(rows:)', () => {
    test('stores exactly what the same CSV stores, and a second import changes nothing', async () => {
      const fromRows = await newDataset('from-rows');
      const fromCsv = await newDataset('from-csv');
      const a = await api.ok<{ importObservations: unknown }>(IMPORT_ROWS, { id: fromRows, rows: sampleRows() });
      const b = await api.ok<{ importObservations: unknown }>(IMPORT_CSV, { id: fromCsv, csv: sampleCsv() });
      const expected = {
        rowsImported: 26,
        seriesCount: 2,
        dataset: { rowCount: 26, attributes: ['store'], covariates: [{ name: 'price', knownInAdvance: true }] },
      };
      assert.deepEqual(a.importObservations, expected);
      assert.deepEqual(b.importObservations, expected);
      const rowsStored = await stored(fromRows);
      assert.equal(rowsStored.length, 26, 'every row is stored');
      assert.deepEqual(rowsStored, await stored(fromCsv), 'rows and CSV store the same observations');
      assert.deepEqual(
        rowsStored[0],
        { key: 'A-1', date: '2024-01-01', value: 0.5, covariates: { price: 1 }, attributes: { store: 'north' } },
        'the first stored row',
      );

      const again = await api.ok<{ importObservations: unknown }>(IMPORT_ROWS, { id: fromRows, rows: sampleRows() });
      assert.deepEqual(again.importObservations, expected);
      assert.deepEqual(await stored(fromRows), rowsStored, 'importing the same rows again changes nothing');
    });

    test('a bad row is refused with its index and field, and nothing of the import is stored', async () => {
      const id = await newDataset('refused-rows');
      await api.ok(IMPORT_ROWS, { id, rows: sampleRows().slice(0, 5) });
      const kept = await stored(id);
      assert.equal(kept.length, 5, 'the first import is stored');

      const cases: Array<{ name: string; rows: Row[]; message: RegExp; field: string | null; row: number }> = [
        {
          name: 'a date that is not a calendar date',
          rows: [
            { seriesId: 'A-1', date: '2024-02-01', value: 1 },
            { seriesId: 'A-1', date: '2024-02-02', value: 2 },
            { seriesId: 'A-1', date: '2024-02-30', value: 3 },
          ],
          message: /^rows\[2\], field "date": "2024-02-30"/,
          field: 'date',
          row: 2,
        },
        {
          name: 'a negative value',
          rows: [
            { seriesId: 'A-1', date: '2024-02-01', value: 1 },
            { seriesId: 'A-1', date: '2024-02-02', value: -4 },
          ],
          message: /^rows\[1\], field "value":/,
          field: 'value',
          row: 1,
        },
        {
          name: 'an attribute that changes within a series',
          rows: [
            { seriesId: 'C-3', date: '2024-02-01', value: 1, attributes: [{ name: 'store', value: 'north' }] },
            { seriesId: 'C-3', date: '2024-02-02', value: 2, attributes: [{ name: 'store', value: 'west' }] },
          ],
          message: /^rows\[1\], field "attributes\.store":/,
          field: 'attributes.store',
          row: 1,
        },
      ];
      for (const c of cases) {
        const r = await api.exec(IMPORT_ROWS, { id, rows: c.rows });
        const error = r.errors?.[0];
        assert.ok(error, `${c.name}: expected an error, got ${JSON.stringify(r.data)}`);
        assert.equal(error.extensions?.['code'], 'BAD_USER_INPUT', `${c.name}: ${error.message}`);
        assert.match(error.message, c.message, c.name);
        assert.doesNotMatch(error.message, /\bline \d|column "/, `${c.name}: the message speaks of rows`);
        assert.equal(error.extensions?.['row'], c.row, `${c.name}: extensions.row`);
        assert.equal(error.extensions?.['field'], c.field, `${c.name}: extensions.field`);
        assert.deepEqual(await stored(id), kept, `${c.name}: nothing of the refused import is stored`);
      }
    });

    test('names of covariates and attributes are checked before anything is read', async () => {
      const id = await newDataset('bad-names');
      const cases: Array<{ rows: Row[]; message: RegExp }> = [
        {
          rows: [{ seriesId: 'A', date: '2024-01-01', value: 1, covariates: [{ name: 'value', value: 2 }] }],
          message: /^rows\[0\], field "covariates": "value" is a field of the row itself/,
        },
        {
          rows: [
            { seriesId: 'A', date: '2024-01-01', value: 1, covariates: [{ name: 'store', value: 2 }] },
            { seriesId: 'A', date: '2024-01-02', value: 1, attributes: [{ name: 'store', value: 'x' }] },
          ],
          message: /^rows\[1\], field "attributes": "store" is also one of the covariates \(rows\[0\]\)/,
        },
        {
          rows: [
            {
              seriesId: 'A',
              date: '2024-01-01',
              value: 1,
              covariates: [
                { name: 'price', value: 2 },
                { name: 'price', value: 3 },
              ],
            },
          ],
          message: /^rows\[0\], field "covariates": "price" is given twice/,
        },
      ];
      for (const c of cases) {
        const { code, message } = await api.fails(IMPORT_ROWS, { id, rows: c.rows });
        assert.equal(code, 'BAD_USER_INPUT', message);
        assert.match(message, c.message);
      }
      assert.deepEqual(await stored(id), [], 'nothing is stored');
    });

    test('exactly one of csv and rows', async () => {
      const id = await newDataset('one-of');
      const both = await api.fails(
        'mutation($id: ID!) { importObservations(datasetId: $id, csv: "series_id,date,value\\nA,2024-01-01,1\\n", rows: [{ seriesId: "A", date: "2024-01-01", value: 1 }]) { rowsImported } }',
        { id },
      );
      assert.deepEqual([both.code, /not both/.test(both.message)], ['BAD_USER_INPUT', true], both.message);
      const neither = await api.fails('mutation($id: ID!) { importObservations(datasetId: $id) { rowsImported } }', {
        id,
      });
      assert.deepEqual(
        [neither.code, /give `csv`.*or `rows`/.test(neither.message)],
        ['BAD_USER_INPUT', true],
        neither.message,
      );
      const empty = await api.fails(IMPORT_ROWS, { id, rows: [] });
      assert.deepEqual([empty.code, /`rows` is empty/.test(empty.message)], ['BAD_USER_INPUT', true], empty.message);
      assert.deepEqual(await stored(id), [], 'nothing is stored');
    });
  });
});
