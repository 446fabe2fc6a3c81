/**
 * Faults (issue 6):
 * - `kill -9` of `forecastql import` in the middle of a large import, on SQLite and PostgreSQL:
 *   nothing of it is visible afterwards (the import is one transaction; every table keeps its
 *   checksum) and the database takes the next import at once (no lock or journal left behind).
 * - `kill -9` during training: test/e2e/crash-recovery.test.ts (the run ends FAILED with a reason
 *   after a restart, with no partial results).
 * - A PostgreSQL restart under load, on a private throwaway cluster (initdb + pg_ctl as the
 *   `postgres` user; the shared test cluster is never touched): while the database is down every
 *   request ends quickly with a coded error that says to retry (no hang, no crash), and once it is back requests
 *   succeed again without restarting ForecastQL.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createKnex, type Knex } from '../../api/db/knex.js';
import { migrateLatest } from '../../api/db/migrate.js';
import { generateLongCsv } from '../../bench/import-generate.js';
import { snapshot } from '../db/snapshot.js';
import { withDbs } from '../helpers/dbs.js';
import { tinyCsv } from './support/data.js';
import { adminAuthorization, databaseUrl, gql, gqlOk, spawnRobustServer } from '../robustness/support/server.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts `forecastql import FILE --dataset NAME --db DB` in a child process (the CLI's entry under tsx). */
function startImport(file: string, dataset: string, db: string) {
  const script = `
    await import('reflect-metadata');
    const { main } = await import(${JSON.stringify(`${ROOT}api/cli.ts`)});
    await main(['node', 'forecastql', 'import', ${JSON.stringify(file)}, '--dataset', ${JSON.stringify(dataset)}, '--db', ${JSON.stringify(db)}]);`;
  const { NODE_TEST_CONTEXT: _ignored, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...env, LOG_LEVEL: 'warn', TSX_TSCONFIG_PATH: `${ROOT}api/tsconfig.json` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

withDbs(
  (db) => {
    const dir = mkdtempSync(join(tmpdir(), 'fq-faults-'));
    after(() => rmSync(dir, { recursive: true, force: true }));

    test('kill -9 of forecastql import mid-import: nothing of it is visible, the next import works', async () => {
      const small = join(dir, 'small.csv');
      writeFileSync(small, tinyCsv(2, 30));
      const first = startImport(small, 'kept', databaseUrl(db.config));
      assert.equal((await first.exited).code, 0, first.stderr());
      const was = await snapshot(db.knex);
      assert.equal(was['observations']!.rows, 60, 'the first import is stored');

      const big = join(dir, 'big.csv');
      await generateLongCsv(big, 1_500_000, 1000);
      const run = startImport(big, 'killed', databaseUrl(db.config));
      const deadline = Date.now() + 120_000;
      // The CLI prints "importing: N rows" every 2 s once rows are being written.
      while (!/importing: [\d,]+ rows/.test(run.stderr())) {
        assert.equal(run.child.exitCode, null, `the import ended before it could be killed: ${run.stderr()}`);
        assert.ok(Date.now() < deadline, 'no progress within 120 s');
        await sleep(100);
      }
      run.child.kill('SIGKILL');
      const ended = await run.exited;
      assert.equal(ended.signal, 'SIGKILL', `the import was killed mid-way (${run.stdout()})`);

      assert.deepEqual(await snapshot(db.knex), was, 'every table is as before the killed import');

      const again = startImport(small, 'after', databaseUrl(db.config));
      assert.equal((await again.exited).code, 0, `an import right after the kill: ${again.stderr()}`);
      const now = await snapshot(db.knex);
      assert.equal(now['observations']!.rows, 120, 'the next import is stored');
    });
  },
  async (knex) => {
    await migrateLatest(knex);
  },
);

const PG_BIN = '/usr/lib/postgresql/15/bin';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Runs a PostgreSQL binary as the `postgres` user (CI runs as root; initdb refuses root). */
function asPostgres(bin: string, args: readonly string[]): string {
  const command = [join(PG_BIN, bin), ...args];
  if (process.getuid?.() === 0)
    return execFileSync('runuser', ['-u', 'postgres', '--', ...command], { encoding: 'utf8' });
  return execFileSync(command[0]!, command.slice(1), { encoding: 'utf8' });
}

const havePg = existsSync(join(PG_BIN, 'initdb')) && existsSync(join(PG_BIN, 'pg_ctl'));
if (!havePg) {
  process.stderr.write(
    `\n*** SKIPPED: PostgreSQL restart under load needs ${PG_BIN}/initdb and pg_ctl (apt-get install postgresql-15) ***\n\n`,
  );
}

describe('PostgreSQL restart under load (private cluster)', { skip: !havePg && `no ${PG_BIN}/initdb` }, () => {
  let dir: string;
  let data: string;
  let port: number;
  let knex: Knex | undefined;
  const pgCtl = (...args: string[]) =>
    asPostgres('pg_ctl', ['-D', data, '-l', join(dir, 'postgres.log'), '-w', '-t', '60', ...args]);
  const start = () => pgCtl('-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fq-pg-restart-'));
    chmodSync(dir, 0o777);
    data = join(dir, 'data');
    if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dir]);
    asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    port = await freePort();
    start();
  });
  after(async () => {
    await knex?.destroy();
    try {
      pgCtl('stop', '-m', 'immediate');
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('requests fail with a coded error while PostgreSQL is down, then succeed again without a ForecastQL restart', async () => {
    const config = { client: 'pg' as const, connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` };
    knex = createKnex(config);
    await migrateLatest(knex);
    const auth = await adminAuthorization(knex);
    await knex.destroy();
    knex = undefined;
    const server = await spawnRobustServer(config, { FORECASTQL_RATE_LIMIT: '0' });
    try {
      const { createDataset } = await gqlOk<{ createDataset: { id: string } }>(
        server.url,
        auth,
        'mutation { createDataset(input: { name: "restart", frequency: DAY }) { id } }',
      );
      await gqlOk(
        server.url,
        auth,
        'mutation($id: ID!, $csv: String!) { importObservations(datasetId: $id, csv: $csv) { rowsImported } }',
        { id: createDataset.id, csv: tinyCsv(2, 30) },
      );

      type Outcome = {
        at: number;
        ms: number;
        ok: boolean;
        status: number;
        code: string | undefined;
        message?: string;
      };
      const outcomes: Outcome[] = [];
      let stop = false;
      const QUERY = '{ datasets { totalCount nodes { id name rowCount seriesCount } } }';
      const client = async () => {
        for (;;) {
          if (stop) return;
          const t0 = Date.now();
          try {
            const r = await fetch(`${server.url}/graphql`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: auth },
              body: JSON.stringify({ query: QUERY }),
              signal: AbortSignal.timeout(20_000),
            });
            const body = (await r.json()) as {
              data?: { datasets: { totalCount: number } } | null;
              errors?: Array<{ message: string; extensions?: { code?: string } }>;
            };
            outcomes.push({
              at: t0,
              ms: Date.now() - t0,
              ok: r.status === 200 && !body.errors && body.data?.datasets.totalCount === 1,
              status: r.status,
              code: body.errors?.[0]?.extensions?.code,
              message: body.errors?.[0]?.message,
            });
          } catch (e) {
            outcomes.push({ at: t0, ms: Date.now() - t0, ok: false, status: 0, code: `transport: ${String(e)}` });
          }
          await sleep(20);
        }
      };
      const clients = Array.from({ length: 8 }, () => client());
      await sleep(1500);
      const downAt = Date.now();
      pgCtl('stop', '-m', 'immediate');
      await sleep(3000);
      start();
      const upAt = Date.now();
      await sleep(5000);
      stop = true;
      await Promise.all(clients);

      assert.equal(server.child.exitCode, null, `ForecastQL is still running:\n${server.stderr()}`);
      const beforeDown = outcomes.filter((o) => o.at + o.ms < downAt);
      assert.ok(beforeDown.length > 0 && beforeDown.every((o) => o.ok), 'requests succeed before the restart');
      const during = outcomes.filter((o) => o.at > downAt + 200 && o.at + o.ms < upAt);
      assert.ok(during.length > 0, 'requests were sent while PostgreSQL was down');
      for (const o of during) {
        assert.ok(!o.code?.startsWith('transport'), `a request got no HTTP answer: ${o.code}`);
        assert.ok(
          o.ok ||
            (o.code === 'INTERNAL_SERVER_ERROR' && (o.message ?? '').startsWith('The database is unavailable. Retry')),
          `a coded error that says to retry while down: ${JSON.stringify(o)}`,
        );
      }
      assert.ok(
        during.some((o) => !o.ok),
        'requests fail while PostgreSQL is down (else the test did not test anything)',
      );
      assert.ok(
        outcomes.every((o) => o.ms < 15_000),
        `no request hangs: slowest ${Math.max(...outcomes.map((o) => o.ms))} ms`,
      );
      const recovered = outcomes.filter((o) => o.at > upAt + 2000);
      assert.ok(recovered.length > 0, 'requests were sent after the restart');
      assert.ok(
        recovered.every((o) => o.ok),
        `requests succeed again after the restart: ${JSON.stringify(recovered.filter((o) => !o.ok).slice(0, 3))}`,
      );
      const health = await fetch(`${server.url}/healthz`);
      assert.equal(health.status, 200, 'healthz is ok again');
      const final = await gql(server.url, auth, '{ datasets { totalCount } }');
      assert.equal(final.status, 200);
      process.stderr.write(
        `PG restart: ${outcomes.length} requests; while down ${during.length} (${during.filter((o) => !o.ok).length} coded errors, HTTP ${[...new Set(during.map((o) => o.status))].join('/')}, slowest ${Math.max(...during.map((o) => o.ms))} ms); after: ${recovered.length} ok\n`,
      );
    } finally {
      await server.stop();
    }
  });
});
