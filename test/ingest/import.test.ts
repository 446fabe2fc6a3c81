import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createDatasetsRepository } from '../../api/db/datasets.repository.js';
import { migrateLatest } from '../../api/db/migrate.js';
import { createObservationsRepository } from '../../api/db/observations.repository.js';
import { createSeriesRepository } from '../../api/db/series.repository.js';
import { CsvValidationError } from '../../api/ingest/errors.js';
import { importCsv } from '../../api/plugin/import.js';
import { withDbs } from '../helpers/dbs.js';
import { snapshot } from '../db/snapshot.js';

const FIXTURES = new URL('../fixtures/csv/', import.meta.url).pathname;
type Expected = { line: number | null; column: string | null; message: string };
const EXPECTED = JSON.parse(readFileSync(FIXTURES + 'expected.json', 'utf8')) as Record<string, Expected>;

/** FNV-1a of a line: a fixed permutation without pattern when lines are sorted by it. */
const hash = (l: string): number => {
  let h = 2166136261;
  for (let i = 0; i < l.length; i++) h = Math.imul(h ^ l.charCodeAt(i), 16777619);
  return h >>> 0;
};

const SHOP = [
  'series_id,date,value,price,promo,store',
  'A,2024-01-01,3,1.5,0,north',
  'A,2024-01-02,4,1.5,1,north',
  'A,2024-01-03,,1.2,1,north',
  'B,2024-01-01,0,2,,south',
  'B,2024-01-02,7,2,0,south',
].join('\n');

withDbs(
  (db) => {
    const tenantId = 1;

    test('imports rows, series, attributes, covariates and known-in-advance flags', async () => {
      const r = await importCsv(db.knex, { tenantId, dataset: { name: 'shop' }, input: Buffer.from(SHOP) });
      assert.equal(r.created, true);
      assert.equal(r.rowsImported, 5);
      assert.equal(r.seriesCount, 2);
      assert.equal(r.frequency, 'D');
      assert.deepEqual(r.covariates, ['price', 'promo']);
      assert.deepEqual(r.knownInAdvance, ['price', 'promo']);
      assert.deepEqual(r.attributes, ['store']);

      const dataset = await createDatasetsRepository(db.knex).require(tenantId, r.datasetId);
      assert.deepEqual(dataset.covariates, [
        { name: 'price', knownInAdvance: true },
        { name: 'promo', knownInAdvance: true },
      ]);
      assert.deepEqual(
        [dataset.seriesCount, dataset.rowCount, dataset.firstDate, dataset.lastDate],
        [2, 5, '2024-01-01', '2024-01-03'],
      );
      const series = createSeriesRepository(db.knex);
      const a = await series.getByKey(tenantId, r.datasetId, 'A');
      assert.deepEqual(a && [a.attributes, a.firstDate, a.lastDate, a.endDate, a.valueCount, a.rowCount], [
        { store: 'north' },
        '2024-01-01',
        '2024-01-02',
        '2024-01-03',
        2,
        3,
      ]);
      const south = await series.list(
        tenantId,
        r.datasetId,
        { attributes: [{ name: 'store', value: 'south' }] },
        {
          offset: 0,
          limit: 10,
        },
      );
      assert.deepEqual(
        south.items.map((s) => s.key),
        ['B'],
      );
      const history = await createObservationsRepository(db.knex).history(tenantId, a!.id);
      assert.deepEqual(history, [
        { seriesId: a!.id, date: '2024-01-01', value: 3, covariates: { price: 1.5, promo: 0 } },
        { seriesId: a!.id, date: '2024-01-02', value: 4, covariates: { price: 1.5, promo: 1 } },
        { seriesId: a!.id, date: '2024-01-03', value: null, covariates: { price: 1.2, promo: 1 } },
      ]);
      const raw = await createObservationsRepository(db.knex).loadRawSeries(tenantId, r.datasetId);
      assert.deepEqual(raw[1], {
        id: 'B',
        statics: { store: 'south' },
        dates: ['2024-01-01', '2024-01-02'],
        values: [0, 7],
        covariates: { price: [2, 2], promo: [null, 0] },
      });
    });

    test('importing the same file again (gzipped this time) changes nothing', async () => {
      const before = await snapshot(db.knex);
      const r = await importCsv(db.knex, { tenantId, dataset: { name: 'shop' }, input: gzipSync(SHOP) });
      assert.equal(r.created, false);
      assert.equal(r.rowsImported, 5);
      assert.deepEqual(await snapshot(db.knex), before);
    });

    test('the data version rises with every import that changes an observation, and only then', async () => {
      const datasets = createDatasetsRepository(db.knex);
      const { datasetId } = await importCsv(db.knex, { tenantId, dataset: { name: 'shop' }, input: Buffer.from(SHOP) });
      const version = async () => (await datasets.require(tenantId, datasetId)).dataVersion;
      // Created by the first import (into an empty dataset: the direct path on PostgreSQL).
      assert.equal(await version(), 1);
      const was = await datasets.require(tenantId, datasetId);
      // One value changed, no row added: the counts and dates stay, the version rises.
      await importCsv(db.knex, {
        tenantId,
        dataset: { name: 'shop' },
        input: Buffer.from('series_id,date,value,price,promo,store\nB,2024-01-02,8,2,0,south\n'),
      });
      const now = await datasets.require(tenantId, datasetId);
      assert.deepEqual([now.rowCount, now.firstDate, now.lastDate], [was.rowCount, was.firstDate, was.lastDate]);
      assert.equal(now.dataVersion, 2);
      // A covariate alone changed: a change too.
      await importCsv(db.knex, {
        tenantId,
        dataset: { name: 'shop' },
        input: Buffer.from('series_id,date,value,price,promo,store\nB,2024-01-02,8,2.5,0,south\n'),
      });
      assert.equal(await version(), 3);
      // The same row again, and a refused file: no change.
      await importCsv(db.knex, {
        tenantId,
        dataset: { name: 'shop' },
        input: Buffer.from('series_id,date,value,price,promo,store\nB,2024-01-02,8,2.5,0,south\n'),
      });
      await assert.rejects(
        importCsv(db.knex, {
          tenantId,
          dataset: { name: 'shop' },
          input: Buffer.from(
            'series_id,date,value,price,promo,store\nB,2024-01-04,9,2,0,south\nB,2024-01-05,x,2,0,south\n',
          ),
        }),
      );
      assert.equal(await version(), 3);
      // Put back as the other tests expect it.
      await importCsv(db.knex, {
        tenantId,
        dataset: { name: 'shop' },
        input: Buffer.from('series_id,date,value,price,promo,store\nB,2024-01-02,7,2,0,south\n'),
      });
      assert.equal(await version(), 4);
    });

    test('a second file upserts: changed rows are updated, new rows added, others kept', async () => {
      const r = await importCsv(db.knex, {
        tenantId,
        dataset: { name: 'shop' },
        input: Buffer.from(
          'series_id,date,value,price,promo,store\nA,2024-01-03,5,1.2,1,north\nC,2024-01-01,1,3,0,west\n',
        ),
      });
      assert.equal(r.newSeries, 1);
      const dataset = await createDatasetsRepository(db.knex).require(tenantId, r.datasetId);
      assert.equal(dataset.rowCount, 6);
      assert.equal(dataset.seriesCount, 3);
      const a = await createSeriesRepository(db.knex).getByKey(tenantId, r.datasetId, 'A');
      assert.equal(a?.lastDate, '2024-01-03');
      assert.equal(a?.valueCount, 3);
    });

    test('a different frequency given for an existing dataset is refused', async () => {
      const before = await snapshot(db.knex);
      await assert.rejects(
        importCsv(db.knex, {
          tenantId,
          dataset: { name: 'shop' },
          frequency: 'M',
          input: Buffer.from('series_id,date,value\nZ,2024-01-01,1\nZ,2024-02-01,1\nZ,2024-03-01,1\n'),
        }),
        /holds daily data but this file is monthly/,
      );
      assert.deepEqual(await snapshot(db.knex), before);
    });

    test('the tenant filter: another tenant sees none of it', async () => {
      const [other] = (await db.knex('tenants').insert({ slug: 'other', name: 'Other' }).returning('id')) as Array<
        { id: number } | number
      >;
      const otherId = typeof other === 'object' ? other.id : Number(other);
      const datasets = createDatasetsRepository(db.knex);
      const mine = await datasets.getByName(tenantId, 'shop');
      assert.ok(mine);
      assert.equal(await datasets.get(otherId, mine.id), undefined);
      assert.equal((await datasets.list(otherId, { offset: 0, limit: 10 })).totalCount, 0);
      assert.equal(await datasets.delete(otherId, mine.id), false);
      const a = await createSeriesRepository(db.knex).getByKey(tenantId, mine.id, 'A');
      assert.equal(await createSeriesRepository(db.knex).getById(otherId, a!.id), undefined);
      assert.deepEqual(await createObservationsRepository(db.knex).history(otherId, a!.id), []);
      assert.deepEqual(await createObservationsRepository(db.knex).loadRawSeries(otherId, mine.id), []);
      // The same name is free in the other tenant, and its import lands there only.
      const r = await importCsv(db.knex, { tenantId: otherId, dataset: { name: 'shop' }, input: Buffer.from(SHOP) });
      assert.notEqual(r.datasetId, mine.id);
      assert.equal((await datasets.list(tenantId, { offset: 0, limit: 10 })).totalCount, 1);
      await assert.rejects(
        importCsv(db.knex, { tenantId: otherId, dataset: { id: mine.id }, input: Buffer.from(SHOP) }),
        /Dataset "\d+" was not found/,
      );
    });

    test('an empty dataset to import the malformed corpus into', async () => {
      await createDatasetsRepository(db.knex).create(tenantId, { name: 'corpus', frequency: undefined });
    });

    for (const [name, expected] of Object.entries(EXPECTED)) {
      test(`${name}: refused with its one-line error, every table unchanged`, async () => {
        const before = await snapshot(db.knex);
        await assert.rejects(
          importCsv(db.knex, { tenantId, dataset: { name: 'corpus' }, input: FIXTURES + name }),
          (e: unknown) => {
            assert.ok(e instanceof Error);
            assert.ok(!e.message.includes('\n'));
            // The database path may not know the earlier line of a non-adjacent duplicate.
            const allowed = [expected.message, expected.message.replace(/\(line \d+\)/, '(an earlier line)')];
            assert.ok(allowed.includes(e.message), `got: ${e.message}`);
            if (expected.line !== null) {
              assert.ok(e instanceof CsvValidationError);
              assert.equal(e.line, expected.line);
              assert.equal(e.column ?? null, expected.column);
            }
            return true;
          },
        );
        assert.deepEqual(await snapshot(db.knex), before);
      });
      test(`${name}: into a new dataset, refused and nothing created`, async () => {
        const before = await snapshot(db.knex);
        await assert.rejects(
          importCsv(db.knex, { tenantId, dataset: { name: `new-${name}` }, input: FIXTURES + name }),
        );
        assert.deepEqual(await snapshot(db.knex), before);
      });
    }

    test('an identical non-adjacent duplicate is accepted once', async () => {
      const r = await importCsv(db.knex, {
        tenantId,
        dataset: { name: 'dups' },
        input: Buffer.from('series_id,date,value\nA,2024-01-01,1\nA,2024-01-02,2\nB,2024-01-01,5\nA,2024-01-01,1\n'),
      });
      assert.equal(r.rowsImported, 4);
      const d = await createDatasetsRepository(db.knex).require(tenantId, r.datasetId);
      assert.equal(d.rowCount, 3);
    });

    test('the demo file shuffled, or newest first, imports exactly what the sorted file imports', async () => {
      const text = gunzipSync(readFileSync(new URL('../../data/demo/uci-online-retail-daily.csv.gz', import.meta.url)))
        .toString('utf8')
        .trimEnd()
        .split('\n');
      const header = text[0]!;
      const body = text.slice(1, 6001);
      // A fixed permutation without pattern: sort by a hash of the line.
      const files = {
        sorted: body,
        shuffled: body.toSorted((a, b) => hash(a) - hash(b)),
        newest: body.toReversed(),
      };
      const stored: Record<string, unknown> = {};
      for (const [name, lines] of Object.entries(files)) {
        const r = await importCsv(db.knex, {
          tenantId,
          dataset: { name: `order-${name}` },
          input: Buffer.from(`${header}\n${lines.join('\n')}\n`),
        });
        assert.equal(r.frequency, 'D', name);
        assert.equal(r.frequencyDetected, true);
        const rows = (await db
          .knex('observations as o')
          .join('series as s', 's.id', 'o.series_id')
          .where('s.dataset_id', r.datasetId)
          .orderBy([{ column: 's.key' }, { column: 'o.date' }])
          .select(
            's.key',
            's.attributes',
            's.first_date',
            's.end_date',
            'o.date',
            'o.value',
            'o.covariates',
          )) as unknown[];
        assert.equal(rows.length, 6000, name);
        stored[name] = rows;
      }
      assert.deepEqual(stored['shuffled'], stored['sorted']);
      assert.deepEqual(stored['newest'], stored['sorted']);
    });
  },
  async (knex) => {
    await migrateLatest(knex);
  },
);
