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
export { ForbiddenError, UnauthenticatedError } from '../errors/index.js';
export { canReadDataset, Role, type Principal } from './principal.js';
