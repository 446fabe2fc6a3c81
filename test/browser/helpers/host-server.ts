/**
 * A shop admin's own web server for the embedding tests: another origin than the API (its own
 * port), serving pages registered by path and, under a prefix, the files of a built app (the Vue
 * and React hosts' `dist/`). It never proxies anything: the widgets reach the API cross-origin.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface HostServer {
  /** `http://127.0.0.1:<port>`: the origin the API allows in these tests. */
  readonly origin: string;
  /** The same server as `http://localhost:<port>`: another origin, not on the API's list. */
  readonly otherOrigin: string;
  /** Serves `html` at `path`. */
  page(path: string, html: string): void;
  /** Serves the files under `dir` at `/<prefix>/…` (`/<prefix>/` is its index.html). */
  directory(prefix: string, dir: string): void;
  close(): Promise<void>;
}

export async function startHostServer(): Promise<HostServer> {
  const pages = new Map<string, string>();
  const directories = new Map<string, string>();
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://host').pathname;
    if (path === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    const page = pages.get(path);
    if (page !== undefined) {
      response.writeHead(200, { 'content-type': TYPES['.html']! });
      response.end(page);
      return;
    }
    const prefix = [...directories.keys()].find((key) => path.startsWith(`/${key}/`));
    if (prefix === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end(`not found: ${path}`);
      return;
    }
    const dir = directories.get(prefix)!;
    const relative = normalize(path.slice(prefix.length + 2) || 'index.html');
    if (relative.startsWith('..')) {
      response.writeHead(403).end();
      return;
    }
    readFile(join(dir, relative)).then(
      (body) => {
        response.writeHead(200, { 'content-type': TYPES[extname(relative)] ?? 'application/octet-stream' });
        response.end(body);
      },
      () => {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end(`not found: ${path}`);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    otherOrigin: `http://localhost:${port}`,
    page: (path, html) => pages.set(path, html),
    directory: (prefix, dir) => directories.set(prefix, dir),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
