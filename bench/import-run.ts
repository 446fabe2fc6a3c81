/**
 * One measured import, run in its own process by bench/import.ts so that peak RSS belongs to
 * this import alone. Prints one JSON line: rows, seconds, rows/s, CPU seconds, peak RSS.
 * Usage: npx tsx bench/import-run.ts sqlite|postgres FILE [PG_URL]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseConfig } from '../api/config/env.js';
import { createKnex } from '../api/db/knex.js';
import { migrateLatest } from '../api/db/migrate.js';
import { importCsv } from '../api/plugin/import.js';

const [dialect, file, pgUrl = 'postgres://postgres@127.0.0.1:5432/postgres'] = process.argv.slice(2);
if ((dialect !== 'sqlite' && dialect !== 'postgres') || !file) {
  throw new Error('usage: import-run.ts sqlite|postgres FILE [PG_URL]');
}

/** CPU seconds of the calling thread alone (Linux: utime + stime of /proc/thread-self/stat). */
function threadCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ = 100)
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU seconds of the PostgreSQL backends serving database `name` (same machine): the server's
 * share of an import. Background processes (WAL writer, checkpointer) are not included.
 */
function serverCpuSeconds(name: string | undefined): number {
  if (!name) return Number.NaN;
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.startsWith('postgres:') || !cmd.includes(` ${name} `)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended
    }
  }
  return ticks / 100;
}

let config: DatabaseConfig;
let pgName: string | undefined;
let cleanup: () => Promise<void>;
if (dialect === 'sqlite') {
  const dir = mkdtempSync(join(tmpdir(), 'fq-bench-'));
  config = { client: 'sqlite', filename: join(dir, 'bench.sqlite') };
  cleanup = async () => rmSync(dir, { recursive: true, force: true });
} else {
  const name = `fq_bench_${randomBytes(4).toString('hex')}`;
  pgName = name;
  const admin = createKnex({ client: 'pg', connectionString: pgUrl });
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  config = { client: 'pg', connectionString: url.toString() };
  cleanup = async () => {
    await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.destroy();
  };
}

const knex = createKnex(config);
try {
  await migrateLatest(knex);
  const load0 = loadavg()[0]!;
  const rssBeforeMb = Math.round(process.memoryUsage().rss / 2 ** 20);
  const cpu0 = process.cpuUsage();
  const main0 = threadCpuSeconds();
  const server0 = serverCpuSeconds(pgName);
  const t0 = performance.now();
  const r = await importCsv(knex, {
    tenantId: 1,
    dataset: { name: 'bench' },
    input: file,
    allowNegativeValues: true,
  });
  const seconds = (performance.now() - t0) / 1000;
  const mainCpuSeconds = threadCpuSeconds() - main0;
  const serverCpu = serverCpuSeconds(pgName) - server0;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(
    JSON.stringify({
      dialect,
      file,
      rows: r.rowsImported,
      series: r.seriesCount,
      seconds: Number(seconds.toFixed(2)),
      rowsPerSecond: Math.round(r.rowsImported / seconds),
      cpuSeconds: Number(cpuSeconds.toFixed(2)),
      // The main thread writes to the database; the rest is the reader's worker thread (and GC helpers).
      mainCpuSeconds: Number(mainCpuSeconds.toFixed(2)),
      rowsPerCpuSecond: Math.round(r.rowsImported / cpuSeconds),
      ...(pgName ? { serverCpuSeconds: Number(serverCpu.toFixed(2)) } : {}),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      rssBeforeMb,
      load: [load0, loadavg()[0]!].map((l) => Number(l.toFixed(1))),
    }) + '\n',
  );
} finally {
  await knex.destroy();
  await cleanup();
}
