import type { Knex } from 'knex';

/**
 * Stored forecasts: one row per run, series and date. p10/p50/p90 are columns (the default
 * quantiles, what widgets and BI tools read); any other levels go in `quantiles`, JSON text
 * `{"0.05":1.2,"0.95":8.1}`. The primary key (run_id, series_id, date) is the read path of a run's
 * forecast of a series by date.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('forecasts', (t) => {
    t.integer('tenant_id').notNullable().references('id').inTable('tenants').onDelete('CASCADE');
    t.integer('run_id').notNullable().references('id').inTable('training_runs').onDelete('CASCADE');
    t.integer('series_id').notNullable().references('id').inTable('series').onDelete('CASCADE');
    t.date('date').notNullable();
    t.double('p10').nullable();
    t.double('p50').notNullable();
    t.double('p90').nullable();
    t.text('quantiles').nullable();
    t.primary(['run_id', 'series_id', 'date']);
    t.index(['series_id'], 'forecasts_series_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('forecasts');
}
