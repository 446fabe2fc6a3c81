/**
 * Revocation of embed tokens: by token id (`revoked_embed_tokens`), and through the API key that
 * minted a token (`api_keys.revoked_at`). One indexed lookup per check.
 */
import type { Knex } from 'knex';

export interface EmbedRevocationsRepository {
  /** Lists token `jti` of `tenantId` as revoked (again: no change). */
  revoke(tenantId: number, jti: string, expiresAt: Date): Promise<void>;
  /** Whether the token `jti` of `tenantId`, minted by key `keyId` (null: not by a key), is revoked. */
  isRevoked(tenantId: number, jti: string, keyId: number | null): Promise<boolean>;
}

export function createEmbedRevocationsRepository(knex: Knex): EmbedRevocationsRepository {
  return {
    async revoke(tenantId, jti, expiresAt) {
      await knex('revoked_embed_tokens')
        .insert({ tenant_id: tenantId, jti, expires_at: expiresAt, revoked_at: new Date() })
        .onConflict(['tenant_id', 'jti'])
        .ignore();
      // Rows of tokens that have expired anyway are no longer needed.
      await knex('revoked_embed_tokens').where('expires_at', '<', new Date()).delete();
    },
    async isRevoked(tenantId, jti, keyId) {
      const byToken = knex('revoked_embed_tokens').select(knex.raw('1 as hit')).where({ tenant_id: tenantId, jti });
      const q =
        keyId === null
          ? byToken
          : byToken.unionAll(
              knex('api_keys')
                .select(knex.raw('1 as hit'))
                .where({ tenant_id: tenantId, id: keyId })
                .whereNotNull('revoked_at'),
            );
      const rows = (await q) as unknown[];
      return rows.length > 0;
    },
  };
}
