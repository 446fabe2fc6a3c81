import type { Knex } from 'knex';

/**
 * `datasets.data_version`: a counter that every import which inserts or changes an observation of
 * the dataset raises, in the import's own transaction (an import of rows already stored changes
 * nothing, this included). Readers key caches of a dataset's actuals by it, so a value is served
 * from memory only while the stored rows are the ones it was read from, whichever process imported.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('datasets', (t) => {
    t.bigInteger('data_version').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('datasets', (t) => {
    t.dropColumn('data_version');
  });
}
