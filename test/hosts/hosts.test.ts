/**
 * Runs the host suites (`suites/*.suite.ts`: ForecastQL mounted in Apollo Server, GraphQL Yoga and
 * an Apollo Federation gateway) in a child Node process with api/tsconfig.json (see
 * test/helpers/child-suites.ts), on SQLite and, when TEST_PG_URL is set, PostgreSQL.
 */
import { test } from 'node:test';
import { runSuitesInChild } from '../helpers/child-suites.js';

test('ForecastQL in host servers (Apollo Server, GraphQL Yoga, Apollo Gateway; SQLite and PostgreSQL)', () => {
  runSuitesInChild('test/hosts/suites', 'host suites', 10 * 60_000);
});
