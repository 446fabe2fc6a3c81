/**
 * ForecastQL mounted in real hosts, on SQLite and PostgreSQL (the README's "Use as a plugin"
 * examples, test/hosts/examples/): (a) an Apollo Server app with its own Product type, (b) a
 * GraphQL Yoga app, (c) @apollo/gateway composing the host's products subgraph with the ForecastQL
 * subgraph. In each, the host's auth decides the caller: tenant B never reads tenant A's
 * forecasts, and a scope of one dataset never reads another. The Yoga app also serves graphql-ws:
 * a subscriber follows a run that the host's ForecastQL trains, and nobody outside the run's scope
 * can follow it.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import type { DatabaseConfig } from '../../../api/config/env.js';
import { createForecastQL, type ForecastQL } from '../../../api/plugin/index.js';
import { withDbs } from '../../helpers/dbs.js';
import { STAND_IN_PIPELINE, tinyCsv, waitFor } from '../../integration/support/api.js';
import { startApolloHost } from '../examples/apollo-server.js';
import { startFederatedHost } from '../examples/apollo-gateway.js';
import { startYogaHost } from '../examples/graphql-yoga.js';

type Headers = Record<string, string>;
interface Answer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function post<T>(url: string, headers: Headers, query: string): Promise<Answer<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as Answer<T>;
}

async function ok<T>(url: string, headers: Headers, query: string): Promise<T> {
  const r = await post<T>(url, headers, query);
  assert.equal(r.errors, undefined, `unexpected errors: ${JSON.stringify(r.errors)}`);
  return r.data as T;
}

function urlOf(config: DatabaseConfig): string {
  return config.client === 'pg' ? config.connectionString : `sqlite:${config.filename}`;
}

const A = { 'x-shop': 'shop-a' };
const B = { 'x-shop': 'shop-b' };
/** A reader of shop A limited to its `sales` dataset (an embed token's scope, decided by the host). */
const A_SALES_ONLY = { 'x-shop': 'shop-a', 'x-datasets': 'sales' };

interface P50 {
  points: { date: string; p50: number | null }[];
}

const p50s = (f: P50 | null | undefined): number[] =>
  (f?.points ?? []).filter((p) => p.p50 !== null).map((p) => p.p50!);

/** The federated query: a product of the host, with its forecast from ForecastQL. */
const productQuery = (extra = '') =>
  `{ product(sku: "item-1") { name salesForecast${extra} { seriesId points { date p50 } } } }`;

interface RunUpdate {
  trainingRunUpdated: { id: string; status: string };
}

/**
 * Follows `trainingRunUpdated(id)` over graphql-ws until the stream completes; `onFirst` runs once
 * the first update arrived. Resolves with every update, or rejects with the first error.
 */
function followRun(
  url: string,
  params: Headers,
  runId: string,
  onFirst: () => Promise<void> = async () => {},
): Promise<RunUpdate['trainingRunUpdated'][]> {
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: params,
  });
  const seen: RunUpdate['trainingRunUpdated'][] = [];
  return new Promise<RunUpdate['trainingRunUpdated'][]>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no end of run ${runId} in 60 s: ${JSON.stringify(seen)}`)),
      60_000,
    );
    client.subscribe<RunUpdate>(
      { query: `subscription($id: ID!) { trainingRunUpdated(id: $id) { id status } }`, variables: { id: runId } },
      {
        next: (value) => {
          if (value.errors) {
            clearTimeout(timer);
            reject(Object.assign(new Error(value.errors[0]!.message), { errors: value.errors }));
            return;
          }
          seen.push(value.data!.trainingRunUpdated);
          if (seen.length === 1) onFirst().catch(reject);
        },
        error: (e) => {
          clearTimeout(timer);
          reject(e instanceof Error ? e : Object.assign(new Error(JSON.stringify(e)), { errors: e }));
        },
        complete: () => {
          clearTimeout(timer);
          resolve(seen);
        },
      },
    );
  }).finally(() => client.dispose());
}

withDbs((db) => {
  /** Dataset ids by shop and name, and the p50 of item-1 that each shop's `sales` forecast holds. */
  const ids: Record<string, string> = {};
  const expected: Record<string, number[]> = {};

  before(async () => {
    // Seeds through ForecastQL itself, as each shop's admin: import, train (stand-in engine).
    const seeder: ForecastQL<IncomingMessage> = await createForecastQL<IncomingMessage>({
      db: urlOf(db.config),
      principal: (req) => ({ tenant: String(req.headers['x-shop']), role: 'admin' }),
      pipelineModule: STAND_IN_PIPELINE,
    });
    const { graphql } = await import('graphql');
    const run = async <T>(shop: string, source: string): Promise<T> => {
      const contextValue = await seeder.context({ headers: { 'x-shop': shop } } as unknown as IncomingMessage);
      const r = await graphql({ schema: seeder.schema, source, contextValue });
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      return r.data as T;
    };
    try {
      for (const [shop, name, scale] of [
        ['shop-a', 'sales', 1],
        ['shop-a', 'other', 1],
        ['shop-b', 'sales', 3],
      ] as const) {
        const { createDataset } = await run<{ createDataset: { id: string } }>(
          shop,
          `mutation { createDataset(input: { name: "${name}" }) { id } }`,
        );
        ids[`${shop}/${name}`] = createDataset.id;
        const csv = tinyCsv(3, 42)
          .split('\n')
          .map((l, i) => (i === 0 || l === '' ? l : l.replace(/,(\d+),/, (_, v: string) => `,${Number(v) * scale},`)))
          .join('\n');
        await run(
          shop,
          `mutation { importObservations(datasetId: "${createDataset.id}", csv: ${JSON.stringify(csv)}) { rowsImported } }`,
        );
        const { startTrainingRun } = await run<{ startTrainingRun: { id: string } }>(
          shop,
          `mutation { startTrainingRun(input: { datasetId: "${createDataset.id}", horizon: 7 }) { id } }`,
        );
        await waitFor(
          async () => {
            const { trainingRun } = await run<{ trainingRun: { status: string } }>(
              shop,
              `{ trainingRun(id: "${startTrainingRun.id}") { status error } }`,
            );
            assert.ok(!['FAILED', 'CANCELLED'].includes(trainingRun.status), JSON.stringify(trainingRun));
            return trainingRun.status === 'SUCCEEDED' ? true : undefined;
          },
          60_000,
          `${shop}/${name} trained`,
        );
        if (name === 'sales') {
          const { forecast } = await run<{ forecast: P50 }>(
            shop,
            `{ forecast(datasetId: "${createDataset.id}", seriesId: "item-1") { points { date p50 } } }`,
          );
          expected[shop] = forecast.points.filter((p) => p.p50 !== null).map((p) => p.p50!);
        }
      }
    } finally {
      await seeder.close();
    }
    assert.ok(expected['shop-a']!.length >= 7, 'shop A has a forecast of item-1');
    assert.notDeepEqual(expected['shop-a'], expected['shop-b'], "the shops' forecasts differ");
  });

  for (const [host, start] of [
    ['Apollo Server app with its own Product type', startApolloHost],
    ['GraphQL Yoga app', startYogaHost],
  ] as const) {
    describe(host, () => {
      let h: Awaited<ReturnType<typeof start>>;
      before(async () => {
        h = await start(urlOf(db.config));
      });
      after(async () => h?.stop());

      test("answers the host's types and ForecastQL's in one request", async () => {
        const withProduct = host.startsWith('Apollo') ? 'product(sku: "item-1") { name } ' : '';
        const data = await ok<{ product?: { name: string }; forecast: P50; datasets: { nodes: { name: string }[] } }>(
          h.url,
          A,
          `{ ${withProduct}forecast(datasetId: "${ids['shop-a/sales']}", seriesId: "item-1") { points { date p50 } } datasets { nodes { name } } }`,
        );
        if (withProduct) assert.deepEqual(data.product, { name: 'Lavender soap' });
        assert.deepEqual(p50s(data.forecast), expected['shop-a']);
        assert.deepEqual(data.datasets.nodes.map((d) => d.name).toSorted(), ['other', 'sales']);
      });

      test("tenant B cannot read tenant A's forecasts", async () => {
        const r = await post<{ forecast: P50 | null }>(
          h.url,
          B,
          `{ forecast(datasetId: "${ids['shop-a/sales']}", seriesId: "item-1") { points { p50 } } }`,
        );
        assert.equal(r.errors?.[0]?.extensions?.code, 'NOT_FOUND', JSON.stringify(r));
        assert.ok(!r.data?.forecast);
        const own = await ok<{ datasets: { nodes: { id: string }[] } }>(h.url, B, '{ datasets { nodes { id } } }');
        assert.deepEqual(
          own.datasets.nodes.map((d) => d.id),
          [ids['shop-b/sales']],
        );
      });

      test('a scope of one dataset cannot read another (forecasts, runs, scores, importance)', async () => {
        const r = await post<{ forecast: P50 | null }>(
          h.url,
          A_SALES_ONLY,
          `{ forecast(datasetId: "${ids['shop-a/other']}", seriesId: "item-1") { points { p50 } } }`,
        );
        assert.equal(r.errors?.[0]?.extensions?.code, 'NOT_FOUND', JSON.stringify(r));
        const data = await ok<{
          datasets: { nodes: { id: string }[] };
          trainingRuns: { nodes: { datasetId: string }[] };
          forecast: P50;
        }>(
          h.url,
          A_SALES_ONLY,
          `{ datasets { nodes { id } } trainingRuns { nodes { datasetId } } forecast(datasetId: "${ids['shop-a/sales']}", seriesId: "item-1") { points { date p50 } } }`,
        );
        assert.deepEqual(
          data.datasets.nodes.map((d) => d.id),
          [ids['shop-a/sales']],
        );
        assert.deepEqual(
          data.trainingRuns.nodes.map((n) => n.datasetId),
          [ids['shop-a/sales']],
        );
        assert.deepEqual(p50s(data.forecast), expected['shop-a']);
      });

      test('a reader cannot mutate, and a request the host did not authenticate is refused', async () => {
        const m = await post(h.url, A, 'mutation { createDataset(input: { name: "nope" }) { id } }');
        assert.equal(m.errors?.[0]?.extensions?.code, 'FORBIDDEN', JSON.stringify(m));
        const anon = await post(h.url, {}, '{ datasets { totalCount } }');
        assert.equal(anon.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED', JSON.stringify(anon));
      });
    });
  }

  describe('GraphQL Yoga app serving graphql-ws: trainingRunUpdated through createForecastQL', () => {
    let h: Awaited<ReturnType<typeof startYogaHost>>;
    let runId: string;
    const ADMIN_A = { ...A, 'x-role': 'admin' };
    before(async () => {
      h = await startYogaHost(urlOf(db.config));
      // A run of shop A's `other` dataset, trained by the host's own ForecastQL (embedded thread).
      const { startTrainingRun } = await ok<{ startTrainingRun: { id: string } }>(
        h.url,
        ADMIN_A,
        `mutation { startTrainingRun(input: { datasetId: "${ids['shop-a/other']}", horizon: 7 }) { id } }`,
      );
      runId = startTrainingRun.id;
    });
    after(async () => h?.stop());

    test('a subscriber of tenant A follows the run until it ends (cancelled while it trains)', async () => {
      const updates = await followRun(h.url, A, runId, async () => {
        const { cancelTrainingRun } = await ok<{ cancelTrainingRun: { status: string } }>(
          h.url,
          ADMIN_A,
          `mutation { cancelTrainingRun(id: "${runId}") { status } }`,
        );
        assert.ok(['RUNNING', 'CANCELLED'].includes(cancelTrainingRun.status), cancelTrainingRun.status);
      });
      assert.ok(updates.length >= 2, `the run now, then its end: ${JSON.stringify(updates)}`);
      assert.ok(updates.every((u) => u.id === runId));
      assert.ok(['QUEUED', 'RUNNING'].includes(updates[0]!.status), JSON.stringify(updates));
      assert.equal(updates.at(-1)!.status, 'CANCELLED');
    });

    test("tenant B, and a scope of A's other dataset, cannot follow the run", async () => {
      await assert.rejects(followRun(h.url, B, runId), (e: { errors?: { extensions?: { code?: string } }[] }) => {
        assert.equal(e.errors?.[0]?.extensions?.code, 'NOT_FOUND', JSON.stringify(e.errors));
        return true;
      });
      await assert.rejects(
        followRun(h.url, A_SALES_ONLY, runId),
        (e: { errors?: { extensions?: { code?: string } }[] }) => {
          assert.equal(e.errors?.[0]?.extensions?.code, 'NOT_FOUND', JSON.stringify(e.errors));
          return true;
        },
      );
    });

    test('a connection the host does not authenticate is closed (4403) before any update', async () => {
      await assert.rejects(followRun(h.url, {}, runId), (e: { errors?: { code?: number; reason?: string } }) => {
        assert.equal(e.errors?.code, 4403, String(e.errors?.reason));
        return true;
      });
    });
  });

  describe('@apollo/gateway: host products subgraph + ForecastQL subgraph', () => {
    let h: Awaited<ReturnType<typeof startFederatedHost>>;
    before(async () => {
      h = await startFederatedHost(urlOf(db.config));
    });
    after(async () => h?.stop());

    test('answers a product with its forecast, joined across the two subgraphs', async () => {
      const data = await ok<{ product: { name: string; salesForecast: P50 & { seriesId: string } } }>(
        h.url,
        A,
        productQuery(),
      );
      assert.equal(data.product.name, 'Lavender soap');
      assert.equal(data.product.salesForecast.seriesId, 'item-1');
      assert.deepEqual(p50s(data.product.salesForecast), expected['shop-a']);
    });

    test("tenant B reads its own forecast of the product, never tenant A's", async () => {
      const own = await ok<{ product: { salesForecast: P50 } }>(h.url, B, productQuery());
      assert.deepEqual(p50s(own.product.salesForecast), expected['shop-b']);
      const r = await post<{ product: { salesForecast: P50 | null } }>(
        h.url,
        B,
        productQuery(`(datasetId: "${ids['shop-a/sales']}")`),
      );
      assert.equal(r.errors?.[0]?.extensions?.code, 'NOT_FOUND', JSON.stringify(r));
      assert.equal(r.data?.product?.salesForecast ?? null, null);
    });

    test('a scope of one dataset cannot read another through the entity', async () => {
      const r = await post<{ product: { salesForecast: P50 | null } }>(
        h.url,
        A_SALES_ONLY,
        productQuery(`(datasetId: "${ids['shop-a/other']}")`),
      );
      assert.equal(r.errors?.[0]?.extensions?.code, 'NOT_FOUND', JSON.stringify(r));
      const own = await ok<{ product: { salesForecast: P50 } }>(h.url, A_SALES_ONLY, productQuery());
      assert.deepEqual(p50s(own.product.salesForecast), expected['shop-a']);
    });
  });
});
