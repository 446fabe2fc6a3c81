import type { Knex } from 'knex';
import { tenantColumn, timestamps } from './dialect.js';

/**
 * Datasets: a named panel of series per tenant. Column metadata is JSON text (the same on both
 * dialects): `covariates` = [{ name, knownInAdvance }], `attributes` = [name, …]. `source` is
 * `csv` (imported rows) or `sql` (a query on the shop's own database, `source_sql`).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('datasets', (t) => {
    t.increments('id').primary();
    tenantColumn(t);
    t.string('name', 200).notNullable();
    t.enu('frequency', ['D', 'W', 'M']).notNullable();
    t.text('covariates').notNullable().defaultTo('[]');
    t.text('attributes').notNullable().defaultTo('[]');
    t.string('source', 16).notNullable().defaultTo('csv');
    t.text('source_sql').nullable();
    t.integer('series_count').notNullable().defaultTo(0);
    t.bigInteger('row_count').notNullable().defaultTo(0);
    t.date('first_date').nullable();
    t.date('last_date').nullable();
    timestamps(knex, t);
    t.unique(['tenant_id', 'name'], { indexName: 'datasets_tenant_name_unique' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('datasets');
}
