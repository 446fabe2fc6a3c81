/**
 * The GraphQL application: schema, Apollo Server, services, and the per-request context. The HTTP
 * and WebSocket transports live in `api/server.ts`; tests drive this in-process with
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
import type { RunEventBus } from '../training/events.js';
import type { GraphQLContext } from './context.js';
import { createFormatError } from './format-error.js';
import { createGraphQLLimits, createReadBudget, type GraphQLLimits } from './limits.js';
import { jitGateway } from './jit-executor.js';
import { createLoaders } from './loaders.js';
import type { PromotionSource } from './calendar/calendar.service.js';
import type { CsvImporter, DatasetStore, SeriesStore } from './ports.js';
import { buildGraphQLSchema } from './schema.js';
import { createServices, type Services } from './services.js';
import type { RunQueue } from './training/training-run.service.js';

export interface GraphQLAppDeps {
  readonly config: Config;
  readonly knex: Knex;
  readonly logger: Logger;
  readonly bus: RunEventBus;
  readonly queue: RunQueue;
  readonly datasets: DatasetStore;
  readonly series: SeriesStore;
  readonly importer: CsvImporter;
  readonly observations: PromotionSource;
}

export interface GraphQLApp {
  readonly schema: GraphQLSchema;
  readonly apollo: ApolloServer<GraphQLContext>;
  readonly services: Services;
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
  const schema = await buildGraphQLSchema();
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
  const serviceDeps = {
    knex: deps.knex,
    datasets: deps.datasets,
    series: deps.series,
    importer: deps.importer,
    observations: deps.observations,
    queue: deps.queue,
    bus: deps.bus,
    maxHorizon: deps.config.maxHorizon,
  };
  const services = createServices(serviceDeps);
  // Embed tokens read through services filtered to their datasets; one set per scope, reused.
  const scoped = new Map<string, Services>();
  const servicesFor = (principal: Principal): Services => {
    if (principal.datasetIds === null) return services;
    const scopeKey = `${principal.tenantId}:${principal.datasetIds.join(',')}`;
    let found = scoped.get(scopeKey);
    if (!found) {
      if (scoped.size >= 1000) scoped.delete(scoped.keys().next().value!);
      found = createServices({ ...serviceDeps, scope: new Set(principal.datasetIds) });
      scoped.set(scopeKey, found);
    }
    return found;
  };
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
  function contextFor(principal: Principal): GraphQLContext {
    const scopedServices = servicesFor(principal);
    return {
      principal,
      tenantId: principal.tenantId,
      services: scopedServices,
      loaders: createLoaders(principal.tenantId, scopedServices.stores),
      logger: deps.logger,
      embedTokens,
      revocations,
      readBudget,
    };
  }
  return {
    schema,
    apollo,
    services,
    formatError,
    limits,
    authenticator,
    embedTokens,
    async context(headers = {}) {
      let principal: Principal;
      try {
        principal = await authenticator.authenticate(headers);
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        // A GraphQLError with an HTTP status: Apollo answers 401 with this code and message.
        throw new GraphQLError(e.message, { extensions: { code: e.code, http: { status: 401 } } });
      }
      return contextFor(principal);
    },
    contextFor,
    stop: () => apollo.stop(),
  };
}
