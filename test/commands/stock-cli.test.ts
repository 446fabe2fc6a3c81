/**
 * `forecastql stock policy | stock set` and `forecastql stock-plan` on SQLite, with the commands
 * of the README "Stock planning" section run as written (but for the files' and database's paths).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';

/** 4 daily series over 90 days from 2024-01-01 with a weekly pattern (as the API suites' tinyCsv). */
function salesCsv(): string {
  const lines = ['series_id,date,value,store'];
  for (let s = 0; s < 4; s++) {
    for (let d = 0; d < 90; d++) {
      const date = new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10);
      const value = [3, 4, 5, 6, 9, 12, 7][d % 7]! * (s + 1) + ((d * 7 + s * 3) % 5);
      lines.push(`item-${s},${date},${value},${s % 2 === 0 ? 'north' : 'south'}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The README's `forecastql stock…` command lines, optional `[…]` parts and comments dropped. */
function readmeCommands(): string[][] {
  const start = README.indexOf('## Stock planning');
  const section = README.slice(start, README.indexOf('\n## ', start + 5));
  return section
    .split('\n')
    .filter((l) => l.startsWith('forecastql stock'))
    .map((l) =>
      l
        .replace(/#.*$/, '')
        .replace(/\[[^\]]*\]/g, '')
        .trim()
        .split(/\s+/)
        .slice(1),
    );
}

describe('forecastql stock / stock-plan (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fq-stock-cli-'));
  const db = join(dir, 'stock.sqlite');
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the README commands set a policy and stock and write the plan CSV, most urgent first', () => {
    const sales = join(dir, 'sales.csv');
    writeFileSync(sales, salesCsv());
    const stockCsv = join(dir, 'stock.csv');
    writeFileSync(stockCsv, 'series_id,on_hand,on_order\nitem-0,0,0\nitem-1,1000,0\nitem-2,20,5\n');
    const commands = readmeCommands();
    assert.deepEqual(
      commands.map((c) => c.slice(0, 2).join(' ')),
      ['stock policy', 'stock set', 'stock-plan --dataset'],
    );
    const plan = join(dir, 'plan.csv');
    const withPaths = commands.map((c) => [
      ...c.map((a) => (a === 'stock.csv' ? stockCsv : a === 'plan.csv' ? plan : a)),
      '--db',
      db,
    ]);
    const runs = runCli([
      ['import', sales, '--dataset', 'shop', '--db', db],
      ['train', '--dataset', 'shop', '--model', 'snaive', '--horizon', '21', '--db', db],
      ...withPaths,
    ]);
    for (const r of runs) assert.equal(r.status, 0, r.stderr);
    assert.match(runs[2]!.stdout, /lead time 5, review period 7, service level 0\.95/);
    assert.match(runs[3]!.stdout, /Set the stock of 3 series of dataset "shop"/);
    const lines = readFileSync(plan, 'utf8').trim().split('\n');
    assert.equal(
      lines[0],
      'series_id,group,on_hand,on_order,inventory_position,lead_time,review_period,service_level,plan_start,expected_demand,safety_stock,reorder_point,order_up_to,suggested_order,days_of_cover,stockout_probability',
    );
    const rows = lines.slice(1).map((l) => l.split(','));
    assert.deepEqual(
      rows.map((r) => r[0]),
      ['item-0', 'item-2', 'item-1', 'item-3'],
    );
    const [empty] = rows;
    assert.equal(empty![15], '1', 'an empty shelf runs out for sure');
    assert.equal(empty![13], empty![12], 'and orders the whole order-up-to level');
    assert.equal(rows[3]![2], '', 'no stock set: empty cells');
  });

  test('a stock CSV without on_hand, or naming an unknown series, is refused with one line and nothing set', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'series_id,stock\nitem-0,3\n');
    const unknown = join(dir, 'unknown.csv');
    writeFileSync(unknown, 'series_id,on_hand\nitem-0,77\nnope,1\n');
    const plan = join(dir, 'plan2.csv');
    const [noColumn, noSeries] = runCli([
      ['stock', 'set', bad, '--dataset', 'shop', '--db', db],
      ['stock', 'set', unknown, '--dataset', 'shop', '--db', db],
      ['stock-plan', '--dataset', 'shop', '--order-by', 'series_asc', '--out', plan, '--db', db],
    ]);
    assert.notEqual(noColumn!.status, 0);
    assert.match(noColumn!.stderr, /no "on_hand" column/);
    assert.notEqual(noSeries!.status, 0);
    assert.match(noSeries!.stderr, /Row 2: series "nope"/);
    const item0 = readFileSync(plan, 'utf8').split('\n')[1]!.split(',');
    assert.equal(item0[0], 'item-0');
    assert.equal(item0[2], '0', 'the refused file set nothing');
  });
});
