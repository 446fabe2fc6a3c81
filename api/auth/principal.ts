/** Who a request acts for: a tenant, a role, and (for embed tokens) the datasets it may read. */

import { canReadDataset, Role, type AccessScope } from '../app/scope.js';

export { canReadDataset, Role };

/**
 * An authenticated credential: the access scope it grants (ADMIN for an admin API key, EMBED for an
 * embed token, read-only and limited to the datasets named in it) and what it was.
 */
export interface Principal extends AccessScope {
  /** What authenticated it, for logs: `key:<id>` or `embed:<jti>`. Never a secret. */
  readonly subject: string;
  /** Embed tokens: the token's id (`jti`), the API key that minted it (null: the CLI or the server), its expiry. */
  readonly embed?: { readonly id: string; readonly keyId: number | null; readonly expiresAt: Date };
}
