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
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../config/env.js';
import type { RunEventBus } from '../training/events.js';
import type { GraphQLContext } from './context.js';
import { createFormatError } from './format-error.js';
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
  /** Resolves the tenant of a request (auth arrives with its issue; until then, the default tenant). */
  readonly tenantOf: (headers: Readonly<Record<string, string | string[] | undefined>>) => Promise<number>;
}

export interface GraphQLApp {
  readonly schema: GraphQLSchema;
  readonly apollo: ApolloServer<GraphQLContext>;
  readonly services: Services;
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** A fresh context (new loaders) for one request or subscription. */
  context(headers?: Readonly<Record<string, string | string[] | undefined>>): Promise<GraphQLContext>;
  stop(): Promise<void>;
}

export async function createGraphQLApp(deps: GraphQLAppDeps): Promise<GraphQLApp> {
  const schema = await buildGraphQLSchema();
  const development = deps.config.nodeEnv === 'development';
  const formatError = createFormatError({ development, logger: deps.logger });
  const services = createServices({
    knex: deps.knex,
    datasets: deps.datasets,
    series: deps.series,
    importer: deps.importer,
    observations: deps.observations,
    queue: deps.queue,
    bus: deps.bus,
    maxHorizon: deps.config.maxHorizon,
  });
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: development,
    introspection: true,
    // `forecastql serve` owns SIGINT/SIGTERM and stops everything in order (server.ts close()).
    stopOnTerminationSignals: false,
    // The sandbox only in development; production serves no landing page.
    plugins: [
      // No HTTP cache hints are set, and the plugin would wrap every field resolver (a forecast
      // answer has hundreds of fields): off, for latency.
      ApolloServerPluginCacheControlDisabled(),
      development
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();
  return {
    schema,
    apollo,
    services,
    formatError,
    async context(headers = {}) {
      const tenantId = await deps.tenantOf(headers);
      return { tenantId, services, loaders: createLoaders(tenantId, services.stores), logger: deps.logger };
    },
    stop: () => apollo.stop(),
  };
}
