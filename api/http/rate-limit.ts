/**
 * The per-token rate limit (rate-limiter-flexible, in memory): `limit` requests per `windowSeconds`
 * for each bearer token, or for each client address when a request carries none. Over the limit a
 * request gets 429 with `Retry-After` and the code RATE_LIMITED. The key is a hash of the
 * Authorization header, so secrets are not kept in memory.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from './errors.js';

export interface RateLimit {
  /** Resolves when the request may go on; rejects with a 429 HttpError when over the limit. */
  check(req: IncomingMessage): Promise<void>;
}

export function rateLimitKey(req: IncomingMessage): string {
  const auth = req.headers.authorization;
  if (auth) return `token:${createHash('sha256').update(auth).digest('base64url')}`;
  return `ip:${req.socket.remoteAddress ?? 'unknown'}`;
}

/** `limit` 0 turns the rate limit off. */
export function createRateLimit(limit: number, windowSeconds: number): RateLimit {
  if (limit <= 0) return { check: async () => {} };
  const limiter = new RateLimiterMemory({ points: limit, duration: windowSeconds });
  return {
    async check(req) {
      try {
        await limiter.consume(rateLimitKey(req), 1);
      } catch (e) {
        if (!(e instanceof RateLimiterRes)) throw e;
        const retryAfter = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
        throw new HttpError(
          429,
          'RATE_LIMITED',
          `Too many requests: the limit is ${limit} per ${windowSeconds} s for each API key or embed token. ` +
            `Retry after ${retryAfter} s, or raise FORECASTQL_RATE_LIMIT.`,
          { 'retry-after': String(retryAfter) },
        );
      }
    },
  };
}
