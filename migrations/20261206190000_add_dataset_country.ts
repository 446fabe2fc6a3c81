import type { Knex } from 'knex';

/**
 * `datasets.country`: the ISO 3166 country or region (`CN`, `GB`, `DE-BY`) whose holidays and
 * commerce events the dataset's models and chart annotations use. NULL (every dataset made before
 * this migration): a `country` attribute of the series, else the Western retail calendar, as before.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('datasets', (t) => {
    t.string('country', 16).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('datasets', (t) => {
    t.dropColumn('country');
  });
}
