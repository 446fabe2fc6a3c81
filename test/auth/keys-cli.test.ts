/**
 * `forecastql keys create|list|revoke` and `forecastql token` through the real CLI entry, on
 * SQLite and PostgreSQL; and `forecastql forecast` writing series ids that are never formulas.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DEMO_KEY_NAME, renewDemoAdminKey } from '../../api/auth/demo-key.js';
import { createEmbedTokens, signingKey } from '../../api/auth/embed-token.js';
import type { DatabaseConfig } from '../../api/config/env.js';
import { createApiKeysRepository } from '../../api/db/api-keys.repository.js';
import { createEmbedRevocationsRepository } from '../../api/db/embed-revocations.repository.js';
import { migrateLatest } from '../../api/db/migrate.js';
import { createTenantsRepository } from '../../api/db/tenants.repository.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import { withDbs } from '../helpers/dbs.js';

const SECRET = 'cli-test-secret-of-at-least-32-characters';

type Run = CliRun;

/** The CLI without FORECASTQL_SECRET (empty is unset) unless `env` gives one, on the cpu backend. */
function cli(invocations: string[][], env: Record<string, string> = {}): Run[] {
  return runCli(invocations, { FORECASTQL_SECRET: '', FORECASTQL_BACKEND: 'cpu', ...env });
}

const dbArg = (c: DatabaseConfig): string => (c.client === 'pg' ? c.connectionString : c.filename);

withDbs((db) => {
  const dir = mkdtempSync(join(tmpdir(), 'fq-keys-cli-'));
  let csv: string;
  before(() => {
    csv = join(dir, 'formula.csv');
    const rows = ['series_id,date,value,store'];
    for (const id of ['=HYPERLINK("http://evil")', '@SUM(A1)', 'plain']) {
      for (let d = 0; d < 28; d++) {
        const date = new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10);
        rows.push(`"${id.replaceAll('"', '""')}",${date},${(d % 7) + 1},north`);
      }
    }
    writeFileSync(csv, `${rows.join('\n')}\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('keys create prints the secret once, list never shows it, revoke stops it; tenants stay apart', async () => {
    const d = dbArg(db.config);
    const [created, again, list, missing] = cli([
      ['keys', 'create', '--tenant', 'shop-x', '--name', 'ci', '--db', d],
      ['keys', 'create', '--tenant', 'shop-x', '--db', d],
      ['keys', 'list', '--tenant', 'shop-x', '--db', d],
      ['keys', 'list', '--tenant', 'no-such-shop', '--db', d],
    ]);
    assert.equal(created!.status, 0, created!.stderr);
    const secret = created!.stdout.trim();
    assert.match(secret, /^fq_[0-9a-f]{8}_[\w-]{20,}$/, 'stdout is the key alone');
    assert.match(created!.stderr, /Created tenant "shop-x"\. Created admin API key \d+ "ci"/);
    assert.match(again!.stderr, /^Created admin API key \d+ "admin"/, 'the tenant exists now; default name');
    assert.ok(!list!.stdout.includes(secret.slice(12)), 'list does not show the key');
    assert.match(list!.stdout, /^id +name +prefix +created +last used +revoked/);
    assert.match(list!.stdout, new RegExp(`\\n\\d+ +ci +${secret.slice(0, 11)} +\\d{4}-`));
    assert.equal(missing!.status, 1);
    assert.match(missing!.stderr, /NOT_FOUND: Tenant "no-such-shop/);

    const keys = createApiKeysRepository(db.knex);
    const shop = await createTenantsRepository(db.knex).getBySlug('shop-x');
    const verified = await keys.verify(secret);
    assert.equal(verified?.tenantId, shop?.id, 'the key belongs to shop-x');
    const id = String(verified!.id);

    const [otherTenant, revoked, twice, badId] = cli([
      ['keys', 'revoke', id, '--tenant', 'default', '--db', d],
      ['keys', 'revoke', id, '--tenant', 'shop-x', '--db', d],
      ['keys', 'revoke', id, '--tenant', 'shop-x', '--db', d],
      ['keys', 'revoke', 'x1', '--tenant', 'shop-x', '--db', d],
    ]);
    assert.equal(otherTenant!.status, 1, "another tenant cannot revoke shop-x's key");
    assert.match(otherTenant!.stderr, /NOT_FOUND/);
    assert.equal(revoked!.status, 0, revoked!.stderr);
    assert.match(revoked!.stdout, new RegExp(`Revoked API key ${id} "ci"`));
    assert.match(twice!.stdout, /revoked already/);
    assert.equal(badId!.status, 1);
    assert.match(badId!.stderr, /BAD_USER_INPUT: key id "x1"/);
    assert.equal(await keys.verify(secret), undefined, 'a revoked key no longer verifies');
  });

  test('token mints a read-only embed token for a dataset with FORECASTQL_SECRET, and refuses without it', async () => {
    const d = dbArg(db.config);
    const [imported, noSecret] = cli([
      ['import', csv, '--dataset', 'formula-shop', '--db', d],
      ['token', '--dataset', 'formula-shop', '--db', d],
    ]);
    assert.equal(imported!.status, 0, imported!.stderr);
    assert.equal(noSecret!.status, 1);
    assert.match(noSecret!.stderr, /FORECASTQL_SECRET/);
    const [minted, badTtl, unknown] = cli(
      [
        ['token', '--dataset', 'formula-shop', '--ttl', '120', '--db', d],
        ['token', '--dataset', 'formula-shop', '--ttl', '0', '--db', d],
        ['token', '--dataset', 'nope', '--db', d],
      ],
      { FORECASTQL_SECRET: SECRET },
    );
    assert.equal(minted!.status, 0, minted!.stderr);
    assert.match(minted!.stderr, /read-only, valid until \d{4}-/);
    const principal = await createEmbedTokens(signingKey(SECRET).key).verify(minted!.stdout.trim());
    const tenant = await createTenantsRepository(db.knex).defaultTenantId();
    assert.equal(principal.tenantId, tenant);
    assert.equal(principal.role, 'EMBED');
    assert.equal(principal.datasetIds?.length, 1);
    assert.equal(badTtl!.status, 1);
    assert.match(badTtl!.stderr, /BAD_USER_INPUT: --ttl "0"/);
    assert.equal(unknown!.status, 1);
    assert.match(unknown!.stderr, /NOT_FOUND: Dataset "nope/);
  });

  test('embed token ids never read as a CLI option, and an older id that does is revoked after --', async () => {
    const tokens = createEmbedTokens(signingKey(SECRET).key);
    const tenant = await createTenantsRepository(db.knex).defaultTenantId();
    // A base64url id started with "-" one time in 64, and `token-revoke` took it for an option.
    for (let i = 0; i < 256; i++) {
      const { id } = await tokens.issue({ tenantId: tenant, datasetIds: [1] });
      assert.match(id, /^[0-9a-f]{24}$/);
    }
    const legacy = '-S6FVSKrlqcCK4iT';
    const [revoked] = cli([['token-revoke', '--db', dbArg(db.config), '--', legacy]]);
    assert.equal(revoked!.status, 0, revoked!.stderr);
    assert.match(revoked!.stdout, /Embed token -S6FVSKrlqcCK4iT of tenant "default" is revoked/);
    assert.equal(await createEmbedRevocationsRepository(db.knex).isRevoked(tenant, legacy, null), true);
  });

  test('forecast writes series ids that a spreadsheet will not run as formulas', () => {
    const d = dbArg(db.config);
    const [trained, written] = cli([
      ['train', '--dataset', 'formula-shop', '--model', 'snaive', '--horizon', '7', '--db', d],
      ['forecast', '--dataset', 'formula-shop', '--db', d],
    ]);
    assert.equal(trained!.status, 0, trained!.stderr);
    assert.equal(written!.status, 0, written!.stderr);
    const ids = new Set(
      written!.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.slice(0, line.lastIndexOf(',', line.indexOf(',2024-')))),
    );
    assert.deepEqual([...ids].toSorted(), [`"'=HYPERLINK(""http://evil"")"`, "'@SUM(A1)", 'plain'].toSorted());
  });

  test("the data commands act for --tenant's shop, and refuse an unknown tenant without storing anything", async () => {
    const d = dbArg(db.config);
    const [key, imported, unknown, trained, ownForecast, defaultForecast, plan, sources] = cli([
      ['keys', 'create', '--tenant', 'shop-t', '--db', d],
      ['import', csv, '--dataset', 'tenant-shop', '--tenant', 'shop-t', '--db', d],
      ['import', csv, '--dataset', 'typo-shop', '--tenant', 'shop-typo', '--db', d],
      ['train', '--dataset', 'tenant-shop', '--model', 'snaive', '--horizon', '14', '--tenant', 'shop-t', '--db', d],
      ['forecast', '--dataset', 'tenant-shop', '--tenant', 'shop-t', '--db', d],
      ['forecast', '--dataset', 'tenant-shop', '--db', d],
      ['stock-plan', '--dataset', 'tenant-shop', '--tenant', 'shop-t', '--db', d],
      ['source', 'list', '--tenant', 'shop-t', '--db', d],
    ]);
    assert.equal(key!.status, 0, key!.stderr);
    assert.equal(imported!.status, 0, imported!.stderr);
    assert.match(imported!.stdout, /into dataset "tenant-shop"/);
    assert.equal(unknown!.status, 1);
    assert.match(
      unknown!.stderr,
      /NOT_FOUND: Tenant "shop-typo" was not found\. Create it with `forecastql keys create --tenant shop-typo`/,
    );
    assert.equal(trained!.status, 0, trained!.stderr);
    assert.match(trained!.stdout, /forecastql forecast --dataset "tenant-shop" --tenant shop-t --out forecast\.csv/);
    assert.equal(ownForecast!.status, 0, ownForecast!.stderr);
    assert.equal(ownForecast!.stdout.trim().split('\n').length, 1 + 3 * 14, 'a header and 3 series × 14 days');
    assert.equal(defaultForecast!.status, 1, "the default tenant does not see shop-t's dataset");
    assert.match(defaultForecast!.stderr, /NOT_FOUND: Dataset "tenant-shop" was not found/);
    assert.equal(plan!.status, 0, plan!.stderr);
    assert.equal(plan!.stdout.trim().split('\n').length, 1 + 3);
    assert.equal(sources!.status, 0, sources!.stderr);

    const tenants = createTenantsRepository(db.knex);
    const shop = await tenants.getBySlug('shop-t');
    const rows = await db.knex('datasets').select('tenant_id', 'name').whereIn('name', ['tenant-shop', 'typo-shop']);
    assert.deepEqual(
      rows.map((r: { tenant_id: number | string; name: string }) => [Number(r.tenant_id), r.name]),
      [[shop!.id, 'tenant-shop']],
      "the dataset is shop-t's; the typo stored nothing",
    );
    assert.equal(await tenants.getBySlug('shop-typo'), undefined, 'a typo never creates a tenant');
  });

  test('the README\'s "--tenant" commands work as written', () => {
    // The ```sh block of README "Command line" that names --tenant shop-b, line by line, with
    // this database and a sales file long enough for `auto`'s default 28-day horizon.
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /```sh\n((?:npx forecastql [^\n]*--tenant shop-b[^\n]*\n)+)```/.exec(readme);
    assert.ok(block, 'README has the --tenant example');
    const sales = join(dir, 'sales.csv');
    const rows = ['series_id,date,value'];
    for (const id of ['a', 'b']) {
      for (let day = 0; day < 120; day++) {
        rows.push(`${id},${new Date(Date.UTC(2024, 0, 1 + day)).toISOString().slice(0, 10)},${(day % 7) + 2}`);
      }
    }
    writeFileSync(sales, `${rows.join('\n')}\n`);
    const out = join(dir, 'forecast.csv');
    const invocations = block[1]!
      .trim()
      .split('\n')
      .map((line) =>
        [...line.replace(/^npx forecastql /, '').matchAll(/"([^"]*)"|(\S+)/g)]
          .map((m) => m[1] ?? m[2]!)
          .map((arg) => (arg === 'sales.csv' ? sales : arg === 'forecast.csv' ? out : arg))
          .concat(['--db', dbArg(db.config)]),
      );
    assert.deepEqual(
      invocations.map((a) => a[0]),
      ['keys', 'import', 'train', 'forecast'],
    );
    for (const [i, run] of cli(invocations).entries())
      assert.equal(run.status, 0, `${invocations[i]!.join(' ')}: ${run.stderr}`);
    assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 1 + 2 * 28, 'a header and 2 series × 28 days');
  });

  test('serve --demo: each start prints a new admin key and revokes the previous one', async () => {
    await migrateLatest(db.knex);
    const tenantId = await createTenantsRepository(db.knex).defaultTenantId();
    const keys = createApiKeysRepository(db.knex);
    const first = await renewDemoAdminKey(db.knex, tenantId);
    assert.equal((await keys.verify(first))?.tenantId, tenantId, 'the printed key works');
    const second = await renewDemoAdminKey(db.knex, tenantId);
    assert.equal(await keys.verify(first), undefined, "the previous start's key is revoked");
    assert.equal((await keys.verify(second))?.name, DEMO_KEY_NAME);
    const live = (await keys.list(tenantId)).filter((k) => k.name === DEMO_KEY_NAME && k.revokedAt === null);
    assert.equal(live.length, 1, 'one live demo key');
  });
});
