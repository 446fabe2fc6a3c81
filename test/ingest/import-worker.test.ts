/**
 * The import with its CSV reader in a worker thread (`readThread: 'worker'`, what large files get)
 * stores exactly what the same import on the main thread stores, is idempotent, refuses the
 * malformed corpus with the same one-line errors, and can be cancelled, on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Knex } from 'knex';
import { createDatasetsRepository } from '../../api/db/datasets.repository.js';
import { migrateLatest } from '../../api/db/migrate.js';
import { CsvValidationError } from '../../api/ingest/errors.js';
import { importCsv } from '../../api/plugin/import.js';
import { withDbs } from '../helpers/dbs.js';
import { snapshot } from '../db/snapshot.js';

const FIXTURES = new URL('../fixtures/csv/', import.meta.url).pathname;
type Expected = { line: number | null; column: string | null; message: string };
const EXPECTED = JSON.parse(readFileSync(FIXTURES + 'expected.json', 'utf8')) as Record<string, Expected>;

/**
 * ~12k rows over several reader batches: 40 series that start at different points of the file,
 * covariates with gaps, an attribute given on some rows only, future rows without a value, one
 * series whose dates go backwards, and identical non-adjacent duplicates.
 */
function day(d: number): string {
  return new Date(Date.UTC(2022, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
}

function sampleCsv(): string {
  const lines = ['series_id,date,value,price,promo,store'];
  for (let s = 0; s < 40; s++) {
    const id = `S${s}`;
    const store = s % 3 === 0 ? '' : `store-${s % 5}`;
    const days = 250 + s * 3;
    for (let d = 0; d < days; d++) {
      const future = d >= days - 14;
      const value = future ? '' : d % 37 === 5 ? 'NA' : String(((s * 7 + d * 13) % 50) / (s % 4 === 0 ? 4 : 1));
      const price = d % 11 === 0 ? '' : (1 + (s % 7) * 0.25).toFixed(2);
      const promo = d % 9 === 0 ? '1' : '0';
      lines.push(`${id},${day(d)},${value},${price},${promo},${d % 5 === 0 ? store : ''}`);
    }
    if (s === 17) {
      // Dates going backwards, then a repeat of an earlier row (identical).
      lines.push(`${id},${day(-1)},3,1.25,0,`, `${id},${day(-2)},4,1.25,0,`, lines[lines.length - 300]!);
    }
  }
  lines.push(lines[5]!, lines[2000]!); // identical repeats of rows many batches back
  return lines.join('\n') + '\n';
}

function plain(r: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
}

async function contents(knex: Knex, tenantId: number, datasetId: number): Promise<unknown> {
  const series = (await knex('series')
    .where({ tenant_id: tenantId, dataset_id: datasetId })
    .orderBy('key')
    .select('key', 'attributes', 'first_date', 'last_date', 'end_date', 'value_count', 'row_count')) as Array<
    Record<string, unknown>
  >;
  const observations = (await knex('observations as o')
    .join('series as s', 's.id', 'o.series_id')
    .where({ 's.tenant_id': tenantId, 's.dataset_id': datasetId })
    .orderBy([{ column: 's.key' }, { column: 'o.date' }])
    .select('s.key', 'o.date', 'o.value', 'o.covariates')) as Array<Record<string, unknown>>;
  const dataset = (await knex('datasets')
    .where({ tenant_id: tenantId, id: datasetId })
    .first('frequency', 'covariates', 'attributes', 'series_count', 'row_count', 'first_date', 'last_date')) as Record<
    string,
    unknown
  >;
  return { dataset: plain(dataset), series: series.map(plain), observations: observations.map(plain) };
}

withDbs(
  (db) => {
    const tenantId = 1;
    const csv = sampleCsv();

    test('the worker-thread reader stores exactly what the main-thread reader stores', async () => {
      const w = await importCsv(db.knex, {
        tenantId,
        dataset: { name: 'by-worker' },
        input: Buffer.from(csv),
        readThread: 'worker',
      });
      const m = await importCsv(db.knex, {
        tenantId,
        dataset: { name: 'by-main' },
        input: Buffer.from(csv),
        readThread: 'main',
      });
      const { seconds: _w, datasetId: _wi, datasetName: _wn, ...wResult } = w;
      const { seconds: _m, datasetId: _mi, datasetName: _mn, ...mResult } = m;
      assert.deepEqual(wResult, mResult);
      assert.ok(w.rowsImported > 10_000, `only ${w.rowsImported} rows: the sample must span many batches`);
      assert.deepEqual(w.knownInAdvance, ['price', 'promo']);
      const stored = await contents(db.knex, tenantId, w.datasetId);
      assert.deepEqual(stored, await contents(db.knex, tenantId, m.datasetId));
      const obs = (stored as { observations: unknown[] }).observations;
      assert.ok(obs.length > 10_000, `only ${obs.length} observations stored`);
    });

    test('importing the same file again through the worker (gzipped) changes nothing', async () => {
      const before = await snapshot(db.knex);
      const r = await importCsv(db.knex, {
        tenantId,
        dataset: { name: 'by-worker' },
        input: gzipSync(csv),
        readThread: 'worker',
      });
      assert.equal(r.created, false);
      assert.deepEqual(await snapshot(db.knex), before);
    });

    test('a conflicting duplicate many batches after the first row is refused; nothing changes', async () => {
      const before = await snapshot(db.knex);
      const lines = csv.trimEnd().split('\n');
      const changed = lines[3]!.replace(/^(S0,[^,]+),[^,]*,/, '$1,999,');
      const bad = [...lines, changed].join('\n') + '\n';
      for (const name of ['by-worker', 'new-dataset']) {
        await assert.rejects(
          importCsv(db.knex, { tenantId, dataset: { name }, input: Buffer.from(bad), readThread: 'worker' }),
          (e: unknown) => {
            assert.ok(e instanceof CsvValidationError, `not a CsvValidationError: ${String(e)}`);
            assert.equal(e.line, lines.length + 1, e.message);
            assert.equal(e.column, 'date', e.message);
            assert.match(e.message, /series "S0" already has a different row for 2022-01-03/);
            return true;
          },
        );
      }
      assert.deepEqual(await snapshot(db.knex), before);
    });

    test('a cancelled import stops the worker and stores nothing', async () => {
      const before = await snapshot(db.knex);
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(
        importCsv(db.knex, {
          tenantId,
          dataset: { name: 'cancelled' },
          input: Buffer.from(csv),
          readThread: 'worker',
          signal: controller.signal,
        }),
        (e: unknown) => e instanceof Error && e.name === 'AbortError',
      );
      assert.deepEqual(await snapshot(db.knex), before);
    });

    test('an empty dataset to import the malformed corpus into', async () => {
      await createDatasetsRepository(db.knex).create(tenantId, { name: 'corpus', frequency: undefined });
    });

    // The whole corpus on SQLite; on PostgreSQL a header error, a row error and a repeat the
    // database finds (import.test.ts runs the corpus on both through the main-thread reader, and
    // how a refusal rolls back does not depend on where the file was read).
    const corpus = Object.entries(EXPECTED).filter(
      ([name]) =>
        db.dialect === 'sqlite' ||
        ['missing-value-column.csv', 'non-numeric-value.csv', 'conflicting-duplicate.csv'].includes(name),
    );
    for (const [name, expected] of corpus) {
      test(`${name}: the worker reader refuses it with the same one-line error, every table unchanged`, async () => {
        const before = await snapshot(db.knex);
        await assert.rejects(
          importCsv(db.knex, { tenantId, dataset: { name: 'corpus' }, input: FIXTURES + name, readThread: 'worker' }),
          (e: unknown) => {
            assert.ok(e instanceof Error, `not an Error: ${String(e)}`);
            const allowed = [expected.message, expected.message.replace(/\(line \d+\)/, '(an earlier line)')];
            assert.ok(allowed.includes(e.message), `got: ${e.message}`);
            if (expected.line !== null) {
              assert.ok(e instanceof CsvValidationError, `not a CsvValidationError: ${e.message}`);
              assert.equal(e.line, expected.line);
              assert.equal(e.column ?? null, expected.column);
            }
            return true;
          },
        );
        assert.deepEqual(await snapshot(db.knex), before);
      });
    }
  },
  async (knex) => {
    await migrateLatest(knex);
  },
);
