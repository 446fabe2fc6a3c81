/**
 * A dataset's country (issue 13, item 4): chosen at `createDataset`, on `importObservations` or
 * taken from a `country` attribute; stored and shown on `Dataset`; `calendarEvents` and the
 * models' holiday features (hence importance) follow it; an unknown country is a coded error that
 * stores nothing; a dataset without one keeps the Western retail calendar.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { withDbs } from '../../helpers/dbs.js';
import { createTestApi, tinyCsv, trainToSuccess, type TestApi } from '../support/api.js';

interface Event {
  date: string;
  kind: string;
  label: string;
}

const CREATE = `mutation($name: String!, $country: String) {
  createDataset(input: { name: $name, country: $country }) { id name country }
}`;
const IMPORT_CSV = `mutation($id: ID!, $csv: String!, $country: String) {
  importObservations(datasetId: $id, csv: $csv, country: $country) { rowsImported dataset { country rowCount } }
}`;

withDbs((db) => {
  let api: TestApi;

  before(async () => {
    api = await createTestApi(db.knex, db.config);
  });
  after(async () => {
    await api?.close();
  });

  async function create(name: string, country?: string): Promise<{ id: string; country: string | null }> {
    const { createDataset } = await api.ok<{ createDataset: { id: string; country: string | null } }>(CREATE, {
      name,
      country: country ?? null,
    });
    return createDataset;
  }

  async function events(datasetId: string, from: string, to: string, seriesId?: string): Promise<string[]> {
    const { calendarEvents } = await api.ok<{ calendarEvents: Event[] }>(
      `query($id: ID!, $from: Date, $to: Date, $s: String) { calendarEvents(datasetId: $id, from: $from, to: $to, seriesId: $s) { date kind label } }`,
      { id: datasetId, from, to, s: seriesId ?? null },
    );
    return calendarEvents.map((e) => `${e.date} ${e.kind} ${e.label}`);
  }

  describe('the country of a dataset', () => {
    test("a CN dataset's calendarEvents hold Spring Festival, 618, 11.11 and 12.12, and no Western retail days", async () => {
      const ds = await create('shop-cn', 'cn');
      assert.equal(ds.country, 'CN', 'stored in its normal form');
      await api.ok(IMPORT_CSV, { id: ds.id, csv: tinyCsv(2, 30, '2025-01-01') });
      const year = await events(ds.id, '2025-01-01', '2025-12-31');
      for (const e of [
        '2025-01-29 HOLIDAY Spring Festival (Chinese New Year)',
        '2025-06-18 HOLIDAY 618 shopping festival',
        "2025-11-11 HOLIDAY Singles' Day (11.11)",
        '2025-12-12 HOLIDAY Double 12 (12.12)',
        '2025-10-01 HOLIDAY National Day',
      ]) {
        assert.ok(year.includes(e), `${e} in ${year.join('; ')}`);
      }
      assert.ok(!year.some((e) => /Thanksgiving|Black Friday|Cyber Monday|Christmas/.test(e)), year.join('; '));
      const { dataset } = await api.ok<{ dataset: { country: string } }>(`{ dataset(id: "${ds.id}") { country } }`);
      assert.equal(dataset.country, 'CN');
    });

    test("a UK dataset's calendarEvents hold its own holidays, Black Friday and Cyber Monday, not Thanksgiving", async () => {
      const ds = await create('shop-uk', 'UK');
      assert.equal(ds.country, 'GB', 'UK is read as GB (ISO 3166)');
      await api.ok(IMPORT_CSV, { id: ds.id, csv: tinyCsv(2, 30, '2024-10-01') });
      assert.deepEqual(await events(ds.id, '2024-11-01', '2024-12-31'), [
        '2024-11-29 HOLIDAY Black Friday',
        '2024-12-02 HOLIDAY Cyber Monday',
        '2024-12-25 HOLIDAY Christmas',
        '2024-12-26 HOLIDAY Boxing Day',
      ]);
      const spring = await events(ds.id, '2024-05-01', '2024-05-31');
      assert.deepEqual(spring, ['2024-05-06 HOLIDAY Early May bank holiday', '2024-05-27 HOLIDAY Spring bank holiday']);
    });

    test('a dataset without a country keeps the Western retail calendar', async () => {
      const ds = await create('shop-none');
      assert.equal(ds.country, null);
      await api.ok(IMPORT_CSV, { id: ds.id, csv: tinyCsv(2, 30, '2024-10-01') });
      assert.deepEqual(await events(ds.id, '2024-11-01', '2024-12-31'), [
        '2024-11-28 HOLIDAY Thanksgiving',
        '2024-11-29 HOLIDAY Black Friday',
        '2024-12-02 HOLIDAY Cyber Monday',
        '2024-12-25 HOLIDAY Christmas',
      ]);
    });

    test('an unknown country is refused with BAD_USER_INPUT naming the value and the form, and nothing is stored', async () => {
      const counted = await db.knex('datasets').count({ n: '*' });
      const err = await api.fails(CREATE, { name: 'shop-narnia', country: 'Narnia' });
      assert.equal(err.code, 'BAD_USER_INPUT');
      assert.match(err.message, /"Narnia"/);
      assert.match(err.message, /ISO 3166/);
      assert.deepEqual(await db.knex('datasets').count({ n: '*' }), counted, 'no dataset created');
      assert.equal(await db.knex('datasets').where({ name: 'shop-narnia' }).first(), undefined);

      const ds = await create('shop-kept', 'DE');
      const bad = await api.fails(IMPORT_CSV, { id: ds.id, csv: tinyCsv(1, 10), country: 'XX-1' });
      assert.equal(bad.code, 'BAD_USER_INPUT');
      assert.match(bad.message, /"XX-1"/);
      const { dataset } = await api.ok<{ dataset: { country: string; rowCount: number } }>(
        `{ dataset(id: "${ds.id}") { country rowCount } }`,
      );
      assert.deepEqual(dataset, { country: 'DE', rowCount: 0 }, 'no row imported, the country unchanged');
    });

    test('an import sets the country it is given, or takes the one a `country` attribute names', async () => {
      const given = await create('shop-given');
      const r = await api.ok<{ importObservations: { dataset: { country: string } } }>(IMPORT_CSV, {
        id: given.id,
        csv: tinyCsv(1, 10),
        country: 'de-by',
      });
      assert.equal(r.importObservations.dataset.country, 'DE-BY');

      const fromData = await create('shop-attr');
      const csv = tinyCsv(2, 10)
        .trimEnd()
        .split('\n')
        .map((l, i) => `${l},${i === 0 ? 'country' : 'China'}`)
        .join('\n');
      const a = await api.ok<{ importObservations: { dataset: { country: string } } }>(IMPORT_CSV, {
        id: fromData.id,
        csv,
      });
      assert.equal(a.importObservations.dataset.country, 'CN', 'one known country in every series');
      const june = await events(fromData.id, '2024-06-01', '2024-06-30');
      assert.ok(june.includes('2024-06-18 HOLIDAY 618 shopping festival'), june.join('; '));
    });

    test('setDatasetCountry changes the calendar of an existing dataset, null clears it, an unknown one changes nothing', async () => {
      const ds = await create('shop-later');
      await api.ok(IMPORT_CSV, { id: ds.id, csv: tinyCsv(1, 10, '2024-10-01') });
      const SET = 'mutation($id: ID!, $c: String) { setDatasetCountry(datasetId: $id, country: $c) { country } }';
      const set = await api.ok<{ setDatasetCountry: { country: string | null } }>(SET, {
        id: ds.id,
        c: 'United Kingdom',
      });
      assert.equal(set.setDatasetCountry.country, 'GB');
      assert.ok(!(await events(ds.id, '2024-11-01', '2024-12-31')).some((e) => e.includes('Thanksgiving')));
      const bad = await api.fails(SET, { id: ds.id, c: 'Atlantis' });
      assert.equal(bad.code, 'BAD_USER_INPUT');
      assert.match(bad.message, /"Atlantis"/);
      const kept = await api.ok<{ dataset: { country: string } }>(`{ dataset(id: "${ds.id}") { country } }`);
      assert.equal(kept.dataset.country, 'GB', 'unchanged by the refused call');
      const cleared = await api.ok<{ setDatasetCountry: { country: string | null } }>(SET, { id: ds.id, c: null });
      assert.equal(cleared.setDatasetCountry.country, null);
      assert.ok((await events(ds.id, '2024-11-01', '2024-12-31')).includes('2024-11-28 HOLIDAY Thanksgiving'));
      assert.equal((await api.fails(SET, { id: '999999', c: 'GB' })).code, 'NOT_FOUND');
    });

    test("the models' holiday features follow the country: a CN run's importance has 618 and no Thanksgiving", async () => {
      const ds = await create('shop-cn-run', 'CN');
      await api.ok(IMPORT_CSV, { id: ds.id, csv: tinyCsv(4, 60, '2025-05-01') });
      const runId = await trainToSuccess(api, ds.id, 'horizon: 7, epochs: 1, model: MLP');
      const { featureImportance } = await api.ok<{ featureImportance: Array<{ feature: string; label: string }> }>(
        `{ featureImportance(runId: "${runId}") { feature label } }`,
      );
      const features = featureImportance.map((f) => f.feature);
      assert.ok(features.includes('holiday:618'), features.join(', '));
      assert.ok(features.includes('holiday:singles_day'), features.join(', '));
      assert.ok(!features.includes('holiday:thanksgiving'), features.join(', '));
      assert.equal(featureImportance.find((f) => f.feature === 'holiday:618')?.label, '618 shopping festival');
    });
  });
});
