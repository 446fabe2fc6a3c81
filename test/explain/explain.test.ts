/**
 * Runs the per-forecast explanation suites (`suites/*.suite.ts`: GraphQL in-process, SQLite and
 * PostgreSQL) in a child Node process with api/tsconfig.json (test/helpers/child-suites.ts).
 */
import { test } from 'node:test';
import { runSuitesInChild } from '../helpers/child-suites.js';

test('explainForecast suites (in-process GraphQL, SQLite and PostgreSQL)', () => {
  runSuitesInChild('test/explain/suites', 'explanation suites', 10 * 60_000);
});
