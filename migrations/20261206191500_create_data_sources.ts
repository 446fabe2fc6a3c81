import type { Knex } from 'knex';
import { tenantColumn, timestamps } from './dialect.js';

/**
 * Data sources (ARCHITECTURE §11): a shop database a dataset is synced from. The connection is
 * stored by reference only (`url_env`: an environment variable's name, or `url_file`: a path the
 * server reads), never a URL or password. `settings` is JSON text (kind-specific options),
 * `schedule` JSON text, `watermark` the newest order instant (UTC ms) the last successful sync
 * read, `last_sync` JSON text (counts, window, duration, error). A dataset's datasets.source is
 * `sql` once a source feeds it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('data_sources', (t) => {
    t.increments('id').primary();
    tenantColumn(t);
    t.string('name', 100).notNullable();
    t.string('kind', 16).notNullable();
    t.integer('dataset_id').notNullable().references('id').inTable('datasets').onDelete('CASCADE');
    t.string('url_env', 128).nullable();
    t.text('url_file').nullable();
    t.text('query').nullable();
    t.text('settings').notNullable().defaultTo('{}');
    t.text('schedule').notNullable().defaultTo('{}');
    t.bigInteger('watermark').nullable();
    t.text('last_sync').nullable();
    t.timestamp('last_synced_at', { useTz: true }).nullable();
    timestamps(knex, t);
    t.unique(['tenant_id', 'name'], { indexName: 'data_sources_tenant_name_unique' });
    t.index(['tenant_id', 'dataset_id'], 'data_sources_tenant_dataset_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('data_sources');
}
