import type { Knex } from 'knex';
import { isSqlite } from './dialect.js';

/**
 * Observations: one row per series and date. `value` NULL means unknown (not zero), which is also
 * what future rows carrying only known-in-advance covariates have. `covariates` is JSON text
 * `{"price":1.5,"promo":1}` (absent keys = unknown). The primary key (series_id, date) is the read
 * path of a series' history and of training; on SQLite the table is WITHOUT ROWID, so rows are
 * stored clustered in that order and an insert maintains one b-tree instead of two.
 */
export async function up(knex: Knex): Promise<void> {
  if (isSqlite(knex)) {
    await knex.raw(`CREATE TABLE observations (
      tenant_id integer NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      series_id integer NOT NULL REFERENCES series (id) ON DELETE CASCADE,
      date date NOT NULL,
      value double precision NULL,
      covariates text NULL,
      PRIMARY KEY (series_id, date)
    ) WITHOUT ROWID`);
    return;
  }
  await knex.schema.createTable('observations', (t) => {
    t.integer('tenant_id').notNullable().references('id').inTable('tenants').onDelete('CASCADE');
    t.integer('series_id').notNullable().references('id').inTable('series').onDelete('CASCADE');
    t.date('date').notNullable();
    t.double('value').nullable();
    t.text('covariates').nullable();
    t.primary(['series_id', 'date']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('observations');
}
