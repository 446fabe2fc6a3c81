/**
 * A real ForecastQL server for the robustness tests, in a child process with its own environment
 * (limits, NODE_ENV), and a client that always sends an admin API key of the default tenant.
 */
import type { ChildProcess } from 'node:child_process';
import type { Knex } from 'knex';
import type { DatabaseConfig } from '../../../api/config/env.js';
import { createAdminKey } from '../../helpers/auth.js';
import { databaseUrl, spawnAnnounced } from '../../helpers/spawn-announced.js';

export interface RobustServer {
  readonly url: string;
  readonly child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

export { databaseUrl };

/** `Authorization: Bearer …` of a new admin key of the default tenant (created in `knex`). */
export async function adminAuthorization(knex: Knex, name = 'robustness'): Promise<string> {
  return (await createAdminKey(knex, 'default', name)).headers.authorization;
}

export async function spawnRobustServer(
  config: DatabaseConfig,
  env: Readonly<Record<string, string>> = {},
): Promise<RobustServer> {
  const spawned = await spawnAnnounced('test/robustness/support/serve.ts', ['--db', databaseUrl(config)], {
    NODE_ENV: 'test',
    ...env,
  });
  return { url: spawned.announced['url']!, child: spawned.child, stderr: spawned.stderr, stop: spawned.stop };
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
