import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Command } from 'commander';
import { register } from '../../api/commands/backtest.js';
import { generateRawSeries } from '../fixtures/forecasting/generate.js';

const dir = mkdtempSync(join(tmpdir(), 'fq-backtest-'));
const raw = generateRawSeries({ nSeries: 3, freq: 'W', seed: 4, length: 80, promo: true });
const lines = ['series_id,date,value,promo,store'];
for (const s of raw) {
  s.dates.forEach((d, i) => {
    if (i === 70) return; // a missing week inside the last windows: not a target
    lines.push(`${s.id},${d},${s.values[i] ?? ''},${s.covariates.promo![i]},${s.statics.store}`);
  });
}
const csv = lines.join('\n') + '\n';
writeFileSync(join(dir, 'sales.csv'), csv);
writeFileSync(join(dir, 'sales.csv.gz'), gzipSync(csv));

async function run(args: string[]): Promise<void> {
  const program = new Command('forecastql').exitOverride();
  register(program);
  await program.parseAsync(['node', 'forecastql', 'backtest', '--no-progress', ...args]);
}

function parse(text: string): { header: string; rows: string[][] } {
  const [header, ...rest] = text.trim().split('\n');
  return { header: header!, rows: rest.map((l) => l.split(',')) };
}

describe('forecastql backtest', () => {
  test('writes series_id,date,p50,p10,p90 for the last K windows of H of every series (gzip in and out)', async () => {
    const out = join(dir, 'pred.csv.gz');
    await run([
      '--data',
      join(dir, 'sales.csv.gz'),
      '--horizon',
      '4',
      '--origins',
      '2',
      '--model',
      'snaive',
      '--out',
      out,
    ]);
    const { header, rows } = parse(gunzipSync(readFileSync(out)).toString('utf8'));
    assert.equal(header, 'series_id,date,p50,p10,p90');
    assert.equal(rows.length, 3 * 2 * 4);
    const first = rows.filter((r) => r[0] === 's00').map((r) => r[1]);
    assert.deepEqual(first, raw[0]!.dates.slice(72, 80), 'the last 8 weeks, in order');
    for (const r of rows) {
      const [p50, p10, p90] = r.slice(2).map(Number);
      assert.ok(p10! <= p50! && p50! <= p90! && p10! >= 0, r.join(','));
    }
  });

  test('auto runs its choice inside each window, plain files, deterministic by seed', async () => {
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    const args = ['--data', join(dir, 'sales.csv'), '--horizon', '4', '--origins', '2', '--seed', '5'];
    const c = ['--candidates', 'snaive,naive,theta'];
    await run([...args, ...c, '--out', a]);
    await run([...args, ...c, '--out', b]);
    assert.equal(readFileSync(a, 'utf8'), readFileSync(b, 'utf8'));
    assert.equal(parse(readFileSync(a, 'utf8')).rows.length, 24);
  });

  test('bad input fails with a one-line reason', async () => {
    await assert.rejects(
      () => run(['--data', join(dir, 'sales.csv'), '--horizon', '0', '--out', join(dir, 'x.csv')]),
      /--horizon 0 is not valid/,
    );
    await assert.rejects(
      () =>
        run(['--data', join(dir, 'sales.csv'), '--horizon', '4', '--model', 'prophet', '--out', join(dir, 'x.csv')]),
      /--model prophet is not known/,
    );
    // 80 weeks cannot hold 3 windows of 30: refused, and no empty predictions file is left.
    const empty = join(dir, 'empty.csv');
    await assert.rejects(
      () =>
        run([
          '--data',
          join(dir, 'sales.csv'),
          '--horizon',
          '30',
          '--origins',
          '3',
          '--model',
          'snaive',
          '--out',
          empty,
        ]),
      /Every series is shorter than the 92 points that 3 test window\(s\) of 30 steps need .*the longest has 80\. Lower --horizon or --origins/,
    );
    assert.equal(existsSync(empty), false);
  });
});
