/**
 * Runs the in-process API suites (`suites/*.suite.ts`) in a child Node process whose tsx reads
 * api/tsconfig.json: type-graphql needs legacy (experimental) decorators, and the root
 * tsconfig.json that `npm test`'s tsx reads enables none. The child inherits TEST_PG_URL, so the
 * suites run on SQLite and, when it is set, PostgreSQL.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const root = fileURLToPath(new URL('../..', import.meta.url));
const suites = readdirSync(new URL('./suites', import.meta.url))
  .filter((f) => f.endsWith('.suite.ts'))
  .map((f) => `test/integration/suites/${f}`);

test('GraphQL API suites (in-process, SQLite and PostgreSQL)', () => {
  // Without NODE_TEST_CONTEXT the child is a test run of its own, not a sub-run that Node skips.
  const { NODE_TEST_CONTEXT: _ignored, ...env } = process.env;
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...suites],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...env, TSX_TSCONFIG_PATH: 'api/tsconfig.json' },
      // A hung suite must fail CI, not stall it.
      timeout: 20 * 60_000,
      killSignal: 'SIGKILL',
    },
  );
  assert.equal(r.error, undefined, `the API suites did not finish: ${String(r.error)}`);
  assert.equal(r.status, 0, 'some API suites failed (see their output above)');
});
