/**
 * The standalone server's GraphQL application, a host of the package API (host.ts, the code
 * `createForecastQL` runs): the schema executed by graphql-jit in Apollo Server, the application
 * core over the database, API-key and embed-token auth as its principal implementation, and the
 * per-request context. The HTTP and WebSocket transports live in `api/server.ts`; tests drive this in-process with
 * `apollo.executeOperation(…, { contextValue: await app.context() })`.
 */
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { createAuthenticator, type Authenticator, type Headers } from '../auth/authenticator.js';
import { createEmbedTokens, signingKey, type EmbedTokens } from '../auth/embed-token.js';
import type { Principal } from '../auth/principal.js';
import type { Config } from '../config/env.js';
import { createApiKeysRepository } from '../db/api-keys.repository.js';
import { createEmbedRevocationsRepository } from '../db/embed-revocations.repository.js';
import { DomainError } from '../errors/index.js';
import type { GraphQLContext } from '../graphql/context.js';
import { createFormatError } from '../graphql/format-error.js';
import { createGraphQLLimits, createReadBudget, type GraphQLLimits } from '../graphql/limits.js';
import { jitGateway } from '../graphql/jit-executor.js';
import type { RunEventBus, RunQueue } from '../app/ports.js';
import type { Core } from '../app/services.js';
import type { DataPorts } from './core.js';
import { createForecastQLHost } from './host.js';

/** The stores over the database (`createDataPorts`), plus the host's config and run transport. */
export interface GraphQLAppDeps extends DataPorts {
  readonly config: Config;
  readonly knex: Knex;
  readonly logger: Logger;
  readonly bus: RunEventBus;
  readonly queue: RunQueue;
}

export interface GraphQLApp {
  readonly schema: GraphQLSchema;
  readonly apollo: ApolloServer<GraphQLContext>;
  /** The use-cases; `core.servicesFor(scope)` for one access scope. */
  readonly core: Core;
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Depth, cost, alias, directive and token limits (also applied to graphql-ws by server.ts). */
  readonly limits: GraphQLLimits;
  /** Resolves `Authorization: Bearer` (admin API key or embed token); UNAUTHENTICATED otherwise. */
  readonly authenticator: Authenticator;
  /** Signs embed tokens with FORECASTQL_SECRET (or a per-process secret when it is unset). */
  readonly embedTokens: EmbedTokens;
  /**
   * A fresh context (new loaders) for one request: authenticates the headers first, and throws a
   * GraphQLError UNAUTHENTICATED (HTTP 401) when they carry no valid credential.
   */
  context(headers?: Headers): Promise<GraphQLContext>;
  /** A fresh context for an already authenticated principal (graphql-ws authenticates on connect). */
  contextFor(principal: Principal): GraphQLContext;
  stop(): Promise<void>;
}

export async function createGraphQLApp(deps: GraphQLAppDeps): Promise<GraphQLApp> {
  const development = deps.config.nodeEnv === 'development';
  const production = deps.config.nodeEnv === 'production';
  const formatError = createFormatError({ development, logger: deps.logger });
  const limits = createGraphQLLimits(deps.config.limits, { production });
  const { key, ephemeral } = signingKey(deps.config.secret);
  if (ephemeral) {
    deps.logger.warn(
      'FORECASTQL_SECRET is not set: embed tokens are signed with a per-process secret and stop working when the server restarts. Set FORECASTQL_SECRET (32+ characters) to keep them.',
    );
  }
  const embedTokens = createEmbedTokens(key);
  const revocations = createEmbedRevocationsRepository(deps.knex);
  const readBudget = createReadBudget(deps.config.limits.readBudget, deps.config.limits.rateWindowSeconds);
  const authenticator = createAuthenticator({ apiKeys: createApiKeysRepository(deps.knex), embedTokens, revocations });
  // A host of the package API, like any other (plugin/host.ts, which createForecastQL runs too): its
  // principal implementation is this server's own auth (admin API keys and embed tokens), its
  // executor graphql-jit, and it brings its run transport, stores, limits and error formatting.
  const fq = await createForecastQLHost<Headers>({
    db: deps.knex,
    migrate: false, // `forecastql serve` migrates before it starts
    authenticate: async (headers) => {
      try {
        return await authenticator.authenticate(headers);
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        // A GraphQLError with an HTTP status: Apollo answers 401 with this code and message.
        throw new GraphQLError(e.message, { extensions: { code: e.code, http: { status: 401 } } });
      }
    },
    transport: { queue: deps.queue, bus: deps.bus },
    ports: deps,
    embedTokens,
    readBudget,
    revocations,
    maxHorizon: deps.config.maxHorizon,
    logger: deps.logger,
    codedErrors: false, // formatError below codes them
  });
  const { schema, core, contextFor } = fq;
  const apollo = new ApolloServer<GraphQLContext>({
    // Our schema, executed by graphql-jit (jit-executor.ts); Apollo still parses and validates.
    gateway: jitGateway(schema),
    formatError,
    includeStacktraceInErrorResponses: development,
    // Production hides the schema (and armor masks field suggestions there); elsewhere tools need it.
    introspection: !production,
    validationRules: [...limits.validationRules],
    parseOptions: limits.parseOptions,
    // `forecastql serve` owns SIGINT/SIGTERM and stops everything in order (server.ts close()).
    stopOnTerminationSignals: false,
    // The sandbox only in development; production serves no landing page.
    plugins: [
      // No HTTP cache hints are set, and the plugin would wrap every field resolver (a forecast
      // answer has hundreds of fields): off, for latency.
      ApolloServerPluginCacheControlDisabled(),
      ...limits.plugins,
      development
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();
  return {
    schema,
    apollo,
    core,
    formatError,
    limits,
    authenticator,
    embedTokens,
    context: (headers = {}) => fq.context(headers),
    contextFor,
    async stop() {
      await apollo.stop();
      await fq.close();
    },
  };
}
