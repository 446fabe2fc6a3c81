import type { Knex } from 'knex';
import { tenantColumn } from './dialect.js';

/** Feature importance of a run: dataset level (`series_id` NULL) or per series, ranked from 1. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('feature_importance', (t) => {
    t.increments('id').primary();
    tenantColumn(t);
    t.integer('run_id').notNullable().references('id').inTable('training_runs').onDelete('CASCADE');
    t.integer('series_id').nullable().references('id').inTable('series').onDelete('CASCADE');
    t.string('feature', 200).notNullable();
    t.string('label', 200).notNullable();
    t.double('importance').notNullable();
    t.integer('rank').notNullable();
    t.index(['run_id', 'series_id', 'rank'], 'feature_importance_run_series_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('feature_importance');
}
