/**
 * Rate limits (rate-limiter-flexible, in memory), shared by HTTP and graphql-ws:
 *
 * - per credential: `limit` operations per `windowSeconds` for each credential, or for each client
 *   address when a request carries none. The key is the credential itself, normalised
 *   (`credentialIdentity`): `Bearer`, `bearer`, `BEARER`, two spaces or a tab before the token all
 *   count against one budget. Each graphql-ws operation counts like one HTTP request.
 * - per address, failed authentications: after `failureLimit` UNAUTHENTICATED answers within the
 *   window, an address gets 429 for every request until the window passes, so guessing keys costs
 *   the guesser, not the database.
 *
 * Over a limit a request gets 429 with `Retry-After` and the code RATE_LIMITED. Keys are SHA-256
 * hashes, so secrets are not kept in memory.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { authorizationOf, type Headers } from '../auth/authenticator.js';
import { HttpError } from './errors.js';

export interface RateLimitOptions {
  /** Operations per window per credential; 0 turns this limit off. */
  readonly limit: number;
  readonly windowSeconds: number;
  /** Failed authentications per window per client address; 0 turns this limit off. */
  readonly failureLimit?: number;
}

export interface RateLimit {
  /** Resolves when the request may go on; rejects with a 429 HttpError when over a limit. */
  check(req: IncomingMessage): Promise<void>;
  /** Counts one operation of a credential (graphql-ws); rejects with a 429 HttpError when over. */
  consume(identity: string): Promise<void>;
  /** Rejects with a 429 HttpError while `address` is blocked for failed authentications. */
  checkAddress(address: string): Promise<void>;
  /** Counts one failed authentication of `address`. */
  failed(address: string): Promise<void>;
}

const hash = (text: string): string => createHash('sha256').update(text).digest('base64url');

/**
 * The identity of a credential for rate limiting: the token itself, whatever the scheme's case
 * or the whitespace around it. `undefined` when the headers carry no credential.
 */
export function credentialIdentity(headers: Headers): string | undefined {
  const authorization = authorizationOf(headers);
  if (authorization === undefined) return undefined;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization);
  return `token:${hash(match ? match[1]! : authorization.replace(/\s+/g, ''))}`;
}

export function addressOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

export function rateLimitKey(req: IncomingMessage): string {
  return credentialIdentity(req.headers) ?? `ip:${addressOf(req)}`;
}

function tooMany(e: unknown, message: (retryAfter: number) => string): never {
  if (!(e instanceof RateLimiterRes)) throw e;
  const retryAfter = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
  throw new HttpError(429, 'RATE_LIMITED', message(retryAfter), { 'retry-after': String(retryAfter) });
}

export function createRateLimit(options: RateLimitOptions): RateLimit {
  const { limit, windowSeconds } = options;
  const failureLimit = options.failureLimit ?? 0;
  const operations = limit > 0 ? new RateLimiterMemory({ points: limit, duration: windowSeconds }) : undefined;
  const failures =
    failureLimit > 0 ? new RateLimiterMemory({ points: failureLimit, duration: windowSeconds }) : undefined;
  const overLimit = (retryAfter: number) =>
    `Too many requests: the limit is ${limit} per ${windowSeconds} s for each API key or embed token. ` +
    `Retry after ${retryAfter} s, or raise FORECASTQL_RATE_LIMIT.`;
  const blocked = (retryAfter: number) =>
    `Too many failed authentications from this address: the limit is ${failureLimit} per ${windowSeconds} s. ` +
    `Retry after ${retryAfter} s with a valid API key or embed token (FORECASTQL_AUTH_FAILURE_LIMIT).`;

  async function consume(key: string): Promise<void> {
    if (!operations) return;
    try {
      await operations.consume(key, 1);
    } catch (e) {
      tooMany(e, overLimit);
    }
  }
  async function checkAddress(address: string): Promise<void> {
    if (!failures) return;
    const state = await failures.get(`ip:${address}`);
    if (state && state.consumedPoints >= failureLimit) {
      tooMany(new RateLimiterRes(0, state.msBeforeNext, state.consumedPoints), blocked);
    }
  }
  return {
    async check(req) {
      await checkAddress(addressOf(req));
      await consume(rateLimitKey(req));
    },
    consume: (identity) => consume(identity),
    checkAddress,
    async failed(address) {
      if (!failures) return;
      // Past the limit the counter stops (consume rejects); the block lasts until the window ends.
      await failures.consume(`ip:${address}`, 1).catch(() => {});
    },
  };
}
