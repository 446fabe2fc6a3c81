/**
 * The reader alone (no database): `npx tsx bench/import-read.ts FILE`. Prints rows, wall and CPU
 * seconds and rows per CPU second of `LongCsvReader` over the file, to separate parsing and
 * validation from database writes.
 */
import { LongCsvReader } from '../api/ingest/long-csv.js';

const file = process.argv[2];
if (!file) throw new Error('usage: import-read.ts FILE');
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const reader = new LongCsvReader(file, { allowNegativeValues: true });
let rows = 0;
for await (const batch of reader.batches()) rows += batch.length;
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
process.stdout.write(
  `${JSON.stringify({ file, rows, seconds: Number(seconds.toFixed(2)), cpuSeconds: Number(cpuSeconds.toFixed(2)), rowsPerCpuSecond: Math.round(rows / cpuSeconds) })}\n`,
);
