/**
 * The cost estimate (api/graphql/cost-limit.ts): graphql-armor's for every field but flat table
 * pages, which are priced by the values they return, so the README's 500-row `forecastTable`
 * page passes the default limit while a page in a variable, or many pages in one operation, are
 * still bounded.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { costLimitRule as armorCostRule } from '@escape.tech/graphql-armor-cost-limit';
import { buildSchema, parse, validate, type GraphQLError } from 'graphql';
import { DEFAULT_LIMITS } from '../../api/config/env.js';
import { costLimitRule, FLAT_PAGES } from '../../api/graphql/cost-limit.js';
import { createGraphQLLimits } from '../../api/graphql/limits.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const schema = buildSchema(readFileSync(`${ROOT}schema/schema.graphql`, 'utf8'));
const README = readFileSync(`${ROOT}README.md`, 'utf8');
const limits = createGraphQLLimits(DEFAULT_LIMITS, { production: false });
const errorsOf = (source: string): readonly GraphQLError[] => limits.validate(schema, parse(source));

/** The cost of each operation of a document by this project's rule (from its rejections at a limit of 0). */
function costsOf(source: string): number[] {
  return validate(schema, parse(source), [costLimitRule({ maxCost: 0, setting: 'X' })]).map((error) => {
    const found = /found ([\d.]+)\./.exec(error.message);
    assert.ok(found, `no cost reported for ${source}: ${error.message}`);
    return Number(found[1]);
  });
}
const costOf = (source: string): number => costsOf(source)[0]!;

/** The cost of each operation by graphql-armor's own rule, with the options this project used. */
function armorCostsOf(source: string): number[] {
  const costs: number[] = [];
  validate(schema, parse(source), [
    armorCostRule({
      maxCost: Number.MAX_SAFE_INTEGER,
      flattenFragments: true,
      onAccept: [(_ctx, { n }) => void costs.push(n)],
    }),
  ]);
  return costs;
}
const armorCostOf = (source: string): number => armorCostsOf(source)[0]!;

/** A document that reads a flat page (priced by its values, not as graphql-armor prices it). */
function flat(q: string): boolean {
  return [...FLAT_PAGES.keys()].some((name) => q.includes(`${name}(`));
}

/** The README's GraphQL examples (the block of one-line queries). */
const readmeQueries = README.split('\n').filter((l) => /^\{ [a-zA-Z]+\(/.test(l));

test("the README's forecastTable example of 500 rows passes the default limits", () => {
  const example = readmeQueries.find((q) => q.startsWith('{ forecastTable(datasetId: "1", first: 500)'));
  assert.ok(example, 'the README has the forecastTable example');
  assert.equal(armorCostOf(example), 19_375, "graphql-armor's estimate, which refused it");
  assert.ok(costOf(example) <= DEFAULT_LIMITS.maxCost, `cost ${costOf(example)}`);
  assert.deepEqual(
    errorsOf(example).map((e) => e.message),
    [],
  );
});

test('a page of 500 rows with every field of a row passes; its cost grows with the values a row selects', () => {
  const full =
    '{ forecastTable(datasetId: "1", first: 500) { totalCount pageInfo { hasNextPage endCursor } nodes { seriesId attributes { name value } date actual p10 p50 p90 quantiles { level value } } } }';
  assert.deepEqual(
    errorsOf(full).map((e) => e.message),
    [],
  );
  const narrow = '{ forecastTable(datasetId: "1", first: 500) { nodes { date p50 } } }';
  assert.ok(costOf(narrow) < costOf(full));
  // 500 rows × (1 + 0.5 × 2 values) + the connection object.
  assert.equal(costOf(narrow), 2 + 500 * 2);
  // The same rows through edges, and through fragments, cost the same values.
  assert.equal(costOf('{ forecastTable(datasetId: "1", first: 500) { edges { node { date p50 } } } }'), 2 + 500 * 2);
  assert.equal(
    costOf(
      '{ forecastTable(datasetId: "1", first: 500) { ...P } } fragment P on ForecastTableConnection { nodes { ...R } } fragment R on ForecastTableRow { date p50 }',
    ),
    2 + 500 * 2,
  );
});

const variablePage = (args: string): string =>
  `query($first: Int) { forecastTable(datasetId: "1"${args}) { nodes { date p50 } } }`;

test('a page size in a variable is priced as the largest page; no `first` as the default 100', () => {
  assert.equal(costOf(variablePage(', first: $first')), 2 + 500 * 2);
  assert.equal(costOf(variablePage('')), 2 + 100 * 2);
});

const aliasedPage = (i: number): string =>
  `p${i}: forecastTable(datasetId: "1", first: 500) { nodes { seriesId attributes { name value } date actual p10 p50 p90 } }`;

test('many pages in one operation are still refused, naming FORECASTQL_MAX_COST', () => {
  const messages = errorsOf(`{ ${[0, 1].map(aliasedPage).join(' ')} }`).map((e) => e.message);
  assert.equal(messages.length, 1, messages.join('\n'));
  assert.match(messages[0]!, /^Query Cost limit of 5000 exceeded, found 5004\. .*FORECASTQL_MAX_COST\.$/);
});

test('fragment cycles and fan-outs inside a page are refused or priced without blowing up', () => {
  const cycle = errorsOf(
    '{ forecastTable(datasetId: "1") { nodes { ...A } } } fragment A on ForecastTableRow { attributes { ...B } } fragment B on Attribute { name ...C } fragment C on Attribute { ...B }',
  ).map((e) => e.message);
  assert.ok(
    cycle.some((m) => /Cannot spread fragment "B" within itself/.test(m)),
    cycle.join('\n'),
  );
  // 24 fragments, each spreading the next twice: 2^24 leaves if not priced once per fragment.
  const fragments = Array.from(
    { length: 24 },
    (_, i) => `fragment F${i} on ForecastTableRow { date ${i < 23 ? `...F${i + 1} ...F${i + 1}` : 'p50'} }`,
  ).join(' ');
  const start = performance.now();
  const cost = costOf(`{ forecastTable(datasetId: "1", first: 1) { nodes { ...F0 } } } ${fragments}`);
  assert.ok(performance.now() - start < 1000, 'priced in well under a second');
  assert.ok(cost > 1000, `the fan-out is priced as the values it would return (${cost})`);
});

test('every other README query and widget operation costs what graphql-armor estimates', () => {
  const operations = readdirSync(`${ROOT}schema/operations`)
    .filter((f) => f.endsWith('.graphql'))
    .map((f) => readFileSync(`${ROOT}schema/operations/${f}`, 'utf8'));
  const others = [...readmeQueries, ...operations].filter((q) => !flat(q));
  assert.ok(others.length >= 10, `${others.length} documents`);
  for (const source of others) assert.deepEqual(costsOf(source), armorCostsOf(source), source);
});

test('every README query and widget operation with a flat page (forecastTable, stockPlan) passes the default limits', () => {
  const operations = readdirSync(`${ROOT}schema/operations`)
    .filter((f) => f.endsWith('.graphql'))
    .map((f) => readFileSync(`${ROOT}schema/operations/${f}`, 'utf8'));
  const pages = [...readmeQueries, ...operations].filter(
    (q) => q.includes('forecastTable(') || q.includes('stockPlan('),
  );
  assert.ok(
    pages.some((q) => q.includes('stockPlan(')),
    'the stock-plan widget operation is among them',
  );
  for (const source of pages) {
    for (const cost of costsOf(source)) assert.ok(cost <= DEFAULT_LIMITS.maxCost, `cost ${cost}: ${source}`);
    assert.deepEqual(
      errorsOf(source).map((e) => e.message),
      [],
      source,
    );
  }
});
