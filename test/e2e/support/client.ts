/** A spawned server and clients over real sockets: HTTP for queries, graphql-ws for subscriptions. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import type { DatabaseConfig } from '../../../api/config/env.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

export interface SpawnedServer {
  readonly url: string;
  readonly child: ChildProcess;
  stderr(): string;
  /** Graceful stop (SIGTERM). */
  stop(): Promise<void>;
}

export function databaseUrl(config: DatabaseConfig): string {
  return config.client === 'pg' ? config.connectionString : config.filename;
}

export async function spawnServer(
  config: DatabaseConfig,
  options: { pipeline?: string; demoDatasetId?: number } = {},
): Promise<SpawnedServer> {
  const { NODE_TEST_CONTEXT: _ignored, ...env } = process.env;
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/e2e/support/serve.ts',
      '--db',
      databaseUrl(config),
      ...(options.pipeline ? ['--pipeline', options.pipeline] : []),
      ...(options.demoDatasetId === undefined ? [] : ['--demo-dataset-id', String(options.demoDatasetId)]),
    ],
    {
      cwd: root,
      env: { ...env, TSX_TSCONFIG_PATH: 'api/tsconfig.json', LOG_LEVEL: 'warn', FORECASTQL_BACKEND: 'cpu' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${err}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before it started:\n${err}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const { url: announced } = JSON.parse(line) as { url: string };
        clearTimeout(timer);
        resolve(announced);
      } catch {
        // not the start-up line
      }
    });
  });
  return {
    url,
    child,
    stderr: () => err,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export async function post<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<T>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLResponse<T>;
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
): Promise<T[]> {
  const client = createClient({
    url: url.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    retryAttempts: 0,
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
