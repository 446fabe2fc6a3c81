/**
 * The bad-input corpus (test/fixtures/bad/README.md) against a real server, on SQLite and
 * PostgreSQL: every CSV through the `importObservations` mutation and through `forecastql import`,
 * and hostile GraphQL documents. Each refusal is coded, the server answers the next query, and the
 * database is unchanged: every table has the checksum it had before (test/db/snapshot.ts; the one
 * column a request legitimately touches, `api_keys.last_used_at`, is left out). Valid edge values
 * (1e308, NaN, -0, formula-like text) are imported as documented, and nothing else
 * changes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Knex } from 'knex';
import { migrateLatest } from '../../api/db/migrate.js';
import { snapshot, type Snapshot } from '../db/snapshot.js';
import { runCliAsync, type CliRun } from '../helpers/cli.js';
import { tinyCsv } from '../e2e/support/data.js';
import { withDbs } from '../helpers/dbs.js';
import { aliases, deepQuery, fragmentCycle, hugeListArgument } from './documents.js';
import {
  adminAuthorization,
  databaseUrl,
  gql,
  gqlOk,
  postJson,
  spawnRobustServer,
  type GqlReply,
  type RobustServer,
} from './support/server.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const BAD = `${ROOT}test/fixtures/bad/`;
const CSV = `${ROOT}test/fixtures/csv/`;
const IMPORT = 'mutation($id: ID!, $csv: String!) { importObservations(datasetId: $id, csv: $csv) { rowsImported } }';

/** Every table's checksum; api_keys without `last_used_at` (each authenticated request may refresh it). */
async function fingerprint(knex: Knex): Promise<Snapshot> {
  const all = await snapshot(knex);
  const keys = (await knex('api_keys').select('id', 'tenant_id', 'name', 'prefix', 'key_hash', 'revoked_at')) as Array<
    Record<string, unknown>
  >;
  all['api_keys'] = {
    rows: keys.length,
    sha256: JSON.stringify(keys.map((k) => ({ ...k, revoked_at: k['revoked_at'] === null ? null : 'set' }))),
  };
  return all;
}

/** Refused CSVs: file (or generated text) and the message the refusal must carry. */
interface Refused {
  readonly name: string;
  /** The bytes of the file, as `forecastql import` reads them. */
  readonly bytes: () => Buffer;
  /** What a client that read the file naively (as UTF-8 text) would send to the mutation. */
  readonly text?: () => string;
  readonly message: RegExp;
  /** What the mutation's refusal must carry, when it differs from the file's (text already decoded). */
  readonly textMessage?: RegExp;
}

const tenMegabyteLine = (): Buffer =>
  Buffer.from(`series_id,date,value,store\nA,2024-01-01,1,${'x'.repeat(10 * 1024 * 1024)}\n`);

const REFUSED: readonly Refused[] = [
  {
    name: 'binary.bin',
    bytes: () => readFileSync(`${BAD}binary.bin`),
    text: () => readFileSync(`${BAD}binary.bin`).toString('latin1'),
    message: /line \d+/,
  },
  {
    name: 'utf16le.csv',
    bytes: () => readFileSync(`${BAD}utf16le.csv`),
    message: /^(forecastql: BAD_USER_INPUT: )?line 1: the file is UTF-16 text, not UTF-8\. Save the file as UTF-8/,
    // Read naively as UTF-8, the byte-order mark becomes U+FFFD.
    textMessage: /^line 1: the text holds U\+FFFD, .* Save the file as UTF-8/,
  },
  {
    name: 'latin1.csv',
    bytes: () => readFileSync(`${BAD}latin1.csv`),
    message:
      /line 2, column "store": the text is not UTF-8 \("Café Nord" read as ISO-8859-1; the first bad byte is 0xE9\)/,
    // A client that decoded the file as UTF-8 sends U+FFFD where the byte was.
    textMessage: /^line 2, column "store": the text holds U\+FFFD, .* Save the file as UTF-8/,
  },
  { name: '10 MB single line', bytes: tenMegabyteLine, message: /line 2: the line is longer than 1048576 bytes/ },
  {
    name: '10 MB line without a header',
    bytes: () => Buffer.alloc(10 * 1024 * 1024, 'y'),
    message: /line 1: the line is longer than 1048576 bytes/,
  },
  {
    name: 'year-0001.csv',
    bytes: () => readFileSync(`${BAD}year-0001.csv`),
    message: /line 2, column "date": "0001-01-01" is outside the supported years 1900 to 2200/,
  },
  { name: 'unclosed-quote.csv', bytes: () => readFileSync(`${CSV}unclosed-quote.csv`), message: /Quote Not Closed/ },
  { name: 'overflowing-number.csv', bytes: () => readFileSync(`${CSV}overflowing-number.csv`), message: /1e999/ },
  {
    name: 'february-30.csv',
    bytes: () => readFileSync(`${BAD}february-30.csv`),
    message: /"2023-02-30" is not a calendar date \(2023-02 has 28 days\)/,
  },
];

/** Runs `forecastql import` for each file in one child process, without blocking this one (a
 * blocked test process would miss the server closing idle keep-alive sockets). */
function cliImports(db: string, files: readonly string[]): Promise<CliRun[]> {
  return runCliAsync(files.map((file) => ['import', file, '--dataset', 'shop', '--db', db]));
}

function firstError(r: GqlReply): { message: string; code: string | undefined } {
  assert.ok(r.errors && r.errors.length > 0, `expected an error, got ${JSON.stringify(r.data)}`);
  return { message: r.errors[0]!.message, code: r.errors[0]!.extensions?.code };
}

withDbs(
  (db) => {
    let server: RobustServer;
    let auth: string;
    let shopId: string;
    const dir = mkdtempSync(join(tmpdir(), 'fq-bad-'));

    before(async () => {
      auth = await adminAuthorization(db.knex);
      server = await spawnRobustServer(db.config, { FORECASTQL_RATE_LIMIT: '0' });
      const { createDataset } = await gqlOk<{ createDataset: { id: string } }>(
        server.url,
        auth,
        'mutation { createDataset(input: { name: "shop", frequency: DAY }) { id } }',
      );
      shopId = createDataset.id;
      await gqlOk(server.url, auth, IMPORT, { id: shopId, csv: tinyCsv(3, 40) });
    });
    after(async () => {
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    /** Runs `act`, then checks the server still answers and every table is as it was. */
    async function unchanged(act: () => Promise<void>): Promise<void> {
      const was = await fingerprint(db.knex);
      await act();
      const { datasets } = await gqlOk<{ datasets: { totalCount: number } }>(
        server.url,
        auth,
        '{ datasets { totalCount } }',
      );
      assert.equal(datasets.totalCount, 1, 'the server answers a follow-up query');
      assert.deepEqual(await fingerprint(db.knex), was, 'every table is unchanged');
    }

    for (const c of REFUSED) {
      test(`importObservations refuses ${c.name} with BAD_USER_INPUT and changes nothing`, async () => {
        await unchanged(async () => {
          const csv = c.text ? c.text() : c.bytes().toString('utf8');
          const e = firstError(await gql(server.url, auth, IMPORT, { id: shopId, csv }));
          assert.equal(e.code, 'BAD_USER_INPUT', e.message);
          assert.match(e.message, c.textMessage ?? c.message);
        });
      });
    }

    test('forecastql import refuses every bad file with a coded one-line error and changes nothing', async () => {
      const files = REFUSED.map((c, i) => {
        const file = join(dir, `${i}-${c.name.replace(/\W+/g, '-')}`);
        writeFileSync(file, c.bytes());
        return file;
      });
      await unchanged(async () => {
        const runs = await cliImports(databaseUrl(db.config), files);
        runs.forEach((r, i) => {
          assert.equal(r.status, 1, `${REFUSED[i]!.name}: exit status`);
          assert.match(r.stderr, /^forecastql: BAD_USER_INPUT: /, `${REFUSED[i]!.name}: ${r.stderr}`);
          assert.match(r.stderr, REFUSED[i]!.message, REFUSED[i]!.name);
          assert.equal(r.stderr.trim().split('\n').length, 1, `${REFUSED[i]!.name}: one line`);
        });
      });
    });

    test('valid edge values are imported as documented: 1e308, NaN as missing, -0 as 0, formula-like text', async () => {
      const was = await fingerprint(db.knex);
      const cases: Array<[string, Array<[string, string, number | null]>]> = [
        [
          'huge-number.csv',
          [
            ['A', '2024-01-01', 1e308],
            ['A', '2024-01-02', 1],
          ],
        ],
        [
          'nan.csv',
          [
            ['A', '2024-01-01', null],
            ['A', '2024-01-02', 1],
          ],
        ],
        [
          'negative-zero.csv',
          [
            ['A', '2024-01-01', 0],
            ['A', '2024-01-02', 1],
          ],
        ],
        [
          'formula-injection.csv',
          [
            ['+cmd', '2024-01-01', 3],
            ['+cmd', '2024-01-02', 4],
            ['=HYPERLINK("http://evil.example")', '2024-01-01', 1],
            ['=HYPERLINK("http://evil.example")', '2024-01-02', 2],
          ],
        ],
      ];
      for (const [file, expected] of cases) {
        const { createDataset } = await gqlOk<{ createDataset: { id: string } }>(
          server.url,
          auth,
          'mutation($name: String!) { createDataset(input: { name: $name, frequency: DAY }) { id } }',
          { name: file },
        );
        const r = await gqlOk<{ importObservations: { rowsImported: number } }>(server.url, auth, IMPORT, {
          id: createDataset.id,
          csv: readFileSync(`${BAD}${file}`, 'utf8'),
        });
        assert.equal(r.importObservations.rowsImported, expected.length, file);
        const rows = (await db
          .knex('observations as o')
          .join('series as s', 's.id', 'o.series_id')
          .where('s.dataset_id', Number(createDataset.id))
          .orderBy([{ column: 's.key' }, { column: 'o.date' }])
          .select('s.key as series', 'o.date', 'o.value')) as Array<{
          series: string;
          date: string;
          value: number | null;
        }>;
        assert.deepEqual(
          rows.map((x) => [x.series, String(x.date).slice(0, 10), x.value === null ? null : Number(x.value)]),
          expected,
          file,
        );
        if (file === 'negative-zero.csv') assert.ok(!Object.is(Number(rows[0]!.value), -0), '-0 is stored as 0');
        const attributes = (await db
          .knex('series_attributes')
          .where({ dataset_id: Number(createDataset.id) })
          .orderBy(['name', 'value'])
          .distinct('name', 'value')) as Array<{ name: string; value: string }>;
        if (file === 'formula-injection.csv') {
          assert.deepEqual(
            attributes.map((a) => [a.name, a.value]),
            [
              ['region', '\t=tab'],
              ['region', '@SUM(A1:A9)'],
              ['store', '-2+3'],
              ['store', '=1+2'],
            ],
            'formula-like attributes are stored verbatim, as text',
          );
        }
      }
      // Nothing but the new datasets changed: the first dataset's rows are as they were.
      const now = await fingerprint(db.knex);
      assert.deepEqual(now['training_runs'], was['training_runs']);
      assert.deepEqual(now['tenants'], was['tenants']);
      assert.equal(now['datasets']!.rows, was['datasets']!.rows + cases.length);
      // Leave the suite's state as the other tests expect: one dataset.
      for (const [file] of cases) {
        const id = (await db.knex('datasets').where({ name: file }).first('id')) as { id: number };
        await gqlOk(server.url, auth, 'mutation($id: ID!) { deleteDataset(id: $id) }', { id: String(id.id) });
      }
      assert.deepEqual(await fingerprint(db.knex).then((s) => s['observations']), was['observations']);
    });

    test('a query 50 levels deep: BAD_USER_INPUT naming FORECASTQL_MAX_DEPTH', async () => {
      await unchanged(async () => {
        const r = await gql(server.url, auth, deepQuery(50));
        assert.equal(r.status, 400);
        assert.ok(
          r.errors?.some(
            (e) => e.extensions?.code === 'BAD_USER_INPUT' && /depth limit of 10 exceeded, found 50/.test(e.message),
          ),
          JSON.stringify(r.errors),
        );
      });
    });

    test('ten thousand aliases stop at the token limit: GRAPHQL_PARSE_FAILED', async () => {
      await unchanged(async () => {
        const e = firstError(await gql(server.url, auth, aliases(10_000)));
        assert.equal(e.code, 'GRAPHQL_PARSE_FAILED');
        assert.match(e.message, /Document contains more tha[nt] 5000 tokens/);
      });
    });

    test('a huge inline list argument stops at the token limit; a huge list variable at FORECASTQL_MAX_LIST_ITEMS', async () => {
      await unchanged(async () => {
        const inline = firstError(await gql(server.url, auth, hugeListArgument(5000)));
        assert.equal(inline.code, 'GRAPHQL_PARSE_FAILED');
        const where = Array.from({ length: 200_000 }, (_, i) => ({ name: 'store', value: `v${i}` }));
        const r = await gql<{ forecast: unknown }>(
          server.url,
          auth,
          'query($d: ID!, $w: [AttributeFilterInput!]) { forecast(datasetId: $d, where: $w) { seriesCount } }',
          { d: shopId, w: where },
        );
        assert.notEqual(r.status, 500, JSON.stringify(r.errors));
        if (r.errors) assert.equal(r.errors[0]!.extensions?.code, 'BAD_USER_INPUT', r.errors[0]!.message);
        else assert.equal(r.data?.forecast, null, 'no run yet: no forecast');
      });
    });

    test('variables that do not coerce: 400 BAD_USER_INPUT naming the variable and the fix', async () => {
      await unchanged(async () => {
        const cases: Array<[string, Record<string, unknown>, RegExp]> = [
          [
            'query($d: ID!, $f: Date) { forecast(datasetId: $d, from: $f) { seriesCount } }',
            { d: shopId, f: '2024-02-30' },
            /^Variable "\$f" got invalid value "2024-02-30"; Date "2024-02-30" is not valid: write a calendar date as YYYY-MM-DD/,
          ],
          [
            'query($d: ID!, $n: Int) { series(datasetId: $d, first: $n) { totalCount } }',
            { d: shopId, n: 'ten' },
            /^Variable "\$n" got invalid value "ten"; Int cannot represent non-integer value: "ten"/,
          ],
          [
            'query($d: ID!) { forecast(datasetId: $d) { seriesCount } }',
            {},
            /^Variable "\$d" of required type "ID!" was not provided\./,
          ],
        ];
        for (const [query, variables, message] of cases) {
          const r = await gql(server.url, auth, query, variables);
          assert.equal(r.status, 400, JSON.stringify(r.errors));
          assert.equal(r.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(r.errors));
          assert.match(r.errors[0]!.message, message);
        }
      });
    });

    test('a fragment cycle: GRAPHQL_VALIDATION_FAILED', async () => {
      await unchanged(async () => {
        const e = firstError(await gql(server.url, auth, fragmentCycle()));
        assert.equal(e.code, 'GRAPHQL_VALIDATION_FAILED');
        assert.match(e.message, /Cannot spread fragment "A" within itself/);
      });
    });

    test('a batch of 1000 operations (mutations included): 400 BAD_REQUEST, none runs', async () => {
      await unchanged(async () => {
        const batch = Array.from({ length: 1000 }, (_, i) => ({
          query: `mutation { createDataset(input: { name: "batch-${i}" }) { id } }`,
        }));
        const r = await postJson(server.url, auth, batch);
        assert.equal(r.status, 400);
        assert.equal(firstError(r).code, 'BAD_REQUEST');
      });
    });

    test('a body above the 64 MiB default limit: 413 BAD_USER_INPUT, nothing imported', async () => {
      await unchanged(async () => {
        const csv = tinyCsv(3, 40) + 'A,2024-01-01,1\n'.repeat(Math.ceil((65 * 1024 * 1024) / 15));
        const r = await gql(server.url, auth, IMPORT, { id: shopId, csv });
        assert.equal(r.status, 413);
        const e = firstError(r);
        assert.equal(e.code, 'BAD_USER_INPUT');
        assert.match(e.message, /the limit is 67108864 bytes/);
      });
    });
  },
  async (knex) => {
    await migrateLatest(knex);
  },
);
