import type { Knex } from 'knex';
import { tenantColumn } from './dialect.js';

/** Rolling-origin backtest scores of a run: the chosen model and every baseline, one row each. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('backtest_metrics', (t) => {
    t.increments('id').primary();
    tenantColumn(t);
    t.integer('run_id').notNullable().references('id').inTable('training_runs').onDelete('CASCADE');
    t.string('model', 200).notNullable();
    t.boolean('is_chosen').notNullable().defaultTo(false);
    t.double('mase').nullable();
    t.double('smape').nullable();
    t.double('rmsse').nullable();
    t.double('wape').nullable();
    t.double('wql').nullable();
    t.double('coverage80').nullable();
    t.integer('origins').notNullable();
    t.integer('horizon').notNullable();
    t.unique(['run_id', 'model'], { indexName: 'backtest_metrics_run_model_unique' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('backtest_metrics');
}
