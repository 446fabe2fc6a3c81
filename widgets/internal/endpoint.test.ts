import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultEndpoint } from './endpoint.js';

test('the default endpoint is the /graphql of the server that served the bundle', () => {
  assert.equal(defaultEndpoint('https://api.example/widgets/forecastql.js'), 'https://api.example/graphql');
  assert.equal(
    defaultEndpoint('https://api.example/widgets/0123456789abcdef/forecastql.js'),
    'https://api.example/graphql',
  );
  assert.equal(defaultEndpoint('http://127.0.0.1:4000/bi/widgets/forecastql.js'), 'http://127.0.0.1:4000/bi/graphql');
  // The widgets run from the lazily loaded chunks beside the entry.
  assert.equal(defaultEndpoint('https://api.example/widgets/chunks/core-CBIM8nY3.js'), 'https://api.example/graphql');
  assert.equal(
    defaultEndpoint('https://api.example/widgets/0123456789abcdef/chunks/core-CBIM8nY3.js'),
    'https://api.example/graphql',
  );
});

test("a bundler's or Storybook's module keeps the page's own /graphql", () => {
  assert.equal(defaultEndpoint('http://localhost:6006/widgets/internal/endpoint.ts'), '/graphql');
  assert.equal(defaultEndpoint('https://shop.example/assets/index-3f2a.js'), '/graphql');
  assert.equal(defaultEndpoint('file:///srv/widgets/forecastql.js'), '/graphql');
  assert.equal(defaultEndpoint('https://shop.example/widgets/chunk/core.js'), '/graphql');
  assert.equal(defaultEndpoint('not a url'), '/graphql');
});
