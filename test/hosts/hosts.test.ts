/**
 * Runs the host suites (`suites/*.suite.ts`: ForecastQL mounted in Apollo Server, GraphQL Yoga and
 * an Apollo Federation gateway) in a child Node process whose tsx reads api/tsconfig.json (the
 * decorators of type-graphql), on SQLite and, when TEST_PG_URL is set, PostgreSQL.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const root = fileURLToPath(new URL('../..', import.meta.url));
const suites = readdirSync(new URL('./suites', import.meta.url))
  .filter((f) => f.endsWith('.suite.ts'))
  .map((f) => `test/hosts/suites/${f}`);

test('ForecastQL in host servers (Apollo Server, GraphQL Yoga, Apollo Gateway; SQLite and PostgreSQL)', () => {
  const { NODE_TEST_CONTEXT: _ignored, ...env } = process.env;
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...suites],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...env, TSX_TSCONFIG_PATH: 'api/tsconfig.json' },
      timeout: 10 * 60_000,
      killSignal: 'SIGKILL',
    },
  );
  assert.equal(r.error, undefined, `the host suites did not finish: ${String(r.error)}`);
  assert.equal(r.status, 0, 'some host suites failed (see their output above)');
});
