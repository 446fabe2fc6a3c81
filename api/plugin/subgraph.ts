/**
 * `import { createForecastQLSubgraph } from 'forecastql/subgraph'`: ForecastQL as an Apollo
 * Federation 2 subgraph (ARCHITECTURE §10). The schema is ForecastQL's own (the same types as
 * `createForecastQL`, without Subscription, which a gateway does not route) plus one entity, by
 * default `Product @key(fields: "sku")`, that carries `salesForecast(datasetId, quantiles)`: a
 * supergraph joins forecasts onto its own product type. Reads go through the same scoped
 * use-cases as every other door, so a federated read never leaves the caller's tenant or datasets.
 *
 * @example
 * const fq = await createForecastQLSubgraph({ db, principal, entity: { type: 'Product', key: 'sku' }, dataset: 'shop' });
 * const server = new ApolloServer({ schema: fq.schema });
 */
// type-graphql's decorated classes read metadata through the Reflect shim: loaded before any of them.
// oxlint-disable-next-line import/no-unassigned-import
import 'reflect-metadata';
import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { getResolversFromSchema } from '@graphql-tools/utils';
import { GraphQLError, GraphQLSchema, parse, printSchema } from 'graphql';
import type { DatasetRecord } from '../app/ports.js';
import { ErrorCode, InvalidConfigurationError, NotFoundError, UserInputError } from '../errors/index.js';
import { codedErrors } from '../graphql/coded-errors.js';
import type { GraphQLContext } from '../graphql/context.js';
import { toForecastType } from '../graphql/forecast/forecast.resolver.js';
import { createForecastQL, type ForecastQL, type ForecastQLContext, type ForecastQLOptions } from './index.js';

export interface ForecastQLSubgraphOptions<TRequest = unknown> extends ForecastQLOptions<TRequest> {
  /**
   * The host's entity that forecasts are joined onto: its type name and key field (default
   * `{ type: 'Product', key: 'sku' }`). The key's value is the series id of the sales history
   * (`series_id` of the imported CSV). `keyType` must match the host's (default `String!`).
   */
  readonly entity?: { readonly type?: string; readonly key?: string; readonly keyType?: 'String!' | 'ID!' };
  /** The dataset `salesForecast` reads when no `datasetId` is given: a name or an id. */
  readonly dataset?: string | number;
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** A context whose every field throws `error` (UNAUTHENTICATED) when a resolver reads it. */
function unauthenticatedContext(error: GraphQLError): ForecastQLContext {
  const refuse = {
    get: () => {
      throw error;
    },
    enumerable: false,
  };
  return Object.defineProperties(
    {},
    {
      principal: refuse,
      tenantId: refuse,
      services: refuse,
      loaders: refuse,
      logger: refuse,
      embedTokens: refuse,
    },
  ) as ForecastQLContext;
}

/** The SDL the subgraph adds to ForecastQL's schema. */
export function entitySdl(type: string, key: string, keyType: string): string {
  return `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

"""The host's ${type}, keyed by \`${key}\` (the series id of its sales history), with its forecast."""
type ${type} @key(fields: "${key}") {
  ${key}: ${keyType}
  """Actuals and quantile forecasts of this ${type}'s series in a dataset (default: the subgraph's). Null when the dataset has no succeeded run or no sales history for it."""
  salesForecast(datasetId: ID, quantiles: [Float!]): Forecast
}
`;
}

/** ForecastQL's schema without the subscription root (no gateway routes subscriptions). */
function withoutSubscriptions(schema: GraphQLSchema): GraphQLSchema {
  return new GraphQLSchema({ ...schema.toConfig(), subscription: null });
}

/**
 * The subgraph's SDL, as `buildSubgraphSchema` sees it (no resolvers): what
 * `npm run emit:schema` writes to schema/subgraph.graphql for the default entity.
 */
export function printForecastQLSubgraphSdl(
  schema: GraphQLSchema,
  type = 'Product',
  key = 'sku',
  keyType = 'String!',
): string {
  return printSubgraphSchema(
    buildSubgraphSchema([
      { typeDefs: parse(printSchema(withoutSubscriptions(schema))) },
      { typeDefs: parse(entitySdl(type, key, keyType)) },
    ]),
  );
}

export async function createForecastQLSubgraph<TRequest = unknown>(
  options: ForecastQLSubgraphOptions<TRequest>,
): Promise<ForecastQL<TRequest>> {
  const type = options.entity?.type ?? 'Product';
  const key = options.entity?.key ?? 'sku';
  const keyType = options.entity?.keyType ?? 'String!';
  for (const [name, value] of [
    ['entity.type', type],
    ['entity.key', key],
  ] as const) {
    if (!NAME.test(value))
      throw new InvalidConfigurationError(name, value, 'Use a GraphQL name such as Product or sku.');
  }
  const fq = await createForecastQL(options);
  try {
    if (fq.schema.getType(type)) {
      throw new InvalidConfigurationError(
        'entity.type',
        type,
        'ForecastQL has a type of that name; join onto another.',
      );
    }
    // ForecastQL's schema as SDL and resolvers, without the subscription root (no gateway routes it).
    const base = withoutSubscriptions(fq.schema);
    const resolvers = getResolversFromSchema(base) as Record<string, unknown>;
    const datasetOf = async (ctx: GraphQLContext, datasetId: string | null | undefined): Promise<DatasetRecord> => {
      const ref = datasetId ?? (options.dataset === undefined ? undefined : String(options.dataset));
      if (ref === undefined) {
        throw new UserInputError(
          `${type}.salesForecast needs \`datasetId\`, or a default \`dataset\` in createForecastQLSubgraph's options.`,
          { argument: 'datasetId' },
        );
      }
      if (/^[1-9]\d{0,14}$/.test(ref)) return ctx.services.datasets.require(ctx.tenantId, ref);
      return ctx.services.datasets.requireByName(ctx.tenantId, ref);
    };
    const entityResolvers = {
      [type]: {
        // A reference is all an entity is here: its forecast is read, scoped, when it is asked for.
        __resolveReference: (reference: Record<string, unknown>) => ({ [key]: reference[key] }),
        salesForecast: codedErrors(
          async (
            entity: Record<string, unknown>,
            args: { datasetId?: string | null; quantiles?: number[] | null },
            ctx: GraphQLContext,
          ) => {
            const seriesId = entity[key];
            if (seriesId === null || seriesId === undefined) return null;
            const dataset = await datasetOf(ctx, args.datasetId);
            try {
              const view = await ctx.services.forecasts.forecast(ctx.tenantId, dataset, {
                seriesId: String(seriesId),
                quantiles: args.quantiles ?? null,
              });
              return view ? toForecastType(view) : null;
            } catch (e) {
              // A product the shop sells but that has no sales history in the dataset.
              if (e instanceof NotFoundError && e.details?.['kind'] === 'Series') return null;
              throw e;
            }
          },
        ),
      },
    };
    const schema = buildSubgraphSchema([
      { typeDefs: parse(printSchema(base)), resolvers: resolvers as never },
      { typeDefs: parse(entitySdl(type, key, keyType)), resolvers: entityResolvers as never },
    ]);
    return {
      schema,
      async context(request) {
        try {
          return await fq.context(request);
        } catch (e) {
          // A gateway composes the supergraph by asking `_service { sdl }` without the caller's
          // credentials: such requests get a context that refuses every ForecastQL read.
          if (!(e instanceof GraphQLError) || e.extensions['code'] !== ErrorCode.UNAUTHENTICATED) throw e;
          return unauthenticatedContext(e);
        }
      },
      close: fq.close,
    };
  } catch (e) {
    await fq.close();
    throw e;
  }
}
