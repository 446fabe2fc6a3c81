/**
 * Issue 17, the findings where the database matters, on SQLite and PostgreSQL against a real
 * server: the input guard (NUL, control characters and ANSI escapes in any string argument or CSV
 * cell; years outside 1900..2200), `%` and `_` in `search` matched literally, revocable embed
 * tokens (by id, with the key that minted them, `exp`/`iat` capped on verification, an open
 * graphql-ws connection closed), run errors without SQL (1e308 values in a seasonal-naive run),
 * and a retried run's success clearing the first attempt's error. Every refusal is coded and
 * changes nothing stored.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { createClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import type { Knex } from 'knex';
import { WebSocket } from 'ws';
import { createApiKeysRepository } from '../../api/db/api-keys.repository.js';
import { migrateLatest } from '../../api/db/migrate.js';
import { createRunsRepository, RunStatus } from '../../api/db/runs.repository.js';
import { snapshot, type Snapshot } from '../db/snapshot.js';
import { tinyCsv } from '../e2e/support/data.js';
import { runCliAsync } from '../helpers/cli.js';
import { withDbs } from '../helpers/dbs.js';
import { createAdminKey } from '../helpers/auth.js';
import {
  adminAuthorization,
  databaseUrl,
  gql,
  gqlOk,
  spawnRobustServer,
  type GqlReply,
  type RobustServer,
} from './support/server.js';

const SECRET = 'issue-17-hardening-secret-0123456789abcdef';
const IMPORT = 'mutation($id: ID!, $csv: String!) { importObservations(datasetId: $id, csv: $csv) { rowsImported } }';

/** Every table's checksum but `api_keys.last_used_at` (each authenticated request may refresh it). */
async function fingerprint(knex: Knex): Promise<Snapshot> {
  const all = await snapshot(knex);
  const keys = await knex('api_keys').select('id', 'revoked_at').orderBy('id');
  all['api_keys'] = { rows: keys.length, sha256: JSON.stringify(keys) };
  return all;
}

function codeOf(r: GqlReply): string | undefined {
  return r.errors?.[0]?.extensions?.code;
}

withDbs(
  (db) => {
    let server: RobustServer;
    let auth: string;
    let shopId: string;
    let embed: string;
    before(async () => {
      auth = await adminAuthorization(db.knex);
      server = await spawnRobustServer(db.config, {
        FORECASTQL_RATE_LIMIT: '0',
        FORECASTQL_AUTH_FAILURE_LIMIT: '0',
        FORECASTQL_SECRET: SECRET,
        FORECASTQL_WS_RECHECK_MS: '300',
      });
      const { createDataset } = await gqlOk<{ createDataset: { id: string } }>(
        server.url,
        auth,
        'mutation { createDataset(input: { name: "shop", frequency: DAY }) { id } }',
      );
      shopId = createDataset.id;
      await gqlOk(server.url, auth, IMPORT, { id: shopId, csv: tinyCsv(3, 40) });
      const minted = await gqlOk<{ createEmbedToken: { token: string } }>(
        server.url,
        auth,
        `mutation { createEmbedToken(datasetIds: ["${shopId}"]) { token } }`,
      );
      embed = `Bearer ${minted.createEmbedToken.token}`;
    });
    after(async () => {
      await server?.stop();
    });

    /** Runs `act`, then checks that every table is as it was. */
    async function unchanged(act: () => Promise<void>): Promise<void> {
      const was = await fingerprint(db.knex);
      await act();
      assert.deepEqual(await fingerprint(db.knex), was, 'every table is unchanged');
    }

    test('NUL and control characters in any string argument: BAD_USER_INPUT, admin key or embed token', async () => {
      const cases: Array<[string, string, Record<string, unknown>]> = [
        [
          'mutation($n: String!) { createDataset(input: { name: $n, frequency: DAY }) { id } }',
          auth,
          { n: 'a\u0000b' },
        ],
        [
          'mutation($n: String!) { createDataset(input: { name: $n, frequency: DAY }) { id } }',
          auth,
          { n: '\u001b[31mred\u001b[0m' },
        ],
        ['query($s: String) { datasets(search: $s) { totalCount } }', embed, { s: '\u0000' }],
        [
          'query($id: ID!, $s: String) { series(datasetId: $id, search: $s) { totalCount } }',
          embed,
          { id: shopId, s: 'item\u0000' },
        ],
        [
          'query($id: ID!, $v: String!) { forecast(datasetId: $id, where: [{ name: "store", value: $v }]) { seriesCount } }',
          embed,
          { id: shopId, v: 'north\u0000' },
        ],
        [
          'query($id: ID!, $s: String) { forecast(datasetId: $id, seriesId: $s) { seriesCount } }',
          embed,
          { id: shopId, s: 'item-0\u0000' },
        ],
        [IMPORT, auth, { id: shopId, csv: 'series_id,date,value,store\nA\u0000,2024-01-01,1,x\n' }],
      ];
      await unchanged(async () => {
        for (const [query, who, variables] of cases) {
          const r = await gql(server.url, who, query, variables);
          assert.equal(codeOf(r), 'BAD_USER_INPUT', `${query} ${JSON.stringify(variables)}: ${JSON.stringify(r)}`);
          assert.match(r.errors![0]!.message, /U\+0000|ANSI escape/);
          assert.doesNotMatch(r.errors![0]!.message, /select|insert|\n\s+at /i);
        }
        // Inline in the document, too.
        const inline = await gql(server.url, embed, '{ datasets(search: "x\\u0007") { totalCount } }');
        assert.equal(codeOf(inline), 'BAD_USER_INPUT');
        assert.match(inline.errors![0]!.message, /U\+0007/);
      });
    });

    test('control characters in CSV cells and names: coded with the line, by importObservations and forecastql import', async () => {
      const csvs: Array<[string, RegExp]> = [
        [
          'series_id,date,value,store\nA,2024-01-01,1,x\nB\u001b[2J,2024-01-01,1,y\n',
          /line 3, column "series_id": the id holds an ANSI escape/,
        ],
        [
          'series_id,date,value,store\nA,2024-01-01,1,no\u0007rth\n',
          /line 2, column "store": the value holds the control character U\+0007/,
        ],
        [
          'series_id,date,value,st\u0001ore\nA,2024-01-01,1,x\n',
          /line 1, column "#4": column 4's name holds the control character U\+0001/,
        ],
      ];
      const dir = mkdtempSync(join(tmpdir(), 'fq-control-'));
      try {
        await unchanged(async () => {
          for (const [csv, message] of csvs) {
            // importObservations reads CSV text with the same reader: the line and column are named.
            const r = await gql(server.url, auth, IMPORT, { id: shopId, csv });
            assert.equal(codeOf(r), 'BAD_USER_INPUT', JSON.stringify(r));
            assert.match(r.errors![0]!.message, message);
          }
          const files = csvs.map(([csv], i) => {
            const file = join(dir, `${i}.csv`);
            writeFileSync(file, csv);
            return file;
          });
          const runs = await runCliAsync(
            files.map((f) => ['import', f, '--dataset', 'shop', '--db', databaseUrl(db.config)]),
          );
          runs.forEach((run, i) => {
            assert.equal(run.status, 1, run.stderr);
            assert.match(run.stderr, /^forecastql: BAD_USER_INPUT: /);
            assert.match(run.stderr, csvs[i]![1]);
          });
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('memory is bounded by limits, not by the input: series per import, columns, gzip bombs', async () => {
      await unchanged(async () => {
        const many = ['series_id,date,value'];
        for (let i = 0; i <= 50_000; i++) many.push(`s${i},2024-01-01,1`);
        const r = await gql(server.url, auth, IMPORT, { id: shopId, csv: `${many.join('\n')}\n` });
        assert.equal(codeOf(r), 'BAD_USER_INPUT', JSON.stringify(r.errors));
        assert.match(r.errors![0]!.message, /line 50002, column "series_id": the file holds more than 50000 series/);
        const wide = `series_id,date,value,${Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',')}\n`;
        const w = await gql(server.url, auth, IMPORT, { id: shopId, csv: wide });
        assert.match(w.errors![0]!.message, /the header has 10003 columns; at most 256 are read/);
        const longName = await gql(server.url, auth, IMPORT, {
          id: shopId,
          csv: `series_id,date,value,${'n'.repeat(101)}\nA,2024-01-01,1,1\n`,
        });
        assert.match(longName.errors![0]!.message, /column 4's name is 101 characters long/);

        const dir = mkdtempSync(join(tmpdir(), 'fq-bomb-'));
        try {
          const header = Buffer.from('series_id,date,value\n');
          // 256 MiB of zeros without a line break: the line limit stops it at 1 MiB.
          writeFileSync(join(dir, 'line.csv.gz'), gzipSync(Buffer.concat([header, Buffer.alloc(256 << 20, 0x30)])));
          // 80 MiB of one valid row (about 700 times its compressed size): the ratio stops it.
          writeFileSync(
            join(dir, 'rows.csv.gz'),
            gzipSync(Buffer.concat([header, Buffer.alloc(80 << 20, 'A,2024-01-01,1\n')]), { level: 9 }),
          );
          const runs = await runCliAsync(
            ['line.csv.gz', 'rows.csv.gz'].map((f) => [
              'import',
              join(dir, f),
              '--dataset',
              'bomb',
              '--db',
              databaseUrl(db.config),
            ]),
          );
          assert.equal(runs[0]!.status, 1, runs[0]!.stderr);
          assert.match(runs[0]!.stderr, /BAD_USER_INPUT: line 2: the line is longer than 1048576 bytes/);
          assert.equal(runs[1]!.status, 1, runs[1]!.stderr);
          assert.match(runs[1]!.stderr, /BAD_USER_INPUT: The gzip input inflates more than 100 times its size/);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    });

    test('years before 1900 or after 2200 are refused, in CSV dates and Date arguments', async () => {
      await unchanged(async () => {
        const early = await gql(server.url, auth, IMPORT, {
          id: shopId,
          csv: 'series_id,date,value\nA,0001-01-01,1\nA,0001-01-02,2\n',
        });
        assert.equal(codeOf(early), 'BAD_USER_INPUT');
        assert.match(
          early.errors![0]!.message,
          /line 2, column "date": "0001-01-01" is outside the supported years 1900 to 2200/,
        );
        const late = await gql(server.url, auth, IMPORT, { id: shopId, csv: 'series_id,date,value\nA,2250-01-01,1\n' });
        assert.match(late.errors![0]!.message, /"2250-01-01" is outside the supported years/);
        const from = await gql(
          server.url,
          embed,
          `{ forecast(datasetId: "${shopId}", from: "0024-01-01") { seriesCount } }`,
        );
        assert.equal(codeOf(from), 'BAD_USER_INPUT', JSON.stringify(from));
        assert.match(from.errors![0]!.message, /0024-01-01.*outside the supported years 1900 to 2200/);
      });
    });

    test('search matches % and _ literally', async () => {
      const names = ['50% off', '500 units', 'a_b', 'axb', 'back\\slash'];
      const ids: string[] = [];
      for (const name of names) {
        const r = await gqlOk<{ createDataset: { id: string } }>(
          server.url,
          auth,
          'mutation($n: String!) { createDataset(input: { name: $n, frequency: DAY }) { id } }',
          { n: name },
        );
        ids.push(r.createDataset.id);
      }
      try {
        const found = async (search: string): Promise<string[]> => {
          const r = await gqlOk<{ datasets: { nodes: Array<{ name: string }> } }>(
            server.url,
            auth,
            'query($s: String) { datasets(search: $s, first: 50) { nodes { name } } }',
            { s: search },
          );
          return r.datasets.nodes.map((n) => n.name).toSorted();
        };
        assert.deepEqual(await found('50%'), ['50% off']);
        assert.deepEqual(await found('a_b'), ['a_b']);
        assert.deepEqual(await found('%'), ['50% off']);
        assert.deepEqual(await found('k\\s'), ['back\\slash']);
        const series = await gqlOk<{ series: { totalCount: number } }>(
          server.url,
          auth,
          'query($id: ID!, $s: String) { series(datasetId: $id, search: $s) { totalCount } }',
          { id: shopId, s: 'item_' },
        );
        assert.equal(series.series.totalCount, 0, '"item_" is not a pattern for item-0…');
        const literal = await gqlOk<{ series: { totalCount: number } }>(
          server.url,
          auth,
          'query($id: ID!, $s: String) { series(datasetId: $id, search: $s) { totalCount } }',
          { id: shopId, s: 'item-' },
        );
        assert.equal(literal.series.totalCount, 3);
      } finally {
        for (const id of ids) await gqlOk(server.url, auth, 'mutation($id: ID!) { deleteDataset(id: $id) }', { id });
      }
    });

    test('embed tokens: revoked by id, dead with the key that minted them, exp and iat capped on verification', async () => {
      const read = `{ dataset(id: "${shopId}") { id } }`;
      // By id.
      const minted = await gqlOk<{ createEmbedToken: { id: string; token: string } }>(
        server.url,
        auth,
        `mutation { createEmbedToken(datasetIds: ["${shopId}"]) { id token } }`,
      );
      const token = `Bearer ${minted.createEmbedToken.token}`;
      assert.equal((await gql(server.url, token, read)).status, 200);
      const revoked = await gqlOk<{ revokeEmbedToken: boolean }>(
        server.url,
        auth,
        'mutation($id: ID!) { revokeEmbedToken(id: $id) }',
        {
          id: minted.createEmbedToken.id,
        },
      );
      assert.equal(revoked.revokeEmbedToken, true);
      const afterRevoke = await gql(server.url, token, read);
      assert.equal(afterRevoke.status, 401);
      assert.match(afterRevoke.errors![0]!.message, /revoked/);
      const byEmbed = await gql(server.url, embed, 'mutation { revokeEmbedToken(id: "x") }');
      assert.equal(codeOf(byEmbed), 'FORBIDDEN', 'an embed token cannot revoke');

      // With the key that minted it.
      const key = await createAdminKey(db.knex, 'default', 'minter');
      const viaKey = await gqlOk<{ createEmbedToken: { token: string } }>(
        server.url,
        key.headers.authorization,
        `mutation { createEmbedToken(datasetIds: ["${shopId}"]) { token } }`,
      );
      const keyed = `Bearer ${viaKey.createEmbedToken.token}`;
      assert.equal((await gql(server.url, keyed, read)).status, 200);
      await createApiKeysRepository(db.knex).revoke(key.tenantId, key.keyId);
      assert.equal((await gql(server.url, keyed, read)).status, 401, 'the token died with its key');
      assert.equal((await gql(server.url, embed, read)).status, 200, 'tokens of other keys live on');

      // From the shell: `forecastql token` prints the id, `forecastql token-revoke ID` stops it.
      const [cliMinted] = await runCliAsync([['token', '--dataset', 'shop', '--db', databaseUrl(db.config)]], {
        FORECASTQL_SECRET: SECRET,
      });
      assert.equal(cliMinted!.status, 0, cliMinted!.stderr);
      const cliId = /Embed token (\S+) for dataset/.exec(cliMinted!.stderr)?.[1];
      assert.ok(cliId, cliMinted!.stderr);
      const cliToken = `Bearer ${cliMinted!.stdout.trim()}`;
      assert.equal((await gql(server.url, cliToken, read)).status, 200);
      const [cliRevoked] = await runCliAsync([['token-revoke', cliId, '--db', databaseUrl(db.config)]]);
      assert.equal(cliRevoked!.status, 0, cliRevoked!.stderr);
      assert.equal((await gql(server.url, cliToken, read)).status, 401, 'revoked from the shell');

      // Correctly signed, but past the caps.
      const tenantId = (await db.knex('tenants').where({ slug: 'default' }).first('id')) as { id: number };
      const sign = (iat: number, exp: number) =>
        new SignJWT({ tenant: Number(tenantId.id), datasetIds: [Number(shopId)] })
          .setProtectedHeader({ alg: 'HS256', typ: 'fq-embed+jwt' })
          .setIssuer('forecastql')
          .setAudience('forecastql:embed')
          .setIssuedAt(iat)
          .setExpirationTime(exp)
          .setJti(`forged-${iat}`)
          .sign(new TextEncoder().encode(SECRET));
      const now = Math.floor(Date.now() / 1000);
      const tenYears = await gql(server.url, `Bearer ${await sign(now, now + 10 * 365 * 86_400)}`, read);
      assert.equal(tenYears.status, 401);
      assert.match(tenYears.errors![0]!.message, /longer than the 30-day maximum/);
      const future = await gql(server.url, `Bearer ${await sign(now + 3600, now + 7200)}`, read);
      assert.equal(future.status, 401);
      assert.match(future.errors![0]!.message, /in the future/);
      const fine = await gql(server.url, `Bearer ${await sign(now, now + 3600)}`, read);
      assert.equal(fine.status, 200, 'a token within the caps is accepted');
    });

    test('graphql-ws: a connection is closed when its embed token is revoked', async () => {
      const minted = await gqlOk<{ createEmbedToken: { id: string; token: string } }>(
        server.url,
        auth,
        `mutation { createEmbedToken(datasetIds: ["${shopId}"]) { id token } }`,
      );
      const state: { closed?: number; connected: boolean } = { connected: false };
      const client = createClient({
        url: `${server.url.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        onNonLazyError: () => {},
        connectionParams: { authorization: `Bearer ${minted.createEmbedToken.token}` },
        on: {
          connected: () => (state.connected = true),
          closed: (e) => (state.closed = (e as { code: number }).code),
        },
      });
      try {
        for (let i = 0; i < 50 && !state.connected; i++) await new Promise((r) => setTimeout(r, 100));
        assert.ok(state.connected, 'the token connects');
        await gqlOk(server.url, auth, 'mutation($id: ID!) { revokeEmbedToken(id: $id) }', {
          id: minted.createEmbedToken.id,
        });
        for (let i = 0; i < 50 && state.closed === undefined; i++) await new Promise((r) => setTimeout(r, 100));
        assert.equal(state.closed, 4403, 'closed within seconds of the revocation');
      } finally {
        await client.dispose();
      }
    });

    test('a seasonal-naive run over values of 1e308 fails with a coded message, never SQL', async () => {
      const { createDataset } = await gqlOk<{ createDataset: { id: string } }>(
        server.url,
        auth,
        'mutation { createDataset(input: { name: "huge", frequency: DAY }) { id } }',
      );
      const rows = ['series_id,date,value'];
      for (let d = 1; d <= 28; d++) rows.push(`A,2024-02-${String(d).padStart(2, '0')},${d % 2 ? '1e308' : '0'}`);
      await gqlOk(server.url, auth, IMPORT, { id: createDataset.id, csv: `${rows.join('\n')}\n` });
      const started = await gqlOk<{ startTrainingRun: { id: string } }>(
        server.url,
        auth,
        `mutation { startTrainingRun(input: { datasetId: "${createDataset.id}", horizon: 7, model: SNAIVE }) { id } }`,
      );
      let run: { status: string; error: string | null } | undefined;
      for (let i = 0; i < 300; i++) {
        const r = await gqlOk<{ trainingRun: { status: string; error: string | null } }>(
          server.url,
          auth,
          `{ trainingRun(id: "${started.startTrainingRun.id}") { status error } }`,
        );
        run = r.trainingRun;
        if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status)) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.equal(run?.status, 'FAILED', JSON.stringify(run));
      assert.doesNotMatch(run.error ?? '', /insert|select|tenant_id|values \(|NaN|\n\s+at /i, run.error ?? '');
      assert.match(run.error ?? '', /is not a finite number: its values are too large/);
      await gqlOk(server.url, auth, 'mutation($id: ID!) { deleteDataset(id: $id) }', { id: createDataset.id });
    });
  },
  async (knex) => {
    await migrateLatest(knex);
  },
);

withDbs(
  (db) => {
    test('a run that succeeds on a retry keeps no error text of the attempt before', async () => {
      const runs = createRunsRepository(db.knex);
      const tenant = (await db.knex('tenants').where({ slug: 'default' }).first('id')) as { id: number };
      const [dataset] = (await db
        .knex('datasets')
        .insert({ tenant_id: tenant.id, name: 'retry', frequency: 'D' })
        .returning('id')) as Array<{ id: number } | number>;
      const datasetId = typeof dataset === 'object' ? dataset.id : dataset!;
      const run = await runs.create(Number(tenant.id), {
        datasetId: Number(datasetId),
        model: 'SNAIVE',
        horizon: 7,
        quantiles: [0.1, 0.5, 0.9],
        epochs: null,
        seed: 1,
        maxAttempts: 3,
      });
      const claimed = await runs.queueClaim(run.id, 'w1', 'job-1');
      assert.ok(claimed);
      assert.ok(await runs.queueRequeue(run.id, claimed.attempts, 'Attempt 1 of 3 failed (boom); it will be retried.'));
      const again = await runs.queueClaim(run.id, 'w2', 'job-1');
      assert.ok(again);
      assert.match((await runs.get(Number(tenant.id), run.id))!.error ?? '', /Attempt 1 of 3 failed/);
      await db.knex.transaction(async (trx) => {
        assert.ok(
          await runs.succeedInTransaction(
            trx,
            Number(tenant.id),
            run.id,
            { chosenModel: 'snaive', warnings: [] },
            again.attempts,
          ),
        );
      });
      const done = await runs.get(Number(tenant.id), run.id);
      assert.equal(done?.status, RunStatus.SUCCEEDED);
      assert.equal(done?.error, null, "the first attempt's error is gone");
      assert.match(
        done?.warnings[0] ?? '',
        /^Attempt 1 of 3 failed .*; a later attempt succeeded\.$/,
        'why it was retried is a warning',
      );
    });
  },
  async (knex) => {
    await migrateLatest(knex);
  },
);
