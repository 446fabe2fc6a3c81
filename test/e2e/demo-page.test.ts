/**
 * `serve --demo` tells the page at `/` which dataset to show, so `npm start` followed by opening
 * the page shows the demo forecasts without query parameters.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createEmptyDatabase } from '../helpers/dbs.js';
import { spawnServer, type SpawnedServer } from './support/client.js';

let server: SpawnedServer;
let drop: () => Promise<void>;

before(async () => {
  const created = await createEmptyDatabase('sqlite');
  drop = created.drop;
  server = await spawnServer(created.config, { demoDatasetId: 7 });
});

after(async () => {
  await server?.stop();
  await drop?.();
});

test('the demo page at / carries the demo dataset, the endpoint and no token', async () => {
  const res = await fetch(`${server.url}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  const html = await res.text();
  assert.ok(
    html.includes('window.FORECASTQL_DEMO = {"endpoint":"/graphql","token":"","dataset":"7"};'),
    `the page should start with the demo config; it begins:\n${html.slice(0, 400)}`,
  );
  assert.ok(
    html.indexOf('FORECASTQL_DEMO = {"endpoint"') < html.indexOf('window.FORECASTQL_DEMO ||'),
    'the config is set before the page reads it',
  );
});

test('a browser asking for /favicon.ico gets an empty answer, not a 404', async () => {
  const res = await fetch(`${server.url}/favicon.ico`);
  assert.equal(res.status, 204);
});
