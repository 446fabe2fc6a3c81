/**
 * CORS for embedding origins (the `cors` package over node:http): only origins listed in
 * FORECASTQL_CORS_ORIGINS get `Access-Control-Allow-Origin` (with `Vary: Origin`); `*` allows any
 * origin only when configured. Preflight (OPTIONS) requests are answered here with 204; no
 * credentials (cookies) are allowed — the API authenticates with bearer tokens. A refused origin is
 * logged (warn, once per origin and process) with the setting to change, since the browser only
 * tells the page "Failed to fetch".
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';

export type Cors = (req: IncomingMessage, res: ServerResponse) => Promise<'handled' | 'next'>;

/** At most this many refused origins are remembered (and so logged) per process. */
const MAX_LOGGED_ORIGINS = 1000;

export function createCors(origins: readonly string[], logger?: { warn(object: object, message: string): void }): Cors {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  const logged = new Set<string>();
  const refuse = (origin: string): void => {
    if (!logger || logged.has(origin) || logged.size >= MAX_LOGGED_ORIGINS) return;
    logged.add(origin);
    logger.warn(
      { origin, allowed: [...allowed] },
      `CORS: refused a browser request from ${origin}: add it to FORECASTQL_CORS_ORIGINS (comma-separated) to let pages there call the API`,
    );
  };
  const middleware = cors({
    origin: any
      ? '*'
      : (origin, callback) => {
          const ok = origin !== undefined && allowed.has(origin);
          if (origin !== undefined && !ok) refuse(origin);
          callback(null, ok);
        },
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'apollo-require-preflight', 'x-apollo-operation-name'],
    maxAge: 600,
    optionsSuccessStatus: 204,
  });
  return (req, res) =>
    new Promise((resolve, reject) => {
      // For an allowed preflight the middleware answers (204) and does not call next.
      if (req.method === 'OPTIONS') res.once('finish', () => resolve('handled'));
      middleware(req as never, res as never, (err?: unknown) => {
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        if (req.method !== 'OPTIONS') return resolve('next');
        // A preflight from an origin not on the list: answered without any Allow header, so the
        // browser does not send the request.
        res.writeHead(204, { vary: 'Origin', 'content-length': '0' });
        res.end();
      });
    });
}
