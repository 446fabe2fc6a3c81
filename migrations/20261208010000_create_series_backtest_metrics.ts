import type { Knex } from 'knex';
import { tenantColumn } from './dialect.js';

/**
 * Accuracy per series (issue 19 item 6): the chosen model's and seasonal naive's rolling-origin
 * backtest scores on each series' own validation windows, one row per run, series and model.
 * Series the run did not validate (outside the validation sample, too short) have no row.
 * New table only: the BI views read none of it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('series_backtest_metrics', (t) => {
    t.increments('id').primary();
    tenantColumn(t);
    t.integer('run_id').notNullable().references('id').inTable('training_runs').onDelete('CASCADE');
    t.integer('series_id').notNullable().references('id').inTable('series').onDelete('CASCADE');
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
    t.unique(['run_id', 'series_id', 'model'], { indexName: 'series_backtest_metrics_run_series_model_unique' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('series_backtest_metrics');
}
