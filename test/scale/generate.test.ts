/**
 * bench/generate.ts: the M5-size synthetic dataset is deterministic by seed and has what it
 * advertises — the columns, one row per series and day, a static store/category hierarchy,
 * intermittent demand (many zeros), weekly seasonality, promotions, SNAP days, holidays
 * (Christmas closed) and prices. Checked on a small slice (a few series, the full 1,941 days).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, test } from 'node:test';
import { generateM5, HEADER, M5_DAYS } from '../../bench/generate.js';

const dir = mkdtempSync(join(tmpdir(), 'fq-generate-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function generate(name: string, series: number, seed: number): Promise<{ text: string; rows: number }> {
  const path = join(dir, name);
  const rows = await generateM5(path, { series, seed });
  return { text: gunzipSync(readFileSync(path)).toString('utf8'), rows };
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

test('the same seed gives the same bytes; another seed gives other values', async () => {
  const a = await generate('a.csv.gz', 20, 7);
  const b = await generate('b.csv.gz', 20, 7);
  const c = await generate('c.csv.gz', 20, 8);
  assert.equal(sha(a.text), sha(b.text), 'seed 7 twice gives identical files');
  assert.notEqual(sha(a.text), sha(c.text), 'seed 8 differs from seed 7');
});

test('columns, rows, hierarchy and demand have the advertised properties', async () => {
  const series = 40;
  const { text, rows } = await generate('p.csv.gz', series, 1);
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], HEADER, 'the header names every column');
  assert.equal(rows, series * M5_DAYS, 'one row per series and day');
  assert.equal(lines.length - 1, rows, 'the file has every row');
  const cols = HEADER.split(',');
  const at = (name: string) => cols.indexOf(name);
  const bySeries = new Map<string, string[][]>();
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    assert.equal(f.length, cols.length, `row "${line}" has ${cols.length} fields`);
    const list = bySeries.get(f[0]!) ?? [];
    list.push(f);
    bySeries.set(f[0]!, list);
  }
  assert.equal(bySeries.size, series, 'as many series as asked for');
  const stores = new Set<string>();
  const categories = new Set<string>();
  let zeros = 0;
  let promoDays = 0;
  let snapDays = 0;
  let events = 0;
  const byWeekday = Array.from({ length: 7 }, () => ({ sum: 0, n: 0 }));
  let christmasSales = 0;
  let priceChanges = 0;
  for (const [key, rs] of bySeries) {
    assert.equal(rs.length, M5_DAYS, `${key} has every day`);
    assert.equal(rs[0]![at('date')], '2011-01-29', `${key} starts on M5's first day`);
    assert.equal(rs.at(-1)![at('date')], '2016-05-22', `${key} ends on M5's last day`);
    for (const attr of ['dept', 'category', 'store', 'state']) {
      assert.equal(new Set(rs.map((r) => r[at(attr)])).size, 1, `${key}: ${attr} is a static attribute`);
    }
    assert.ok(key.endsWith(`_${rs[0]![at('store')]}`), `${key} names its store`);
    stores.add(rs[0]![at('store')]!);
    categories.add(rs[0]![at('category')]!);
    let lastPrice = '';
    for (const r of rs) {
      const v = Number(r[at('value')]);
      assert.ok(Number.isInteger(v) && v >= 0, `${key} ${r[at('date')]}: units sold ${v} are a count`);
      if (v === 0) zeros++;
      if (r[at('promo')] === '1') promoDays++;
      if (r[at('snap')] === '1') snapDays++;
      if (r[at('event')] === '1') events++;
      if (r[at('date')]!.endsWith('-12-25')) christmasSales += v;
      const price = r[at('price')]!;
      assert.ok(price === '' || Number(price) > 0, `${key}: price "${price}" is empty (not launched) or positive`);
      if (price === '') assert.equal(v, 0, `${key}: nothing sells before launch`);
      if (price !== '' && lastPrice !== '' && price !== lastPrice && r[at('promo')] === '0') priceChanges++;
      lastPrice = price;
      const wd = new Date(`${r[at('date')]}T00:00:00Z`).getUTCDay();
      byWeekday[wd]!.sum += v;
      byWeekday[wd]!.n++;
    }
  }
  const share = zeros / rows;
  assert.ok(share > 0.4 && share < 0.85, `intermittent demand: ${(share * 100).toFixed(1)} % zeros (M5: about 68 %)`);
  assert.equal(stores.size, 10, 'series spread over the 10 stores');
  assert.deepEqual([...categories].toSorted(), ['FOODS', 'HOBBIES', 'HOUSEHOLD'], 'all three categories');
  assert.ok(promoDays / rows > 0.03 && promoDays / rows < 0.15, `promotions on ${promoDays} of ${rows} days`);
  assert.ok(snapDays / rows > 0.2 && snapDays / rows < 0.45, `SNAP days: ${snapDays} of ${rows}`);
  assert.ok(events > 0, 'holidays are flagged');
  assert.equal(christmasSales, 0, 'stores are closed on Christmas');
  assert.ok(priceChanges > 0, 'prices change over time');
  const mean = (d: number) => byWeekday[d]!.sum / byWeekday[d]!.n;
  assert.ok(
    mean(6) > 1.2 * mean(2),
    `weekly seasonality: Saturday ${mean(6).toFixed(2)} vs Tuesday ${mean(2).toFixed(2)}`,
  );
});
