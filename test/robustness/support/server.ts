/**
 * A real ForecastQL server for the robustness tests, in a child process with its own environment
 * (limits, NODE_ENV), and a client that always sends an admin API key of the default tenant.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import type { DatabaseConfig } from '../../../api/config/env.js';
import { createAdminKey } from '../../helpers/auth.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

export interface RobustServer {
  readonly url: string;
  readonly child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

export function databaseUrl(config: DatabaseConfig): string {
  return config.client === 'pg' ? config.connectionString : config.filename;
}

/** `Authorization: Bearer …` of a new admin key of the default tenant (created in `knex`). */
export async function adminAuthorization(knex: Knex, name = 'robustness'): Promise<string> {
  return (await createAdminKey(knex, 'default', name)).headers.authorization;
}

export async function spawnRobustServer(
  config: DatabaseConfig,
  env: Readonly<Record<string, string>> = {},
): Promise<RobustServer> {
  const { NODE_TEST_CONTEXT: _ignored, ...base } = process.env;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/robustness/support/serve.ts', '--db', databaseUrl(config)],
    {
      cwd: root,
      env: {
        ...base,
        TSX_TSCONFIG_PATH: 'api/tsconfig.json',
        LOG_LEVEL: 'warn',
        FORECASTQL_BACKEND: 'cpu',
        NODE_ENV: 'test',
        ...env,
      },
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
        const announced = JSON.parse(line) as { url: string };
        clearTimeout(timer);
        resolve(announced.url);
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

export interface GqlReply<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly data?: T | null;
  readonly errors?: ReadonlyArray<{ message: string; extensions?: { code?: string; stacktrace?: unknown } }>;
}

/** POSTs a JSON body (an operation, or anything else) to /graphql. */
export async function postJson<T = Record<string, unknown>>(
  url: string,
  authorization: string,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): Promise<GqlReply<T>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Omit<GqlReply<T>, 'status' | 'headers'>;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    parsed = { errors: [{ message: `not JSON (HTTP ${res.status}): ${text.slice(0, 200)}` }] };
  }
  return { status: res.status, headers: res.headers, ...parsed };
}

export function gql<T = Record<string, unknown>>(
  url: string,
  authorization: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GqlReply<T>> {
  return postJson<T>(url, authorization, { query, variables });
}

/** Like `gql`, but throws on errors and returns the data. */
export async function gqlOk<T = Record<string, unknown>>(
  url: string,
  authorization: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const r = await gql<T>(url, authorization, query, variables);
  if (r.errors || r.status !== 200) throw new Error(`HTTP ${r.status}: ${JSON.stringify(r.errors)}`);
  return r.data as T;
}
