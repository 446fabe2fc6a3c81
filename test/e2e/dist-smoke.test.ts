/**
 * The compiled server (`dist/`, what `npm start` runs) starts and answers GraphQL. tsc emits
 * decorator metadata and tsx does not, so only the build can show that type-graphql finds its
 * Reflect polyfill whatever module loads first. CI builds before it tests; locally this test
 * says it is skipped until `npm run build` has run.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { createKnex } from '../../api/db/knex.js';
import { createAdminKey } from '../helpers/auth.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const built = existsSync(join(root, 'dist', 'api', 'cli.js'));

test(
  'the built `forecastql serve` answers /healthz and GraphQL',
  { skip: built ? false : 'dist/ is missing: run `npm run build` first' },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fq-dist-'));
    const child = spawn(
      process.execPath,
      ['bin/forecastql.js', 'serve', '--db', join(dir, 'smoke.sqlite'), '--port', '0'],
      {
        cwd: root,
        env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let log = '';
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start in 60 s:\n${log}`)), 60_000);
        child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${log}`)));
        createInterface({ input: child.stderr! }).on('line', (line) => {
          log += `${line}\n`;
          const m = /serving on (http:\/\/\S+)/.exec(line);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      const health = await fetch(`${url}/healthz`);
      assert.deepEqual(await health.json(), { status: 'ok', database: 'sqlite' });
      // No anonymous access: without a key the API answers 401 UNAUTHENTICATED.
      const anonymous = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ datasets { totalCount } }' }),
      });
      assert.equal(anonymous.status, 401);
      const knex = createKnex({ client: 'sqlite', filename: join(dir, 'smoke.sqlite') });
      const { headers } = await createAdminKey(knex).finally(() => knex.destroy());
      const post = async (query: string) => {
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ query }),
        });
        return (await res.json()) as {
          data?: { datasets?: { totalCount: number } } | null;
          errors?: Array<{ extensions: { code: string } }>;
        };
      };
      assert.deepEqual(await post('{ datasets { totalCount } }'), { data: { datasets: { totalCount: 0 } } });
      assert.equal(
        (await post('{ calendarEvents(datasetId: "1") { date } }')).errors?.[0]?.extensions.code,
        'NOT_FOUND',
      );
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
