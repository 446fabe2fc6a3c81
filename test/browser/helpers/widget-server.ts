/**
 * The HTTP side of the browser tests: serves the widget bundle at `/widgets/forecastql.js` (and its
 * chunks at `/widgets/chunks/…`), a blank
 * page at `/`, the demo page at `/demo`, and GraphQL at `/graphql`.
 *
 * GraphQL comes from the fixture mock (`test/browser/fixtures/mock-graphql.ts`), or, given a
 * {@link RealApi} (the real server of `test/helpers/real-server.ts`), is proxied to it: the page and
 * the API then share one origin, as on `forecastql serve`, so no CORS is involved. When
 * `FQ_BROWSER_API_URL` is set (a running `forecastql serve`), the fixture suites proxy there too,
 * with `FQ_BROWSER_TOKEN` and `FQ_BROWSER_DATASET` giving the embed token and dataset id.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { FIXTURE_DATASET_ID } from '../fixtures/fixture-data.js';
import { createMockGraphQL, type MockGraphQLOptions } from '../fixtures/mock-graphql.js';

export const REPO_ROOT = new URL('../../../', import.meta.url).pathname;
export const BUNDLE_PATH = join(REPO_ROOT, 'dist/widgets/forecastql.js');

export interface WidgetTestServer {
  readonly baseUrl: string;
  /** GraphQL endpoint the widgets are pointed at. */
  readonly endpoint: string;
  /** A token the API accepts. */
  readonly token: string;
  readonly datasetId: string;
  /** Operation names received so far (from the request body, mock or proxied). */
  readonly operations: string[];
  /** Swaps the mock's behaviour (mock only). */
  configure(options: MockGraphQLOptions): void;
  close(): Promise<void>;
}

const BLANK_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ForecastQL widget test</title>
<script type="module" src="/widgets/forecastql.js"></script>
<style>body{font-family:system-ui,sans-serif;margin:16px;max-width:1100px}</style></head>
<body><main id="root"></main></body></html>`;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A real GraphQL API to proxy `/graphql` to. */
export interface RealApi {
  readonly graphqlUrl: string;
  readonly token: string;
  readonly datasetId: string;
}

/** Starts the server on a free port; with `real`, `/graphql` is proxied to that API. */
export async function startWidgetServer(initial: MockGraphQLOptions = {}, real?: RealApi): Promise<WidgetTestServer> {
  const apiUrl = real?.graphqlUrl ?? process.env['FQ_BROWSER_API_URL'];
  const token = real?.token ?? (apiUrl ? (process.env['FQ_BROWSER_TOKEN'] ?? '') : 'test-embed-token');
  const datasetId =
    real?.datasetId ?? (apiUrl ? (process.env['FQ_BROWSER_DATASET'] ?? FIXTURE_DATASET_ID) : FIXTURE_DATASET_ID);
  const operations: string[] = [];
  let handle = createMockGraphQL({ validToken: token, ...initial, log: operations });
  const bundle = await readFile(BUNDLE_PATH);
  const chunks = new Map<string, Buffer>();

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const chunk = /^\/widgets\/chunks\/([\w-][\w.-]*\.js)$/.exec(url.pathname)?.[1];
    if (url.pathname === '/widgets/forecastql.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      response.end(bundle);
    } else if (chunk) {
      // The entry's lazily loaded chunks (read once; they are named by their content).
      const code = chunks.get(chunk) ?? (await readFile(join(REPO_ROOT, 'dist/widgets/chunks', chunk)));
      chunks.set(chunk, code);
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      response.end(code);
    } else if (url.pathname === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(BLANK_PAGE);
    } else if (url.pathname === '/demo') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(await readFile(join(REPO_ROOT, 'widgets/demo/index.html')));
    } else if (url.pathname === '/graphql' && request.method === 'POST') {
      const text = await readBody(request);
      if (apiUrl) {
        const name = /^\s*(?:query|mutation|subscription)\s+(\w+)/m.exec(
          String((JSON.parse(text) as { query?: unknown }).query ?? ''),
        )?.[1];
        if (name) operations.push(name);
        const upstream = await fetch(apiUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: String(request.headers['authorization'] ?? ''),
          },
          body: text,
        });
        response.writeHead(upstream.status, { 'content-type': 'application/json' });
        response.end(await upstream.text());
        return;
      }
      const body = JSON.parse(text) as { query?: string; variables?: Record<string, unknown> };
      const answer = handle({
        query: body.query ?? '',
        variables: body.variables ?? {},
        authorization: request.headers['authorization'] ?? null,
      });
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body));
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
    }
  };

  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    });
  });
  // Subscriptions (graphql-ws) of a proxied API: the WebSocket upgrade is piped through as raw TCP.
  const tunnels = new Set<Socket>();
  if (apiUrl) {
    server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
      const target = new URL(apiUrl);
      const upstream = connect(Number(target.port), target.hostname, () => {
        const lines = [`${request.method} ${request.url} HTTP/1.1`];
        for (let index = 0; index < request.rawHeaders.length; index += 2)
          lines.push(`${request.rawHeaders[index]}: ${request.rawHeaders[index + 1]}`);
        upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
        if (head.length > 0) upstream.write(head);
        socket.pipe(upstream).pipe(socket);
      });
      for (const end of [socket, upstream]) {
        tunnels.add(end);
        end.on('error', () => {
          socket.destroy();
          upstream.destroy();
        });
        end.on('close', () => {
          tunnels.delete(end);
          socket.destroy();
          upstream.destroy();
        });
      }
    });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    endpoint: `${baseUrl}/graphql`,
    token,
    datasetId,
    operations,
    configure(options) {
      handle = createMockGraphQL({ validToken: token, ...options, log: operations });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        for (const socket of tunnels) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
