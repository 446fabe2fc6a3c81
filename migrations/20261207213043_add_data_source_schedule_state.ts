import type { Knex } from 'knex';
import { withViewsSetAside } from './dialect.js';

/**
 * Schedules and progress of data sources (ARCHITECTURE §11):
 * - `sync_progress`: JSON text of the sync running now (phase, lines read, start), NULL when none;
 *   any process (a scheduled sync in another server) writes it, so `dataSource.syncProgress`
 *   can be polled from every API instance;
 * - `rows_since_retrain`: daily rows on new days that syncs brought since the last scheduled
 *   retrain (added in each sync's transaction, manual syncs included);
 * - `retrained_at`, `retrain_run_id`, `retrained_through`: the last scheduled retrain (when, its
 *   training run, and the newest synced day it saw, for "retrain after N new days").
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('data_sources', (t) => {
    t.text('sync_progress').nullable();
    t.integer('rows_since_retrain').notNullable().defaultTo(0);
    t.timestamp('retrained_at', { useTz: true }).nullable();
    t.integer('retrain_run_id').nullable();
    t.string('retrained_through', 10).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await withViewsSetAside(knex, () =>
    knex.schema.alterTable('data_sources', (t) => {
      t.dropColumn('retrained_through');
      t.dropColumn('retrain_run_id');
      t.dropColumn('retrained_at');
      t.dropColumn('rows_since_retrain');
      t.dropColumn('sync_progress');
    }),
  );
}
