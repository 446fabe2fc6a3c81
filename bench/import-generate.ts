/**
 * Writes a synthetic long CSV for the import benchmark: `series` series × `days` daily rows with
 * two numeric covariates and one attribute, like a real shop export. Deterministic (seeded).
 * Usage: npx tsx bench/import-generate.ts OUT.csv [rows=5000000] [days=2500]
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { isoFromDay, daysFromCivil } from '../api/ingest/dates.js';

export async function generateLongCsv(path: string, rows: number, days = 2500): Promise<void> {
  const series = Math.ceil(rows / days);
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const start = daysFromCivil(2018, 1, 1);
  const dates = Array.from({ length: days }, (_, d) => isoFromDay(start + d));
  let written = 0;
  let chunk = 'series_id,date,value,price,promo,category\n';
  for (let s = 0; s < series && written < rows; s++) {
    const id = `SKU-${String(s).padStart(6, '0')}`;
    const category = `cat-${s % 17}`;
    const level = 1 + random() * 20;
    for (let d = 0; d < days && written < rows; d++, written++) {
      const promo = random() < 0.1 ? 1 : 0;
      const value = Math.round(level * (1 + 0.3 * Math.sin((2 * Math.PI * d) / 7)) * (promo ? 1.5 : 1) * random() * 2);
      chunk += `${id},${dates[d]},${value},${(9.99 - promo).toFixed(2)},${promo},${category}\n`;
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [path, rows, days] = process.argv.slice(2);
  if (!path) throw new Error('usage: import-generate.ts OUT.csv [rows] [days]');
  await generateLongCsv(path, Number(rows ?? 5_000_000), Number(days ?? 2500));
}
