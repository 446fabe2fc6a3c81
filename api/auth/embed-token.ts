/**
 * Embed tokens: HS256 JWTs (jose) that a shop puts into its admin page for the widgets. Read-only,
 * expiring, scoped to datasets of one tenant. The `typ` header, issuer and audience are checked,
 * so no other JWT signed with the same secret (and no API key) passes for one.
 */
import { randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { EmbedRevocationsRepository } from '../db/embed-revocations.repository.js';
import { UnauthenticatedError, UserInputError } from '../errors/index.js';
import { Role, type Principal } from './principal.js';

/** Revokes embed tokens by id (the `revokeEmbedToken` mutation). */
export type EmbedRevocations = Pick<EmbedRevocationsRepository, 'revoke'>;

export const EMBED_TOKEN_TYPE = 'fq-embed+jwt';
export const EMBED_TOKEN_ISSUER = 'forecastql';
export const EMBED_TOKEN_AUDIENCE = 'forecastql:embed';
export const DEFAULT_EMBED_TTL_SECONDS = 3600;
export const MAX_EMBED_TTL_SECONDS = 30 * 86_400;
export const MAX_EMBED_DATASETS = 100;
/** Clock difference tolerated between the server that signed a token and the one that reads it. */
export const CLOCK_SKEW_SECONDS = 60;
/** Longest bearer credential looked at; anything longer is refused unread. */
export const MAX_CREDENTIAL_LENGTH = 4096;

export interface EmbedTokenRequest {
  readonly tenantId: number;
  readonly datasetIds: readonly number[];
  readonly ttlSeconds?: number | null | undefined;
  /** The admin API key that mints it: the token dies when that key is revoked. */
  readonly keyId?: number | null | undefined;
}

export interface IssuedEmbedToken {
  readonly token: string;
  readonly expiresAt: Date;
  /** The token's `jti`, for logs. */
  readonly id: string;
}

export interface EmbedTokens {
  /** Signs a token; `now` (ms) is a test hook for tokens that are already expired. */
  issue(request: EmbedTokenRequest, now?: number): Promise<IssuedEmbedToken>;
  /** The principal of a token, or UNAUTHENTICATED (expired, forged, wrong type, malformed). */
  verify(token: string): Promise<Principal>;
}

/** Checks a ttl in seconds (default 1 h, at most 30 days). */
export function embedTtl(ttlSeconds: number | null | undefined): number {
  if (ttlSeconds === null || ttlSeconds === undefined) return DEFAULT_EMBED_TTL_SECONDS;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_EMBED_TTL_SECONDS) {
    throw new UserInputError(
      `ttlSeconds ${ttlSeconds} is outside 1..${MAX_EMBED_TTL_SECONDS} (30 days); omit it for ${DEFAULT_EMBED_TTL_SECONDS} s, and issue a new token before it expires.`,
      { argument: 'ttlSeconds', value: ttlSeconds },
    );
  }
  return ttlSeconds;
}

const isRowId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** The signing key: the configured secret, or a random one that lives as long as the process. */
export function signingKey(secret: string | undefined): { key: Uint8Array; ephemeral: boolean } {
  if (secret) return { key: new TextEncoder().encode(secret), ephemeral: false };
  return { key: new Uint8Array(randomBytes(32)), ephemeral: true };
}

export function createEmbedTokens(key: Uint8Array): EmbedTokens {
  return {
    async issue(request, now = Date.now()) {
      const ttl = embedTtl(request.ttlSeconds);
      const ids = [...new Set(request.datasetIds)].toSorted((a, b) => a - b);
      if (ids.length === 0 || ids.length > MAX_EMBED_DATASETS || !ids.every(isRowId) || !isRowId(request.tenantId)) {
        throw new UserInputError(
          `An embed token names 1 to ${MAX_EMBED_DATASETS} datasets by id; got ${JSON.stringify(request.datasetIds)}.`,
          { argument: 'datasetIds' },
        );
      }
      const iat = Math.floor(now / 1000);
      const exp = iat + ttl;
      // Hex, not base64url: an id that starts with "-" reads as an option to `forecastql token-revoke`.
      const id = randomBytes(12).toString('hex');
      const keyId = isRowId(request.keyId) ? request.keyId : undefined;
      const token = await new SignJWT({ tenant: request.tenantId, datasetIds: ids, ...(keyId ? { key: keyId } : {}) })
        .setProtectedHeader({ alg: 'HS256', typ: EMBED_TOKEN_TYPE })
        .setIssuer(EMBED_TOKEN_ISSUER)
        .setAudience(EMBED_TOKEN_AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .setJti(id)
        .sign(key);
      return { token, expiresAt: new Date(exp * 1000), id };
    },

    async verify(token) {
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          typ: EMBED_TOKEN_TYPE,
          issuer: EMBED_TOKEN_ISSUER,
          audience: EMBED_TOKEN_AUDIENCE,
          requiredClaims: ['exp', 'iat', 'jti', 'tenant', 'datasetIds'],
        }));
      } catch (e) {
        if (e instanceof errors.JWTExpired) {
          const exp = (e.payload as { exp?: number }).exp;
          const when = typeof exp === 'number' ? ` at ${new Date(exp * 1000).toISOString()}` : '';
          throw new UnauthenticatedError(
            `The embed token expired${when}. Ask the shop admin for a new one (mutation createEmbedToken or \`forecastql token\`).`,
          );
        }
        throw new UnauthenticatedError(
          'The embed token is not valid (malformed, wrong type, or not signed by this server). Ask the shop admin for a new one (createEmbedToken), or send an admin API key as `Authorization: Bearer <key>`.',
        );
      }
      const tenant = payload['tenant'];
      const datasetIds = payload['datasetIds'];
      const keyClaim = payload['key'];
      const jti = payload['jti'];
      if (!isRowId(tenant) || !Array.isArray(datasetIds) || !datasetIds.every(isRowId)) {
        throw new UnauthenticatedError('The embed token is not valid (its tenant or datasets are malformed).');
      }
      if ((keyClaim !== undefined && !isRowId(keyClaim)) || typeof jti !== 'string' || jti === '' || jti.length > 64) {
        throw new UnauthenticatedError('The embed token is not valid (its id or key is malformed).');
      }
      // The 30-day cap holds on verification too: a token signed with a longer life (or issued
      // in the future) is refused, whatever signed it.
      const iat = Number(payload['iat']);
      const exp = Number(payload['exp']);
      const now = Math.floor(Date.now() / 1000);
      if (iat > now + CLOCK_SKEW_SECONDS) {
        throw new UnauthenticatedError(
          `The embed token is not valid: it says it was issued at ${new Date(iat * 1000).toISOString()}, in the future. Ask the shop admin for a new one.`,
        );
      }
      if (exp - iat > MAX_EMBED_TTL_SECONDS) {
        throw new UnauthenticatedError(
          `The embed token is not valid: it lives ${Math.round((exp - iat) / 86_400)} days, longer than the ${MAX_EMBED_TTL_SECONDS / 86_400}-day maximum. Ask the shop admin for a new one.`,
        );
      }
      return {
        tenantId: tenant,
        role: Role.EMBED,
        datasetIds,
        subject: `embed:${jti}`,
        embed: { id: jti, keyId: isRowId(keyClaim) ? keyClaim : null, expiresAt: new Date(exp * 1000) },
      };
    },
  };
}
