import assert from 'node:assert/strict';
import { test } from 'node:test';
import { migrateLatest, migrationSource, pendingMigrations, rollback } from '../../api/db/migrate.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { withDbs, type TestDb } from '../helpers/dbs.js';

const TABLES = [
  'tenants',
  'api_keys',
  'datasets',
  'series',
  'series_attributes',
  'observations',
  'training_runs',
  'model_artefacts',
  'forecasts',
  'backtest_metrics',
  'feature_importance',
];

async function existingTables(db: TestDb): Promise<string[]> {
  const present: string[] = [];
  for (const name of TABLES) if (await db.knex.schema.hasTable(name)) present.push(name);
  return present;
}

withDbs((db) => {
  test('latest creates every table and seeds the default tenant', async () => {
    const { applied } = await migrateLatest(db.knex);
    assert.deepEqual(
      applied,
      MIGRATIONS.map((m) => m.name),
    );
    assert.deepEqual(await existingTables(db), TABLES);
    const tenants = await db.knex('tenants').select('slug');
    assert.deepEqual(tenants, [{ slug: 'default' }]);
    assert.deepEqual(await pendingMigrations(db.knex), []);
  });

  test('latest again is a no-op', async () => {
    assert.deepEqual((await migrateLatest(db.knex)).applied, []);
  });

  test('every table has a tenant_id column', async () => {
    for (const name of TABLES.filter((t) => t !== 'tenants')) {
      assert.ok(await db.knex.schema.hasColumn(name, 'tenant_id'), `${name}.tenant_id`);
    }
  });

  test('rollback of everything drops every table, then latest rebuilds them', async () => {
    const { applied: reverted } = await rollback(db.knex, true);
    assert.equal(reverted.length, MIGRATIONS.length);
    assert.deepEqual(await existingTables(db), []);
    assert.equal((await pendingMigrations(db.knex)).length, MIGRATIONS.length);
    await migrateLatest(db.knex);
    assert.deepEqual(await existingTables(db), TABLES);
    assert.equal((await db.knex('tenants').count({ n: '*' }))[0]?.['n'], 1);
  });

  test('each migration steps up and down on its own', async () => {
    await rollback(db.knex, true);
    const config = { migrationSource };
    for (const m of MIGRATIONS) {
      await db.knex.migrate.up(config);
      assert.equal((await pendingMigrations(db.knex))[0], MIGRATIONS[MIGRATIONS.indexOf(m) + 1]?.name);
    }
    for (let i = MIGRATIONS.length - 1; i >= 0; i--) {
      await db.knex.migrate.down(config);
      assert.equal((await pendingMigrations(db.knex)).length, MIGRATIONS.length - i);
    }
    assert.deepEqual(await existingTables(db), []);
    await migrateLatest(db.knex);
    assert.deepEqual(await existingTables(db), TABLES);
  });
});

withDbs(
  (db) => {
    test('a DATE column reads back as an ISO string and counts as numbers', async () => {
      const [dataset] = await db.knex('datasets').insert({ tenant_id: 1, name: 'd', frequency: 'D' }).returning('id');
      const datasetId = typeof dataset === 'object' ? dataset.id : Number(dataset);
      const [series] = await db
        .knex('series')
        .insert({ tenant_id: 1, dataset_id: datasetId, key: 's' })
        .returning('id');
      const seriesId = typeof series === 'object' ? series.id : Number(series);
      await db.knex('observations').insert({ tenant_id: 1, series_id: seriesId, date: '2024-03-01', value: 2 });
      const rows = await db.knex('observations').select('date', 'value');
      assert.deepEqual(rows, [{ date: '2024-03-01', value: 2 }]);
      const [count] = await db.knex('observations').count({ n: '*' });
      assert.equal(count?.['n'], 1);
    });

    test("an observation's tenant must be its series' tenant", async () => {
      const [other] = await db.knex('tenants').insert({ slug: 'fk-other', name: 'Other' }).returning('id');
      const otherId = typeof other === 'object' ? other.id : Number(other);
      const series = await db.knex('series').first('id');
      await assert.rejects(
        db.knex('observations').insert({ tenant_id: otherId, series_id: series.id, date: '2024-03-02', value: 1 }),
      );
      await db.knex('series').where({ id: series.id }).delete();
      assert.equal((await db.knex('observations').count({ n: '*' }))[0]?.['n'], 0);
    });
  },
  async (knex) => {
    await migrateLatest(knex);
  },
);
