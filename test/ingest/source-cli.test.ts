/**
 * `forecastql source add|test|sync|list` through the real CLI, against a SQLite shop database
 * (the generic kind), and the contract's refusals (one line, a code, exit 1).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { runCli, type CliRun } from '../helpers/cli.js';

describe('forecastql source (SQLite shop, SQLite ForecastQL)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fq-source-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('add, test, sync, list; bad input refused in one line', () => {
    const shop = join(dir, 'shop.sqlite');
    const s = new Database(shop);
    s.exec('CREATE TABLE lines (sku TEXT, at TEXT, qty INTEGER, price REAL)');
    const insert = s.prepare('INSERT INTO lines VALUES (?, ?, ?, ?)');
    for (let d = 1; d <= 9; d++) insert.run('P1', `2024-06-0${d} 10:00:00`, d, 4.5);
    s.close();
    const query = join(dir, 'orders.sql');
    writeFileSync(
      query,
      'SELECT sku AS series_id, at AS ordered_at, qty AS quantity, price AS unit_price FROM lines;\n',
    );
    const db = join(dir, 'fq.sqlite');
    process.env['FQ_CLI_SHOP_URL'] = `sqlite://${shop}`;
    const [add, dry, sync, again, list, dup, noVar, noQuery] = runCli([
      [
        'source',
        'add',
        'shop',
        '--kind',
        'generic',
        '--url-env',
        'FQ_CLI_SHOP_URL',
        '--query',
        query,
        '--timezone',
        'Europe/Paris',
        '--dataset',
        'shop-daily',
        '--db',
        db,
      ],
      ['source', 'test', 'shop', '--db', db],
      ['source', 'sync', 'shop', '--db', db],
      ['source', 'sync', 'shop', '--db', db],
      ['source', 'list', '--db', db],
      [
        'source',
        'add',
        'shop',
        '--kind',
        'generic',
        '--url-env',
        'FQ_CLI_SHOP_URL',
        '--query',
        query,
        '--dataset',
        'x',
        '--db',
        db,
      ],
      ['source', 'add', 'woo', '--kind', 'woocommerce', '--url-env', 'mysql://root@h/db', '--dataset', 'x', '--db', db],
      ['source', 'add', 'g', '--kind', 'generic', '--url-env', 'FQ_CLI_SHOP_URL', '--dataset', 'x', '--db', db],
    ]) as CliRun[];
    assert.equal(add!.status, 0, add!.stderr);
    assert.match(add!.stdout, /^Added source "shop" \(generic\) feeding dataset "shop-daily" \(id \d+\)/);
    assert.equal(dry!.status, 0, dry!.stderr);
    assert.match(
      dry!.stdout,
      /^Source "shop": 9 order lines read, 1 series, frequency D, 2024-06-01 to 2024-06-09\. Nothing was written\./,
    );
    assert.equal(sync!.status, 0, sync!.stderr);
    assert.match(sync!.stdout, /^Synced "shop" \(full\): 9 lines read, 9 daily rows of 1 series, dataset updated/);
    assert.match(
      again!.stdout,
      /^Synced "shop" \(window from 2024-05-26\): 9 lines read, 9 daily rows of 1 series, no change/,
    );
    assert.match(list!.stdout, /^shop\tgeneric\t\$FQ_CLI_SHOP_URL\tdataset \d+\tEurope\/Paris\tlast sync /);
    for (const [run, words] of [
      [dup, /BAD_USER_INPUT: A data source named "shop" already exists/],
      [noVar, /BAD_USER_INPUT: --url-env "mysql:\/\/root@h\/db" is not an environment variable name/],
      [noQuery, /BAD_USER_INPUT: A generic source needs a query \(--query FILE\.sql\)/],
    ] as const) {
      assert.equal(run!.status, 1);
      assert.equal(run!.stderr.trim().split('\n').length, 1);
      assert.match(run!.stderr, words);
    }
  });

  test("the README's schedule commands work as written", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('**Schedules and retraining.**'));
    const block = /```\n([\s\S]*?)```/.exec(section)![1]!;
    const commands = block
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/));
    assert.deepEqual(
      commands.map((c) => c.slice(0, 3).join(' ')),
      ['forecastql source add', 'forecastql source schedule', 'forecastql source list'],
    );
    // Adding and scheduling a source connects to nothing: no shop database is needed.
    const db = join(dir, 'readme.sqlite');
    const runs = runCli(
      commands.map((c) => c.slice(1)),
      { DATABASE_URL: db },
    );
    for (const r of runs) assert.equal(r.status, 0, r.stderr);
    assert.match(runs[0]!.stdout, /^Added source "shop" \(woocommerce\) feeding dataset "shop-daily"/);
    assert.match(
      runs[1]!.stdout,
      /^Source "shop": sync every 15m \(next \d{4}-\d\d-\d\dT\d\d:\d\dZ\), retrain after 1 new days\.\n$/,
    );
    assert.match(
      runs[2]!.stdout,
      /^shop\twoocommerce\t\$SHOP_DB_URL\t.*never synced\tsync every 15m .*retrain after 1 new days/,
    );

    const [bad] = runCli([['source', 'schedule', 'shop', '--retrain-when', 'rows:lots']], { DATABASE_URL: db });
    assert.equal(bad!.status, 1);
    assert.match(
      bad!.stderr,
      /^forecastql: BAD_USER_INPUT: --retrain-when "rows:lots" is not understood at "rows:lots"/,
    );
    const [listed] = runCli([['source', 'list']], { DATABASE_URL: db });
    assert.match(listed!.stdout, /retrain after 1 new days/, 'the refused change changed nothing');
  });
});
