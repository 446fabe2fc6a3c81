import type { Knex } from 'knex';

/**
 * Forecast distributions (forecasting/distribution.ts): `forecasts.mean`, the mean of each
 * forecast point (what totals add up, and what sets the upper tail beyond the highest stored
 * level), and `training_runs.forecast_distribution`, the run's fitted mean model and dependence
 * (JSON text). Both null for runs trained before: their totals are summed as independent members
 * with tails continued from their quantiles.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('forecasts', (t) => {
    t.double('mean').nullable();
  });
  await knex.schema.alterTable('training_runs', (t) => {
    t.text('forecast_distribution').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('training_runs', (t) => {
    t.dropColumn('forecast_distribution');
  });
  await knex.schema.alterTable('forecasts', (t) => {
    t.dropColumn('mean');
  });
}
