import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createKnex } from '../../api/db/knex.js';
import { runCli, type CliRun } from '../helpers/cli.js';

const cli = (invocations: string[][]): CliRun[] => runCli(invocations);
type Run = CliRun;

describe('forecastql migrate / import (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fq-cli-'));
  const db = join(dir, 'cli.sqlite');
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('migrate and import through the CLI: one-line summaries, one-line refusals with exit 1', () => {
    const good = join(dir, 'good.csv');
    writeFileSync(good, 'series_id,date,value,price\nA,2024-01-05,1,2\nA,2024-01-12,2,2\nA,2024-01-19,,1.5\n');
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'series_id,date,value\nA,2024-01-05,1\nA,2024-02-30,2\n');
    const [first, again, ok, refused, badFrequency] = cli([
      ['migrate', '--db', db],
      ['migrate', '--db', `sqlite:${db}`],
      ['import', good, '--dataset', 'weekly', '--db', db],
      ['import', bad, '--dataset', 'weekly', '--db', db],
      ['import', good, '--dataset', 'x', '--frequency', 'Q', '--db', db],
    ]) as [Run, Run, Run, Run, Run];

    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^Applied \d+ migration\(s\) to SQLite /);
    assert.match(again.stdout, /is up to date/);

    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout.trim().split('\n').length, 1);
    assert.match(
      ok.stdout,
      /^Imported 3 rows of 1 series from .*good\.csv into dataset "weekly" \(id \d+, new\): weekly \(detected\), 2024-01-05 to 2024-01-19; covariates: price \(known in advance\); attributes: none;/,
    );

    assert.equal(refused.status, 1);
    assert.equal(refused.stdout, '');
    assert.equal(
      refused.stderr,
      'forecastql: BAD_USER_INPUT: line 3, column "date": "2024-02-30" is not a calendar date (2024-02 has 29 days). Write dates as ISO YYYY-MM-DD, e.g. 2024-01-31\n',
    );

    assert.equal(badFrequency.status, 1);
    assert.match(badFrequency.stderr, /^forecastql: BAD_USER_INPUT: --frequency "Q" is not supported/);
  });

  test('--country sets the holiday calendar of the dataset; an unknown one is refused and stores nothing', async () => {
    const file = join(dir, 'cn.csv');
    writeFileSync(file, 'series_id,date,value\nA,2024-06-17,1\nA,2024-06-18,5\n');
    const [cn, unknown] = cli([
      ['import', file, '--dataset', 'shop-cn', '--country', 'cn', '--db', db],
      ['import', file, '--dataset', 'shop-narnia', '--country', 'Narnia', '--db', db],
    ]) as [Run, Run];
    assert.equal(cn.status, 0, cn.stderr);
    assert.match(cn.stdout, /calendar: CN \(China\)/);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /^forecastql: BAD_USER_INPUT: Country "Narnia" is not known .*ISO 3166/);
    const knex = createKnex({ client: 'sqlite', filename: db });
    try {
      const rows = (await knex('datasets')
        .whereIn('name', ['shop-cn', 'shop-narnia'])
        .select('name', 'country')) as Array<{
        name: string;
        country: string | null;
      }>;
      assert.deepEqual(rows, [{ name: 'shop-cn', country: 'CN' }]);
    } finally {
      await knex.destroy();
    }
  });

  test('--unit MONEY with --allow-negative is stored on the dataset; an unknown unit is refused and stores nothing', async () => {
    const file = join(dir, 'till.csv');
    writeFileSync(file, 'series_id,date,value\nA,2024-06-17,120.5\nA,2024-06-18,-30\n');
    const [money, returns, unknown] = cli([
      ['import', file, '--dataset', 'till', '--unit', 'money', '--allow-negative', '--db', db],
      ['import', file, '--dataset', 'returns', '--allow-negative', '--db', db],
      ['import', file, '--dataset', 'euros', '--unit', 'EUR', '--allow-negative', '--db', db],
    ]) as [Run, Run, Run];
    assert.equal(money.status, 0, money.stderr);
    assert.match(money.stdout, /values: money, negatives allowed;/);
    assert.equal(returns.status, 0, returns.stderr);
    assert.match(returns.stdout, /values: units, negatives allowed;/);
    assert.equal(unknown.status, 1);
    assert.match(
      unknown.stderr,
      /^forecastql: BAD_USER_INPUT: --unit "EUR" is not a dataset unit: use UNITS .* or MONEY/,
    );
    const knex = createKnex({ client: 'sqlite', filename: db });
    try {
      const rows = (await knex('datasets')
        .whereIn('name', ['till', 'returns', 'euros'])
        .orderBy('name')
        .select('name', 'unit', 'allow_negative')) as Array<{ name: string; unit: string; allow_negative: number }>;
      assert.deepEqual(
        rows.map((r) => ({ ...r, allow_negative: Boolean(r.allow_negative) })),
        [
          { name: 'returns', unit: 'UNITS', allow_negative: true },
          { name: 'till', unit: 'MONEY', allow_negative: true },
        ],
      );
    } finally {
      await knex.destroy();
    }
  });
});
