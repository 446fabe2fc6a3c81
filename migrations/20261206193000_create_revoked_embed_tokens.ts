import type { Knex } from 'knex';
import { tenantColumn } from './dialect.js';

/**
 * Revoked embed tokens (issue 17): a token's id (`jti`) listed here answers UNAUTHENTICATED
 * although its signature and expiry are fine. `expires_at` is when the token would have expired
 * anyway; rows past it may be deleted. (Tokens also die with the API key that minted them: that is
 * `api_keys.revoked_at`, no row here.)
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('revoked_embed_tokens', (t) => {
    t.string('jti', 64).notNullable();
    tenantColumn(t);
    t.timestamp('revoked_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.primary(['tenant_id', 'jti']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('revoked_embed_tokens');
}
