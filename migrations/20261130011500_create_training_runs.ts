import type { Knex } from 'knex';
import { tenantColumn, timestamps } from './dialect.js';

/**
 * Training runs (ARCHITECTURE §5): QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED, with the
 * request (`model`, `horizon`, `quantiles`, `epochs`, `seed`, the full `config` as JSON text), what
 * ran (`chosen_model`, `backend`), progress, timings, the error, and the fields a worker needs to
 * own a run and prove it is alive (`worker_id`, `heartbeat_at`, `attempts`, `cancel_requested_at`).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('training_runs', (t) => {
    t.increments('id').primary();
    tenantColumn(t);
    t.integer('dataset_id').notNullable().references('id').inTable('datasets').onDelete('CASCADE');
    t.enu('status', ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED']).notNullable().defaultTo('QUEUED');
    t.string('model', 64).notNullable().defaultTo('auto');
    t.string('chosen_model', 200).nullable();
    t.integer('horizon').notNullable();
    t.text('quantiles').notNullable().defaultTo('[0.1,0.5,0.9]');
    t.integer('epochs').nullable();
    t.integer('seed').notNullable().defaultTo(0);
    t.text('config').notNullable().defaultTo('{}');
    t.string('backend', 32).nullable();
    t.integer('progress_epoch').nullable();
    t.integer('progress_epochs').nullable();
    t.double('progress_loss').nullable();
    t.double('progress_validation_loss').nullable();
    t.double('progress_fraction').notNullable().defaultTo(0);
    t.text('progress_message').nullable();
    t.text('error').nullable();
    t.text('warnings').notNullable().defaultTo('[]');
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('worker_id', 200).nullable();
    t.timestamp('heartbeat_at', { useTz: true }).nullable();
    t.timestamp('cancel_requested_at', { useTz: true }).nullable();
    t.timestamp('started_at', { useTz: true }).nullable();
    t.timestamp('finished_at', { useTz: true }).nullable();
    timestamps(knex, t);
    t.index(['tenant_id', 'dataset_id', 'created_at'], 'training_runs_tenant_dataset_idx');
    t.index(['status', 'created_at'], 'training_runs_status_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('training_runs');
}
