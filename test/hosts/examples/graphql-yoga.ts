// README "Use as a plugin" › GraphQL Yoga: the same plugin in a Yoga app (Fetch API requests), with
// graphql-ws subscriptions on the same port.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { createForecastQL } from '../../../api/plugin/index.js';

/** A graphql-ws connection as a Request: browsers send their credentials as connectionParams. */
const requestOf = (ctx: { connectionParams?: Readonly<Record<string, unknown>> | undefined }) =>
  new Request('http://localhost/', { headers: (ctx.connectionParams ?? {}) as Record<string, string> });

export async function startYogaHost(db: string) {
  const fq = await createForecastQL<Request>({
    db,
    principal: (request) => {
      const shop = request.headers.get('x-shop');
      if (!shop) return null;
      const datasets = request.headers.get('x-datasets');
      return {
        tenant: shop,
        role: request.headers.get('x-role') === 'admin' ? 'admin' : 'reader',
        ...(datasets ? { datasets: datasets.split(',') } : {}),
      };
    },
  });
  const yoga = createYoga({ schema: fq.schema, context: ({ request }) => fq.context(request) });
  const server = createServer(yoga);
  // Subscriptions (trainingRunUpdated) over graphql-ws. Browsers cannot set a WebSocket's headers,
  // so the client sends the same credentials as connectionParams; the host reads them as headers.
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  const ws = useServer(
    {
      schema: fq.schema,
      // A connection the host does not authenticate is closed at once (4403 Forbidden).
      onConnect: (ctx) =>
        fq.context(requestOf(ctx)).then(
          () => true,
          () => false,
        ),
      context: (ctx) => fq.context(requestOf(ctx)),
    },
    wss,
  );
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${yoga.graphqlEndpoint}`,
    async stop() {
      await ws.dispose();
      await new Promise((done) => server.close(done));
      await fq.close();
    },
  };
}
