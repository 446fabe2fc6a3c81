/**
 * Runs the scenario suites (`suites/*.suite.ts`: GraphQL in-process, SQLite and PostgreSQL) in a
 * child Node process with api/tsconfig.json (type-graphql's decorators; test/helpers/child-suites.ts).
 */
import { test } from 'node:test';
import { runSuitesInChild } from '../helpers/child-suites.js';

test('what-if scenario suites (in-process GraphQL, SQLite and PostgreSQL)', () => {
  runSuitesInChild('test/scenarios/suites', 'scenario suites', 15 * 60_000);
});
