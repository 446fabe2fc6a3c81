import type { Knex } from 'knex';
import { tenantColumn, timestamps } from './dialect.js';

/**
 * Alerts and webhooks (issue 18 item 3).
 * - `alerts`: actual sales outside a run's p10–p90 band (one point far out, or a run of days on
 *   one side) and predicted stock-outs. One row per breach: a re-import of the same days widens
 *   the overlapping row instead of adding one (api/db/alerts.repository.ts), and the unique index
 *   stops two writers from adding the same breach twice. `points` is JSON text (date, actual, band).
 * - `webhooks`: a tenant's URLs and their HMAC-SHA256 signing secrets.
 * - `webhook_deliveries`: one row per webhook and alert (unique), with its attempts, next attempt,
 *   last HTTP status or error: the delivery log. Deleting a webhook deletes its log; deleting an
 *   alert's dataset keeps the log (alert_id set null).
 * New tables only: the BI views read none of them.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('alerts', (t) => {
    t.increments('id').primary();
    tenantColumn(t);
    t.integer('dataset_id').notNullable().references('id').inTable('datasets').onDelete('CASCADE');
    t.integer('series_id').notNullable().references('id').inTable('series').onDelete('CASCADE');
    t.integer('run_id').notNullable().references('id').inTable('training_runs').onDelete('CASCADE');
    t.string('kind', 16).notNullable();
    // '' for none (a stock-out): the unique index below needs a value on both dialects.
    t.string('direction', 8).notNullable().defaultTo('');
    t.string('severity', 16).notNullable();
    t.string('status', 16).notNullable().defaultTo('OPEN');
    t.date('from_date').notNullable();
    t.date('to_date').notNullable();
    t.double('actual').nullable();
    t.double('p10').nullable();
    t.double('p50').nullable();
    t.double('p90').nullable();
    t.double('probability').nullable();
    t.text('points').notNullable().defaultTo('[]');
    t.text('message').notNullable();
    t.timestamp('acknowledged_at', { useTz: true }).nullable();
    timestamps(knex, t);
    t.unique(['tenant_id', 'series_id', 'kind', 'direction', 'from_date'], { indexName: 'alerts_breach_unique' });
    t.index(['tenant_id', 'dataset_id', 'status', 'created_at'], 'alerts_tenant_dataset_status_index');
  });
  await knex.schema.createTable('webhooks', (t) => {
    t.increments('id').primary();
    tenantColumn(t);
    t.text('url').notNullable();
    t.string('secret', 256).notNullable();
    timestamps(knex, t);
    t.index(['tenant_id'], 'webhooks_tenant_index');
  });
  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.increments('id').primary();
    tenantColumn(t);
    t.integer('webhook_id').notNullable().references('id').inTable('webhooks').onDelete('CASCADE');
    t.integer('alert_id').nullable().references('id').inTable('alerts').onDelete('SET NULL');
    t.string('event', 64).notNullable();
    t.text('payload').notNullable();
    t.string('status', 16).notNullable().defaultTo('PENDING');
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true }).nullable();
    t.integer('last_status_code').nullable();
    t.text('last_error').nullable();
    t.timestamp('delivered_at', { useTz: true }).nullable();
    timestamps(knex, t);
    t.unique(['webhook_id', 'alert_id'], { indexName: 'webhook_deliveries_webhook_alert_unique' });
    t.index(['status', 'next_attempt_at'], 'webhook_deliveries_due_index');
    t.index(['tenant_id', 'webhook_id', 'created_at'], 'webhook_deliveries_tenant_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('webhook_deliveries');
  await knex.schema.dropTable('webhooks');
  await knex.schema.dropTable('alerts');
}
