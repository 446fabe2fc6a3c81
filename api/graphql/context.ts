/**
 * The GraphQL context: the caller's tenant (every repository call takes it), the services and
 * per-request loaders. Auth (API keys, embed tokens) arrives with its own issue; until then every
 * request acts for the `default` tenant, which is what the CLI and the demo use.
 */
import type { Logger } from 'pino';
import type { Loaders } from './loaders.js';
import type { Services } from './services.js';

export interface GraphQLContext {
  readonly tenantId: number;
  readonly services: Services;
  readonly loaders: Loaders;
  readonly logger: Logger;
}
