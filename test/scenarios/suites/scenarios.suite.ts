/**
 * What-if scenarios (issue 18 item 2) through the GraphQL API, on SQLite and PostgreSQL: a price
 * cut answered by a run's stored model moves the forecast as the engine's elasticity test says,
 * a read writes nothing, a covariate the model never saw is a coded error naming those it has,
 * and saved scenarios round-trip and are answered again from the latest run.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Knex } from 'knex';
import { loadConfig } from '../../../api/config/env.js';
import { migrateLatest } from '../../../api/db/migrate.js';
import { createGraphQLApp, type GraphQLApp } from '../../../api/plugin/graphql-app.js';
import { createDataPorts } from '../../../api/plugin/core.js';
import { createRunEventBus } from '../../../api/training/events.js';
import type { RunQueue } from '../../../api/app/ports.js';
import { createAdminKey, type TestKey } from '../../helpers/auth.js';
import { withDbs } from '../../helpers/dbs.js';
import { ELASTICITY, seedBaselineRun, seedTrainedDataset } from '../support/trained.js';

/** Runs are seeded here, never trained: a queue that takes nothing. */
const NO_RUNS: RunQueue = { submit: async () => {}, cancel: async () => undefined };

type Result = {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
};

/** Every table of the database (whatever migrations made), with row counts and a hash of all rows. */
async function fingerprint(knex: Knex): Promise<Record<string, string>> {
  const sqlite = knex.client.config.client === 'better-sqlite3' || knex.client.config.client === 'sqlite3';
  const tables = sqlite
    ? ((await knex.raw(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)) as { name: string }[]).map(
        (r) => r.name,
      )
    : (
        (await knex.raw(
          `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`,
        )) as { rows: { name: string }[] }
      ).rows.map((r) => r.name);
  const out: Record<string, string> = {};
  for (const t of tables) {
    const rows = (await knex(t).select('*')) as Record<string, unknown>[];
    const lines = rows
      .map((r) =>
        JSON.stringify(
          Object.keys(r)
            .toSorted()
            .map((k) => [
              k,
              r[k] instanceof Date
                ? (r[k] as Date).getTime()
                : Buffer.isBuffer(r[k])
                  ? (r[k] as Buffer).toString('base64')
                  : r[k],
            ]),
        ),
      )
      .toSorted();
    out[t] = `${rows.length}:${createHash('sha256').update(lines.join('\n')).digest('hex')}`;
  }
  return out;
}

const SCENARIO = `query($d: ID!, $s: String, $g: String, $c: [ScenarioChangeInput!]!) {
  scenario(datasetId: $d, seriesId: $s, groupBy: $g, changes: $c) {
    runId model seriesCount priceCovariate warnings
    changes { covariate from to value percentChange }
    points { date baseline { p10 p50 p90 mean revenue price } scenario { p10 p50 p90 mean revenue price } difference p50Difference revenueDifference }
    totals { baselineUnits scenarioUnits differenceUnits differencePercent baselineRevenue scenarioRevenue differenceRevenue }
  }
}`;

/** The README's "What-if scenarios" example: its GraphQL block and its variables, as written. */
function readmeExample(): { query: string; variables: Record<string, unknown> } {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('## What-if scenarios');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 5));
  const query = /```graphql\n([\s\S]*?)```/.exec(section)?.[1];
  const variables = /with the variables `(\{[^`]*\})`/.exec(section)?.[1];
  assert.ok(query && variables, 'the README section has a GraphQL example and its variables');
  return { query, variables: JSON.parse(variables) as Record<string, unknown> };
}

withDbs((db) => {
  let app: GraphQLApp;
  let key: TestKey;
  let datasetId: string;
  let runId: string;

  const exec = async (query: string, variables: Record<string, unknown> = {}): Promise<Result> => {
    const response = await app.apollo.executeOperation(
      { query, variables },
      { contextValue: await app.context(key.headers) },
    );
    assert.equal(response.body.kind, 'single');
    return JSON.parse(JSON.stringify((response.body as { singleResult: Result }).singleResult)) as Result;
  };
  const ok = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const r = await exec(query, variables);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return r.data as T;
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
    const seeded = await seedTrainedDataset(db.knex, key.tenantId);
    datasetId = String(seeded.datasetId);
    runId = String(seeded.runId);
  });

  after(async () => {
    await app?.stop();
  });

  test('a 10 % price cut of every series raises the forecast by what the elasticity says (β = −2: about +23.5 %)', async () => {
    const { scenario } = await ok<{
      scenario: {
        runId: string;
        seriesCount: number;
        totals: Record<string, number>;
        points: unknown[];
        changes: unknown[];
      };
    }>(SCENARIO, {
      d: datasetId,
      g: 'all',
      c: [{ covariate: 'price', percentChange: -10 }],
    });
    assert.equal(scenario.runId, runId);
    assert.equal(scenario.seriesCount, 60);
    const t = scenario.totals;
    assert.ok(
      t.scenarioUnits > t.baselineUnits,
      `a price cut must raise the forecast (${t.scenarioUnits} vs ${t.baselineUnits})`,
    );
    const implied = Math.log(t.scenarioUnits / t.baselineUnits) / Math.log(0.9);
    // The engine's test (the same panel and model, predicted directly) accepts ±0.6 around the truth.
    assert.ok(Math.abs(implied - ELASTICITY) <= 0.6, `implied elasticity ${implied.toFixed(2)}, true ${ELASTICITY}`);
    assert.equal(scenario.points.length, 4);
    assert.ok(t.baselineRevenue > 0 && t.scenarioRevenue > 0, 'revenue where a price is known');
    // Elastic demand (|β| > 1): a price cut raises revenue too.
    assert.ok(t.differenceRevenue > 0, `revenue difference ${t.differenceRevenue}`);
  });

  test('one series: both curves with intervals, the price on each date, the difference in units and revenue', async () => {
    const { scenario } = await ok<{
      scenario: {
        seriesCount: number;
        priceCovariate: string;
        changes: { covariate: string; from: string; to: string; percentChange: number }[];
        points: {
          date: string;
          baseline: Record<string, number>;
          scenario: Record<string, number>;
          difference: number;
          revenueDifference: number;
        }[];
        totals: Record<string, number>;
      };
    }>(SCENARIO, { d: datasetId, s: 'S1_B1', c: [{ covariate: 'price', percentChange: -10 }] });
    assert.equal(scenario.seriesCount, 1);
    assert.equal(scenario.priceCovariate, 'price');
    assert.equal(scenario.changes[0]!.covariate, 'price');
    assert.equal(scenario.points.length, 4);
    for (const p of scenario.points) {
      for (const side of [p.baseline, p.scenario]) {
        assert.ok(side.p10! <= side.p50! && side.p50! <= side.p90!, JSON.stringify(side));
        assert.ok(side.price! > 0);
        assert.ok(Math.abs(side.revenue! - side.price! * side.mean!) < 1e-6 * Math.max(1, side.revenue!));
      }
      assert.ok(Math.abs(p.scenario.price! - 0.9 * p.baseline.price!) < 1e-9, 'the price is 10 % lower');
      assert.ok(Math.abs(p.difference - (p.scenario.mean! - p.baseline.mean!)) < 1e-9);
    }
    assert.ok(scenario.totals.scenarioUnits! > scenario.totals.baselineUnits!, 'a price cut raises this series');
    // The baseline is the run's own forecast: predicted again from the stored model, it equals the stored median.
    const { forecast } = await ok<{ forecast: { points: { date: string; p50: number | null }[] } }>(
      `query($d: ID!) { forecast(datasetId: $d, seriesId: "S1_B1") { points { date p50 } } }`,
      { d: datasetId },
    );
    const stored = new Map(forecast.points.filter((p) => p.p50 !== null).map((p) => [p.date, p.p50!]));
    for (const p of scenario.points) {
      assert.ok(
        Math.abs(stored.get(p.date)! - p.baseline.p50!) < 1e-6 * Math.max(1, p.baseline.p50!),
        `${p.date}: stored ${stored.get(p.date)} vs ${p.baseline.p50}`,
      );
    }
  });

  test('the README example runs as written', async () => {
    const { query, variables } = readmeExample();
    assert.equal(variables['datasetId'], datasetId, 'the first dataset of a fresh database');
    const { scenario } = await ok<{
      scenario: { runId: string; points: unknown[]; totals: { differenceUnits: number } };
    }>(query, variables);
    assert.equal(scenario.runId, runId);
    assert.equal(scenario.points.length, 4);
    assert.ok(scenario.totals.differenceUnits > 0);
  });

  test('priceResponse: expected units fall and the unchanged price is the baseline, point by point', async () => {
    const { priceResponse } = await ok<{
      priceResponse: {
        covariate: string;
        points: { percentChange: number; units: number; revenue: number; unitsChangePercent: number }[];
      };
    }>(
      `query($d: ID!) { priceResponse(datasetId: $d, seriesId: "S1_B1", percentChanges: [10, -20, 0, -10]) { covariate points { percentChange units revenue unitsChangePercent } } }`,
      { d: datasetId },
    );
    assert.equal(priceResponse.covariate, 'price');
    assert.deepEqual(
      priceResponse.points.map((p) => p.percentChange),
      [-20, -10, 0, 10],
    );
    const units = priceResponse.points.map((p) => p.units);
    assert.ok(units[0]! > units[1]! && units[1]! > units[2]! && units[2]! > units[3]!, `units ${units.join(', ')}`);
    assert.equal(priceResponse.points[2]!.unitsChangePercent, 0);
    assert.ok(priceResponse.points.every((p) => p.revenue > 0));
  });

  test('a scenario read writes nothing: every table has the same rows before and after', async () => {
    const initial = await fingerprint(db.knex);
    await ok(SCENARIO, { d: datasetId, s: 'S2_B3', c: [{ covariate: 'price', value: 1.5 }] });
    await ok(SCENARIO, { d: datasetId, g: 'store=S3', c: [{ covariate: 'deal', value: 1 }] });
    await exec(SCENARIO, { d: datasetId, s: 'S1_B1', c: [{ covariate: 'weather', value: 1 }] });
    assert.deepEqual(await fingerprint(db.knex), initial);
    assert.ok(Object.keys(initial).includes('scenarios') && Object.keys(initial).includes('model_artefacts'));
  });

  test('a covariate the model never saw is BAD_USER_INPUT naming it and the covariates it reads', async () => {
    const r = await exec(SCENARIO, { d: datasetId, s: 'S1_B1', c: [{ covariate: 'weather', value: 20 }] });
    assert.equal(r.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    const message = r.errors![0]!.message;
    assert.match(message, /never saw covariate "weather"/);
    assert.match(message, /price, deal, display/);
  });

  test('a baseline run (no covariates learnt, or an artefact naming no format) cannot answer what-ifs: a coded error saying which models can', async () => {
    for (const artefact of ['snaive', 'no-format'] as const) {
      const seeded = await seedBaselineRun(db.knex, key.tenantId, `baseline-${artefact}`, artefact);
      const initial = await fingerprint(db.knex);
      const scenario = await exec(SCENARIO, {
        d: String(seeded.datasetId),
        s: 'S1_B1',
        c: [{ covariate: 'price', percentChange: -10 }],
      });
      const response = await exec(`query($d: ID!) { priceResponse(datasetId: $d, seriesId: "S1_B1") { covariate } }`, {
        d: String(seeded.datasetId),
      });
      for (const r of [scenario, response]) {
        const e = r.errors?.[0];
        assert.equal(e?.extensions?.['code'], 'BAD_USER_INPUT', `${artefact}: ${JSON.stringify(r.errors)}`);
        assert.equal(e?.extensions?.['reason'], 'MODEL_READS_NO_COVARIATES', artefact);
        assert.equal(e?.extensions?.['runId'], String(seeded.runId));
        assert.match(e!.message, new RegExp(`Training run ${seeded.runId} forecast with model "snaive"`));
        assert.match(e!.message, /cannot answer what-ifs/);
        assert.match(e!.message, /auto, mlp or gbm/);
        assert.doesNotMatch(e!.message, /forecastql-deep/);
      }
      assert.deepEqual(await fingerprint(db.knex), initial, 'a refused what-if writes nothing');
    }
  });

  test('a meaningless change is a coded error; one outside the training range is a warning', async () => {
    const negative = await exec(SCENARIO, { d: datasetId, s: 'S1_B1', c: [{ covariate: 'price', value: -1 }] });
    assert.equal(negative.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    assert.match(negative.errors![0]!.message, /price must stay above 0/);
    const both = await exec(SCENARIO, {
      d: datasetId,
      s: 'S1_B1',
      c: [{ covariate: 'price', value: 1, percentChange: 5 }],
    });
    assert.equal(both.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    const outside = await exec(SCENARIO, {
      d: datasetId,
      s: 'S1_B1',
      c: [{ covariate: 'price', from: '2000-01-01', to: '2000-02-01', value: 2 }],
    });
    assert.match(outside.errors![0]!.message, /outside the forecast window/);
    const { scenario } = await ok<{ scenario: { warnings: string[] } }>(SCENARIO, {
      d: datasetId,
      s: 'S1_B1',
      c: [{ covariate: 'price', value: 100 }],
    });
    assert.ok(
      scenario.warnings.some((w) => /outside the range the model saw in training/.test(w)),
      JSON.stringify(scenario.warnings),
    );
  });

  test('saved scenarios: save, list with their answer from the latest run, replace by name, delete', async () => {
    const SAVE = `mutation($d: ID!, $n: String!, $s: String, $c: [ScenarioChangeInput!]!) {
      saveScenario(datasetId: $d, name: $n, seriesId: $s, changes: $c) { id name seriesId changes { covariate percentChange value from to } }
    }`;
    const { saveScenario } = await ok<{
      saveScenario: { id: string; name: string; seriesId: string; changes: unknown[] };
    }>(SAVE, {
      d: datasetId,
      n: 'Spring cut',
      s: 'S1_B1',
      c: [{ covariate: 'price', percentChange: -10 }],
    });
    assert.equal(saveScenario.name, 'Spring cut');
    assert.deepEqual(saveScenario.changes, [
      { covariate: 'price', percentChange: -10, value: null, from: null, to: null },
    ]);
    const LIST = `query($d: ID!) { scenarios(datasetId: $d) { id name seriesId result { runId totals { differenceUnits } } } }`;
    const listed = await ok<{
      scenarios: { id: string; name: string; result: { runId: string; totals: { differenceUnits: number } } }[];
    }>(LIST, { d: datasetId });
    assert.equal(listed.scenarios.length, 1);
    assert.equal(listed.scenarios[0]!.id, saveScenario.id);
    assert.equal(listed.scenarios[0]!.result.runId, runId);
    const direct = await ok<{ scenario: { totals: { differenceUnits: number } } }>(SCENARIO, {
      d: datasetId,
      s: 'S1_B1',
      c: [{ covariate: 'price', percentChange: -10 }],
    });
    assert.equal(listed.scenarios[0]!.result.totals.differenceUnits, direct.scenario.totals.differenceUnits);
    // The same name again replaces it; an invalid scenario is refused and nothing is saved.
    const again = await ok<{ saveScenario: { id: string } }>(SAVE, {
      d: datasetId,
      n: 'Spring cut',
      s: 'S1_B1',
      c: [{ covariate: 'price', percentChange: -20 }],
    });
    assert.equal(again.saveScenario.id, saveScenario.id);
    const bad = await exec(SAVE, { d: datasetId, n: 'Bad', s: 'S1_B1', c: [{ covariate: 'weather', value: 1 }] });
    assert.equal(bad.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    const remaining = await ok<{ scenarios: { name: string }[] }>(LIST, { d: datasetId });
    assert.deepEqual(
      remaining.scenarios.map((s) => s.name),
      ['Spring cut'],
    );
    const { deleteScenario } = await ok<{ deleteScenario: boolean }>(`mutation($id: ID!) { deleteScenario(id: $id) }`, {
      id: saveScenario.id,
    });
    assert.equal(deleteScenario, true);
    assert.deepEqual((await ok<{ scenarios: unknown[] }>(LIST, { d: datasetId })).scenarios, []);
  });
});
