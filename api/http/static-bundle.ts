/**
 * The widget bundle served the way a CDN serves a library:
 *
 * - `/widgets/<hash>/forecastql.js`: immutable, `Cache-Control: public, max-age=31536000, immutable`
 *   (`<hash>` is the first 16 hex digits of the bundle's SHA-256; an old hash answers 404 naming the
 *   current URL, never other content under a URL that promises this content).
 * - `/widgets/forecastql.js`: the unversioned alias, `Cache-Control: public, no-cache` with a strong
 *   `ETag` and `Last-Modified`, so a browser revalidates and gets `304 Not Modified` until a new build.
 *   `Link: <…/<hash>/forecastql.js>; rel="canonical"` names the pinned URL.
 * - `/widgets/chunks/<name>-<hash>.js` (and the same under `/widgets/<hash>/chunks/`, where a pinned
 *   entry's relative imports lead): the lazily loaded chunks the entry imports (one per widget, Lit
 *   and shared code, ApexCharts). Their names carry a content hash, so they are always `immutable`,
 *   with a strong `ETag` of their own; a name not in the current build answers 404 saying to reload.
 * - `/widgets/manifest.json`: `{ version, hash, url, integrity, bytes, chunks }` (`integrity` is the
 *   SHA-384 Subresource Integrity value of the pinned URL; `chunks` gives each chunk's `url` beside
 *   the pinned entry, `integrity` and `bytes`, for an import map's `integrity` entries).
 *
 * Every answer carries `Access-Control-Allow-Origin: *` and `Cross-Origin-Resource-Policy: cross-origin`:
 * module scripts are fetched in CORS mode, so without them a page on another origin gets nothing.
 * `*` is safe here because the bundle is public, static code with no secret in it and no credential
 * is involved (`*` forbids cookies); anyone can `curl` it. The API (`/graphql`) keeps its allow-list.
 * Brotli or gzip by `Accept-Encoding` (`Vary: Accept-Encoding`): the build writes `.br`/`.gz` next to
 * each file (vite.widgets.config.ts); when they are missing or older than the file, the server
 * compresses once, on the first request, and keeps the result in memory. `HEAD` is answered like
 * `GET` without a body; other methods get 405.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Path prefix of everything this module answers. */
export const BUNDLE_PREFIX = '/widgets/';
const BUNDLE_NAME = 'forecastql.js';
const CHUNKS_DIR = 'chunks';
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'public, no-cache';

type Encoding = 'br' | 'gzip' | 'identity';

interface LoadedBundle {
  readonly file: string;
  readonly mtimeMs: number;
  readonly size: number;
  readonly hash: string;
  readonly lastModified: string;
  readonly integrity: string;
  readonly bodies: Map<string, Promise<Buffer>>;
  readonly identity: Buffer;
}

export interface StaticBundleOptions {
  /** Absolute path of `dist/widgets/forecastql.js`; its chunks are read from `chunks/` beside it. */
  readonly file: string;
  /** Package version, reported in the manifest. */
  readonly version: string;
}

/** The handler for the repository (or installed package) at `root`: its dist/ bundle and version. */
export function staticBundleAt(root: string): StaticBundleHandler {
  let version = '0.0.0';
  try {
    version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? version;
  } catch {
    // No package.json: the manifest says 0.0.0.
  }
  return createStaticBundle({ file: join(root, 'dist', 'widgets', BUNDLE_NAME), version });
}

/** Answers a request under `/widgets/`; returns false when the path is not one of the bundle's. */
export type StaticBundleHandler = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

/** Picks the encoding from `Accept-Encoding`: brotli, else gzip, else none (q=0 excludes). */
export function negotiateEncoding(header: string | undefined): Encoding {
  const accepted = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const weight = (name: string): number => accepted.get(name) ?? accepted.get('*') ?? 0;
  if (weight('br') > 0) return 'br';
  if (weight('gzip') > 0) return 'gzip';
  return 'identity';
}

/** The strong ETag of one encoding of the bundle: `"<hash>"`, `"<hash>-br"`, `"<hash>-gzip"`. */
export function etagOf(hash: string, encoding: Encoding): string {
  return encoding === 'identity' ? `"${hash}"` : `"${hash}-${encoding}"`;
}

/**
 * Whether a conditional request may be answered 304 (If-None-Match wins over If-Modified-Since). A
 * tag of any encoding of the same content matches: they all decode to the same bytes.
 */
export function notModified(req: IncomingMessage, hash: string, lastModified: string): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const same = new Set((['identity', 'br', 'gzip'] as const).map((encoding) => etagOf(hash, encoding)));
    return ifNoneMatch
      .split(',')
      .map((tag) => tag.trim().replace(/^W\//, ''))
      .some((tag) => tag === '*' || same.has(tag));
  }
  const since = req.headers['if-modified-since'];
  if (since === undefined) return false;
  const sinceMs = Date.parse(since);
  return Number.isFinite(sinceMs) && Date.parse(lastModified) <= sinceMs;
}

function commonHeaders(res: ServerResponse): void {
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('cross-origin-resource-policy', 'cross-origin');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('timing-allow-origin', '*');
}

function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  commonHeaders(res);
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...extra,
  });
  res.end(text);
}

/** A file of the build read into memory with its hashes. */
async function load(file: string, mtimeMs: number, size: number): Promise<LoadedBundle> {
  const identity = await readFile(file);
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 16);
  return {
    file,
    mtimeMs,
    size,
    hash,
    // HTTP dates have whole seconds.
    lastModified: new Date(Math.floor(mtimeMs / 1000) * 1000).toUTCString(),
    integrity: `sha384-${createHash('sha384').update(identity).digest('base64')}`,
    bodies: new Map(),
    identity,
  };
}

export function createStaticBundle(options: StaticBundleOptions): StaticBundleHandler {
  const chunksDir = join(dirname(options.file), CHUNKS_DIR);
  const files = new Map<string, { mtimeMs: number; size: number; loaded: Promise<LoadedBundle> }>();

  /** A file of the build, re-read when it changed on disk (a rebuild under a running server); null when absent. */
  async function current(file: string): Promise<LoadedBundle | null> {
    let info;
    try {
      info = await stat(file);
    } catch {
      files.delete(file);
      return null;
    }
    if (!info.isFile()) return null;
    let known = files.get(file);
    if (!known || known.mtimeMs !== info.mtimeMs || known.size !== info.size) {
      const loaded = load(file, info.mtimeMs, info.size);
      known = { mtimeMs: info.mtimeMs, size: info.size, loaded };
      files.set(file, known);
      loaded.catch(() => files.delete(file));
    }
    return known.loaded;
  }

  /** The chunks of the current build, by name, for the manifest: their URLs beside the pinned entry. */
  async function chunkList(folder: string): Promise<{ url: string; integrity: string; bytes: number }[]> {
    let names: string[];
    try {
      names = (await readdir(chunksDir)).filter((name) => name.endsWith('.js')).toSorted();
    } catch {
      return [];
    }
    const chunks = await Promise.all(names.map((name) => current(join(chunksDir, name))));
    return chunks.flatMap((chunk, index) =>
      chunk ? [{ url: `${folder}${CHUNKS_DIR}/${names[index]}`, integrity: chunk.integrity, bytes: chunk.size }] : [],
    );
  }

  /** The body in `encoding`: the build's precompressed file when fresh, else compressed once here. */
  function body(bundle: LoadedBundle, encoding: Encoding): Promise<Buffer> {
    if (encoding === 'identity') return Promise.resolve(bundle.identity);
    let cached = bundle.bodies.get(encoding);
    if (!cached) {
      cached = precompressed(bundle, encoding).then(
        (file) =>
          file ??
          (encoding === 'br'
            ? brotli(bundle.identity, {
                params: {
                  [zlibConstants.BROTLI_PARAM_QUALITY]: 11,
                  [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bundle.identity.length,
                },
              })
            : gzipAsync(bundle.identity, { level: 9 })),
      );
      cached.catch(() => bundle.bodies.delete(encoding));
      bundle.bodies.set(encoding, cached);
    }
    return cached;
  }

  async function precompressed(bundle: LoadedBundle, encoding: 'br' | 'gzip'): Promise<Buffer | null> {
    const file = `${bundle.file}.${encoding === 'br' ? 'br' : 'gz'}`;
    if (!existsSync(file)) return null;
    const info = await stat(file);
    if (info.mtimeMs < bundle.mtimeMs) return null;
    return readFile(file);
  }

  /** 200 (or 304) with the file in the negotiated encoding; the caller set the cache headers. */
  async function send(req: IncomingMessage, res: ServerResponse, file: LoadedBundle, method: string): Promise<void> {
    const encoding = negotiateEncoding(req.headers['accept-encoding']);
    commonHeaders(res);
    res.setHeader('vary', 'Accept-Encoding');
    res.setHeader('etag', etagOf(file.hash, encoding));
    res.setHeader('last-modified', file.lastModified);
    if (notModified(req, file.hash, file.lastModified)) {
      res.writeHead(304);
      res.end();
      return;
    }
    const data = await body(file, encoding);
    res.writeHead(200, {
      'content-type': 'text/javascript; charset=utf-8',
      'content-length': data.length,
      ...(encoding === 'identity' ? {} : { 'content-encoding': encoding }),
    });
    res.end(method === 'HEAD' ? undefined : data);
  }

  return async (req, res, path) => {
    if (!path.startsWith(BUNDLE_PREFIX)) return false;
    const rest = path.slice(BUNDLE_PREFIX.length);
    const match = /^(?:([0-9a-f]{16})\/)?forecastql\.js$/.exec(rest);
    const chunk = /^(?:[0-9a-f]{16}\/)?chunks\/([A-Za-z0-9_.-]+\.js)$/.exec(rest);
    const isManifest = rest === 'manifest.json';
    if (!match && !chunk && !isManifest) return false;
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      commonHeaders(res);
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, HEAD, OPTIONS',
        'access-control-max-age': '86400',
        'content-length': '0',
      });
      res.end();
      return true;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      plain(res, 405, `${method} is not allowed on ${path}: use GET or HEAD.\n`, { allow: 'GET, HEAD, OPTIONS' });
      return true;
    }
    if (chunk) {
      // A chunk's name holds a hash of its content: whatever the prefix, this URL always means these bytes.
      const file = chunk[1]!.startsWith('.') ? null : await current(join(chunksDir, chunk[1]!));
      if (!file) {
        plain(
          res,
          404,
          `No widget chunk ${chunk[1]} on this server (a newer build replaced it, or the name is wrong): reload the page, so that /widgets/forecastql.js loads the current chunks.\n`,
        );
        return true;
      }
      res.setHeader('cache-control', IMMUTABLE);
      await send(req, res, file, method);
      return true;
    }
    const bundle = await current(options.file);
    if (!bundle) {
      plain(res, 404, 'The widget bundle is not built: run `npm run build`.\n');
      return true;
    }
    const pinnedUrl = `${BUNDLE_PREFIX}${bundle.hash}/${BUNDLE_NAME}`;
    if (isManifest) {
      const text = JSON.stringify({
        version: options.version,
        hash: bundle.hash,
        url: pinnedUrl,
        integrity: bundle.integrity,
        bytes: bundle.size,
        chunks: await chunkList(`${BUNDLE_PREFIX}${bundle.hash}/`),
      });
      commonHeaders(res);
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
        'cache-control': REVALIDATE,
        etag: etagOf(bundle.hash, 'identity'),
      });
      res.end(method === 'HEAD' ? undefined : text);
      return true;
    }
    const pinned = match![1];
    if (pinned !== undefined && pinned !== bundle.hash) {
      plain(
        res,
        404,
        `No widget bundle ${pinned} on this server (it was replaced by a newer build): load ${pinnedUrl}, or /widgets/forecastql.js for the latest.\n`,
      );
      return true;
    }
    res.setHeader('cache-control', pinned ? IMMUTABLE : REVALIDATE);
    if (!pinned) res.setHeader('link', `<${pinnedUrl}>; rel="canonical"`);
    await send(req, res, bundle, method);
    return true;
  };
}
