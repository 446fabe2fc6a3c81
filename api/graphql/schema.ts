/** Builds the executable schema from the resolvers (type-graphql; arguments are checked by the services). */
// type-graphql reads decorator metadata through the Reflect shim; importing it is its side effect.
// oxlint-disable-next-line import/no-unassigned-import
import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { createPubSub } from '@graphql-yoga/subscription';
import { buildSchema } from 'type-graphql';
import { AlertResolver } from './alert/alert.resolver.js';
import { authChecker } from './auth-checker.js';
import { EmbedTokenResolver } from './embed-token/embed-token.resolver.js';
import { CalendarResolver } from './calendar/calendar.resolver.js';
import { DatasetResolver } from './dataset/dataset.resolver.js';
import { DataSourceResolver } from './source/source.resolver.js';
import { ForecastResolver } from './forecast/forecast.resolver.js';
import { HeadlineResolver } from './insight/headline.resolver.js';
import { ExplanationResolver } from './insight/explanation.resolver.js';
import { PriceHistoryResolver } from './insight/price-history.resolver.js';
import { InsightResolver } from './insight/insight.resolver.js';
import { ScenarioResolver } from './scenario/scenario.resolver.js';
import { SeriesResolver } from './series/series.resolver.js';
import { ForecastTableStockResolver, StockResolver } from './stock/stock.resolver.js';
import { TrainingRunResolver } from './training/training-run.resolver.js';

export const RESOLVERS = [
  DatasetResolver,
  DataSourceResolver,
  SeriesResolver,
  TrainingRunResolver,
  ForecastResolver,
  InsightResolver,
  HeadlineResolver,
  PriceHistoryResolver,
  ExplanationResolver,
  StockResolver,
  ForecastTableStockResolver,
  ScenarioResolver,
  CalendarResolver,
  EmbedTokenResolver,
  AlertResolver,
] as const;

let built: Promise<GraphQLSchema> | undefined;

/** The schema; built once per process (type-graphql metadata is global). */
export function buildGraphQLSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: RESOLVERS,
    // No argument class uses class-validator decorators, and with validation on type-graphql
    // `await import('class-validator')`s for every argument of every call (a dynamic import per
    // request, ~0.5 ms under tsx): off. Checks live in the services, as typed errors.
    validate: false,
    // `@Authorized(Role.ADMIN)` on every mutation: embed tokens are read-only (api/auth).
    authChecker,
    authMode: 'error',
    emitSchemaFile: false,
    // type-graphql insists on a PubSub once a subscription exists; ours use `subscribe` with the
    // run event bus of each server (training/events.ts), so this one stays unused.
    pubSub: createPubSub(),
  });
  return built;
}

/** The SDL committed as schema/schema.graphql: sorted, so diffs show real changes only. */
export async function printSortedSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildGraphQLSchema()))}\n`;
}
