/** Who a request acts for: a tenant, a role, and (for embed tokens) the datasets it may read. */

export const Role = {
  /** An admin API key: everything within its tenant. */
  ADMIN: 'ADMIN',
  /** An embed token: read-only, limited to the datasets named in it. */
  EMBED: 'EMBED',
} as const;

export type Role = (typeof Role)[keyof typeof Role];

export interface Principal {
  readonly tenantId: number;
  readonly role: Role;
  /** Datasets the principal may read; null = every dataset of its tenant (admin keys). */
  readonly datasetIds: readonly number[] | null;
  /** What authenticated it, for logs: `key:<id>` or `embed:<jti>`. Never a secret. */
  readonly subject: string;
  /** Embed tokens: the token's id (`jti`), the API key that minted it (null: the CLI or the server), its expiry. */
  readonly embed?: { readonly id: string; readonly keyId: number | null; readonly expiresAt: Date };
}

/** True when the principal may read dataset `id` of its tenant. */
export function canReadDataset(principal: Principal, id: number): boolean {
  return principal.datasetIds === null || principal.datasetIds.includes(id);
}
