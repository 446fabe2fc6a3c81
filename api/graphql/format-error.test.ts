import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { ArgumentValidationError } from 'type-graphql';
import { NotFoundError, UserInputError } from '../errors/index.js';
import { createFormatError } from './format-error.js';

const logger = pino({ level: 'silent' });
const production = createFormatError({ development: false, logger });
const development = createFormatError({ development: true, logger });

/** What graphql-js hands the formatter for an error thrown in a resolver. */
function fromResolver(e: unknown): { formatted: { message: string; path: string[] }; error: GraphQLError } {
  const error = new GraphQLError(e instanceof Error ? e.message : String(e), {
    path: ['field'],
    originalError: e as Error,
  });
  return { formatted: { message: error.message, path: ['field'] }, error };
}

describe('formatError', () => {
  test('keeps the code and message of domain errors', () => {
    const { formatted, error } = fromResolver(new NotFoundError('Dataset', '9'));
    const out = production(formatted, error);
    assert.equal(out.message, 'Dataset "9" was not found.');
    assert.equal(out.extensions?.['code'], 'NOT_FOUND');
    const bad = fromResolver(new UserInputError('horizon 0 is outside 1..365.'));
    assert.equal(production(bad.formatted, bad.error).extensions?.['code'], 'BAD_USER_INPUT');
  });

  test('masks unknown errors outside development, and shows them in development', () => {
    const { formatted, error } = fromResolver(new Error('SQLITE_CORRUPT: secret table name'));
    const masked = production(formatted, error);
    assert.equal(masked.message, 'Internal server error.');
    assert.deepEqual(masked.extensions, { code: 'INTERNAL_SERVER_ERROR' });
    const shown = development(formatted, error);
    assert.match(shown.message, /SQLITE_CORRUPT/);
    assert.equal(shown.extensions?.['code'], 'INTERNAL_SERVER_ERROR');
    assert.ok(Array.isArray(shown.extensions?.['stacktrace']));
  });

  test('turns class-validator failures into one readable BAD_USER_INPUT', () => {
    const e = new ArgumentValidationError([
      { property: 'first', value: 900, constraints: { max: 'must not be greater than 500' }, children: [] },
    ]);
    const out = production({ message: e.message }, fromResolver(e).error);
    assert.equal(out.extensions?.['code'], 'BAD_USER_INPUT');
    assert.equal(out.message, 'Invalid argument: first 900: must not be greater than 500.');
  });

  test('passes GraphQL request errors through', () => {
    const out = production(
      { message: 'Cannot query field "nope" on type "Query".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      new GraphQLError('x'),
    );
    assert.equal(out.extensions?.['code'], 'GRAPHQL_VALIDATION_FAILED');
    assert.match(out.message, /nope/);
  });

  test('never throws, whatever it is given', () => {
    const hostile = {
      get message(): string {
        throw new Error('boom');
      },
    };
    assert.doesNotThrow(() => production(hostile as never, hostile));
    assert.equal(production(hostile as never, hostile).extensions?.['code'], 'INTERNAL_SERVER_ERROR');
  });
});
