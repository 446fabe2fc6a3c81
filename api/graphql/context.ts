/**
 * The GraphQL context: who the request acts for (`principal`, from `Authorization: Bearer`; see
 * api/auth), its tenant (every repository call takes it), the services (for an embed token,
 * filtered to the token's datasets) and per-request loaders.
 */
import type { Logger } from 'pino';
import type { EmbedRevocations, EmbedTokens } from '../auth/embed-token.js';
import type { Principal } from '../auth/principal.js';
import type { Core, Services } from '../app/services.js';
import type { ReadBudget } from './limits.js';
import { createLoaders, type Loaders } from './loaders.js';

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

/**
 * The context factory every host shares (the standalone server, `createForecastQL`, the
 * subgraph): a fresh context, with new loaders, for an authenticated principal; the services are
 * those of the principal's access scope (api/app/scope.ts), so nothing here filters by dataset.
 */
export function createContextFactory(deps: {
  readonly core: Core;
  readonly logger: Logger;
  readonly embedTokens: EmbedTokens;
  readonly readBudget?: ReadBudget | undefined;
  readonly revocations?: EmbedRevocations | undefined;
}): (principal: Principal) => GraphQLContext {
  return (principal) => {
    const services = deps.core.servicesFor(principal);
    return {
      principal,
      tenantId: principal.tenantId,
      services,
      loaders: createLoaders(principal.tenantId, services.stores),
      logger: deps.logger,
      embedTokens: deps.embedTokens,
      ...(deps.readBudget ? { readBudget: deps.readBudget } : {}),
      ...(deps.revocations ? { revocations: deps.revocations } : {}),
    };
  };
}
