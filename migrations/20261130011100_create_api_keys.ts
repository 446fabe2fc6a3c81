import type { Knex } from 'knex';
import { tenantColumn, timestamps } from './dialect.js';

/**
 * Admin API keys, hashed at rest (SHA-256 of the secret; the secret is shown once). `prefix` is
 * the first characters of the key, shown in lists so a user can tell keys apart.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('api_keys', (t) => {
    t.increments('id').primary();
    tenantColumn(t);
    t.string('name', 200).notNullable();
    t.string('prefix', 32).notNullable();
    t.string('key_hash', 128).notNullable().unique();
    t.string('role', 32).notNullable().defaultTo('admin');
    t.timestamp('last_used_at', { useTz: true }).nullable();
    t.timestamp('revoked_at', { useTz: true }).nullable();
    timestamps(knex, t);
    t.index(['tenant_id'], 'api_keys_tenant_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('api_keys');
}
