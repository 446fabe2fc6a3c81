/**
 * Import throughput and memory: `npx tsx bench/import.ts [--rows N] [--only sqlite|postgres]`.
 * Imports shared/data/m5-tiny-daily.csv.gz (535k rows) and a generated N-row file (default 5
 * million, written to /tmp, never into the repository) into a fresh SQLite file and a fresh
 * PostgreSQL database (TEST_PG_URL or postgres://postgres@127.0.0.1:5432/postgres), each in its own
 * child process, and prints rows/s (wall clock), rows per CPU second and peak RSS as a Markdown
 * table. Goals (issue 2): >= 200k rows/s into SQLite, >= 100k rows/s into PostgreSQL, peak RSS
 * < 300 MB whatever the file size.
 *
 * Runs the compiled importer (dist/, what `forecastql import` runs) when `npx tsc -b` has built
 * it after the last change to its sources, else the TypeScript sources through tsx (slower to
 * start, and the reader's worker thread then compiles its modules too); the table says which.
 * Besides the process's CPU seconds it prints the main (writing) thread's own, the PostgreSQL
 * backend's, and the 1-minute load average before and after, since other work shares the cores.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { generateLongCsv } from './import-generate.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const rows = Number(flag('--rows') ?? 5_000_000);
const only = flag('--only');
const pgUrl = process.env['TEST_PG_URL']
  ? Object.assign(new URL(process.env['TEST_PG_URL']), { pathname: '/postgres' }).toString()
  : 'postgres://postgres@127.0.0.1:5432/postgres';

const m5 = new URL('../../shared/data/m5-tiny-daily.csv.gz', import.meta.url).pathname;
const generated = `/tmp/fq-bench-${rows}.csv`;
if (!existsSync(generated)) {
  process.stderr.write(`generating ${generated} (${rows.toLocaleString('en')} rows)…\n`);
  await generateLongCsv(generated, rows);
}

const files = [
  { label: 'm5-tiny-daily.csv.gz (gzip)', path: m5 },
  { label: `generated ${(rows / 1e6).toFixed(1)}M rows (plain)`, path: generated },
];
const root = new URL('..', import.meta.url).pathname;
const compiledRun = join(root, 'dist/bench/import-run.js');
/**
 * Whether the importer's own sources (api/ingest, the bulk-import repository, import-run) have
 * newer compiled files. (tsc -b does not rewrite an output whose text did not change, so other
 * files' times say nothing; run `npx tsc -b` before benchmarking.)
 */
function compiledIsCurrent(): boolean {
  const sources = readdirSync(join(root, 'api/ingest'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join('api/ingest', f));
  sources.push('api/db/bulk-import.repository.ts', 'bench/import-run.ts');
  return sources.every((src) => {
    const out = join(root, 'dist', src.replace(/\.ts$/, '.js'));
    return existsSync(out) && statSync(out).mtimeMs >= statSync(join(root, src)).mtimeMs;
  });
}
const compiled = compiledIsCurrent();
const runArgs = compiled ? [compiledRun] : ['--import', 'tsx', 'bench/import-run.ts'];

const dialects = (only ? [only] : ['sqlite', 'postgres']) as Array<'sqlite' | 'postgres'>;

type Result = {
  rows: number;
  series: number;
  seconds: number;
  rowsPerSecond: number;
  cpuSeconds: number;
  mainCpuSeconds: number;
  serverCpuSeconds?: number;
  rowsPerCpuSecond: number;
  peakRssMb: number;
  load: number[];
};

const lines = [
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${new Date().toISOString().slice(0, 16)}Z; ${compiled ? 'compiled dist/' : 'TypeScript sources (tsx)'}`,
  '',
  '| file | size | database | rows | wall s | rows/s | CPU s (main thread) | server CPU s | rows per CPU s | peak RSS MB | load 1 min |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const f of files) {
  for (const d of dialects) {
    const child = spawnSync(process.execPath, [...runArgs, d, f.path, pgUrl], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    if (child.status !== 0) {
      process.stderr.write(child.stderr);
      throw new Error(`import of ${f.label} into ${d} failed`);
    }
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as Result;
    const size = `${(statSync(f.path).size / 2 ** 20).toFixed(0)} MB`;
    const server = r.serverCpuSeconds === undefined ? '–' : String(r.serverCpuSeconds);
    const line = `| ${f.label} | ${size} | ${d === 'sqlite' ? 'SQLite' : 'PostgreSQL'} | ${r.rows.toLocaleString('en')} | ${r.seconds} | ${r.rowsPerSecond.toLocaleString('en')} | ${r.cpuSeconds} (${r.mainCpuSeconds}) | ${server} | ${r.rowsPerCpuSecond.toLocaleString('en')} | ${r.peakRssMb} | ${r.load.join(' → ')} |`;
    lines.push(line);
    process.stderr.write(line + '\n');
  }
}
process.stdout.write(lines.join('\n') + '\n');
