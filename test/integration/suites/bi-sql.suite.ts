/**
 * SQL for BI tools (issue 19, item 5): the `forecastql_*` views answer what GraphQL `forecast`
 * answers for a series (actuals included, and runs with levels other than 0.1/0.5/0.9), from the
 * latest succeeded run; `forecastTable` serves pages of 500 rows under the default limits, with
 * actuals; the README's Metabase-style queries and pandas pulls run as written (copied from the
 * README), on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { withDbs, type TestDb } from '../../helpers/dbs.js';
import { createTestApi, STAND_IN_PIPELINE, trainToSuccess, type TestApi } from '../support/api.js';
import { seedCsv } from '../support/seed.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const PYTHON = '/usr/bin/python3';
/** Appended to a README pandas example: the pulled frame as exact JSON (repr of each float). */
const PRINT_JSON = [
  'import json',
  'out = forecasts.assign(date=forecasts["date"].dt.strftime("%Y-%m-%d"))[["series_key", "date", "p50"]]',
  'print("JSON" + json.dumps(out.to_dict("records")))',
].join('\n');

/** The fenced blocks of a language in the README's "SQL for BI tools" section. */
function readmeBlocks(language: string): string[] {
  const start = README.indexOf('### SQL for BI tools');
  assert.ok(start >= 0, 'the README has a "SQL for BI tools" section');
  const section = README.slice(start, README.indexOf('\n## ', start));
  return [...section.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

/** `n` daily series (the first is the README's 85123A) over `days` days, a `description` attribute. */
function shopCsv(n: number, days: number): string {
  const lines = ['series_id,date,value,price,description'];
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  for (let s = 0; s < n; s++) {
    const key = s === 0 ? '85123A' : `item-${String(s).padStart(3, '0')}`;
    const description = s % 2 === 0 ? 'WHITE HANGING HEART T-LIGHT HOLDER' : 'JUMBO BAG RED RETROSPOT';
    for (let d = 0; d < days; d++) {
      const date = new Date(t0 + d * 86_400_000).toISOString().slice(0, 10);
      const value = [3, 4, 5, 6, 9, 12, 7][d % 7]! * (1 + (s % 5)) + ((d * 7 + s * 3) % 5);
      lines.push(`${key},${date},${value},${(1 + (s % 10) / 10).toFixed(2)},${description}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

interface Point {
  date: string;
  actual: number | null;
  p10: number | null;
  p50: number | null;
  p90: number | null;
  quantiles: Array<{ level: number; value: number }>;
}
interface TableRow {
  seriesId: string;
  attributes: Array<{ name: string; value: string }>;
  date: string;
  actual: number | null;
  p10: number | null;
  p50: number;
  p90: number | null;
}
interface TablePage {
  forecastTable: {
    totalCount: number;
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
    nodes: TableRow[];
  };
}

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The known values imported after the run: the first three forecast days of 85123A. */
const LATE_ACTUALS = [
  ['2024-03-01', 41],
  ['2024-03-02', 0],
  ['2024-03-03', 17.5],
] as const;

withDbs((db: TestDb) => {
  let api: TestApi;
  let shopId: string;
  let wideId: string;
  let shopRun: string;

  before(async () => {
    api = await createTestApi(db.knex, db.config, { pipelineModule: STAND_IN_PIPELINE, config: { maxHorizon: 60 } });
    // The README's examples name tenant 1 and dataset 1: this suite's first dataset of a fresh database.
    shopId = String(await seedCsv(db.knex, api.tenantId, 'shop', shopCsv(80, 60)));
    wideId = String(await seedCsv(db.knex, api.tenantId, 'wide', shopCsv(2, 60)));
    shopRun = await trainToSuccess(api, shopId, 'horizon: 7', 90_000);
    await trainToSuccess(api, wideId, 'horizon: 7, quantiles: [0.05, 0.5, 0.95]', 90_000);
    const csv = [
      'series_id,date,value,price,description',
      ...LATE_ACTUALS.map(([d, v]) => `85123A,${d},${v},1.00,WHITE HANGING HEART T-LIGHT HOLDER`),
    ].join('\n');
    await api.ok(
      `mutation($id: ID!, $csv: String!) { importObservations(datasetId: $id, csv: $csv) { rowsImported } }`,
      {
        id: shopId,
        csv,
      },
    );
    // A later run that failed: the views keep reading the latest SUCCEEDED one.
    await db.knex('training_runs').insert({
      tenant_id: api.tenantId,
      dataset_id: Number(shopId),
      status: 'FAILED',
      horizon: 7,
      error: 'stand-in failure',
    });
  });
  after(async () => {
    await api?.close();
  });

  describe('SQL views', () => {
    test("the README's examples name this suite's tenant and dataset", () => {
      assert.equal(api.tenantId, 1);
      assert.equal(shopId, '1');
    });

    test('forecastql_current_forecasts answers what GraphQL forecast answers for a series, actuals included', async () => {
      const { forecast } = await api.ok<{ forecast: { forecastStart: string; points: Point[] } }>(
        `{ forecast(datasetId: "${shopId}", seriesId: "85123A", from: "2024-03-01") { forecastStart points { date actual p10 p50 p90 quantiles { level value } } } }`,
      );
      assert.equal(forecast.forecastStart, '2024-03-01');
      assert.equal(forecast.points.length, 7);
      const rows = (await db
        .knex('forecastql_current_forecasts')
        .where({ tenant_id: api.tenantId, dataset_id: Number(shopId), series_key: '85123A' })
        .orderBy('date')) as Row[];
      assert.deepEqual(
        rows.map((r) => ({
          date: String(r['date']),
          actual: num(r['actual']),
          p10: num(r['p10']),
          p50: num(r['p50']),
          p90: num(r['p90']),
        })),
        forecast.points.map((p) => ({ date: p.date, actual: p.actual, p10: p.p10, p50: p.p50, p90: p.p90 })),
      );
      assert.deepEqual(
        rows.slice(0, 3).map((r) => num(r['actual'])),
        LATE_ACTUALS.map(([, v]) => v),
        'the actuals imported after the run',
      );
      assert.equal(rows[3]!['actual'], null, 'not known yet');
      const first = rows[0]!;
      assert.equal(String(first['run_id']), shopRun, 'the latest succeeded run, not the later failed one');
      assert.equal(first['dataset_name'], 'shop');
      assert.equal(first['other_quantiles'], null);
      const attributes =
        typeof first['attributes'] === 'string' ? JSON.parse(first['attributes']) : first['attributes'];
      assert.deepEqual(attributes, { description: 'WHITE HANGING HEART T-LIGHT HOLDER' });
      const [{ n }] = (await db
        .knex('forecastql_current_forecasts')
        .where({ tenant_id: api.tenantId, dataset_id: Number(shopId) })
        .count({ n: '*' })) as Array<{ n: number | string }>;
      assert.equal(Number(n), 80 * 7);
    });

    test('a run with quantiles [0.05, 0.5, 0.95] reads as numbers, one row per stored level', async () => {
      const { forecast } = await api.ok<{ forecast: { quantiles: number[]; points: Point[] } }>(
        `{ forecast(datasetId: "${wideId}", seriesId: "85123A", from: "2024-03-01") { quantiles points { date quantiles { level value } } } }`,
      );
      assert.deepEqual(forecast.quantiles, [0.05, 0.5, 0.95]);
      const rows = (await db
        .knex('forecastql_current_forecast_quantiles')
        .where({ tenant_id: api.tenantId, dataset_id: Number(wideId), series_key: '85123A' })
        .orderBy([{ column: 'date' }, { column: 'level' }])) as Row[];
      assert.deepEqual(
        rows.map((r) => ({ date: String(r['date']), level: Number(r['level']), value: Number(r['value']) })),
        forecast.points.flatMap((p) => p.quantiles.map((q) => ({ date: p.date, level: q.level, value: q.value }))),
      );
      const [wide] = (await db
        .knex('forecastql_current_forecasts')
        .where({ tenant_id: api.tenantId, dataset_id: Number(wideId), series_key: '85123A' })
        .orderBy('date')) as Row[];
      assert.equal(wide!['p10'], null, 'not stored, so not made up');
      const other = wide!['other_quantiles'];
      const levels = typeof other === 'string' ? JSON.parse(other) : other;
      assert.deepEqual(Object.keys(levels).toSorted(), ['0.05', '0.95']);
      assert.equal(levels['0.95'], forecast.points[0]!.quantiles[2]!.value);
    });

    test('forecastql_current_runs and forecastql_series_attributes', async () => {
      const runs = (await db
        .knex('forecastql_current_runs')
        .where({ tenant_id: api.tenantId })
        .orderBy('dataset_id')) as Row[];
      assert.deepEqual(
        runs.map((r) => [Number(r['dataset_id']), r['dataset_name'], Number(r['horizon'])]),
        [
          [1, 'shop', 7],
          [2, 'wide', 7],
        ],
      );
      const attributes = (await db
        .knex('forecastql_series_attributes')
        .where({ tenant_id: api.tenantId, dataset_id: Number(shopId), series_key: 'item-001' })
        .select('name', 'value')) as Row[];
      assert.deepEqual(attributes, [{ name: 'description', value: 'JUMBO BAG RED RETROSPOT' }]);
      // The stored mean of a point (the stand-in pipeline stores none: set one).
      const [wideRun] = runs.filter((r) => Number(r['dataset_id']) === Number(wideId));
      const seriesRow = (await db
        .knex('series')
        .where({ dataset_id: Number(wideId), key: '85123A' })
        .first('id')) as Row;
      await db
        .knex('forecasts')
        .where({ run_id: Number(wideRun!['run_id']), series_id: Number(seriesRow['id']), date: '2024-03-02' })
        .update({ mean: 12.25 });
      const means = (await db
        .knex('forecastql_current_forecasts')
        .where({ tenant_id: api.tenantId, dataset_id: Number(wideId), series_key: '85123A' })
        .orderBy('date')
        .limit(3)
        .select('mean')) as Row[];
      assert.deepEqual(
        means.map((r) => num(r['mean'])),
        [null, 12.25, null],
      );
    });

    test('another tenant reads none of these rows under its own tenant_id', async () => {
      const [other] = (await db.knex('tenants').insert({ slug: 'bi-other', name: 'Other' }).returning('id')) as Array<
        { id: number } | number
      >;
      const otherId = typeof other === 'object' ? other.id : Number(other);
      for (const view of [
        'forecastql_current_forecasts',
        'forecastql_current_forecast_quantiles',
        'forecastql_current_runs',
      ]) {
        const [{ n }] = (await db.knex(view).where({ tenant_id: otherId }).count({ n: '*' })) as Array<{ n: unknown }>;
        assert.equal(Number(n), 0, view);
      }
    });
  });

  describe('README: SQL for BI tools', () => {
    test('the Metabase-style queries run as written', async () => {
      const queries = readmeBlocks('sql');
      assert.ok(queries.length >= 2, `${queries.length} SQL examples`);
      const [series, calibration] = queries;
      const { rows: seriesRows } = await raw(db, series!);
      assert.equal(seriesRows.length, 7);
      assert.deepEqual(Object.keys(seriesRows[0]!), [
        'series_key',
        'description',
        'date',
        'actual',
        'p10',
        'p50',
        'p90',
      ]);
      assert.equal(seriesRows[0]!['description'], 'WHITE HANGING HEART T-LIGHT HOLDER');
      assert.equal(num(seriesRows[0]!['actual']), 41);
      const { rows: calibrationRows } = await raw(db, calibration!);
      assert.deepEqual(
        calibrationRows.map((r) => Number(r['level'])),
        [0.1, 0.5, 0.9],
      );
      assert.ok(calibrationRows.every((r) => Number(r['forecasts']) === 3));
    });

    test('the pandas pull runs as written', async (t) => {
      const [sqliteScript, pgScript] = readmeBlocks('python');
      assert.ok(sqliteScript && pgScript, 'a pandas example for SQLite and one for PostgreSQL');
      const expected = (await db
        .knex('forecastql_current_forecasts')
        .where({ tenant_id: 1, dataset_id: 1 })
        .orderBy([{ column: 'series_key' }, { column: 'date' }])
        .select('series_key', 'date', 'p50')) as Row[];
      let script: string;
      if (db.dialect === 'sqlite') {
        assert.ok(sqliteScript.includes('"forecastql.sqlite"'));
        script = sqliteScript.replace(
          '"forecastql.sqlite"',
          JSON.stringify(db.config.client === 'sqlite' ? db.config.filename : ''),
        );
      } else {
        const url = /psycopg2\.connect\("([^"]+)"\)/.exec(pgScript);
        assert.ok(url, 'the PostgreSQL example connects with psycopg2');
        if (spawnSync(PYTHON, ['-c', 'import psycopg2']).status !== 0) {
          // Without the driver the same SQL runs through node (apt-get install python3-psycopg2 runs pandas).
          t.diagnostic('psycopg2 is not installed: the PostgreSQL example ran its SQL through node, not pandas');
          const sql = /"(SELECT[^"]+)"\s*\n\s*"([^"]+)"/.exec(pgScript);
          assert.ok(sql);
          const { rows } = await raw(db, sql[1]! + sql[2]!);
          assert.deepEqual(
            rows.map((r) => Number(r['p50'])),
            expected.map((r) => Number(r['p50'])),
          );
          return;
        }
        script = pgScript.replace(url[1]!, db.config.client === 'pg' ? db.config.connectionString : '');
      }
      const r = spawnSync(PYTHON, ['-c', `${script}\n${PRINT_JSON}`], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(r.status, 0, r.stderr);
      const json = r.stdout.split('\n').find((l) => l.startsWith('JSON'));
      assert.ok(json, r.stdout);
      const pulled = JSON.parse(json.slice(4)) as Array<{ series_key: string; date: string; p50: number }>;
      assert.equal(pulled.length, 80 * 7);
      assert.deepEqual(
        pulled.map((p) => [p.series_key, p.date, p.p50]),
        expected.map((e) => [e['series_key'], String(e['date']), Number(e['p50'])]),
      );
    });
  });

  describe('forecastTable', () => {
    test("the README's example serves pages of 500 rows under the default limits, with actuals", async () => {
      const example = README.split('\n').find((l) => l.startsWith('{ forecastTable(datasetId: "1", first: 500)'));
      assert.ok(example, 'the README has the forecastTable example');
      const first = await api.ok<TablePage>(example);
      assert.equal(first.forecastTable.totalCount, 80 * 7);
      assert.equal(first.forecastTable.nodes.length, 500);
      assert.equal(first.forecastTable.pageInfo.hasNextPage, true);
      const paged = `query($after: String) { forecastTable(datasetId: "1", first: 500, after: $after) { pageInfo { endCursor hasNextPage } nodes { seriesId attributes { name value } date actual p10 p50 p90 } } }`;
      const second = await api.ok<TablePage>(paged, { after: first.forecastTable.pageInfo.endCursor });
      assert.equal(second.forecastTable.nodes.length, 80 * 7 - 500);
      assert.equal(second.forecastTable.pageInfo.hasNextPage, false);
      const nodes = [...first.forecastTable.nodes, ...second.forecastTable.nodes];
      assert.equal(new Set(nodes.map((n) => `${n.seriesId}|${n.date}`)).size, 80 * 7);
      // The same values as the SQL view, actuals included.
      const rows = (await db
        .knex('forecastql_current_forecasts')
        .where({ tenant_id: 1, dataset_id: 1 })
        .orderBy([{ column: 'series_key' }, { column: 'date' }])) as Row[];
      assert.deepEqual(
        nodes.map((n) => [n.seriesId, n.date, n.actual, n.p10, n.p50, n.p90]),
        rows.map((r) => [
          r['series_key'],
          String(r['date']),
          num(r['actual']),
          num(r['p10']),
          num(r['p50']),
          num(r['p90']),
        ]),
      );
      assert.deepEqual(
        nodes.filter((n) => n.actual !== null).map((n) => [n.seriesId, n.date, n.actual]),
        LATE_ACTUALS.map(([d, v]) => ['85123A', d, v]),
      );
      // A page size in a variable is priced as the largest page, and passes too.
      const variable = await api.ok<TablePage>(
        'query($first: Int) { forecastTable(datasetId: "1", first: $first) { nodes { seriesId date actual p50 } } }',
        { first: 500 },
      );
      assert.equal(variable.forecastTable.nodes.length, 500);
    });
  });
});

/** Raw SQL on either dialect, rows as plain objects. */
async function raw(db: TestDb, sql: string): Promise<{ rows: Row[] }> {
  const result = (await db.knex.raw(sql)) as Row[] | { rows: Row[] };
  return { rows: Array.isArray(result) ? result : result.rows };
}
