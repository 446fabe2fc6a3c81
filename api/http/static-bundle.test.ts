/**
 * The widget bundle route (static-bundle.ts) over real HTTP, on a temp bundle: CORS for any origin,
 * brotli/gzip by Accept-Encoding, the pinned immutable URL and the revalidating alias (ETag,
 * Last-Modified, 304), HEAD, the manifest's SRI values, a rebuild under a running server, the
 * build's precompressed files used only while they are fresh, and the lazily loaded chunks (immutable
 * under both prefixes the entry's relative imports lead to; an unknown chunk is a 404 saying to reload).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { createStaticBundle, negotiateEncoding } from './static-bundle.js';

const hashOf = (code: string): string => createHash('sha256').update(code).digest('hex').slice(0, 16);

const CODE = `export const answer = 42;\n${'console.log("a widget bundle line");\n'.repeat(2000)}`;
const CHUNK = 'kpis-AbC_12-x.js';
const CHUNK_CODE = `export const kpis = 1;\n${'console.log("a widget chunk line");\n'.repeat(500)}`;

describe('widget bundle route', () => {
  let dir: string;
  let file: string;
  let server: Server;
  let base: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fq-bundle-'));
    file = join(dir, 'forecastql.js');
    writeFileSync(file, CODE);
    mkdirSync(join(dir, 'chunks'));
    writeFileSync(join(dir, 'chunks', CHUNK), CHUNK_CODE);
    const handle = createStaticBundle({ file, version: '9.9.9' });
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      handle(req, res, path).then(
        (handled) => {
          if (!handled) res.writeHead(404).end('not mine');
        },
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Raw response: fetch would decode the body, these tests look at the bytes on the wire. */
  async function get(
    path: string,
    headers: Record<string, string> = {},
    method = 'GET',
  ): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
    const { request } = await import('node:http');
    return new Promise((resolve, reject) => {
      const req = request(`${base}${path}`, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const h = new Headers();
          for (const [key, value] of Object.entries(res.headers)) if (typeof value === 'string') h.set(key, value);
          resolve({ status: res.statusCode ?? 0, headers: h, bytes: Buffer.concat(chunks) });
        });
      });
      req.on('error', reject);
      req.end();
    });
  }

  test('the alias answers any origin, revalidates, and names its pinned URL', async () => {
    const res = await get('/widgets/forecastql.js', { origin: 'https://admin.other.example' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'public, no-cache');
    assert.equal(res.headers.get('etag'), `"${hashOf(CODE)}"`);
    assert.ok(res.headers.get('last-modified'));
    assert.equal(res.headers.get('link'), `</widgets/${hashOf(CODE)}/forecastql.js>; rel="canonical"`);
    assert.equal(res.headers.get('content-encoding'), null, 'no Accept-Encoding: identity');
    assert.equal(res.bytes.toString(), CODE);
  });

  test('brotli and gzip by Accept-Encoding, smaller and decoding to the bundle', async () => {
    const br = await get('/widgets/forecastql.js', { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.headers.get('content-encoding'), 'br');
    assert.equal(br.headers.get('vary'), 'Accept-Encoding');
    assert.equal(brotliDecompressSync(br.bytes).toString(), CODE);
    assert.ok(br.bytes.length < CODE.length / 10, `${br.bytes.length} bytes brotli of ${CODE.length}`);
    assert.equal(br.headers.get('etag'), `"${hashOf(CODE)}-br"`);
    const gz = await get('/widgets/forecastql.js', { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers.get('content-encoding'), 'gzip');
    assert.equal(gunzipSync(gz.bytes).toString(), CODE);
    const refused = await get('/widgets/forecastql.js', { 'accept-encoding': 'br;q=0, gzip;q=0' });
    assert.equal(refused.headers.get('content-encoding'), null);
  });

  test('304 for a matching ETag (any encoding) or an unchanged If-Modified-Since', async () => {
    const first = await get('/widgets/forecastql.js', { 'accept-encoding': 'br' });
    const etag = first.headers.get('etag')!;
    const again = await get('/widgets/forecastql.js', { 'accept-encoding': 'br', 'if-none-match': etag });
    assert.equal(again.status, 304);
    assert.equal(again.bytes.length, 0);
    assert.equal(again.headers.get('access-control-allow-origin'), '*');
    const other = await get('/widgets/forecastql.js', { 'accept-encoding': 'gzip', 'if-none-match': etag });
    assert.equal(other.status, 304, 'the same content in another encoding is not modified');
    const since = await get('/widgets/forecastql.js', { 'if-modified-since': first.headers.get('last-modified')! });
    assert.equal(since.status, 304);
    const stale = await get('/widgets/forecastql.js', { 'if-none-match': '"0000000000000000"' });
    assert.equal(stale.status, 200);
  });

  test('HEAD answers like GET without a body; POST is 405', async () => {
    const head = await get('/widgets/forecastql.js', { 'accept-encoding': 'br' }, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.bytes.length, 0);
    assert.ok(Number(head.headers.get('content-length')) > 0);
    assert.equal(head.headers.get('content-encoding'), 'br');
    const post = await get('/widgets/forecastql.js', {}, 'POST');
    assert.equal(post.status, 405);
    assert.match(post.bytes.toString(), /use GET or HEAD/);
  });

  test('the pinned URL is immutable; an old hash is 404 naming the current URL', async () => {
    const pinned = await get(`/widgets/${hashOf(CODE)}/forecastql.js`);
    assert.equal(pinned.status, 200);
    assert.equal(pinned.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(pinned.bytes.toString(), CODE);
    const old = await get('/widgets/0123456789abcdef/forecastql.js');
    assert.equal(old.status, 404);
    assert.match(old.bytes.toString(), new RegExp(`/widgets/${hashOf(CODE)}/forecastql.js`));
  });

  test('the manifest gives the pinned URL and Subresource Integrity values, of the entry and of each chunk', async () => {
    const res = await get('/widgets/manifest.json');
    const manifest = JSON.parse(res.bytes.toString()) as Record<string, unknown>;
    assert.deepEqual(manifest, {
      version: '9.9.9',
      hash: hashOf(CODE),
      url: `/widgets/${hashOf(CODE)}/forecastql.js`,
      integrity: `sha384-${createHash('sha384').update(CODE).digest('base64')}`,
      bytes: Buffer.byteLength(CODE),
      chunks: [
        {
          url: `/widgets/${hashOf(CODE)}/chunks/${CHUNK}`,
          integrity: `sha384-${createHash('sha384').update(CHUNK_CODE).digest('base64')}`,
          bytes: Buffer.byteLength(CHUNK_CODE),
        },
      ],
    });
  });

  test('a chunk is immutable, CORS-open and compressed, beside the alias and beside the pinned entry', async () => {
    for (const path of [`/widgets/chunks/${CHUNK}`, `/widgets/${hashOf(CODE)}/chunks/${CHUNK}`]) {
      const res = await get(path, { origin: 'https://admin.other.example', 'accept-encoding': 'br, gzip' });
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
      assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(res.headers.get('vary'), 'Accept-Encoding');
      assert.equal(res.headers.get('content-encoding'), 'br');
      assert.equal(res.headers.get('etag'), `"${hashOf(CHUNK_CODE)}-br"`);
      assert.equal(res.headers.get('link'), null, 'a chunk has no other canonical URL');
      assert.equal(brotliDecompressSync(res.bytes).toString(), CHUNK_CODE);
    }
    const gz = await get(`/widgets/chunks/${CHUNK}`, { 'accept-encoding': 'gzip' });
    assert.equal(gunzipSync(gz.bytes).toString(), CHUNK_CODE);
    const plainBody = await get(`/widgets/chunks/${CHUNK}`);
    assert.equal(plainBody.bytes.toString(), CHUNK_CODE);
    const again = await get(`/widgets/chunks/${CHUNK}`, { 'if-none-match': `"${hashOf(CHUNK_CODE)}-gzip"` });
    assert.equal(again.status, 304);
    assert.equal(again.bytes.length, 0);
    assert.equal(again.headers.get('access-control-allow-origin'), '*');
    const head = await get(`/widgets/chunks/${CHUNK}`, {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.bytes.length, 0);
    assert.equal(Number(head.headers.get('content-length')), Buffer.byteLength(CHUNK_CODE));
    assert.equal((await get(`/widgets/chunks/${CHUNK}`, {}, 'POST')).status, 405);
  });

  test('an unknown chunk is a 404 that names it and says to reload; other names are not chunks', async () => {
    for (const path of ['/widgets/chunks/kpis-Gone1234.js', '/widgets/0123456789abcdef/chunks/kpis-Gone1234.js']) {
      const res = await get(path, { 'accept-encoding': 'br' });
      assert.equal(res.status, 404, path);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.match(res.bytes.toString(), /No widget chunk kpis-Gone1234\.js .*reload the page/);
    }
    assert.equal((await get('/widgets/chunks/..js')).status, 404, 'a dot name is no file of the build');
    assert.equal((await get('/widgets/chunks/sub/x.js')).bytes.toString(), 'not mine');
    assert.equal((await get('/widgets/chunks/x.css')).bytes.toString(), 'not mine');
  });

  test('a rebuild under a running server changes the hash; a stale .gz is ignored, a fresh one used', async () => {
    const next = `${CODE}export const v2 = true;\n`;
    writeFileSync(file, next);
    // A .gz older than the bundle (from a previous build) must not be served.
    writeFileSync(`${file}.gz`, gzipSync('stale'));
    const past = new Date(Date.now() - 60_000);
    utimesSync(`${file}.gz`, past, past);
    const res = await get('/widgets/forecastql.js', { 'accept-encoding': 'gzip' });
    assert.equal(res.headers.get('etag'), `"${hashOf(next)}-gzip"`);
    assert.equal(gunzipSync(res.bytes).toString(), next);
    const old = await get(`/widgets/${hashOf(CODE)}/forecastql.js`);
    assert.equal(old.status, 404);
    // A fresh precompressed file (newer than the bundle) is what goes on the wire.
    const marker = `${next}// precompressed by the build\n`;
    writeFileSync(file, next);
    writeFileSync(`${file}.gz`, gzipSync(marker));
    const future = new Date(Date.now() + 60_000);
    utimesSync(`${file}.gz`, future, future);
    const fresh = await get('/widgets/forecastql.js', { 'accept-encoding': 'gzip' });
    assert.equal(gunzipSync(fresh.bytes).toString(), marker);
  });

  test('paths that are not the bundle are left to the caller', async () => {
    assert.equal((await get('/widgets/other.js')).bytes.toString(), 'not mine');
    assert.equal((await get('/widgets/abc/forecastql.js')).bytes.toString(), 'not mine');
  });

  test('negotiateEncoding', () => {
    assert.equal(negotiateEncoding(undefined), 'identity');
    assert.equal(negotiateEncoding('gzip, br'), 'br');
    assert.equal(negotiateEncoding('br;q=0, gzip'), 'gzip');
    assert.equal(negotiateEncoding('*'), 'br');
    assert.equal(negotiateEncoding('identity'), 'identity');
  });
});
