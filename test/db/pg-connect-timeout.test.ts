/**
 * A PostgreSQL server that accepts a connection but never answers its start-up (a database being
 * dropped, a server stuck starting) must not make ForecastQL leak sockets: the attempt fails after
 * PG_CONNECT_TIMEOUT_MS and its socket is closed. Without the client-side timeout the pool gives
 * up on the attempt but leaves the socket open, and the next attempts pile up until PostgreSQL
 * refuses every client. No PostgreSQL is needed: a silent TCP server stands in for it.
 */
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import { test } from 'node:test';
import { createKnex, PG_CONNECT_TIMEOUT_MS } from '../../api/db/knex.js';

test('a connection attempt the server never answers fails and its socket is closed', async () => {
  const open = new Set<Socket>();
  let accepted = 0;
  const silent = createServer((socket) => {
    accepted++;
    open.add(socket);
    socket.resume(); // read, so the client's FIN is seen and the socket closes
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => {});
  });
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  const { port } = silent.address() as { port: number };
  const knex = createKnex({ client: 'pg', connectionString: `postgres://postgres@127.0.0.1:${port}/test` });
  try {
    const started = Date.now();
    await assert.rejects(knex.raw('select 1'), (error: Error) => /timeout/i.test(error.message));
    const waited = Date.now() - started;
    assert.ok(waited >= PG_CONNECT_TIMEOUT_MS - 500, `gave up after ${waited} ms, not before the timeout`);
    assert.ok(accepted >= 1, 'the client reached the silent server');
    // The socket of every abandoned attempt is closed shortly after its timeout.
    const deadline = Date.now() + 3_000;
    while (open.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(open.size, 0, `${open.size} of ${accepted} sockets to the silent server are still open`);
  } finally {
    await knex.destroy();
    for (const socket of open) socket.destroy();
    silent.close();
  }
});
