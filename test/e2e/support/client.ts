/** A spawned server and clients over real sockets: HTTP for queries, graphql-ws for subscriptions. */
import type { ChildProcess } from 'node:child_process';
import { createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import type { DatabaseConfig } from '../../../api/config/env.js';
import { databaseUrl, spawnAnnounced } from '../../helpers/spawn-announced.js';

export interface SpawnedServer {
  readonly url: string;
  /** An admin API key of the `default` tenant; `post`, `ok` and `collectSubscription` send it. */
  readonly key: string;
  readonly child: ChildProcess;
  stderr(): string;
  /** Graceful stop (SIGTERM). */
  stop(): Promise<void>;
}

export { databaseUrl };

export async function spawnServer(
  config: DatabaseConfig,
  options: { pipeline?: string; demoDatasetId?: number } = {},
): Promise<SpawnedServer> {
  const spawned = await spawnAnnounced('test/e2e/support/serve.ts', [
    '--db',
    databaseUrl(config),
    ...(options.pipeline ? ['--pipeline', options.pipeline] : []),
    ...(options.demoDatasetId === undefined ? [] : ['--demo-dataset-id', String(options.demoDatasetId)]),
  ]);
  const url = spawned.announced['url']!;
  const key = spawned.announced['key']!;
  adminKeys.set(url, key);
  return { url, key, child: spawned.child, stderr: spawned.stderr, stop: spawned.stop };
}

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** The admin key of each spawned server, by URL: what `post`, `ok` and subscriptions send. */
const adminKeys = new Map<string, string>();

/** Makes `post`, `ok` and subscriptions to `url` send `key` (a server this module did not spawn). */
export function useAdminKey(url: string, key: string): void {
  adminKeys.set(url, key);
}

function authHeaders(url: string): Record<string, string> {
  const key = adminKeys.get(url);
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** POSTs an operation with explicit headers (another tenant's key, an embed token, none). */
export async function postAs<T = Record<string, unknown>>(
  url: string,
  headers: Readonly<Record<string, string>>,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<T> & { status: number }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { ...((await res.json()) as GraphQLResponse<T>), status: res.status };
}

/** POSTs an operation as the spawned server's admin key. */
export async function post<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<T>> {
  const { status: _status, ...body } = await postAs<T>(url, authHeaders(url), query, variables);
  return body;
}

export async function ok<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const r = await post<T>(url, query, variables);
  if (r.errors) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
  return r.data as T;
}

/** Subscribes over graphql-ws and collects every payload until the stream completes. */
export async function collectSubscription<T>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  timeoutMs = 120_000,
  connectionParams: Record<string, string> = authHeaders(url),
): Promise<T[]> {
  const client = createClient({
    url: url.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams,
  });
  const seen: T[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`subscription did not complete in ${timeoutMs} ms; got ${seen.length} updates`)),
        timeoutMs,
      );
      client.subscribe<T>(
        { query, variables },
        {
          next: (value) => {
            if (value.errors) reject(new Error(JSON.stringify(value.errors)));
            else seen.push(value.data as T);
          },
          error: (e) => {
            clearTimeout(timer);
            reject(e instanceof Error ? e : new Error(JSON.stringify(e)));
          },
          complete: () => {
            clearTimeout(timer);
            resolve();
          },
        },
      );
    });
  } finally {
    await client.dispose();
  }
  return seen;
}
