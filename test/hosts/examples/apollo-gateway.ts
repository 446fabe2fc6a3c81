// README "Use as a plugin" › Apollo Federation: the host's products subgraph and the ForecastQL
// subgraph, composed by @apollo/gateway; the gateway forwards the caller's headers.
import type { IncomingMessage } from 'node:http';
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createForecastQLSubgraph } from '../../../api/plugin/subgraph.js';

export async function startFederatedHost(db: string) {
  // The host's own products subgraph.
  const products = [{ sku: 'item-1', name: 'Lavender soap' }];
  const productsServer = new ApolloServer({
    schema: buildSubgraphSchema({
      typeDefs: parse(/* GraphQL */ `
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Product @key(fields: "sku") {
          sku: String!
          name: String!
        }
        type Query {
          product(sku: String!): Product
        }
      `),
      resolvers: {
        Query: { product: (_: unknown, args: { sku: string }) => products.find((p) => p.sku === args.sku) },
        Product: { __resolveReference: (ref: { sku: string }) => products.find((p) => p.sku === ref.sku) },
      },
    }),
  });
  const productsUrl = (await startStandaloneServer(productsServer, { listen: { port: 0 } })).url;

  // ForecastQL's subgraph: Product.salesForecast from the `sales` dataset of the caller's shop.
  const fq = await createForecastQLSubgraph<IncomingMessage>({
    db,
    entity: { type: 'Product', key: 'sku' },
    dataset: 'sales',
    principal: (req) => {
      const shop = req.headers['x-shop'];
      if (typeof shop !== 'string') return null;
      const datasets = req.headers['x-datasets'];
      return {
        tenant: shop,
        role: 'reader',
        ...(typeof datasets === 'string' ? { datasets: datasets.split(',') } : {}),
      };
    },
  });
  const forecastServer = new ApolloServer({ schema: fq.schema });
  const forecastUrl = (
    await startStandaloneServer(forecastServer, { listen: { port: 0 }, context: ({ req }) => fq.context(req) })
  ).url;

  // The supergraph: the gateway passes the shop headers on to both subgraphs.
  const gateway = new ApolloGateway({
    supergraphSdl: new IntrospectAndCompose({
      subgraphs: [
        { name: 'products', url: productsUrl },
        { name: 'forecastql', url: forecastUrl },
      ],
    }),
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<{ headers: IncomingMessage['headers'] }>({
        url,
        willSendRequest({ request, context }) {
          for (const name of ['x-shop', 'x-datasets']) {
            const value = context.headers?.[name];
            if (typeof value === 'string') request.http?.headers.set(name, value);
          }
        },
      }),
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0 },
    context: async ({ req }) => ({ headers: req.headers }),
  });
  return {
    url,
    async stop() {
      await server.stop();
      await forecastServer.stop();
      await productsServer.stop();
      await fq.close();
    },
  };
}
