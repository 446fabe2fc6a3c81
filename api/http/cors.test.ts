/**
 * CORS for /graphql (cors.ts) over real HTTP: an allowed origin gets its Allow header, a refused one
 * gets none and is logged once, with the setting to change.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createCors } from './cors.js';

test('a refused origin is logged once with FORECASTQL_CORS_ORIGINS; an allowed one is not', async () => {
  const warnings: { object: Record<string, unknown>; message: string }[] = [];
  const cors = createCors(['https://admin.shop.example'], {
    warn: (object, message) => warnings.push({ object: object as Record<string, unknown>, message }),
  });
  const server = createServer((req, res) => {
    void cors(req, res).then((outcome) => {
      if (outcome === 'next') res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  try {
    const preflight = (origin: string) =>
      fetch(url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const allowed = await preflight('https://admin.shop.example');
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://admin.shop.example');
    assert.equal(warnings.length, 0);
    const refused = await preflight('https://other.example');
    assert.equal(refused.status, 204);
    assert.equal(refused.headers.get('access-control-allow-origin'), null);
    await preflight('https://other.example');
    await fetch(url, { method: 'POST', headers: { origin: 'https://other.example' } });
    assert.equal(warnings.length, 1, 'logged once per origin');
    assert.equal(warnings[0]!.object['origin'], 'https://other.example');
    assert.match(
      warnings[0]!.message,
      /refused a browser request from https:\/\/other\.example: add it to FORECASTQL_CORS_ORIGINS/,
    );
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
