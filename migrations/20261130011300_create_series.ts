import type { Knex } from 'knex';
import { tenantColumn, timestamps } from './dialect.js';

/**
 * Series of a dataset, keyed by the CSV's `series_id` (`key`). `attributes` is JSON text of the
 * static attributes; `series_attributes` holds the same pairs one per row, so series can be
 * filtered and grouped by attribute with plain SQL on both dialects. Dates are ISO `YYYY-MM-DD`:
 * `first_date`/`last_date` bound the known values, `end_date` is the last row, future rows that
 * only carry known-in-advance covariates included.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('series', (t) => {
    t.increments('id').primary();
    tenantColumn(t);
    t.integer('dataset_id').notNullable().references('id').inTable('datasets').onDelete('CASCADE');
    t.string('key', 200).notNullable();
    t.text('attributes').notNullable().defaultTo('{}');
    t.date('first_date').nullable();
    t.date('last_date').nullable();
    t.date('end_date').nullable();
    t.integer('value_count').notNullable().defaultTo(0);
    t.integer('row_count').notNullable().defaultTo(0);
    timestamps(knex, t);
    t.unique(['dataset_id', 'key'], { indexName: 'series_dataset_key_unique' });
    t.index(['tenant_id', 'dataset_id'], 'series_tenant_dataset_idx');
  });
  await knex.schema.createTable('series_attributes', (t) => {
    tenantColumn(t);
    t.integer('dataset_id').notNullable().references('id').inTable('datasets').onDelete('CASCADE');
    t.integer('series_id').notNullable().references('id').inTable('series').onDelete('CASCADE');
    t.string('name', 200).notNullable();
    t.string('value', 500).notNullable();
    t.primary(['series_id', 'name']);
    t.index(['dataset_id', 'name', 'value'], 'series_attributes_dataset_name_value_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('series_attributes');
  await knex.schema.dropTable('series');
}
