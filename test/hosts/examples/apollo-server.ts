// README "Use as a plugin" › Apollo Server: a host app with its own Product type mounts ForecastQL
// beside it; the host's auth (here, trusted headers set by its gateway) decides who calls.
import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { mergeSchemas } from '@graphql-tools/schema';
import { createForecastQL } from '../../../api/plugin/index.js';

export async function startApolloHost(db: string) {
  const fq = await createForecastQL<IncomingMessage>({
    db,
    principal: (req) => {
      const shop = req.headers['x-shop'];
      if (typeof shop !== 'string') return null; // unauthenticated
      const datasets = req.headers['x-datasets'];
      return {
        tenant: shop,
        role: req.headers['x-role'] === 'admin' ? 'admin' : 'reader',
        ...(typeof datasets === 'string' ? { datasets: datasets.split(',') } : {}),
      };
    },
  });
  const products = [{ sku: 'item-1', name: 'Lavender soap' }];
  const schema = mergeSchemas({
    schemas: [fq.schema],
    typeDefs: /* GraphQL */ `
      type Product {
        sku: String!
        name: String!
      }
      type Query {
        product(sku: String!): Product
      }
    `,
    resolvers: { Query: { product: (_: unknown, args: { sku: string }) => products.find((p) => p.sku === args.sku) } },
  });
  const server = new ApolloServer({ schema });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0 },
    // ForecastQL's context, spread into the host's own.
    context: async ({ req }) => ({ ...(await fq.context(req)), shop: req.headers['x-shop'] }),
  });
  return {
    url,
    async stop() {
      await server.stop();
      await fq.close();
    },
  };
}
