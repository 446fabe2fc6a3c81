/**
 * Tenancy and auth in-process, on SQLite and PostgreSQL: two shops (A = `default`, B = `shop-b`),
 * each with datasets, a SUCCEEDED run, forecasts, scores and importance. B's admin key, and
 * embed tokens, must not read, list, count or infer anything of A's (or of datasets outside a
 * token's scope) through any query, connection, cursor, id, subscription or error message; bad
 * credentials are UNAUTHENTICATED, embed tokens cannot mutate (FORBIDDEN), revoked keys stop.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse, subscribe, type ExecutionResult } from 'graphql';
import { SignJWT } from 'jose';
import { getMetadataStorage } from 'type-graphql';
import { createApiKeysRepository } from '../../../api/db/api-keys.repository.js';
import { createEmbedTokens } from '../../../api/auth/embed-token.js';
import { bearer, createAdminKey, type TestKey } from '../../helpers/auth.js';
import { withDbs } from '../../helpers/dbs.js';
import { createTestApi, STAND_IN_PIPELINE, tinyCsv, waitFor, type TestApi } from '../support/api.js';
import { seedCsv } from '../support/seed.js';

type Headers = Readonly<Record<string, string>>;
interface GqlError {
  message: string;
  extensions?: Record<string, unknown>;
}

const A_SECRET_NAME = 'a-secret-sales';

/** Every mutation of the schema, with arguments that would succeed for an admin of dataset `d`. */
function mutations(d: string, run: string): Record<string, string> {
  return {
    createDataset: 'mutation { createDataset(input: { name: "new-one" }) { id } }',
    importObservations: `mutation { importObservations(datasetId: "${d}", csv: "series_id,date,value\\nx,2024-01-01,1\\n") { rowsImported } }`,
    deleteDataset: `mutation { deleteDataset(id: "${d}") }`,
    setDatasetCountry: `mutation { setDatasetCountry(datasetId: "${d}", country: "GB") { id } }`,
    startTrainingRun: `mutation { startTrainingRun(input: { datasetId: "${d}", horizon: 7 }) { id } }`,
    cancelTrainingRun: `mutation { cancelTrainingRun(id: "${run}") { id } }`,
    createEmbedToken: `mutation { createEmbedToken(datasetIds: ["${d}"]) { token } }`,
  };
}

withDbs((db) => {
  let api: TestApi;
  let keyA: TestKey;
  let keyB: TestKey;
  /** A's datasets: `a1` (trained) and `a2` (trained, outside the embed token's scope). */
  let a1: string;
  let a2: string;
  let b1: string;
  let runA1: string;
  let runA2: string;
  let runB1: string;
  let embedA1: Headers;

  const as = (headers: Headers) => ({
    exec: <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) =>
      api.execAs<T>(headers, query, variables),
    ok: async <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T> => {
      const r = await api.execAs<T>(headers, query, variables);
      assert.equal(r.errors, undefined, `unexpected errors: ${JSON.stringify(r.errors)}`);
      return r.data as T;
    },
    fails: async (query: string, variables?: Record<string, unknown>): Promise<GqlError> => {
      const r = await api.execAs(headers, query, variables);
      assert.ok(r.errors && r.errors.length > 0, `expected an error for ${query}, got ${JSON.stringify(r.data)}`);
      return r.errors[0]!;
    },
  });

  /** The error a request with these headers gets before any resolver runs. */
  async function refused(headers: Headers): Promise<GqlError> {
    try {
      await api.app.context(headers);
    } catch (e) {
      const err = e as { message: string; extensions?: Record<string, unknown> };
      return { message: err.message, extensions: err.extensions ?? {} };
    }
    assert.fail(`headers ${JSON.stringify(headers)} were accepted`);
  }

  async function train(headers: Headers, datasetId: string): Promise<string> {
    const { startTrainingRun } = await as(headers).ok<{ startTrainingRun: { id: string } }>(
      `mutation { startTrainingRun(input: { datasetId: "${datasetId}", horizon: 7, epochs: 1 }) { id } }`,
    );
    await waitFor(
      async () => {
        const { trainingRun } = await as(headers).ok<{ trainingRun: { status: string; error: string | null } }>(
          `{ trainingRun(id: "${startTrainingRun.id}") { status error } }`,
        );
        assert.ok(!['FAILED', 'CANCELLED'].includes(trainingRun.status), JSON.stringify(trainingRun));
        return trainingRun.status === 'SUCCEEDED' ? true : undefined;
      },
      60_000,
      `run ${startTrainingRun.id}`,
    );
    return startTrainingRun.id;
  }

  before(async () => {
    api = await createTestApi(db.knex, db.config, { pipelineModule: STAND_IN_PIPELINE });
    keyA = api.adminKey;
    keyB = await createAdminKey(db.knex, 'shop-b');
    assert.notEqual(keyA.tenantId, keyB.tenantId, 'two tenants');
    a1 = String(await seedCsv(db.knex, keyA.tenantId, A_SECRET_NAME, tinyCsv(3, 42)));
    a2 = String(await seedCsv(db.knex, keyA.tenantId, 'a-other', tinyCsv(2, 42)));
    b1 = String(await seedCsv(db.knex, keyB.tenantId, 'b-sales', tinyCsv(2, 42, '2024-03-01')));
    runA1 = await train(keyA.headers, a1);
    runA2 = await train(keyA.headers, a2);
    runB1 = await train(keyB.headers, b1);
    const { createEmbedToken } = await as(keyA.headers).ok<{ createEmbedToken: { token: string } }>(
      `mutation { createEmbedToken(datasetIds: ["${a1}"], ttlSeconds: 600) { token expiresAt datasetIds } }`,
    );
    embedA1 = bearer(createEmbedToken.token);
  });
  after(async () => {
    await api?.close();
  });

  describe("another tenant's admin key", () => {
    test('lists and counts only its own datasets, runs and series', async () => {
      const b = as(keyB.headers);
      const { datasets } = await b.ok<{ datasets: { totalCount: number; nodes: { id: string; name: string }[] } }>(
        '{ datasets(first: 50) { totalCount nodes { id name } } }',
      );
      assert.deepEqual(datasets, { totalCount: 1, nodes: [{ id: b1, name: 'b-sales' }] });
      const searched = await b.ok<{ datasets: { totalCount: number } }>(
        `{ datasets(search: "secret") { totalCount } }`,
      );
      assert.equal(searched.datasets.totalCount, 0, "search does not reveal A's dataset names");
      const { trainingRuns } = await b.ok<{ trainingRuns: { totalCount: number; nodes: { id: string }[] } }>(
        '{ trainingRuns(first: 50) { totalCount nodes { id } } }',
      );
      assert.deepEqual(trainingRuns, { totalCount: 1, nodes: [{ id: runB1 }] });
      const mine = await b.ok<{ series: { totalCount: number } }>(`{ series(datasetId: "${b1}") { totalCount } }`);
      assert.equal(mine.series.totalCount, 2);
    });

    test("reads A's ids exactly like ids that never existed", async () => {
      const b = as(keyB.headers);
      const missing = '987654';
      const nullable = await b.ok<{ dataset: null; trainingRun: null }>(
        `{ dataset(id: "${a1}") { id } trainingRun(id: "${runA1}") { id } }`,
      );
      assert.deepEqual(nullable, { dataset: null, trainingRun: null });
      const pairs: Array<[string, (id: string) => string]> = [
        ['Dataset', (id) => `{ series(datasetId: "${id}") { totalCount } }`],
        ['Dataset', (id) => `{ forecast(datasetId: "${id}", seriesId: "item-0") { points { p50 } } }`],
        ['Dataset', (id) => `{ forecastTable(datasetId: "${id}") { totalCount } }`],
        ['Dataset', (id) => `{ calendarEvents(datasetId: "${id}") { date } }`],
        ['Dataset', (id) => `{ trainingRuns(datasetId: "${id}") { totalCount } }`],
      ];
      for (const [kind, query] of pairs) {
        const theirs = await b.fails(query(a1));
        const none = await b.fails(query(missing));
        assert.equal(theirs.extensions?.['code'], 'NOT_FOUND', `${query(a1)}: ${theirs.message}`);
        assert.equal(theirs.message, none.message.replace(missing, a1), `${kind}: same answer as a missing id`);
        assert.ok(!theirs.message.includes(A_SECRET_NAME), 'the message does not name the other shop');
      }
      for (const query of [
        (id: string) => `{ backtest(runId: "${id}") { runId } }`,
        (id: string) => `{ featureImportance(runId: "${id}") { feature } }`,
      ]) {
        const theirs = await b.fails(query(runA1));
        const none = await b.fails(query(missing));
        assert.equal(theirs.extensions?.['code'], 'NOT_FOUND', theirs.message);
        assert.equal(theirs.message, none.message.replace(missing, runA1), 'same answer as a missing run');
      }
      // A's run id through B's own series: the run must belong to the series' dataset.
      const viaSeries = await b.fails(
        `{ series(datasetId: "${b1}", first: 1) { nodes { forecast(runId: "${runA1}") { points { p50 } } } } }`,
      );
      assert.equal(viaSeries.extensions?.['code'], 'NOT_FOUND', viaSeries.message);
    });

    test("cannot change or delete A's data, nor mint tokens for it", async () => {
      const b = as(keyB.headers);
      for (const [name, query] of Object.entries(mutations(a1, runA1))) {
        if (name === 'createDataset') continue;
        const e = await b.fails(query);
        assert.equal(e.extensions?.['code'], 'NOT_FOUND', `${name}: ${e.message}`);
      }
      const still = await as(keyA.headers).ok<{ dataset: { rowCount: number; latestRun: { id: string } } }>(
        `{ dataset(id: "${a1}") { rowCount latestRun { id } } }`,
      );
      assert.equal(still.dataset.rowCount, 3 * 42, "A's dataset is intact");
      assert.equal(still.dataset.latestRun.id, runA1);
      const run = await as(keyA.headers).ok<{ trainingRun: { status: string } }>(
        `{ trainingRun(id: "${runA1}") { status } }`,
      );
      assert.equal(run.trainingRun.status, 'SUCCEEDED');
    });

    test("A's cursors page through B's own rows only", async () => {
      const a = as(keyA.headers);
      const page = await a.ok<{ forecastTable: { pageInfo: { endCursor: string } } }>(
        `{ forecastTable(datasetId: "${a1}", first: 3) { pageInfo { endCursor } } }`,
      );
      const cursor = page.forecastTable.pageInfo.endCursor;
      const { forecastTable } = await as(keyB.headers).ok<{
        forecastTable: { totalCount: number; nodes: { seriesId: string; date: string }[] };
      }>(`{ forecastTable(datasetId: "${b1}", first: 50, after: "${cursor}") { totalCount nodes { seriesId date } } }`);
      assert.equal(forecastTable.totalCount, 2 * 7, "B's own rows only");
      for (const n of forecastTable.nodes) assert.ok(n.date >= '2024-04-11', `a row of B's dates: ${n.date}`);
      // A cursor far past the end is an empty page; a forged one is BAD_USER_INPUT.
      const far = Buffer.from('fq1:999999', 'utf8').toString('base64url');
      const empty = await as(keyB.headers).ok<{ datasets: { nodes: unknown[] } }>(
        `{ datasets(after: "${far}") { nodes { id } } }`,
      );
      assert.deepEqual(empty.datasets.nodes, []);
      const forged = await as(keyB.headers).fails(
        `{ datasets(after: "${Buffer.from('tenant:1').toString('base64url')}") { totalCount } }`,
      );
      assert.equal(forged.extensions?.['code'], 'BAD_USER_INPUT', forged.message);
    });

    test("cannot subscribe to A's runs", async () => {
      const document = parse('subscription($id: ID!) { trainingRunUpdated(id: $id) { id status } }');
      const contextValue = await api.app.context(keyB.headers);
      const result = (await subscribe({
        schema: api.app.schema,
        document,
        variableValues: { id: runA1 },
        contextValue,
      })) as ExecutionResult;
      assert.equal(
        result.errors?.[0]?.extensions?.['code'] ?? (result.errors?.[0]?.originalError as { code?: string })?.code,
        'NOT_FOUND',
      );
    });
  });

  describe('an embed token', () => {
    test('reads its dataset, its series, runs, forecasts, backtest and importance', async () => {
      const e = as(embedA1);
      const r = await e.ok<{
        dataset: { name: string; latestRun: { id: string } };
        series: { totalCount: number };
        forecast: { points: { p50: number | null }[] };
        backtest: { runId: string };
        featureImportance: { feature: string }[];
      }>(
        `{ dataset(id: "${a1}") { name latestRun { id } } series(datasetId: "${a1}") { totalCount }
           forecast(datasetId: "${a1}", seriesId: "item-0") { points { p50 } }
           backtest(runId: "${runA1}") { runId } featureImportance(runId: "${runA1}") { feature } }`,
      );
      assert.equal(r.dataset.name, A_SECRET_NAME);
      assert.equal(r.dataset.latestRun.id, runA1);
      assert.equal(r.series.totalCount, 3);
      assert.ok(
        r.forecast.points.some((p) => p.p50 !== null),
        'forecast points',
      );
      assert.equal(r.backtest.runId, runA1);
      assert.ok(r.featureImportance.length > 0, 'importance');
    });

    test('lists, counts and reads nothing outside its datasets, in its tenant or another', async () => {
      const e = as(embedA1);
      const { datasets, trainingRuns } = await e.ok<{
        datasets: { totalCount: number; nodes: { id: string }[] };
        trainingRuns: { totalCount: number; nodes: { id: string }[] };
      }>('{ datasets(first: 50) { totalCount nodes { id } } trainingRuns(first: 50) { totalCount nodes { id } } }');
      assert.deepEqual(datasets, { totalCount: 1, nodes: [{ id: a1 }] });
      assert.deepEqual(trainingRuns, { totalCount: 1, nodes: [{ id: runA1 }] });
      const hidden = await e.ok<{ dataset: null; trainingRun: null; b: null }>(
        `{ dataset(id: "${a2}") { id } trainingRun(id: "${runA2}") { id } b: dataset(id: "${b1}") { id } }`,
      );
      assert.deepEqual(hidden, { dataset: null, trainingRun: null, b: null });
      const none = await e.fails('{ series(datasetId: "987654") { totalCount } }');
      for (const query of [
        `{ series(datasetId: "${a2}") { totalCount } }`,
        `{ forecast(datasetId: "${a2}") { points { p50 } } }`,
        `{ forecastTable(datasetId: "${a2}") { totalCount } }`,
        `{ calendarEvents(datasetId: "${a2}") { date } }`,
        `{ trainingRuns(datasetId: "${a2}") { totalCount } }`,
        `{ series(datasetId: "${b1}") { totalCount } }`,
      ]) {
        const err = await e.fails(query);
        assert.equal(err.extensions?.['code'], 'NOT_FOUND', `${query}: ${err.message}`);
        assert.match(err.message, /^Dataset "\d+" was not found\.$/, 'the same answer as a missing dataset');
        assert.equal(none.message.replace('987654', ''), err.message.replace(/\d+/, ''));
      }
      for (const query of [
        `{ backtest(runId: "${runA2}") { runId } }`,
        `{ featureImportance(runId: "${runB1}") { feature } }`,
      ]) {
        const err = await e.fails(query);
        assert.equal(err.extensions?.['code'], 'NOT_FOUND', `${query}: ${err.message}`);
      }
      const viaSeries = await e.fails(
        `{ series(datasetId: "${a1}", first: 1) { nodes { forecast(runId: "${runA2}") { points { p50 } } } } }`,
      );
      assert.equal(viaSeries.extensions?.['code'], 'NOT_FOUND', viaSeries.message);
      const document = parse('subscription($id: ID!) { trainingRunUpdated(id: $id) { id } }');
      const result = (await subscribe({
        schema: api.app.schema,
        document,
        variableValues: { id: runA2 },
        contextValue: await api.app.context(embedA1),
      })) as ExecutionResult;
      assert.ok(result.errors?.length, 'subscribing to a run outside the scope fails');
      assert.match(result.errors[0]!.message, /not found/);
    });

    test('cannot run any mutation (FORBIDDEN), and nothing changes', async () => {
      const e = as(embedA1);
      for (const [name, query] of Object.entries(mutations(a1, runA1))) {
        const err = await e.fails(query);
        assert.equal(err.extensions?.['code'], 'FORBIDDEN', `${name}: ${err.message}`);
        assert.match(err.message, /admin API key/, 'the message says what would work');
      }
      const { datasets } = await as(keyA.headers).ok<{ datasets: { totalCount: number } }>(
        '{ datasets { totalCount } }',
      );
      assert.equal(datasets.totalCount, 2, 'no dataset created or deleted');
    });

    test('every mutation of the schema needs the ADMIN role', () => {
      const storage = getMetadataStorage();
      const names = storage.mutations.map((m) => m.methodName);
      for (const name of Object.keys(mutations('1', '1'))) assert.ok(names.includes(name), `${name} is a mutation`);
      assert.ok(names.length >= 6, `found ${names.length} mutations`);
      for (const m of storage.mutations) {
        const auth = storage.authorizedFields.find((a) => a.target === m.target && a.fieldName === m.methodName);
        assert.deepEqual(auth?.roles, ['ADMIN'], `${m.methodName} has @Authorized(Role.ADMIN)`);
      }
    });

    test('createEmbedToken: 1 h by default, at most 30 days, only for datasets of the caller', async () => {
      const a = as(keyA.headers);
      const askedAt = Date.now();
      const { createEmbedToken } = await a.ok<{ createEmbedToken: { expiresAt: string; datasetIds: string[] } }>(
        `mutation { createEmbedToken(datasetIds: ["${a1}", "${a2}", "${a1}"]) { expiresAt datasetIds } }`,
      );
      const ttl = (Date.parse(createEmbedToken.expiresAt) - askedAt) / 1000;
      assert.ok(ttl > 3590 && ttl <= 3601, `default ttl ${ttl} s`);
      assert.deepEqual(createEmbedToken.datasetIds.toSorted(), [a1, a2].toSorted());
      for (const ttlSeconds of [0, -5, 30 * 86_400 + 1]) {
        const e = await a.fails(
          `mutation { createEmbedToken(datasetIds: ["${a1}"], ttlSeconds: ${ttlSeconds}) { token } }`,
        );
        assert.equal(e.extensions?.['code'], 'BAD_USER_INPUT', `ttl ${ttlSeconds}: ${e.message}`);
        assert.match(e.message, new RegExp(`ttlSeconds ${ttlSeconds} is outside`));
      }
      const empty = await a.fails('mutation { createEmbedToken(datasetIds: []) { token } }');
      assert.equal(empty.extensions?.['code'], 'BAD_USER_INPUT', empty.message);
      const theirs = await a.fails(`mutation { createEmbedToken(datasetIds: ["${a1}", "${b1}"]) { token } }`);
      assert.equal(theirs.extensions?.['code'], 'NOT_FOUND', theirs.message);
    });

    test('a token whose tenant does not own the dataset sees nothing', async () => {
      // Only the server can sign one (createEmbedToken checks ownership); it still reads nothing.
      const { token } = await api.app.embedTokens.issue({ tenantId: keyA.tenantId, datasetIds: [Number(b1)] });
      const e = as(bearer(token));
      const r = await e.ok<{ datasets: { totalCount: number }; dataset: null; trainingRuns: { totalCount: number } }>(
        `{ datasets { totalCount } dataset(id: "${b1}") { id } trainingRuns { totalCount } }`,
      );
      assert.deepEqual(r, { datasets: { totalCount: 0 }, dataset: null, trainingRuns: { totalCount: 0 } });
    });
  });

  describe('bad credentials', () => {
    test('no header, a malformed header, an unknown or revoked key: UNAUTHENTICATED', async () => {
      const cases: Array<[string, Headers]> = [
        ['no header', {}],
        ['basic auth', { authorization: 'Basic dXNlcjpwYXNz' }],
        ['empty bearer', { authorization: 'Bearer ' }],
        ['unknown key', bearer(`fq_0123abcd_${'x'.repeat(32)}`)],
        ['garbage', bearer('not-a-token')],
        ['huge', bearer('a'.repeat(5000))],
      ];
      for (const [name, headers] of cases) {
        const e = await refused(headers);
        assert.equal(e.extensions?.['code'], 'UNAUTHENTICATED', `${name}: ${e.message}`);
        assert.deepEqual(e.extensions?.['http'], { status: 401 }, name);
      }
      const temp = await createAdminKey(db.knex, 'shop-b', 'temporary');
      await as(temp.headers).ok('{ datasets { totalCount } }');
      assert.equal(await createApiKeysRepository(db.knex).revoke(temp.tenantId, temp.keyId), true);
      const e = await refused(temp.headers);
      assert.equal(e.extensions?.['code'], 'UNAUTHENTICATED');
      assert.match(e.message, /unknown or revoked/);
      assert.ok(!e.message.includes(temp.secret.slice(12)), 'the message does not echo the secret');
    });

    test('expired, forged, tampered, wrong-type and unsigned tokens: UNAUTHENTICATED', async () => {
      const expired = await api.app.embedTokens.issue(
        { tenantId: keyA.tenantId, datasetIds: [Number(a1)], ttlSeconds: 60 },
        Date.now() - 3_600_000,
      );
      const e1 = await refused(bearer(expired.token));
      assert.equal(e1.extensions?.['code'], 'UNAUTHENTICATED');
      assert.match(e1.message, /expired at \d{4}-\d\d-\d\dT/);

      const otherKey = new TextEncoder().encode('another-secret-that-is-32-chars-long!!');
      const forged = await createEmbedTokens(otherKey).issue({ tenantId: keyA.tenantId, datasetIds: [Number(a1)] });
      assert.match((await refused(bearer(forged.token))).message, /not signed by this server|not valid/);

      // Same signature, wider scope in the payload.
      const [h, p, s] = (
        await api.app.embedTokens.issue({ tenantId: keyA.tenantId, datasetIds: [Number(a1)] })
      ).token.split('.');
      const payload = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')) as Record<string, unknown>;
      const wider = Buffer.from(JSON.stringify({ ...payload, datasetIds: [Number(a1), Number(a2)] })).toString(
        'base64url',
      );
      assert.equal((await refused(bearer(`${h}.${wider}.${s}`))).extensions?.['code'], 'UNAUTHENTICATED');

      // alg "none": no signature at all.
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'fq-embed+jwt' })).toString('base64url')}.${p}.`;
      assert.equal((await refused(bearer(none))).extensions?.['code'], 'UNAUTHENTICATED');
      // A key cannot pass for a token, nor a token for a key.
      assert.equal((await refused(bearer(`fq_${p}`))).extensions?.['code'], 'UNAUTHENTICATED');
    });

    test('a JWT of another type or audience, even signed with the same secret, is refused', async () => {
      // The test config has no FORECASTQL_SECRET: sign with a known one through a second app view.
      const secret = new TextEncoder().encode('x'.repeat(40));
      const tokens = createEmbedTokens(secret);
      const good = await tokens.issue({ tenantId: keyA.tenantId, datasetIds: [Number(a1)] });
      const claims = JSON.parse(Buffer.from(good.token.split('.')[1]!, 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
      const variants = {
        'typ JWT': new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }),
        'other audience': new SignJWT({ ...claims, aud: 'some-other-app' }).setProtectedHeader({
          alg: 'HS256',
          typ: 'fq-embed+jwt',
        }),
        'no tenant': new SignJWT({ ...claims, tenant: undefined }).setProtectedHeader({
          alg: 'HS256',
          typ: 'fq-embed+jwt',
        }),
        'string dataset ids': new SignJWT({ ...claims, datasetIds: ['1 OR 1=1'] }).setProtectedHeader({
          alg: 'HS256',
          typ: 'fq-embed+jwt',
        }),
      };
      assert.equal((await tokens.verify(good.token)).role, 'EMBED', 'the unmodified token verifies');
      for (const [name, jwt] of Object.entries(variants)) {
        await assert.rejects(tokens.verify(await jwt.sign(secret)), /not valid/, name);
      }
    });
  });
});
