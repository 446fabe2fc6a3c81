import type { Knex } from 'knex';
import { tenantColumn, timestamps } from './dialect.js';

/**
 * Saved what-if scenarios (issue 18 item 2): a named set of covariate changes over a selection
 * of a dataset's series, shared by the planners of a shop. Only the question is stored
 * (`selection` and `changes`, JSON text); the answer is computed again from the dataset's latest
 * succeeded run whenever a scenario is read. Names are unique per dataset.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('scenarios', (t) => {
    t.increments('id').primary();
    tenantColumn(t);
    t.integer('dataset_id').notNullable().references('id').inTable('datasets').onDelete('CASCADE');
    t.string('name', 200).notNullable();
    t.text('selection').notNullable().defaultTo('{}');
    t.text('changes').notNullable().defaultTo('[]');
    timestamps(knex, t);
    t.unique(['tenant_id', 'dataset_id', 'name'], { indexName: 'scenarios_tenant_dataset_name_unique' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('scenarios');
}
