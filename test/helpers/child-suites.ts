/**
 * Runs every `*.suite.ts` of a folder in a child Node process whose tsx reads api/tsconfig.json:
 * type-graphql needs legacy (experimental) decorators, and the root tsconfig.json that `npm test`'s
 * tsx reads enables none. The child inherits TEST_PG_URL, so the suites run on SQLite and, when it
 * is set, PostgreSQL.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** FORECASTQL_TEST_CONCURRENCY, else two on a machine with two cores or more. */
function concurrency(): number {
  const n = Number(process.env['FORECASTQL_TEST_CONCURRENCY'] ?? Math.min(2, availableParallelism()));
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/** `folder` relative to the repository root, e.g. `test/integration/suites`; `what` names them in failures. */
export function runSuitesInChild(folder: string, what: string, timeoutMs: number): void {
  const suites = readdirSync(new URL(`../../${folder}`, import.meta.url))
    .filter((f) => f.endsWith('.suite.ts'))
    .map((f) => `${folder}/${f}`);
  // Without NODE_TEST_CONTEXT the child is a test run of its own, not a sub-run that Node skips.
  const { NODE_TEST_CONTEXT: _ignored, ...env } = process.env;
  const r = spawnSync(
    process.execPath,
    // Two suites at a time, like npm test's files (scripts/run-tests.mjs): each suite owns its databases.
    ['--import', 'tsx', '--test', `--test-concurrency=${concurrency()}`, '--test-reporter=spec', ...suites],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...env, TSX_TSCONFIG_PATH: 'api/tsconfig.json' },
      // A hung suite must fail CI, not stall it.
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    },
  );
  assert.equal(r.error, undefined, `the ${what} did not finish: ${String(r.error)}`);
  assert.equal(r.status, 0, `some ${what} failed (see their output above)`);
}
