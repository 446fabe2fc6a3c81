import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GraphQLClient, GraphQLRequestError, interpretGraphQLResponse, webSocketUrlFor } from './graphql-client.js';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof GraphQLRequestError);
    return error.code;
  }
  assert.fail('expected a GraphQLRequestError');
}

describe('interpretGraphQLResponse', () => {
  test('returns data of a successful response', () => {
    assert.deepEqual(interpretGraphQLResponse(200, { data: { ok: 1 } }), { ok: 1 });
  });

  test('uses extensions.code of the first error, whatever the status', () => {
    assert.equal(
      codeOf(() => interpretGraphQLResponse(200, { errors: [{ message: 'x', extensions: { code: 'NOT_FOUND' } }] })),
      'NOT_FOUND',
    );
    assert.equal(
      codeOf(() =>
        interpretGraphQLResponse(400, { errors: [{ message: 'x', extensions: { code: 'BAD_USER_INPUT' } }] }),
      ),
      'BAD_USER_INPUT',
    );
  });

  test('maps HTTP statuses when the body has no code', () => {
    assert.equal(
      codeOf(() => interpretGraphQLResponse(401, { errors: [{ message: 'no' }] })),
      'UNAUTHENTICATED',
    );
    assert.equal(
      codeOf(() => interpretGraphQLResponse(401, 'not json')),
      'UNAUTHENTICATED',
    );
    assert.equal(
      codeOf(() => interpretGraphQLResponse(403, null)),
      'FORBIDDEN',
    );
    assert.equal(
      codeOf(() => interpretGraphQLResponse(502, null)),
      'INTERNAL_SERVER_ERROR',
    );
    assert.equal(
      codeOf(() => interpretGraphQLResponse(404, null)),
      'HTTP_404',
    );
    assert.equal(
      codeOf(() => interpretGraphQLResponse(200, { data: null })),
      'BAD_RESPONSE',
    );
  });

  test('keeps the server message', () => {
    assert.throws(
      () =>
        interpretGraphQLResponse(200, {
          errors: [{ message: 'Dataset "x" was not found', extensions: { code: 'NOT_FOUND' } }],
        }),
      /Dataset "x" was not found/,
    );
  });
});

describe('GraphQLClient.request', () => {
  test('POSTs the document and variables with the bearer token', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const client = new GraphQLClient({
      endpoint: 'http://api.test/graphql',
      token: 'tok',
      fetch: async (url, init) => {
        seen.push({ url: String(url), init: init! });
        return new Response(JSON.stringify({ data: { hello: 'world' } }), { status: 200 });
      },
    });
    assert.deepEqual(await client.request('query Q { hello }', { a: 1 }), { hello: 'world' });
    assert.equal(seen[0]!.url, 'http://api.test/graphql');
    assert.equal(seen[0]!.init.method, 'POST');
    assert.equal(new Headers(seen[0]!.init.headers).get('authorization'), 'Bearer tok');
    assert.deepEqual(JSON.parse(String(seen[0]!.init.body)), { query: 'query Q { hello }', variables: { a: 1 } });
  });

  test('sends no authorization header without a token', async () => {
    let header: string | null = 'unset';
    const client = new GraphQLClient({
      endpoint: '/graphql',
      fetch: async (_url, init) => {
        header = new Headers(init?.headers).get('authorization');
        return new Response(JSON.stringify({ data: {} }));
      },
    });
    await client.request('{ a }', {});
    assert.equal(header, null);
  });

  test('maps a network failure to NETWORK_ERROR naming the endpoint', async () => {
    const client = new GraphQLClient({
      endpoint: 'http://down.test/graphql',
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    await assert.rejects(client.request('{ a }', {}), (error: unknown) => {
      assert.ok(error instanceof GraphQLRequestError);
      assert.equal(error.code, 'NETWORK_ERROR');
      assert.match(error.message, /down\.test.*fetch failed/);
      return true;
    });
  });

  test('passes the AbortSignal through and rethrows the abort as is', async () => {
    const controller = new AbortController();
    const client = new GraphQLClient({
      endpoint: '/graphql',
      fetch: (_url, init) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
        }),
    });
    const pending = client.request('{ a }', {}, controller.signal);
    controller.abort(new DOMException('stop', 'AbortError'));
    await assert.rejects(pending, (error: unknown) => error instanceof DOMException && error.name === 'AbortError');
  });
});

describe('webSocketUrlFor', () => {
  test('switches the scheme and resolves relative endpoints', () => {
    assert.equal(webSocketUrlFor('/graphql', 'https://shop.test/admin'), 'wss://shop.test/graphql');
    assert.equal(webSocketUrlFor('http://api.test:4000/graphql', 'https://x'), 'ws://api.test:4000/graphql');
  });
});
