/**
 * Runs the in-process API suites (`suites/*.suite.ts`) in a child Node process with api/tsconfig.json
 * (see test/helpers/child-suites.ts), on SQLite and, when TEST_PG_URL is set, PostgreSQL.
 */
import { test } from 'node:test';
import { runSuitesInChild } from '../helpers/child-suites.js';

test('GraphQL API suites (in-process, SQLite and PostgreSQL)', () => {
  runSuitesInChild('test/integration/suites', 'API suites', 20 * 60_000);
});
