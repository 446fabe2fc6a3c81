/**
 * Issue 17, the transport findings, against a real server (NODE_ENV=production): one credential
 * identity for the rate limit whatever the scheme's case or whitespace, graphql-ws operations
 * counted like HTTP requests, failed authentications limited per address, the production rules
 * (no introspection, token limit at parse, coded validation errors without suggestions) over
 * graphql-ws too, header and body timeouts, and `serve` exiting non-zero on a port in use. The
 * transport does not depend on the database: SQLite.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';
import type { DatabaseConfig } from '../../api/config/env.js';
import { createKnex, type Knex } from '../../api/db/knex.js';
import { migrateLatest } from '../../api/db/migrate.js';
import { runCliAsync } from '../helpers/cli.js';
import { createEmptyDatabase } from '../helpers/dbs.js';
import { aliases } from './documents.js';
import { tinyCsv } from '../e2e/support/data.js';
import { adminAuthorization, databaseUrl, gql, gqlOk, spawnRobustServer, type RobustServer } from './support/server.js';

const LIMIT = 20;
const FAILURES = 8;

function wsClient(url: string, authorization: string, onClosed?: (code: number) => void): Client {
  return createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
    connectionParams: { authorization },
    on: { closed: (e) => onClosed?.((e as { code: number }).code) },
  });
}

type WsErrors = ReadonlyArray<{ message: string; extensions?: { code?: string } }>;

/** One operation over graphql-ws: its data, or its errors. */
function wsRun(client: Client, query: string): Promise<{ data?: unknown; errors?: WsErrors }> {
  return new Promise((resolve) => {
    let result: { data?: unknown; errors?: WsErrors } = {};
    client.subscribe(
      { query },
      {
        next: (v) => (result = { data: v.data, ...(v.errors ? { errors: v.errors as WsErrors } : {}) }),
        error: (e) => resolve({ errors: Array.isArray(e) ? (e as WsErrors) : [{ message: String(e) }] }),
        complete: () => resolve(result),
      },
    );
  });
}

/** Opens a TCP connection, sends `bytes`, and resolves with the ms until the server closes it. */
function closedAfter(url: string, bytes: string): Promise<{ ms: number; answer: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let answer = '';
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    socket.on('data', (c) => (answer += c.toString()));
    socket.on('close', () => resolve({ ms: Date.now() - started, answer }));
    socket.on('error', () => {});
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept a slow connection open for 15 s`));
    }, 15_000).unref();
  });
}

describe('transport hardening (NODE_ENV=production)', () => {
  let db: { config: DatabaseConfig; drop: () => Promise<void> };
  let knex: Knex;
  let server: RobustServer;
  before(async () => {
    db = await createEmptyDatabase('sqlite');
    knex = createKnex(db.config);
    await migrateLatest(knex);
    server = await spawnRobustServer(db.config, {
      NODE_ENV: 'production',
      FORECASTQL_RATE_LIMIT: String(LIMIT),
      FORECASTQL_RATE_WINDOW_S: '60',
      FORECASTQL_AUTH_FAILURE_LIMIT: String(FAILURES),
      FORECASTQL_HEADER_TIMEOUT_MS: '1000',
      FORECASTQL_REQUEST_TIMEOUT_MS: '2000',
      FORECASTQL_READ_BUDGET: '10000',
    });
  });
  after(async () => {
    await server?.stop();
    await knex?.destroy();
    await db?.drop();
  });

  test('the rate limit keys on the token: bearer, BEARER, two spaces or a tab share one budget', async () => {
    const auth = await adminAuthorization(knex, 'variants');
    const token = auth.replace(/^Bearer /, '');
    const variants = [`Bearer ${token}`, `bearer ${token}`, `BEARER ${token}`, `Bearer  ${token}`, `Bearer\t${token} `];
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 5; i++) {
      statuses.push((await gql(server.url, variants[i % variants.length]!, '{ datasets { totalCount } }')).status);
    }
    assert.equal(statuses.filter((s) => s === 200).length, LIMIT, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 429).length, 5, statuses.join(','));
  });

  test('graphql-ws: each operation counts against the same budget as HTTP', async () => {
    const auth = await adminAuthorization(knex, 'socket-budget');
    const client = wsClient(server.url, auth);
    try {
      const codes: Array<string | undefined> = [];
      for (let i = 0; i < LIMIT + 3; i++) {
        const r = await wsRun(client, '{ datasets { totalCount } }');
        codes.push(r.errors ? (r.errors[0]?.extensions?.code ?? r.errors[0]?.message) : 'ok');
      }
      assert.equal(codes.filter((c) => c === 'ok').length, LIMIT, codes.join(','));
      assert.equal(codes.filter((c) => c === 'RATE_LIMITED').length, 3, codes.join(','));
      // HTTP with the same key is over the budget as well.
      assert.equal((await gql(server.url, auth, '{ datasets { totalCount } }')).status, 429);
    } finally {
      await client.dispose();
    }
  });

  test('graphql-ws in production: no introspection, token limit at parse, coded validation errors', async () => {
    const auth = await adminAuthorization(knex, 'socket-rules');
    const client = wsClient(server.url, auth);
    try {
      const intro = await wsRun(client, '{ __schema { types { name } } }');
      assert.equal(intro.data, undefined, 'no schema over graphql-ws');
      assert.equal(intro.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED', JSON.stringify(intro));
      assert.match(intro.errors![0]!.message, /introspection/i);

      const long = await wsRun(client, aliases(1_000));
      assert.equal(long.errors?.[0]?.extensions?.code, 'GRAPHQL_PARSE_FAILED', JSON.stringify(long.errors));
      assert.match(long.errors![0]!.message, /more tha[nt] 5000 tokens/);

      const typo = await wsRun(client, '{ datasetz { id } }');
      assert.equal(typo.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED', JSON.stringify(typo));
      assert.match(typo.errors![0]!.message, /Cannot query field "datasetz"/);
      assert.doesNotMatch(typo.errors![0]!.message, /Did you mean/);

      const nul = await wsRun(client, '{ datasets(search: "a\\u0000b") { totalCount } }');
      assert.equal(nul.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(nul));
      assert.match(nul.errors![0]!.message, /U\+0000/);

      const ok = await wsRun(client, '{ datasets { totalCount } }');
      assert.deepEqual(ok.data, { datasets: { totalCount: 0 } });
    } finally {
      await client.dispose();
    }
  });

  test('aggregations are priced by series × dates × quantiles against a per-credential read budget', async () => {
    const admin = await adminAuthorization(knex, 'reader-setup');
    const { createDataset } = await gqlOk<{ createDataset: { id: string } }>(
      server.url,
      admin,
      'mutation { createDataset(input: { name: "priced", frequency: DAY }) { id } }',
    );
    await gqlOk(
      server.url,
      admin,
      'mutation($id: ID!, $csv: String!) { importObservations(datasetId: $id, csv: $csv) { rowsImported } }',
      { id: createDataset.id, csv: tinyCsv(3, 40) },
    );
    const reader = await adminAuthorization(knex, 'reader');
    const total = (quantiles: number) =>
      gql(
        server.url,
        reader,
        `query($d: ID!, $q: [Float!]) { forecast(datasetId: $d, groupBy: "all", bucket: WEEK, quantiles: $q) { seriesCount } }`,
        { d: createDataset.id, q: Array.from({ length: quantiles }, (_, i) => (i + 1) / (quantiles + 1)) },
      );
    // 3 series × 366 dates × 18 quantiles = 19 764 units: more than the whole budget.
    const huge = await total(18);
    assert.equal(huge.errors?.[0]?.extensions?.code, 'RATE_LIMITED', JSON.stringify(huge));
    assert.match(huge.errors![0]!.message, /3 series × 366 dates × 18 quantiles = 19764 units.*FORECASTQL_READ_BUDGET/);
    // One series of the same read costs a third: within the budget.
    const one = await gql(
      server.url,
      reader,
      'query($d: ID!) { forecast(datasetId: $d, seriesId: "item-0", quantiles: [0.1, 0.5, 0.9]) { seriesCount } }',
      { d: createDataset.id },
    );
    assert.equal(one.errors, undefined, JSON.stringify(one.errors));
    // 3 × 366 × 3 = 3 294 units each: the budget (10 000, less the 1 098 spent) holds two more.
    const codes: Array<string | undefined> = [];
    for (let i = 0; i < 4; i++) codes.push((await total(3)).errors?.[0]?.extensions?.code ?? 'ok');
    assert.deepEqual(codes, ['ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED']);
    const other = await adminAuthorization(knex, 'reader-2');
    const fresh = await gql(
      server.url,
      other,
      'query($d: ID!) { forecast(datasetId: $d, groupBy: "all") { seriesCount } }',
      { d: createDataset.id },
    );
    assert.equal(fresh.errors, undefined, 'another credential has its own budget');
  });

  test('slow clients are cut: headers within FORECASTQL_HEADER_TIMEOUT_MS, the body within FORECASTQL_REQUEST_TIMEOUT_MS', async () => {
    const slowHeaders = await closedAfter(server.url, 'POST /graphql HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    assert.ok(slowHeaders.ms < 5_000, `headers never finished: closed after ${slowHeaders.ms} ms`);
    const slowBody = await closedAfter(
      server.url,
      'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"q',
    );
    assert.ok(slowBody.ms < 8_000, `a body that never finished: closed after ${slowBody.ms} ms`);
    assert.match(slowBody.answer, /^HTTP\/1\.1 408/);
  });

  test('`forecastql serve` on a port in use exits non-zero with a message naming the port', async () => {
    const { port } = new URL(server.url);
    const timeout = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 60_000).unref());
    const ran = await Promise.race([
      runCliAsync([['serve', '--port', port, '--db', databaseUrl(db.config)]], { PORT: port }),
      timeout,
    ]);
    assert.notEqual(ran, 'hung', 'serve kept running on a port in use');
    const [run] = ran as Awaited<ReturnType<typeof runCliAsync>>;
    assert.equal(run!.status, 1, run!.stderr);
    assert.match(run!.stderr, new RegExp(`127\\.0\\.0\\.1:${port}.*Another process listens on that port`));
  });

  // Last: it blocks this address for the rest of the window.
  test('failed authentications are limited per address: 429 after FORECASTQL_AUTH_FAILURE_LIMIT', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < FAILURES + 4; i++) {
      const r = await gql(server.url, `Bearer fq_deadbeef_guess${i}${'x'.repeat(20)}`, '{ datasets { totalCount } }');
      statuses.push(r.status);
      if (r.status === 429) {
        assert.equal(r.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
        assert.match(r.errors![0]!.message, /failed authentications/);
      }
    }
    assert.deepEqual(statuses, [...Array(FAILURES).fill(401), ...Array(4).fill(429)]);
    // graphql-ws from the same address is refused too (closed 4403 without a lookup).
    let code: number | undefined;
    const client = wsClient(server.url, 'Bearer fq_deadbeef_other', (c) => (code = c));
    await new Promise((r) => setTimeout(r, 500));
    await client.dispose();
    assert.equal(code, 4403);
  });
});
