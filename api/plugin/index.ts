/**
 * The package API (`import { createForecastQL } from 'forecastql'`): ForecastQL as a plugin of a
 * host's own GraphQL server (ARCHITECTURE §10). The host decides who the caller is
 * (`principal(request)`); ForecastQL decides what that principal may read, through the same
 * application core and access scope as the standalone server.
 *
 * @example
 * const fq = await createForecastQL({
 *   db: 'postgres://forecastql@db/forecastql',
 *   principal: (req) => (req.user ? { tenant: req.user.shop, role: 'reader' } : null),
 * });
 * const server = new ApolloServer({ schema: fq.schema });
 * startStandaloneServer(server, { context: ({ req }) => fq.context(req) });
 */
// type-graphql's decorated classes read metadata through the Reflect shim: loaded before any of them.
// oxlint-disable-next-line import/no-unassigned-import
import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { BackendPreference } from '../config/env.js';
import type { GraphQLContext } from '../graphql/context.js';
import { createForecastQLHost } from './host.js';

/** Who a request acts for, as the host's own auth decided. */
export interface ForecastQLPrincipal {
  /** The host's tenant (shop) key: ForecastQL keeps one tenant per key (created on first use). */
  readonly tenant: string | number;
  /** `admin`: everything within the tenant; `reader`: read-only. */
  readonly role: 'admin' | 'reader';
  /** Datasets (ids or names) the principal may read; omitted: every dataset of its tenant. */
  readonly datasets?: ReadonlyArray<string | number> | undefined;
}

export interface ForecastQLOptions<TRequest = unknown> {
  /** A knex instance (the host's; not destroyed by `close()`) or a database URL (`postgres://…`, `sqlite:PATH`). */
  readonly db: Knex | string;
  /** The caller of a request, or null when the host did not authenticate it (UNAUTHENTICATED). */
  readonly principal: (
    request: TRequest,
  ) => ForecastQLPrincipal | null | undefined | Promise<ForecastQLPrincipal | null | undefined>;
  /** Brings the database schema up to date first (default true). */
  readonly migrate?: boolean;
  /**
   * Where training runs: `embedded` (default: a worker thread of this process, as `forecastql
   * serve`) or `off` (startTrainingRun answers a coded error; train with the CLI or `forecastql worker`).
   */
  readonly training?: 'embedded' | 'off';
  /** TensorFlow.js backend of embedded training (default `auto`). */
  readonly backend?: BackendPreference;
  /** Longest horizon a run may ask for (default 365). */
  readonly maxHorizon?: number;
  /** Signs tokens minted by `createEmbedToken` (32+ characters); default: a per-process secret. */
  readonly secret?: string;
  /** Logs (default: pino at `warn`). */
  readonly logger?: Logger;
  /** Test hook: a stand-in for the engine's pipeline module (see RunJob.pipelineModule). */
  readonly pipelineModule?: string;
}

/** What a host mounts: an executable schema, a per-request context factory, and a way to stop. */
export interface ForecastQL<TRequest = unknown> {
  /** The ForecastQL schema (Query, Mutation, Subscription); merge it with the host's types or serve it as is. */
  readonly schema: GraphQLSchema;
  /**
   * The context ForecastQL's resolvers need, for one request: pass it as the server's context (or
   * spread it into the host's own). Throws a GraphQLError UNAUTHENTICATED (HTTP 401) when
   * `principal(request)` gives null.
   */
  context(request: TRequest): Promise<ForecastQLContext>;
  /** Stops training and closes the database connection when ForecastQL opened it. */
  close(): Promise<void>;
}

/** The per-request context of ForecastQL's resolvers (opaque to hosts). */
export type ForecastQLContext = GraphQLContext;

export async function createForecastQL<TRequest = unknown>(
  options: ForecastQLOptions<TRequest>,
): Promise<ForecastQL<TRequest>> {
  // The same host code as the standalone server's (host.ts), with only the public options.
  const { schema, context, close } = await createForecastQLHost(options);
  return { schema, context, close };
}
