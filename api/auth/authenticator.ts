/**
 * Resolves a request's principal from `Authorization: Bearer <credential>`: an admin API key
 * (`fq_…`, SHA-256-verified against `api_keys`) or an embed token (a JWT, see embed-token.ts).
 * Anything else, or nothing, is UNAUTHENTICATED: there is no anonymous access.
 */
import type { ApiKeysRepository } from '../db/api-keys.repository.js';
import type { EmbedRevocationsRepository } from '../db/embed-revocations.repository.js';
import { MAX_CREDENTIAL_LENGTH, type EmbedTokens } from './embed-token.js';
import { UnauthenticatedError } from '../errors/index.js';
import { Role, type Principal } from './principal.js';

export type Headers = Readonly<Record<string, string | string[] | undefined>>;

export interface Authenticator {
  /** The principal of a request's headers (or graphql-ws connectionParams), or UNAUTHENTICATED. */
  authenticate(headers: Headers): Promise<Principal>;
}

const HOW =
  'Send `Authorization: Bearer <credential>` with an admin API key (`forecastql keys create --tenant T`) or an embed token (mutation createEmbedToken).';

/** The `Authorization` value of headers or connectionParams (any case; `token` also accepted there). */
export function authorizationOf(headers: Headers): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower !== 'authorization' && lower !== 'token') continue;
    const v = Array.isArray(value) ? value[0] : value;
    if (typeof v !== 'string' || v.trim() === '') continue;
    return lower === 'token' && !/^bearer\s/i.test(v) ? `Bearer ${v}` : v;
  }
  return undefined;
}

export function createAuthenticator(deps: {
  readonly apiKeys: Pick<ApiKeysRepository, 'verify'>;
  readonly embedTokens: EmbedTokens;
  /** Revoked embed tokens (by id, or through the key that minted them); absent: none are. */
  readonly revocations?: Pick<EmbedRevocationsRepository, 'isRevoked'>;
}): Authenticator {
  return {
    async authenticate(headers) {
      const authorization = authorizationOf(headers);
      if (authorization === undefined) throw new UnauthenticatedError(`No credentials. ${HOW}`);
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match) throw new UnauthenticatedError(`The Authorization header is not \`Bearer <credential>\`. ${HOW}`);
      const credential = match[1]!;
      if (credential.length > MAX_CREDENTIAL_LENGTH) {
        throw new UnauthenticatedError(`The credential is longer than ${MAX_CREDENTIAL_LENGTH} characters. ${HOW}`);
      }
      if (credential.startsWith('fq_')) {
        const key = await deps.apiKeys.verify(credential);
        // Name the key by its public prefix only; the rest is the secret.
        const shown = credential.slice(0, 11);
        if (!key) {
          throw new UnauthenticatedError(
            `API key ${shown}… is unknown or revoked. Create one with \`forecastql keys create --tenant T\`.`,
          );
        }
        if (key.role.toLowerCase() !== 'admin') {
          throw new UnauthenticatedError(`API key ${shown}… has role "${key.role}", which this server does not know.`);
        }
        return { tenantId: key.tenantId, role: Role.ADMIN, datasetIds: null, subject: `key:${key.id}` };
      }
      if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(credential)) {
        throw new UnauthenticatedError(
          `The credential is neither an admin API key (fq_…) nor an embed token (a JWT). ${HOW}`,
        );
      }
      const principal = await deps.embedTokens.verify(credential);
      const embed = principal.embed;
      if (embed && deps.revocations && (await deps.revocations.isRevoked(principal.tenantId, embed.id, embed.keyId))) {
        throw new UnauthenticatedError(
          `The embed token ${embed.id} was revoked${embed.keyId === null ? '' : ' (itself, or the API key that issued it)'}. Ask the shop admin for a new one.`,
        );
      }
      return principal;
    },
  };
}
