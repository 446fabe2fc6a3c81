/**
 * Auth over the real transports (a spawned server, SQLite and PostgreSQL): HTTP answers 401
 * UNAUTHENTICATED without a valid credential; graphql-ws refuses a connection without one (close
 * 4403); an embed token follows its own run over graphql-ws, cannot follow another tenant's, and
 * cannot mutate.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import { createApiKeysRepository } from '../../api/db/api-keys.repository.js';
import { createAdminKey } from '../helpers/auth.js';
import { withDbs } from '../helpers/dbs.js';
import { tinyCsv } from '../e2e/support/data.js';
import { postAs, spawnServer, type SpawnedServer } from '../e2e/support/client.js';

/** The runner's stand-in pipeline (fast; these tests are about auth, not forecasts). */
const STAND_IN_PIPELINE = new URL('../integration/support/stand-in-pipeline.ts', import.meta.url).href;

interface WsOutcome {
  readonly data: unknown[];
  readonly errors: unknown[];
  readonly closeCode: number | undefined;
}

/** Subscribes to a run over graphql-ws with `connectionParams`; resolves when it ends either way. */
function follow(url: string, runId: string, connectionParams: Record<string, string>): Promise<WsOutcome> {
  let closeCode: number | undefined;
  const client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams,
    on: { closed: (event) => (closeCode = (event as { code?: number }).code) },
  });
  const data: unknown[] = [];
  const errors: unknown[] = [];
  return new Promise<WsOutcome>((resolve) => {
    const done = () => {
      void client.dispose();
      resolve({ data, errors, closeCode });
    };
    const timer = setTimeout(done, 20_000);
    client.subscribe(
      { query: 'subscription($id: ID!) { trainingRunUpdated(id: $id) { id status } }', variables: { id: runId } },
      {
        next: (value) => (value.errors ? errors.push(...value.errors) : data.push(value.data)),
        error: (e) => {
          errors.push(e);
          clearTimeout(timer);
          setTimeout(done, 50);
        },
        complete: () => {
          clearTimeout(timer);
          done();
        },
      },
    );
  });
}

withDbs((db) => {
  let server: SpawnedServer;
  let admin: Record<string, string>;
  let runId: string;
  let datasetId: string;
  let embed: Record<string, string>;

  before(async () => {
    server = await spawnServer(db.config, { pipeline: STAND_IN_PIPELINE });
    admin = { authorization: `Bearer ${server.key}` };
    const created = await postAs<{ createDataset: { id: string } }>(
      server.url,
      admin,
      'mutation { createDataset(input: { name: "shop-a" }) { id } }',
    );
    datasetId = created.data!.createDataset.id;
    const imported = await postAs(
      server.url,
      admin,
      'mutation($d: ID!, $csv: String!) { importObservations(datasetId: $d, csv: $csv) { rowsImported } }',
      {
        d: datasetId,
        csv: tinyCsv(2, 42),
      },
    );
    assert.equal(imported.errors, undefined, JSON.stringify(imported.errors));
    const started = await postAs<{ startTrainingRun: { id: string } }>(
      server.url,
      admin,
      `mutation { startTrainingRun(input: { datasetId: "${datasetId}", horizon: 7, epochs: 1 }) { id } }`,
    );
    runId = started.data!.startTrainingRun.id;
    const token = await postAs<{ createEmbedToken: { token: string } }>(
      server.url,
      admin,
      `mutation { createEmbedToken(datasetIds: ["${datasetId}"]) { token } }`,
    );
    embed = { authorization: `Bearer ${token.data!.createEmbedToken.token}` };
  });
  after(async () => {
    await server?.stop();
  });

  test('HTTP without a valid credential is 401 UNAUTHENTICATED, with a message that says what to send', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer nonsense' },
      { authorization: `Basic ${server.key}` },
    ];
    for (const headers of attempts) {
      const r = await postAs(server.url, headers, '{ datasets { totalCount } }');
      assert.equal(r.status, 401, JSON.stringify(headers));
      assert.equal(r.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
      assert.equal(r.data, undefined, 'no data at all');
      assert.match(r.errors![0]!.message, /Authorization: Bearer/);
    }
  });

  test('graphql-ws: no credential closes 4403; an embed token follows its run; another tenant cannot', async () => {
    const refused = await follow(server.url, runId, {});
    assert.equal(refused.closeCode, 4403, `closed with ${refused.closeCode}`);
    assert.deepEqual(refused.data, []);
    const forged = await follow(server.url, runId, { authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' });
    assert.equal(forged.closeCode, 4403);

    const mine = await follow(server.url, runId, embed);
    assert.deepEqual(mine.errors, []);
    assert.equal(
      (mine.data.at(-1) as { trainingRunUpdated: { status: string } }).trainingRunUpdated.status,
      'SUCCEEDED',
    );

    const other = await createAdminKey(db.knex, 'other-shop');
    const theirs = await follow(server.url, runId, { authorization: `Bearer ${other.secret}` });
    assert.deepEqual(theirs.data, [], "no update of another tenant's run");
    assert.match(JSON.stringify(theirs.errors), /NOT_FOUND|not found/);
  });

  test('graphql-ws: a key revoked while its socket is open stops at the next operation', async () => {
    const key = await createAdminKey(db.knex, 'default', 'socket');
    const client = createClient({
      url: `${server.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      connectionParams: key.headers,
    });
    const once = () =>
      new Promise<{ data: unknown[]; errors: unknown[] }>((resolve) => {
        const data: unknown[] = [];
        const errors: unknown[] = [];
        client.subscribe(
          { query: `subscription { trainingRunUpdated(id: "${runId}") { status } }` },
          {
            next: (v) => data.push(v.data),
            error: (e) => resolve({ data, errors: [...errors, e] }),
            complete: () => resolve({ data, errors }),
          },
        );
      });
    try {
      const first = await once();
      assert.deepEqual(first.errors, []);
      assert.deepEqual(first.data, [{ trainingRunUpdated: { status: 'SUCCEEDED' } }]);
      assert.equal(await createApiKeysRepository(db.knex).revoke(key.tenantId, key.keyId), true);
      const afterRevoke = await once();
      assert.deepEqual(afterRevoke.data, [], 'nothing after the revoke');
      assert.match(JSON.stringify(afterRevoke.errors), /UNAUTHENTICATED/);
    } finally {
      await client.dispose();
    }
  });

  test('an embed token cannot mutate over HTTP or graphql-ws', async () => {
    const r = await postAs(server.url, embed, `mutation { deleteDataset(id: "${datasetId}") }`);
    assert.equal(r.errors?.[0]?.extensions?.code, 'FORBIDDEN', JSON.stringify(r));
    const client = createClient({
      url: `${server.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: embed,
    });
    const result = await new Promise<unknown[]>((resolve) => {
      const seen: unknown[] = [];
      client.subscribe(
        { query: `mutation { deleteDataset(id: "${datasetId}") }` },
        {
          next: (v) => seen.push(v),
          error: (e) => resolve([...seen, e]),
          complete: () => resolve(seen),
        },
      );
    });
    await client.dispose();
    assert.match(JSON.stringify(result), /FORBIDDEN/, JSON.stringify(result));
    const still = await postAs<{ dataset: { id: string } | null }>(
      server.url,
      admin,
      `{ dataset(id: "${datasetId}") { id } }`,
    );
    assert.equal(still.data?.dataset?.id, datasetId, 'the dataset is still there');
  });
});
