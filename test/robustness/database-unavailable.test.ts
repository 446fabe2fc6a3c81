/**
 * When the database cannot be reached, the API's error says so (still INTERNAL_SERVER_ERROR), so a
 * client knows to retry; other unexpected errors stay masked. The PostgreSQL restart of
 * test/e2e/faults.test.ts shows it end to end.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { createFormatError, databaseUnavailable } from '../../api/graphql/format-error.js';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

test('connection failures are recognised through Apollo and GraphQL wrappers', () => {
  assert.equal(databaseUnavailable(refused), true);
  assert.equal(databaseUnavailable(new Error('Connection terminated unexpectedly')), true);
  assert.equal(
    databaseUnavailable(
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    ),
    true,
  );
  assert.equal(
    databaseUnavailable(new GraphQLError('Context creation failed: connect ECONNREFUSED', { originalError: refused })),
    true,
  );
  assert.equal(databaseUnavailable(new Error('Cannot read properties of undefined')), false);
  assert.equal(databaseUnavailable('ECONNREFUSED'), false, 'not an Error');
});

test('formatError says the database is unavailable, and masks other errors', () => {
  const format = createFormatError({ development: false, logger: pino({ level: 'silent' }) });
  const wrapped = new GraphQLError('Context creation failed: connect ECONNREFUSED', {
    originalError: refused,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
  assert.deepEqual(format(wrapped.toJSON(), wrapped), {
    message: 'The database is unavailable. Retry in a few seconds; if it lasts, check the database server.',
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
  const bug = new GraphQLError('x is undefined', { originalError: new TypeError('x is undefined') });
  assert.deepEqual(format(bug.toJSON(), bug), {
    message: 'Internal server error.',
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
});
