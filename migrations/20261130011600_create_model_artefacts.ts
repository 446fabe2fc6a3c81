import type { Knex } from 'knex';
import { tenantColumn, timestamps } from './dialect.js';

/** A trained model as plain data (`SerializedModel`): JSON text plus a weights blob. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('model_artefacts', (t) => {
    t.increments('id').primary();
    tenantColumn(t);
    t.integer('run_id').notNullable().references('id').inTable('training_runs').onDelete('CASCADE');
    t.string('alias', 200).notNullable();
    t.text('json').notNullable();
    t.binary('weights').notNullable();
    t.integer('size_bytes').notNullable().defaultTo(0);
    timestamps(knex, t);
    t.index(['run_id'], 'model_artefacts_run_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('model_artefacts');
}
