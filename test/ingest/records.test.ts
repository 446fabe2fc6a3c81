import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { csvRecords } from '../../api/ingest/records.js';

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function records(bytes: Buffer, cut: number): Promise<string[][]> {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += cut) parts.push(bytes.subarray(i, i + cut));
  const out: string[][] = [];
  for await (const c of csvRecords(Readable.from(parts, { objectMode: false })).chunks) out.push(...c);
  return out;
}

describe('csvRecords', () => {
  test('gives the records csv-parse gives, whatever the chunking (quotes, CR, BOM, blank lines, UTF-8)', async () => {
    const next = random(42);
    const alphabet = ['a', 'b', ',', '\n', '\n', ',', 'é', '1', ' ', '\ufeff', '"', '\r'];
    for (let t = 0; t < 2000; t++) {
      let text = next() < 0.2 ? '\ufeff' : '';
      const n = Math.floor(next() * 40);
      // Most cases without quotes or CR (the split path), some with them late (the hand-over).
      const symbols = next() < 0.6 ? alphabet.length - 2 : alphabet.length;
      for (let i = 0; i < n; i++) text += alphabet[Math.floor(next() * symbols)];
      let expected: string[][] | 'error';
      try {
        expected = parse(text, { bom: true, relax_column_count: true, trim: false }) as string[][];
      } catch {
        expected = 'error';
      }
      const cut = 1 + Math.floor(next() * 9);
      let got: string[][] | 'error';
      try {
        got = await records(Buffer.from(text), cut);
      } catch {
        got = 'error';
      }
      assert.deepEqual(got, expected, `${JSON.stringify(text)} in chunks of ${cut} bytes`);
    }
  });

  test('counts the lines it split before csv-parse takes over', async () => {
    const source = csvRecords(Readable.from([Buffer.from('a,b\n1,2\n'), Buffer.from('"x,y",3\n')]));
    const got: string[][] = [];
    for await (const c of source.chunks) got.push(...c);
    assert.deepEqual(got, [
      ['a', 'b'],
      ['1', '2'],
      ['x,y', '3'],
    ]);
    assert.equal(source.lineOffset(), 2);
  });
});
