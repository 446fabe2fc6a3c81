/**
 * The GraphQL context: who the request acts for (`principal`, from `Authorization: Bearer`; see
 * api/auth), its tenant (every repository call takes it), the services (for an embed token,
 * filtered to the token's datasets) and per-request loaders.
 */
import type { Logger } from 'pino';
import type { EmbedRevocations, EmbedTokens } from '../auth/embed-token.js';
import type { Principal } from '../auth/principal.js';
import type { ReadBudget } from './limits.js';
import type { Loaders } from './loaders.js';
import type { Services } from '../app/services.js';

export interface GraphQLContext {
  readonly principal: Principal;
  /** `principal.tenantId`, the tenant every repository call takes. */
  readonly tenantId: number;
  readonly services: Services;
  readonly loaders: Loaders;
  readonly logger: Logger;
  /** Signs embed tokens (mutation createEmbedToken) with the server's secret. */
  readonly embedTokens: EmbedTokens;
  /** Aggregation work per credential (FORECASTQL_READ_BUDGET); absent: unpriced. */
  readonly readBudget?: ReadBudget;
  /** Revokes embed tokens (mutation revokeEmbedToken). */
  readonly revocations?: EmbedRevocations;
}
