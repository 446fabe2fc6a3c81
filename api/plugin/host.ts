/**
 * What every host of ForecastQL runs: `createForecastQL` (the package API, index.ts), the Federation
 * subgraph (subgraph.ts, on createForecastQL) and the standalone server (graphql-app.ts, behind
 * `forecastql serve`) all build their schema, context and lifetime here (ARCHITECTURE §10). The
 * package API passes its public options; the standalone server adds what only it has:
 *
 * - its own authentication as the principal implementation: `authenticate(request)` turns the
 *   request's `Authorization: Bearer` (an admin API key or an embed token, api/auth) into a
 *   Principal with ids already resolved, where a plugin host's `principal(request)` names a tenant
 *   key and dataset names or ids that this module resolves;
 * - its run transport (the embedded runner, the pg-boss queue or the cluster's primary) and event
 *   bus (already checking succeeded runs for alerts), instead of `training: 'embedded' | 'off'`;
 * - the stores it built already (the source scheduler and the runner read them too), its embed
 *   token signer, read budget and revocations;
 * - its own error formatting (format-error.ts) instead of coded resolvers, and its executor:
 *   graphql-jit (graphql/jit-executor.ts) runs `schema` inside its Apollo Server.
 * Either way a request reaches the resolvers only as `contextFor(principal)`: one access scope,
 * one core, the same use-cases.
 */
import type { GraphQLSchema } from 'graphql';
import { GraphQLError } from 'graphql';
import type { Knex } from 'knex';
import { pino } from 'pino';
import { withRunSuccessChecks } from '../app/alerts/run-success.js';
import type { RunEventBus, RunQueue } from '../app/ports.js';
import { Role } from '../app/scope.js';
import type { Core } from '../app/services.js';
import { createEmbedTokens, signingKey, type EmbedRevocations, type EmbedTokens } from '../auth/embed-token.js';
import type { Principal } from '../auth/principal.js';
import { parseDatabaseUrl, type DatabaseConfig } from '../config/env.js';
import { createKnex } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import { createTenantsRepository } from '../db/tenants.repository.js';
import { DomainError, ErrorCode, InvalidConfigurationError, UnauthenticatedError } from '../errors/index.js';
import { withCodedErrors } from '../graphql/coded-errors.js';
import type { GraphQLContext } from '../graphql/context.js';
import type { ReadBudget } from '../graphql/limits.js';
import { buildGraphQLSchema } from '../graphql/schema.js';
import { createRunEventBus } from '../training/events.js';
import { TrainingRunner } from '../training/runner.js';
import { composeForecastQL, createDataPorts, type DataPorts } from './core.js';
import type { ForecastQL, ForecastQLOptions } from './index.js';

/** The standalone server's additions to the package API's options (see the module comment). */
export interface HostOptions<TRequest> {
  /**
   * The host's own authentication, already giving a Principal (ids resolved); replaces
   * `principal`. It throws (a GraphQLError UNAUTHENTICATED) when the request carries no valid
   * credential.
   */
  readonly authenticate?: (request: TRequest) => Promise<Principal>;
  /** The run transport and its event bus; replaces `training`. */
  readonly transport?: { readonly queue: RunQueue; readonly bus: RunEventBus };
  /** The stores, when the host built them (it then also runs their alert dispatcher). */
  readonly ports?: DataPorts;
  /** Signs embed tokens; replaces `secret`. */
  readonly embedTokens?: EmbedTokens;
  readonly readBudget?: ReadBudget;
  readonly revocations?: EmbedRevocations;
  /** Resolvers answer DomainErrors as coded GraphQLErrors (default true; false: the host formats them). */
  readonly codedErrors?: boolean;
}

/** A host's ForecastQL: the package API's object, plus the pieces the standalone server also serves. */
export interface ForecastQLHost<TRequest> extends ForecastQL<TRequest> {
  /** The use-cases; `core.servicesFor(scope)` for one access scope. */
  readonly core: Core;
  /** A fresh context (new loaders) for a principal already authenticated (graphql-ws does it on connect). */
  readonly contextFor: (principal: Principal) => GraphQLContext;
  readonly embedTokens: EmbedTokens;
}

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

export async function createForecastQLHost<TRequest = unknown>(
  options: Omit<ForecastQLOptions<TRequest>, 'principal'> &
    Partial<Pick<ForecastQLOptions<TRequest>, 'principal'>> &
    HostOptions<TRequest>,
): Promise<ForecastQLHost<TRequest>> {
  const ownKnex = typeof options.db === 'string';
  const database = typeof options.db === 'string' ? parseDatabaseUrl(options.db, 'db') : undefined;
  const knex = typeof options.db === 'string' ? createKnex(database!) : options.db;
  const logger = options.logger ?? pino({ level: 'warn' });
  let runner: TrainingRunner | undefined;
  try {
    if (!options.authenticate && !options.principal) {
      throw new InvalidConfigurationError(
        'principal',
        String(options.principal),
        'give `principal: (request) => ({ tenant, role, datasets? }) | null`: the host decides who a request acts for.',
      );
    }
    if (options.migrate ?? true) await migrateLatest(knex);
    const hostPorts = options.ports !== undefined;
    const stores =
      options.ports ??
      createDataPorts(knex, {
        alerting: { onError: (e, what) => logger.warn({ err: e }, what) },
      });
    const embedTokens = options.embedTokens ?? createEmbedTokens(signingKey(options.secret).key);
    let queue: RunQueue = TRAINING_OFF;
    let bus: RunEventBus;
    if (options.transport) {
      ({ queue, bus } = options.transport);
    } else {
      // A run that succeeds is checked for alerts, as imports are.
      bus = withRunSuccessChecks(createRunEventBus(), stores.alerting.arrivals);
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
    }
    // The one composition of every GraphQL host: stores, use-cases, context.
    const { core, contextFor } = composeForecastQL(knex, {
      queue,
      bus,
      maxHorizon: options.maxHorizon ?? 365,
      logger,
      embedTokens,
      readBudget: options.readBudget,
      revocations: options.revocations,
      ports: stores,
    });
    const built = await buildGraphQLSchema();
    // Coded errors whatever the host's error formatting (graphql/coded-errors.ts).
    const schema: GraphQLSchema = (options.codedErrors ?? true) ? withCodedErrors(built) : built;
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
    /** The principal implementation: the host's own authentication, or the plugin's `principal`. */
    const principalOf = async (request: TRequest): Promise<Principal> => {
      if (options.authenticate) return options.authenticate(request);
      const who = await options.principal!(request);
      if (!who) {
        throw new GraphQLError('The host did not authenticate this request.', {
          extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } },
        });
      }
      if (who.role !== 'admin' && who.role !== 'reader') {
        throw new UnauthenticatedError(`principal() gave role "${String(who.role)}"; use "admin" or "reader".`);
      }
      const tenantId = await tenantOf(who.tenant);
      return {
        tenantId,
        role: who.role === 'admin' ? Role.ADMIN : Role.EMBED,
        datasetIds: who.datasets === undefined ? null : await datasetIdsOf(tenantId, who.datasets),
        subject: `host:${String(who.tenant)}`,
      };
    };
    if (runner) await runner.start();
    if (!hostPorts) stores.alerting.dispatcher.start();
    const started = runner;
    return {
      schema,
      core,
      contextFor,
      embedTokens,
      async context(request) {
        return contextFor(await principalOf(request));
      },
      async close() {
        if (!hostPorts) await stores.alerting.dispatcher.stop();
        await started?.stop();
        // A run's success starts an alert check without waiting for it: let it finish reading.
        await stores.alerting.arrivals.idle();
        if (ownKnex) await knex.destroy();
      },
    };
  } catch (e) {
    await runner?.stop();
    if (ownKnex) await knex.destroy();
    throw e;
  }
}
