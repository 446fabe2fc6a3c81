/**
 * Runs the alert and webhook suites (`suites/*.suite.ts`) in a child Node process with
 * api/tsconfig.json (type-graphql decorators; see test/helpers/child-suites.ts), on SQLite and,
 * when TEST_PG_URL is set, PostgreSQL.
 */
import { test } from 'node:test';
import { runSuitesInChild } from '../helpers/child-suites.js';

test('alerts and webhooks (in-process, SQLite and PostgreSQL)', () => {
  runSuitesInChild('test/alerts/suites', 'alert suites', 10 * 60_000);
});
