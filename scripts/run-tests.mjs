#!/usr/bin/env node
// `npm test`: every *.test.ts under api/, widgets/ and test/, on Node's own test runner with tsx.
// Usage: npm test [-- PATH_FRAGMENT ...]   (only files whose path contains one of the fragments)
// The PostgreSQL suite runs when TEST_PG_URL is set, the MariaDB suites (data sources) when
// TEST_MYSQL_URL is set (.ci/run sets both); otherwise they are skipped, and this script says so. Browser tests need /usr/bin/chromium (.ci/run installs it).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const roots = ['api', 'widgets', 'test', 'bench'];
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts')) files.push(relative(root, p));
  }
}
for (const r of roots) if (existsSync(join(root, r))) walk(join(root, r));
const filters = process.argv.slice(2);
const selected = files.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).toSorted();

const pg = process.env.TEST_PG_URL;
process.stderr.write(
  pg
    ? `Databases under test: SQLite and PostgreSQL (TEST_PG_URL=${pg.replace(/:[^:@/]*@/, ':***@')})\n`
    : 'Databases under test: SQLite only. PostgreSQL SKIPPED: set TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test to run it (.ci/run does).\n',
);
const mysqlUrl = process.env.TEST_MYSQL_URL;
process.stderr.write(
  mysqlUrl
    ? `MariaDB suites (data sources): run (TEST_MYSQL_URL=${mysqlUrl.replace(/:[^:@/]*@/, ':***@')})\n`
    : 'MariaDB suites (data sources) SKIPPED: set TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/ to run them (.ci/run does).\n',
);
process.stderr.write(
  existsSync('/usr/bin/chromium')
    ? 'Browser tests: Chromium at /usr/bin/chromium\n'
    : 'Browser tests SKIPPED: /usr/bin/chromium is missing (apt-get install -y chromium; .ci/run does).\n',
);
if (selected.length === 0) {
  process.stderr.write(`No test files matched ${filters.join(' ')}\n`);
  process.exit(1);
}
// Test files run two at a time on a machine with two cores or more (FORECASTQL_TEST_CONCURRENCY overrides):
// every file has its own databases (random PostgreSQL and MariaDB names, a temporary SQLite file),
// its own ports and its own temporary folders, and half the suite's time is spent waiting on
// Chromium, the databases and child processes, so two at a time cut CI from about 34 minutes.
const concurrency = Number(process.env.FORECASTQL_TEST_CONCURRENCY ?? Math.min(2, availableParallelism()));
if (!Number.isInteger(concurrency) || concurrency < 1) {
  process.stderr.write(
    `FORECASTQL_TEST_CONCURRENCY=${process.env.FORECASTQL_TEST_CONCURRENCY} is not a whole number of at least 1\n`,
  );
  process.exit(2);
}
process.stderr.write(`Test files at a time: ${concurrency}\n`);
// The browser tests load the built widget bundle, and each file builds it when it is missing
// (test/browser/helpers/bundle.ts). Two files at a time would both start that build into the same
// folder and break each other's output (a fresh clone's `npm test` without `npm run build`):
// build it once here first.
const bundle = join(root, 'dist/widgets/forecastql.js');
if (existsSync('/usr/bin/chromium') && selected.some((f) => f.startsWith('test/browser/')) && !existsSync(bundle)) {
  process.stderr.write(`${relative(root, bundle)} is missing: building the widgets once for the browser tests\n`);
  const build = spawnSync(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '-c', 'vite.widgets.config.ts'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (build.status !== 0) {
    process.stderr.write('Building the widget bundle failed: run `npm run build:widgets` and read its output\n');
    process.exit(1);
  }
}
const args = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...selected];
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } });
process.exit(r.status ?? 1);
