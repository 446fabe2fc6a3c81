export { authChecker } from './auth-checker.js';
export { authorizationOf, createAuthenticator, type Authenticator, type Headers } from './authenticator.js';
export {
  createEmbedTokens,
  DEFAULT_EMBED_TTL_SECONDS,
  embedTtl,
  MAX_EMBED_TTL_SECONDS,
  signingKey,
  type EmbedTokens,
  type IssuedEmbedToken,
} from './embed-token.js';
export { ForbiddenError, UnauthenticatedError } from './errors.js';
export { canReadDataset, Role, type Principal } from './principal.js';
export { scopeDatasetStore, scopeRunsRepository, scopeSeriesStore, type DatasetScope } from './scope.js';
