/**
 * Graceful shutdown: a request the server accepted before SIGTERM is answered in full, new
 * connections are refused, and the process exits cleanly (a rolling restart behind a load balancer
 * loses no request it already took). The request is held open by sending its body in two parts,
 * with SIGTERM in between.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { DatabaseConfig } from '../../api/config/env.js';
import { createKnex } from '../../api/db/knex.js';
import { migrateLatest } from '../../api/db/migrate.js';
import { createEmptyDatabase } from '../helpers/dbs.js';
import { adminAuthorization, spawnRobustServer, type RobustServer } from './support/server.js';

describe('graceful shutdown (SQLite)', () => {
  let config: DatabaseConfig;
  let drop: () => Promise<void>;
  let authorization: string;
  let server: RobustServer;

  before(async () => {
    ({ config, drop } = await createEmptyDatabase('sqlite'));
    const knex = createKnex(config);
    await migrateLatest(knex);
    authorization = await adminAuthorization(knex, 'shutdown');
    await knex.destroy();
    server = await spawnRobustServer(config);
  });

  after(async () => {
    await server?.stop();
    await drop?.();
  });

  test('a request accepted before SIGTERM is answered; new connections are refused; exit 0', async () => {
    const body = Buffer.from(JSON.stringify({ query: '{ datasets { totalCount } }' }));
    const req = request(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization, 'content-length': body.length },
    });
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      });
      req.on('error', reject);
    });
    req.write(body.subarray(0, 10));
    await once(req, 'socket');
    // Let the server see the request start before it is told to stop.
    await new Promise((r) => setTimeout(r, 300));
    const exited = once(server.child, 'exit');
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));

    const refused = await fetch(`${server.url}/healthz`).then(
      (r) => `answered ${r.status}`,
      (e: Error) => `refused (${(e.cause as NodeJS.ErrnoException | undefined)?.code ?? e.message})`,
    );
    assert.match(refused, /^refused/, `a new connection after SIGTERM was ${refused}`);

    req.end(body.subarray(10));
    const { status, text } = await answer;
    assert.equal(status, 200, text);
    assert.deepEqual(JSON.parse(text), { data: { datasets: { totalCount: 0 } } });
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0, `exit code; stderr: ${server.stderr()}`);
  });
});
