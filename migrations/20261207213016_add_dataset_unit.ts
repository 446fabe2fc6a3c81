import type { Knex } from 'knex';
import { withViewsSetAside } from './dialect.js';

/**
 * What a dataset's values measure, and whether they may be negative (issue 13, item 7):
 * `datasets.unit` is `UNITS` (quantities sold: every forecast quantile and mean is ≥ 0) or `MONEY`
 * (revenue); `datasets.allow_negative` says the dataset accepts negative values (returns,
 * refunds). Only a MONEY dataset that allows negatives gets negative forecasts; units stay ≥ 0
 * even where returns were imported. Every dataset made before this migration is UNITS without
 * negatives, as the engine treated it. `datasets` is read by the BI views: SQLite rebuilds the
 * table to drop a column, hence `withViewsSetAside`.
 */
export async function up(knex: Knex): Promise<void> {
  await withViewsSetAside(knex, async () => {
    await knex.schema.alterTable('datasets', (t) => {
      t.string('unit', 8).notNullable().defaultTo('UNITS');
      t.boolean('allow_negative').notNullable().defaultTo(false);
    });
  });
}

export async function down(knex: Knex): Promise<void> {
  await withViewsSetAside(knex, async () => {
    await knex.schema.alterTable('datasets', (t) => {
      t.dropColumn('allow_negative');
      t.dropColumn('unit');
    });
  });
}
