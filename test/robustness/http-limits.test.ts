/**
 * The HTTP limits of a real server (api/http): body size (413, nothing buffered past the limit),
 * the per-token rate limit (429 with Retry-After), batches refused, Apollo's CSRF prevention, the
 * CORS allow-list and, with NODE_ENV=production, no introspection, suggestions or stack traces.
 * The HTTP layer does not depend on the database: these run on SQLite (bad-input.test.ts covers
 * both dialects).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createEmptyDatabase } from '../helpers/dbs.js';
import { createKnex, type Knex } from '../../api/db/knex.js';
import { migrateLatest } from '../../api/db/migrate.js';
import type { DatabaseConfig } from '../../api/config/env.js';
import { createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import { deepQuery } from './documents.js';
import { adminAuthorization, gql, gqlOk, postJson, spawnRobustServer, type RobustServer } from './support/server.js';

const ALLOWED = 'https://admin.shop.example';

/** A raw POST streamed in chunks without Content-Length; resolves with the status and body. */
function streamPost(
  url: string,
  authorization: string,
  chunks: number,
  chunkBytes: number,
): Promise<{ status: number; body: string; reset?: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization, 'transfer-encoding': 'chunked' },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      // The server cuts the connection while this side still sends: the answer is what counts.
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (answered) return;
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') resolve({ status: 0, body: '', reset: true });
      else reject(e);
    });
    const chunk = Buffer.alloc(chunkBytes, 0x20);
    let sent = 0;
    const write = () => {
      while (sent < chunks) {
        sent++;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    req.on('socket', () => write());
    // Once the server answers it may close the socket: stop writing, keep the answer.
    let answered = false;
    req.on('response', () => {
      answered = true;
      sent = chunks;
    });
  });
}

describe('HTTP limits', () => {
  let db: { config: DatabaseConfig; drop: () => Promise<void> };
  let knex: Knex;
  let server: RobustServer;
  let auth: string;
  before(async () => {
    db = await createEmptyDatabase('sqlite');
    knex = createKnex(db.config);
    await migrateLatest(knex);
    auth = await adminAuthorization(knex);
    server = await spawnRobustServer(db.config, {
      FORECASTQL_MAX_BODY_BYTES: String(256 * 1024),
      FORECASTQL_RATE_LIMIT: '40',
      FORECASTQL_RATE_WINDOW_S: '60',
      FORECASTQL_CORS_ORIGINS: `${ALLOWED}, https://other.example:8443`,
    });
  });
  after(async () => {
    await server?.stop();
    await knex?.destroy();
    await db?.drop();
  });

  test('a body above FORECASTQL_MAX_BODY_BYTES gets 413 BAD_USER_INPUT, declared or streamed', async () => {
    const declared = await postJson(server.url, auth, {
      query: 'mutation($csv: String!) { importObservations(datasetId: "1", csv: $csv) { rowsImported } }',
      variables: { csv: 'x'.repeat(300 * 1024) },
    });
    assert.equal(declared.status, 413);
    assert.equal(declared.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(declared.errors![0]!.message, /Request body too large \(\d+ bytes\): the limit is 262144 bytes/);
    assert.match(declared.errors![0]!.message, /FORECASTQL_MAX_BODY_BYTES/);

    // 320 KiB streamed without Content-Length: refused at the first chunk past the limit; the
    // rest is read and dropped, so the client gets the answer.
    const streamed = await streamPost(server.url, auth, 5, 64 * 1024);
    assert.equal(streamed.status, 413, streamed.body);
    assert.match(streamed.body, /"code":"BAD_USER_INPUT"/);
    // 64 MiB: past another 256 KiB dropped, the connection is cut (the client may see the 413
    // first, or only the reset); the server keeps nothing and stays up.
    const huge = await streamPost(server.url, auth, 1024, 64 * 1024);
    assert.ok(huge.status === 413 || huge.reset, `413 or a cut connection, got ${huge.status}`);

    const followUp = await gqlOk<{ datasets: { totalCount: number } }>(server.url, auth, '{ datasets { totalCount } }');
    assert.equal(followUp.datasets.totalCount, 0, 'the server still answers');
  });

  test('a JSON array of operations is refused with BAD_REQUEST', async () => {
    const batch = Array.from({ length: 500 }, () => ({ query: '{ datasets { totalCount } }' }));
    const r = await postJson(server.url, auth, batch);
    assert.equal(r.status, 400);
    assert.equal(r.errors?.[0]?.extensions?.code, 'BAD_REQUEST');
    assert.equal(
      r.errors?.[0]?.message,
      'Batched operations are not supported (this request holds 500): send one operation per request.',
    );
  });

  test("Apollo's CSRF prevention refuses simple cross-site requests", async () => {
    const get = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ datasets { totalCount } }')}`, {
      headers: { authorization: auth },
    });
    assert.equal(get.status, 400, 'a GET without a preflight-forcing header');
    assert.match(await get.text(), /CSRF/);
    const form = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: auth },
      body: JSON.stringify({ query: '{ datasets { totalCount } }' }),
    });
    assert.equal(form.status, 400, 'a text/plain POST (what a cross-site form can send)');
    assert.match(await form.text(), /CSRF/);
    const withHeader = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ datasets { totalCount } }')}`, {
      headers: { authorization: auth, 'apollo-require-preflight': 'true' },
    });
    assert.equal(withHeader.status, 200, 'a GET with the preflight header is served');
  });

  test('CORS: listed origins get Allow-Origin and Vary: Origin, others get nothing', async () => {
    const preflight = await fetch(`${server.url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin: ALLOWED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), ALLOWED);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
    assert.match(preflight.headers.get('vary') ?? '', /Origin/);
    assert.equal(preflight.headers.get('access-control-allow-credentials'), null, 'no cookies');

    const foreign = await fetch(`${server.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(foreign.status, 204);
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    assert.match(foreign.headers.get('vary') ?? '', /Origin/);

    const allowed = await gql(server.url, auth, '{ datasets { totalCount } }');
    assert.equal(allowed.headers.get('access-control-allow-origin'), null, 'no Origin, no CORS header');
    const fromShop = await postJson(
      server.url,
      auth,
      { query: '{ datasets { totalCount } }' },
      { origin: 'https://other.example:8443' },
    );
    assert.equal(fromShop.headers.get('access-control-allow-origin'), 'https://other.example:8443');
    const fromEvil = await postJson(
      server.url,
      auth,
      { query: '{ datasets { totalCount } }' },
      { origin: 'https://evil.example' },
    );
    assert.equal(fromEvil.headers.get('access-control-allow-origin'), null);
  });

  test('graphql-ws applies the same document limits', async () => {
    const ws = createClient({
      url: `${server.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: auth },
    });
    try {
      const errors = await new Promise<ReadonlyArray<{ message: string }>>((resolve, reject) => {
        ws.subscribe(
          { query: deepQuery(50) },
          {
            next: () => reject(new Error('a 50-deep operation ran over graphql-ws')),
            error: (e) => resolve(Array.isArray(e) ? (e as Array<{ message: string }>) : [{ message: String(e) }]),
            complete: () => reject(new Error('completed without an error')),
          },
        );
      });
      assert.ok(
        errors.some((e) => /Query depth limit of 10 exceeded, found 50/.test(e.message)),
        JSON.stringify(errors),
      );
    } finally {
      await ws.dispose();
    }
  });

  // Last: it spends this token's budget.
  test('the rate limit answers 429 with Retry-After per token; another token is not affected', async () => {
    const other = await adminAuthorization(knex, 'other');
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof gql>> | undefined;
    for (let i = 0; i < 45 && !limited; i++) {
      const r = await gql(server.url, auth, '{ datasets { totalCount } }');
      statuses.push(r.status);
      if (r.status === 429) limited = r;
    }
    assert.ok(limited, `no 429 within 45 requests: ${statuses.join(',')}`);
    assert.equal(limited.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
    assert.match(limited.errors![0]!.message, /the limit is 40 per 60 s .*FORECASTQL_RATE_LIMIT/);
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    const fine = await gql(server.url, other, '{ datasets { totalCount } }');
    assert.equal(fine.status, 200, 'another token has its own budget');
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200, '/healthz is not rate-limited');
  });
});

describe('NODE_ENV=production', () => {
  let db: { config: DatabaseConfig; drop: () => Promise<void> };
  let knex: Knex;
  let server: RobustServer;
  let auth: string;
  before(async () => {
    db = await createEmptyDatabase('sqlite');
    knex = createKnex(db.config);
    await migrateLatest(knex);
    auth = await adminAuthorization(knex);
    server = await spawnRobustServer(db.config, { NODE_ENV: 'production' });
  });
  after(async () => {
    await server?.stop();
    await knex?.destroy();
    await db?.drop();
  });

  test('no introspection, no field suggestions, no stack traces', async () => {
    const intro = await gql(server.url, auth, '{ __schema { types { name } } }');
    assert.equal(intro.status, 400);
    assert.equal(intro.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.match(intro.errors![0]!.message, /introspection is not allowed/i);

    const typo = await gql(server.url, auth, '{ datasetz { totalCount } }');
    assert.ok(typo.errors && typo.errors.length > 0, 'a wrong query fails');
    for (const e of typo.errors) {
      assert.doesNotMatch(e.message, /Did you mean/, 'suggestions would reveal the schema');
      assert.equal(e.extensions?.stacktrace, undefined, 'no stack trace');
    }
    const ok = await gqlOk<{ datasets: { totalCount: number } }>(server.url, auth, '{ datasets { totalCount } }');
    assert.equal(ok.datasets.totalCount, 0);
  });
});
