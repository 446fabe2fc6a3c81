/**
 * Data-source sync speed: `npx tsx bench/sync.ts [--target sqlite|postgres]`.
 * Loads the 541,909 real order lines (shared/data/uci-online-retail-orders.csv.gz) into
 * WooCommerce's tables on MariaDB (TEST_MYSQL_URL, default mysql://root@127.0.0.1:3306/), then in a
 * child process per measurement (so peak RSS is the sync's own):
 * - `full`: a full sync of all lines into a fresh dataset (goal >= 200,000 order lines/s);
 * - `dry`: the same read and aggregation without writing (`source test --full`);
 * - `incremental`: a shop whose last day (2011-12-09) arrives after a full sync: the sync of
 *   that day (with the default 14-day re-read window; goal < 1 s), then a repeat with no change.
 * Prints a Markdown table with the 1-minute load average, since other work shares the cores.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKnex } from '../api/db/knex.js';
import { migrateLatest } from '../api/db/migrate.js';
import { createTenantsRepository } from '../api/db/tenants.repository.js';
import { createDataSourceService } from '../api/plugin/sources.js';
import { createEmptyDatabase } from '../test/helpers/dbs.js';
import {
  createMysqlDatabase,
  createWooTables,
  ids,
  loadWoo,
  loadWooProducts,
  readOrders,
} from '../test/helpers/shop-db.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

interface Measure {
  readonly label: string;
  readonly seconds: number;
  readonly lines: number;
  readonly rows: number;
  readonly rssMb: number;
  readonly cpuSeconds: number;
  /** CPU seconds the MariaDB server spent meanwhile (all its threads; other work included). */
  readonly serverCpuSeconds: number | null;
}

/** CPU seconds (user + system) of the MariaDB server process so far, from /proc; null if not local. */
function serverCpu(): number | null {
  try {
    const pid = execFileSync('pidof', ['mariadbd'], { encoding: 'utf8' }).trim().split(/\s+/)[0];
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** Child: one measurement against a prepared shop and target. */
async function child(): Promise<void> {
  const mode = flag('--child')!;
  const knex = createKnex(JSON.parse(flag('--db')!) as Parameters<typeof createKnex>[0]);
  process.env['FQ_BENCH_SHOP_URL'] = flag('--shop')!;
  try {
    await migrateLatest(knex);
    const tenantId = await createTenantsRepository(knex).defaultTenantId();
    const service = createDataSourceService(knex);
    const name = flag('--name')!;
    if (!(await service.list(tenantId)).some((s) => s.name === name)) {
      await service.create(tenantId, {
        name,
        kind: 'woocommerce',
        urlEnv: 'FQ_BENCH_SHOP_URL',
        dataset: name,
        timezone: 'Europe/London',
      });
    }
    // BENCH_SYNC_SQL=1: each measurement's slowest statements (wall ms, summed per SQL text) on stderr.
    const sqlTimes = new Map<string, { ms: number; n: number }>();
    if (process.env['BENCH_SYNC_SQL']) {
      const started = new Map<string, number>();
      knex.on('query', (q: { __knexQueryUid: string }) => started.set(q.__knexQueryUid, performance.now()));
      knex.on('query-response', (_r: unknown, q: { __knexQueryUid: string; sql: string }) => {
        const t = started.get(q.__knexQueryUid);
        if (t === undefined) return;
        const key = q.sql.replace(/\s+/g, ' ').slice(0, 140);
        const e = sqlTimes.get(key) ?? { ms: 0, n: 0 };
        e.ms += performance.now() - t;
        e.n++;
        sqlTimes.set(key, e);
      });
    }
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let lines = 0;
    let rows = 0;
    if (mode === 'dry') {
      const r = await service.test(tenantId, name, { full: true });
      lines = r.linesRead;
    } else {
      const r = await service.sync(tenantId, name);
      lines = r.linesRead;
      rows = r.rowsInWindow;
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const out: Omit<Measure, 'label' | 'serverCpuSeconds'> = {
      seconds,
      lines,
      rows,
      rssMb: process.resourceUsage().maxRSS / 1024,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
    for (const [sql, e] of [...sqlTimes].toSorted((a, b) => b[1].ms - a[1].ms).slice(0, 8)) {
      process.stderr.write(`${mode} ${name}: ${e.ms.toFixed(0)} ms in ${e.n} × ${sql}\n`);
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  } finally {
    await knex.destroy();
  }
}

function measure(label: string, mode: string, shop: string, db: unknown, name: string): Measure {
  const server0 = serverCpu();
  const r = spawnSync(
    process.execPath,
    [
      // BENCH_SYNC_PROFILE=DIR: a V8 CPU profile of each measurement's child in DIR.
      ...(process.env['BENCH_SYNC_PROFILE'] ? ['--cpu-prof', '--cpu-prof-dir', process.env['BENCH_SYNC_PROFILE']] : []),
      '--import',
      'tsx',
      new URL(import.meta.url).pathname,
      '--child',
      mode,
      '--shop',
      shop,
      '--db',
      JSON.stringify(db),
      '--name',
      name,
    ],
    { encoding: 'utf8', env: { ...process.env, TSX_TSCONFIG_PATH: 'api/tsconfig.json' } },
  );
  if (r.status !== 0) throw new Error(`${label} failed: ${r.stderr}`);
  if (process.env['BENCH_SYNC_SQL']) process.stderr.write(r.stderr);
  const server1 = serverCpu();
  const last = r.stdout.trim().split('\n').pop()!;
  return {
    label,
    ...(JSON.parse(last) as Omit<Measure, 'label' | 'serverCpuSeconds'>),
    serverCpuSeconds: server0 === null || server1 === null ? null : server1 - server0,
  };
}

async function main(): Promise<void> {
  process.env['TEST_MYSQL_URL'] ??= 'mysql://root@127.0.0.1:3306/';
  const target = flag('--target') ?? 'sqlite';
  const load0 = loadavg()[0]!;
  const orders = readOrders();
  const map = ids(orders);
  const lastDay = '2011-12-09';
  const full = await createMysqlDatabase();
  const inc = await createMysqlDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'fq-bench-sync-'));
  let dropTarget: (() => Promise<void>) | undefined;
  try {
    process.stderr.write('loading the shop databases…\n');
    await createWooTables(full.conn);
    await loadWooProducts(full.conn, map);
    await loadWoo(full.conn, orders, map);
    await createWooTables(inc.conn);
    await loadWooProducts(inc.conn, map);
    const earlier = orders.filter((o) => o.local.slice(0, 10) < lastDay);
    await loadWoo(inc.conn, earlier, map);

    let db: unknown = { client: 'sqlite', filename: join(dir, 'bench.sqlite') };
    if (target === 'postgres') {
      const created = await createEmptyDatabase('postgres');
      db = created.config;
      dropTarget = created.drop;
    }
    const results: Measure[] = [];
    process.stderr.write('measuring…\n');
    results.push(measure('dry run (read + aggregate), all lines', 'dry', full.url, db, 'full'));
    results.push(measure('full sync, all lines', 'sync', full.url, db, 'full'));
    measure('(setup: full sync without the last day)', 'sync', inc.url, db, 'inc');
    await loadWoo(
      inc.conn,
      orders.filter((o) => o.local.slice(0, 10) === lastDay),
      map,
      'wp_',
      10_000_000,
    );
    results.push(measure(`incremental sync: the day ${lastDay} arrives`, 'sync', inc.url, db, 'inc'));
    results.push(measure('incremental sync, nothing new', 'sync', inc.url, db, 'inc'));
    const load1 = loadavg()[0]!;
    const lines = [
      `Sync into ${target}, ${new Date().toISOString().slice(0, 16)} UTC, ${cpus().length} cores, load average ${load0.toFixed(1)} → ${load1.toFixed(1)}:`,
      '',
      '| measurement | order lines read | daily rows | seconds | order lines/s | CPU s (ForecastQL) | CPU s (MariaDB) | lines per CPU s (both) | peak RSS MB |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...results.map(
        (m) =>
          `| ${m.label} | ${m.lines.toLocaleString('en')} | ${m.rows.toLocaleString('en')} | ${m.seconds.toFixed(2)} | ${Math.round(m.lines / m.seconds).toLocaleString('en')} | ${m.cpuSeconds.toFixed(1)} | ${m.serverCpuSeconds?.toFixed(1) ?? '-'} | ${Math.round(m.lines / (m.cpuSeconds + (m.serverCpuSeconds ?? 0))).toLocaleString('en')} | ${Math.round(m.rssMb)} |`,
      ),
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await full.drop();
    await inc.drop();
    await dropTarget?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (flag('--child')) await child();
else await main();
