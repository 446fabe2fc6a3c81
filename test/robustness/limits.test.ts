/**
 * The GraphQL document limits (api/graphql/limits.ts) against the emitted schema: the widgets' own
 * operations pass under the default limits, and deep, wide, aliased, directive-laden and cyclic
 * documents are rejected with a coded message that names the limit and its setting. (The same
 * documents are sent to a real server by bad-input.test.ts.)
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildSchema, parse, type GraphQLError } from 'graphql';
import { DEFAULT_LIMITS } from '../../api/config/env.js';
import { createGraphQLLimits } from '../../api/graphql/limits.js';
import { aliases, deepQuery, directives, fragmentCycle } from './documents.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const schema = buildSchema(readFileSync(`${ROOT}schema/schema.graphql`, 'utf8'));
const limits = createGraphQLLimits(DEFAULT_LIMITS, { production: false });
const errorsOf = (source: string): readonly GraphQLError[] => limits.validate(schema, parse(source));

test('every widget operation (schema/operations) passes under the default limits', () => {
  const files = readdirSync(`${ROOT}schema/operations`).filter((f) => f.endsWith('.graphql'));
  assert.ok(files.length >= 6, `widget operations found: ${files.join(', ')}`);
  for (const f of files) {
    const errors = errorsOf(readFileSync(`${ROOT}schema/operations/${f}`, 'utf8'));
    assert.deepEqual(
      errors.map((e) => e.message),
      [],
      `${f} is rejected`,
    );
  }
});

test('a query 50 levels deep is refused, naming FORECASTQL_MAX_DEPTH', () => {
  const errors = errorsOf(deepQuery(50));
  const depth = errors.find((e) => e.message.includes('depth'));
  assert.equal(
    depth?.message,
    'Query depth limit of 10 exceeded, found 50. Ask for less in one operation, or raise FORECASTQL_MAX_DEPTH.',
  );
  assert.equal(depth.extensions['code'], 'BAD_USER_INPUT');
  assert.deepEqual(
    errorsOf(deepQuery(DEFAULT_LIMITS.maxDepth)).map((e) => e.message),
    [],
    'up to the limit is fine',
  );
});

test('a thousand aliases are refused, naming FORECASTQL_MAX_ALIASES', () => {
  // (Ten thousand stop at the token limit on a real server, before validation: bad-input.test.ts.)
  const errors = errorsOf(aliases(1000));
  const alias = errors.find((e) => e.message.includes('Aliases'));
  assert.equal(
    alias?.message,
    'Aliases limit of 30 exceeded, found 1000. Ask for less in one operation, or raise FORECASTQL_MAX_ALIASES.',
  );
  assert.equal(alias.extensions['code'], 'BAD_USER_INPUT');
  assert.deepEqual(
    errorsOf(aliases(DEFAULT_LIMITS.maxAliases)).map((e) => e.message),
    [],
    'up to the limit is fine',
  );
});

test('a query over the cost limit is refused, naming FORECASTQL_MAX_COST', () => {
  const tight = createGraphQLLimits({ ...DEFAULT_LIMITS, maxCost: 5 }, { production: false });
  const errors = tight.validate(schema, parse('{ datasets { nodes { id name rowCount seriesCount attributes } } }'));
  assert.match(
    errors.map((e) => e.message).join('\n'),
    /^Query Cost limit of 5 exceeded, found \d+.*FORECASTQL_MAX_COST\.$/,
  );
});

test("a thousand repetitions of a field exhaust graphql-js's own validation budget", () => {
  const fields = Array.from({ length: 1000 }, () => 'id name').join(' ');
  assert.deepEqual(
    errorsOf(`{ datasets { nodes { ${fields} } } }`).map((e) => e.message),
    ['Validation aborted.'],
  );
});

test('a hundred directives are refused, naming FORECASTQL_MAX_DIRECTIVES', () => {
  const errors = errorsOf(directives(100));
  assert.deepEqual(
    errors.map((e) => e.message),
    ['Directives limit of 50 exceeded, found 100. Ask for less in one operation, or raise FORECASTQL_MAX_DIRECTIVES.'],
  );
});

test('fragment cycles are rejected by graphql-js validation', () => {
  const errors = errorsOf(fragmentCycle());
  assert.match(errors.map((e) => e.message).join('\n'), /Cannot spread fragment "A" within itself via "B"/);
});

test('production masks field suggestions', async () => {
  const production = createGraphQLLimits(DEFAULT_LIMITS, { production: true });
  assert.equal(
    production.plugins.length,
    limits.plugins.length + 1,
    'the suggestion-masking plugin is on in production only',
  );
});

test('an inline list longer than FORECASTQL_MAX_LIST_ITEMS is refused', () => {
  const tight = createGraphQLLimits({ ...DEFAULT_LIMITS, maxListItems: 3 }, { production: false });
  const errors = tight.validate(
    schema,
    parse('{ forecast(datasetId: "1", quantiles: [0.1, 0.2, 0.3, 0.4]) { seriesCount } }'),
  );
  assert.deepEqual(
    errors.map((e) => [e.message, e.extensions['code']]),
    [
      [
        'A list argument holds 4 items; the limit is 3. Send fewer items per operation, or raise FORECASTQL_MAX_LIST_ITEMS.',
        'BAD_USER_INPUT',
      ],
    ],
  );
});
