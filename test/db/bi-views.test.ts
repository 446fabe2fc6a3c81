/**
 * The BI views (migrations/20261206200000_create_bi_views.ts) on an empty database, and
 * `withViewsSetAside`: on SQLite a later migration can drop a column of a table the views read
 * only with the views set aside (knex's table rebuild is refused otherwise); they come back as
 * they were.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { migrateLatest } from '../../api/db/migrate.js';
import { withViewsSetAside } from '../../migrations/dialect.js';
import { VIEWS } from '../../migrations/20261206200000_create_bi_views.js';
import { withDbs } from '../helpers/dbs.js';

withDbs(
  (db) => {
    test('every view answers on an empty database', async () => {
      for (const view of VIEWS) assert.deepEqual(await db.knex(view).select('*'), [], view);
    });

    test('a column of forecasts is added and dropped with the views set aside; the views are back', async () => {
      const dropExtra = async (): Promise<void> => {
        await db.knex.schema.alterTable('forecasts', (t) => {
          t.dropColumn('extra');
        });
      };
      await db.knex.schema.alterTable('forecasts', (t) => {
        t.double('extra').nullable();
      });
      if (db.dialect === 'sqlite') {
        // What the helper is for: SQLite refuses the rebuild while a view reads the table.
        await assert.rejects(dropExtra(), /error in view forecastql_/);
        assert.equal(await db.knex.schema.hasColumn('forecasts', 'extra'), true);
      }
      await withViewsSetAside(db.knex, dropExtra);
      assert.equal(await db.knex.schema.hasColumn('forecasts', 'extra'), false);
      for (const view of VIEWS) assert.deepEqual(await db.knex(view).select('*'), [], view);
    });
  },
  async (knex) => {
    await migrateLatest(knex);
  },
);
