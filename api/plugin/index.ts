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
import { GraphQLError } from 'graphql';
import type { Knex } from 'knex';
import { pino, type Logger } from 'pino';
import { Role } from '../app/scope.js';
import type { RunQueue } from '../app/ports.js';
import { createEmbedTokens, signingKey } from '../auth/embed-token.js';
import type { Principal } from '../auth/principal.js';
import { parseDatabaseUrl, type BackendPreference, type DatabaseConfig } from '../config/env.js';
import { createKnex } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import { createTenantsRepository } from '../db/tenants.repository.js';
import { DomainError, ErrorCode, InvalidConfigurationError, UnauthenticatedError } from '../errors/index.js';
import { withCodedErrors } from '../graphql/coded-errors.js';
import type { GraphQLContext } from '../graphql/context.js';
import { buildGraphQLSchema } from '../graphql/schema.js';
import { createRunEventBus } from '../training/events.js';
import { withRunSuccessChecks } from '../app/alerts/run-success.js';
import { TrainingRunner } from '../training/runner.js';
import { composeForecastQL, createDataPorts } from './core.js';

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

/** Tenants and dataset names resolved to ids, kept this many entries. */
const LOOKUPS_KEPT = 10_000;

/** A database config a worker thread can open again, from a URL or the host's knex instance. */
function databaseConfigOf(knex: Knex): DatabaseConfig | undefined {
  const config = (knex as unknown as { client?: { config?: Knex.Config } }).client?.config;
  const connection = config?.connection as
    | string
    | { connectionString?: string; filename?: string; host?: string; database?: string; user?: string }
    | undefined;
  const client = String(config?.client ?? '');
  if (client === 'pg' || client === 'postgres' || client === 'postgresql') {
    if (typeof connection === 'string') return { client: 'pg', connectionString: connection };
    if (connection?.connectionString) return { client: 'pg', connectionString: connection.connectionString };
    return undefined;
  }
  if (client === 'better-sqlite3' || client === 'sqlite3') {
    const filename = typeof connection === 'object' ? connection.filename : undefined;
    return filename && filename !== ':memory:' ? { client: 'sqlite', filename } : undefined;
  }
  return undefined;
}

const TRAINING_OFF: RunQueue = {
  submit: async () => {
    throw new DomainError(
      ErrorCode.BAD_USER_INPUT,
      'Training is off in this host (createForecastQL({ training: "off" })); train with `forecastql train` or run `forecastql worker`.',
    );
  },
  cancel: async () => undefined,
};

export async function createForecastQL<TRequest = unknown>(
  options: ForecastQLOptions<TRequest>,
): Promise<ForecastQL<TRequest>> {
  const ownKnex = typeof options.db === 'string';
  const database = typeof options.db === 'string' ? parseDatabaseUrl(options.db, 'db') : undefined;
  const knex = typeof options.db === 'string' ? createKnex(database!) : options.db;
  const logger = options.logger ?? pino({ level: 'warn' });
  let runner: TrainingRunner | undefined;
  try {
    if (options.migrate ?? true) await migrateLatest(knex);
    const stores = createDataPorts(knex, {
      alerting: { onError: (e, what) => logger.warn({ err: e }, what) },
    });
    const embedTokens = createEmbedTokens(signingKey(options.secret).key);
    // A run that succeeds is checked for alerts, as imports are.
    const bus = withRunSuccessChecks(createRunEventBus(), stores.alerting.arrivals);
    let queue: RunQueue = TRAINING_OFF;
    if ((options.training ?? 'embedded') === 'embedded') {
      const runnerDb = database ?? databaseConfigOf(knex);
      if (!runnerDb) {
        throw new InvalidConfigurationError(
          'db',
          'a knex instance',
          'Embedded training opens its own connection: give `db` as a URL (postgres://… or sqlite:PATH), a knex instance with a connection string or SQLite file, or training: "off".',
        );
      }
      runner = new TrainingRunner({
        knex,
        database: runnerDb,
        logger,
        bus,
        backend: options.backend ?? 'auto',
        frequencyOf: async (t, d) => (await stores.datasets.get(t, d))?.frequency,
        ...(options.pipelineModule ? { pipelineModule: options.pipelineModule } : {}),
      });
      queue = runner;
    }
    // The one composition of every GraphQL host (the standalone server's too): stores, use-cases, context.
    const { contextFor } = composeForecastQL(knex, {
      queue,
      bus,
      maxHorizon: options.maxHorizon ?? 365,
      logger,
      embedTokens,
      ports: stores,
    });
    // Coded errors whatever the host's error formatting (graphql/coded-errors.ts).
    const schema = withCodedErrors(await buildGraphQLSchema());
    const tenants = createTenantsRepository(knex);
    const tenantIds = new Map<string, Promise<number>>();
    const tenantOf = (key: string | number): Promise<number> => {
      const slug = String(key).trim().toLowerCase();
      let id = tenantIds.get(slug);
      if (!id) {
        if (tenantIds.size >= LOOKUPS_KEPT) tenantIds.clear();
        id = tenants.ensure(slug).then((r) => r.tenant.id);
        id.catch(() => tenantIds.delete(slug));
        tenantIds.set(slug, id);
      }
      return id;
    };
    const datasetIdsOf = async (tenantId: number, refs: ReadonlyArray<string | number>): Promise<number[]> => {
      const ids = new Set<number>();
      for (const ref of refs) {
        if (typeof ref === 'number' || /^[1-9]\d{0,14}$/.test(ref)) {
          ids.add(Number(ref));
          continue;
        }
        // A name: no dataset of that name (yet) scopes nothing.
        const found = await stores.datasets.getByName(tenantId, ref);
        if (found) ids.add(found.id);
      }
      return [...ids].toSorted((a, b) => a - b);
    };
    if (runner) await runner.start();
    stores.alerting.dispatcher.start();
    const started = runner;
    return {
      schema,
      async context(request) {
        const who = await options.principal(request);
        if (!who) {
          throw new GraphQLError('The host did not authenticate this request.', {
            extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } },
          });
        }
        if (who.role !== 'admin' && who.role !== 'reader') {
          throw new UnauthenticatedError(`principal() gave role "${String(who.role)}"; use "admin" or "reader".`);
        }
        const tenantId = await tenantOf(who.tenant);
        const principal: Principal = {
          tenantId,
          role: who.role === 'admin' ? Role.ADMIN : Role.EMBED,
          datasetIds: who.datasets === undefined ? null : await datasetIdsOf(tenantId, who.datasets),
          subject: `host:${String(who.tenant)}`,
        };
        return contextFor(principal);
      },
      async close() {
        await stores.alerting.dispatcher.stop();
        await started?.stop();
        if (ownKnex) await knex.destroy();
      },
    };
  } catch (e) {
    await runner?.stop();
    if (ownKnex) await knex.destroy();
    throw e;
  }
}
