/**
 * `serve --demo` tells the page at `/` which dataset to show, with a read-only embed token for it,
 * so `npm start` followed by opening the page shows the demo forecasts without query parameters.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createEmptyDatabase } from '../helpers/dbs.js';
import { postAs, spawnServer, type SpawnedServer } from './support/client.js';

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

test('the demo page at / carries the demo dataset, the endpoint and a read-only embed token for it', async () => {
  const res = await fetch(`${server.url}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  const html = await res.text();
  const config = /window\.FORECASTQL_DEMO = (\{.*?\});/.exec(html);
  assert.ok(config, `the page should start with the demo config; it begins:\n${html.slice(0, 400)}`);
  const demo = JSON.parse(config[1]!) as { endpoint: string; token: string; dataset: string };
  assert.equal(demo.endpoint, '/graphql');
  assert.equal(demo.dataset, '7');
  assert.match(demo.token, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'the token is a JWT');
  const auth = { authorization: `Bearer ${demo.token}` };
  // It authenticates, reads only dataset 7 (absent in this empty database) and cannot mutate.
  const read = await postAs(server.url, auth, '{ datasets { totalCount } }');
  assert.deepEqual(read.data, { datasets: { totalCount: 0 } }, JSON.stringify(read));
  const write = await postAs(server.url, auth, 'mutation { createDataset(input: { name: "x" }) { id } }');
  assert.equal(write.errors?.[0]?.extensions?.code, 'FORBIDDEN', JSON.stringify(write));
  assert.ok(
    html.indexOf('FORECASTQL_DEMO = {"endpoint"') < html.indexOf('window.FORECASTQL_DEMO ||'),
    'the config is set before the page reads it',
  );
});

test('a browser asking for /favicon.ico gets an empty answer, not a 404', async () => {
  const res = await fetch(`${server.url}/favicon.ico`);
  assert.equal(res.status, 204);
});
