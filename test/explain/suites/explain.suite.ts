/**
 * `explainForecast` (issue 19 item 4) through the GraphQL API on SQLite and PostgreSQL, from the
 * stored model of a seeded run (test/scenarios/support/trained.ts: the price panel and its MLP):
 * the point explained is the stored forecast, the price and the history are among the drivers,
 * nothing is written, a date outside the forecast and another tenant's run are refused with codes,
 * and the README example runs as written.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import type { RunQueue } from '../../../api/app/ports.js';
import { loadConfig } from '../../../api/config/env.js';
import { migrateLatest } from '../../../api/db/migrate.js';
import { createDataPorts } from '../../../api/plugin/core.js';
import { createGraphQLApp, type GraphQLApp } from '../../../api/plugin/graphql-app.js';
import { createRunEventBus } from '../../../api/training/events.js';
import { createAdminKey, type TestKey } from '../../helpers/auth.js';
import { withDbs } from '../../helpers/dbs.js';
import { seedBaselineRun, seedTrainedDataset } from '../../scenarios/support/trained.js';

const NO_RUNS: RunQueue = { submit: async () => {}, cancel: async () => undefined };

type Result = {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
};

interface Explanation {
  runId: string;
  model: string;
  seriesId: string;
  date: string;
  forecast: number;
  measure: string;
  effects: { feature: string; label: string; effect: number; value: number | null; neutral: number | null }[];
}

const EXPLAIN = `query($r: ID!, $s: String!, $d: String!) {
  explainForecast(runId: $r, seriesId: $s, date: $d) {
    runId model seriesId date forecast measure effects { feature label effect value neutral }
  }
}`;

/** The README's "Why this forecast?" example: its GraphQL block and its variables, as written. */
function readmeExample(): { query: string; variables: Record<string, unknown> } {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('## Why this forecast?');
  assert.ok(start >= 0, 'the README has a "Why this forecast?" section');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 5));
  const query = /```graphql\n([\s\S]*?)```/.exec(section)?.[1];
  const variables = /with the variables `(\{[^`]*\})`/.exec(section)?.[1];
  assert.ok(query && variables, 'the README section has a GraphQL example and its variables');
  return { query, variables: JSON.parse(variables) as Record<string, unknown> };
}

withDbs((db) => {
  let app: GraphQLApp;
  let key: TestKey;
  let other: TestKey;
  let datasetId: string;
  let runId: string;

  const exec = async (k: TestKey, query: string, variables: Record<string, unknown> = {}): Promise<Result> => {
    const response = await app.apollo.executeOperation(
      { query, variables },
      { contextValue: await app.context(k.headers) },
    );
    assert.equal(response.body.kind, 'single');
    return JSON.parse(JSON.stringify((response.body as { singleResult: Result }).singleResult)) as Result;
  };
  const ok = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const r = await exec(key, query, variables);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return r.data as T;
  };
  const counts = async (): Promise<number[]> => {
    const out: number[] = [];
    for (const t of ['forecasts', 'training_runs', 'feature_importance', 'model_artefacts', 'observations']) {
      const [row] = (await db.knex(t).count({ n: '*' })) as { n: number | string }[];
      out.push(Number(row!.n));
    }
    return out;
  };

  before(async () => {
    await migrateLatest(db.knex);
    const ports = createDataPorts(db.knex);
    const config = { ...loadConfig({}), nodeEnv: 'test' as const, database: db.config };
    app = await createGraphQLApp({
      config,
      knex: db.knex,
      logger: pino({ level: 'silent' }),
      bus: createRunEventBus(),
      queue: NO_RUNS,
      ...ports,
    });
    key = await createAdminKey(db.knex);
    other = await createAdminKey(db.knex, 'explain-other');
    const seeded = await seedTrainedDataset(db.knex, key.tenantId, 'explain-panel');
    datasetId = String(seeded.datasetId);
    runId = String(seeded.runId);
  });

  after(async () => {
    await app?.stop();
  });

  test('explains the stored forecast point: price and history among the drivers, nothing written', async () => {
    const { forecast } = await ok<{ forecast: { points: { date: string; p50: number | null }[] } }>(
      `query($d: ID!) { forecast(datasetId: $d, seriesId: "S1_B1") { points { date p50 } } }`,
      { d: datasetId },
    );
    const future = forecast.points.filter((p) => p.p50 !== null);
    assert.ok(future.length > 0);
    const rowsBefore = await counts();
    const { explainForecast: x } = await ok<{ explainForecast: Explanation }>(EXPLAIN, {
      r: runId,
      s: 'S1_B1',
      d: future[0]!.date,
    });
    assert.deepEqual(await counts(), rowsBefore, 'nothing is written');
    assert.equal(x.runId, runId);
    assert.equal(x.date, future[0]!.date);
    // The run stored no distribution: the median is explained, and it is the stored one.
    assert.equal(x.measure, 'median');
    assert.ok(Math.abs(x.forecast - future[0]!.p50!) < 1e-6 * Math.max(1, x.forecast), `${x.forecast} vs stored`);
    const features = x.effects.map((e) => e.feature);
    for (const f of ['covariate:price', 'history']) assert.ok(features.includes(f), `${f} in ${features.join(', ')}`);
    const price = x.effects.find((e) => e.feature === 'covariate:price')!;
    assert.equal(price.label, 'Price');
    assert.ok(price.value! > 0 && price.neutral! > 0);
    // Sorted by size.
    for (let i = 1; i < x.effects.length; i++) {
      assert.ok(Math.abs(x.effects[i - 1]!.effect) >= Math.abs(x.effects[i]!.effect));
    }
  });

  test('a date outside the forecast, an unknown series and another tenant are refused with codes', async () => {
    const bad = await exec(key, EXPLAIN, { r: runId, s: 'S1_B1', d: '1999-01-04' });
    assert.equal(bad.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(bad.errors![0]!.message, /not a forecast date/);
    const notDate = await exec(key, EXPLAIN, { r: runId, s: 'S1_B1', d: 'next week' });
    assert.equal(notDate.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    const unknown = await exec(key, EXPLAIN, { r: runId, s: 'NOPE', d: '2023-04-24' });
    assert.equal(unknown.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    const foreign = await exec(other, EXPLAIN, { r: runId, s: 'S1_B1', d: '2023-04-24' });
    assert.equal(foreign.errors?.[0]?.extensions?.code, 'NOT_FOUND');
  });

  test('a baseline run is explained by its history alone; a model ForecastQL cannot restore is a coded error naming the run, its model and the fix', async () => {
    const baseline = await seedBaselineRun(db.knex, key.tenantId, 'explain-baseline-snaive', 'snaive');
    const { explainForecast: x } = await ok<{ explainForecast: Explanation }>(EXPLAIN, {
      r: String(baseline.runId),
      s: 'S1_B1',
      d: '2023-04-24',
    });
    assert.equal(x.model, 'snaive');
    const moving = x.effects.filter((e) => Math.abs(e.effect) > 1e-9).map((e) => e.feature);
    assert.ok(
      moving.every((f) => f === 'history'),
      `only the history moves a seasonal-naive point: ${moving.join(', ')}`,
    );
    const foreign = await seedBaselineRun(db.knex, key.tenantId, 'explain-baseline-no-format', 'no-format');
    const rowsBefore = await counts();
    const r = await exec(key, EXPLAIN, { r: String(foreign.runId), s: 'S1_B1', d: '2023-04-24' });
    const e = r.errors?.[0];
    assert.equal(e?.extensions?.['code'], 'BAD_USER_INPUT', JSON.stringify(r.errors));
    assert.equal(e?.extensions?.['reason'], 'MODEL_NOT_EXPLAINABLE');
    assert.equal(e?.extensions?.['runId'], String(foreign.runId));
    assert.match(e!.message, new RegExp(`Training run ${foreign.runId} forecast with model "snaive"`));
    assert.match(e!.message, /auto, mlp or gbm/);
    assert.doesNotMatch(e!.message, /forecastql-deep/);
    assert.deepEqual(await counts(), rowsBefore, 'a refused explanation writes nothing');
  });

  test('the README example runs as written', async () => {
    const { query, variables } = readmeExample();
    const { explainForecast: x } = await ok<{ explainForecast: Explanation }>(query, { ...variables, runId });
    assert.ok(x.effects.length > 0);
  });
});
