import type { Knex } from 'knex';
import { tenantColumn, timestamps } from './dialect.js';

/**
 * Stock planning (issue 18, item 1).
 * - `stock_policies`: a dataset's defaults: lead time and review period (in the dataset's periods)
 *   and the target cycle service level. No row: the built-in defaults (`api/app/stock`).
 * - `series_stock`: one series' stock on hand and on order (units, as of `as_of`, the end of that
 *   day; NULL: the end of the last observed period), and its own lead time, review period and
 *   service level where they differ from the dataset's (NULL: the dataset's).
 * Both are new tables: no BI view reads them, and deleting a dataset or series deletes its rows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('stock_policies', (t) => {
    tenantColumn(t);
    t.integer('dataset_id').notNullable().primary().references('id').inTable('datasets').onDelete('CASCADE');
    t.integer('lead_time').notNullable();
    t.integer('review_period').notNullable();
    t.double('service_level').notNullable();
    timestamps(knex, t);
  });
  await knex.schema.createTable('series_stock', (t) => {
    tenantColumn(t);
    t.integer('series_id').notNullable().primary().references('id').inTable('series').onDelete('CASCADE');
    t.integer('dataset_id').notNullable().references('id').inTable('datasets').onDelete('CASCADE');
    t.double('on_hand').notNullable();
    t.double('on_order').notNullable().defaultTo(0);
    t.date('as_of').nullable();
    t.integer('lead_time').nullable();
    t.integer('review_period').nullable();
    t.double('service_level').nullable();
    timestamps(knex, t);
    t.index(['tenant_id', 'dataset_id'], 'series_stock_tenant_dataset_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('series_stock');
  await knex.schema.dropTable('stock_policies');
}
