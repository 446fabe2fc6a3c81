/**
 * The worker's panel, built batch by batch as rows arrive from SQL (raw-series.ts `loadPanel`),
 * is the panel `buildPanel` makes from all raw rows at once: same series in the same (key) order,
 * same values, covariates, known-in-advance flags and statics; equal covariates are stored once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { migrateLatest } from '../../api/db/migrate.js';
import { buildPanel } from '../../api/forecasting/frames.js';
import { importCsv } from '../../api/plugin/import.js';
import { loadPanel, loadRawSeries } from '../../api/training/raw-series.js';
import { withDbs } from '../helpers/dbs.js';

/** Series in an order unlike their keys' (ids by first appearance), one with no value, one with future rows. */
function csv(): string {
  const lines = ['series_id,date,value,price,snap,store'];
  const keys = ['m', 'b', 'z', 'a10', 'a9', 'empty', 'future'];
  for (const [k, key] of keys.entries()) {
    for (let d = 1; d <= 20; d++) {
      const date = `2024-01-${String(d).padStart(2, '0')}`;
      const value = key === 'empty' ? '' : d === 5 && key === 'b' ? '' : String((d * (k + 1)) % 7);
      const snap = d % 3 === 0 ? 1 : 0; // the same for every series: shared
      lines.push(`${key},${date},${value},${(1 + k / 10).toFixed(2)},${snap},s${k % 2}`);
    }
    if (key === 'future') lines.push(`${key},2024-01-21,,2.5,1,s0`, `${key},2024-01-22,,2.5,0,s0`);
  }
  return lines.join('\n');
}

withDbs(
  (db) => {
    test('the streamed panel equals the all-at-once panel, for any batch size', async () => {
      const r = await importCsv(db.knex, { tenantId: 1, dataset: { name: 'stream' }, input: Buffer.from(csv()) });
      const expected = buildPanel(await loadRawSeries(db.knex, 1, r.datasetId), 'D');
      assert.deepEqual(
        expected.series.map((s) => s.id),
        ['a10', 'a9', 'b', 'future', 'm', 'z'],
        'the reference panel holds the series with values, in key order',
      );
      assert.deepEqual(expected.knownInAdvance, ['price', 'snap'], 'future rows make both covariates known');
      for (const batchSize of [1, 25, 45, 50_000]) {
        const panel = await loadPanel(db.knex, 1, r.datasetId, 'D', { batchSize });
        assert.deepEqual(panel, expected, `batchSize ${batchSize}: the streamed panel differs`);
      }
    });

    test('equal covariates are one array shared by the series', async () => {
      const r = await importCsv(db.knex, { tenantId: 1, dataset: { name: 'shared' }, input: Buffer.from(csv()) });
      const panel = await loadPanel(db.knex, 1, r.datasetId, 'D', { batchSize: 20 });
      const [a10, a9, b] = panel.series;
      assert.ok(a10!.covariates['snap'] === a9!.covariates['snap'], 'equal snap arrays are one array');
      assert.ok(a10!.covariates['snap'] === b!.covariates['snap'], 'across batches too');
      assert.ok(a10!.covariates['price'] !== a9!.covariates['price'], 'different prices stay apart');
    });

    test('covariate names with quotes and backslashes, and attribute text with a tab, read back the same (COPY text escapes)', async () => {
      // A tab in a column NAME is refused by the input guard since issue 17 (a control character);
      // a tab inside attribute text is still accepted, so COPY's tab escape is still exercised.
      const refused = 'series_id,date,value,"t\tab"\nA,2024-01-01,1,7\n';
      await assert.rejects(
        importCsv(db.knex, { tenantId: 1, dataset: { name: 'tab name' }, input: Buffer.from(refused) }),
        (e: Error & { code?: string }) => e.code === 'BAD_USER_INPUT' && /U\+0009/.test(e.message),
      );
      const input = [
        'series_id,date,value,"pr""ice",a\\b,note',
        'A,2024-01-01,1,1.5,0,"t\tab"',
        'A,2024-01-02,2,1.25,1,"t\tab"',
        'B,2024-01-01,3,2,,"back\\slash ""quoted"""',
        'B,2024-01-02,4,2.5,0,"back\\slash ""quoted"""',
      ].join('\n');
      const r = await importCsv(db.knex, { tenantId: 1, dataset: { name: 'odd names' }, input: Buffer.from(input) });
      const expected = buildPanel(await loadRawSeries(db.knex, 1, r.datasetId), 'D');
      assert.deepEqual(expected.covariateNames, ['pr"ice', 'a\\b'], 'the names as imported');
      assert.equal(expected.series[0]!.statics['note'], 't\tab', 'the attribute text as imported');
      assert.equal(expected.series[1]!.statics['note'], 'back\\slash "quoted"', 'the attribute text as imported');
      assert.deepEqual(
        Array.from(expected.series[0]!.covariates['a\\b']!),
        [0, 1],
        'the reference panel has the values',
      );
      assert.deepEqual(await loadPanel(db.knex, 1, r.datasetId, 'D'), expected, 'same panel through COPY');
    });

    test('without a frequency the panel is built from all rows, as before', async () => {
      const r = await importCsv(db.knex, { tenantId: 1, dataset: { name: 'nofreq' }, input: Buffer.from(csv()) });
      const expected = buildPanel(await loadRawSeries(db.knex, 1, r.datasetId));
      assert.deepEqual(await loadPanel(db.knex, 1, r.datasetId, undefined), expected, 'same panel without a frequency');
    });
  },
  async (knex) => {
    await migrateLatest(knex);
  },
);
