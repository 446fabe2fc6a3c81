/**
 * Data-source sync speed: `npx tsx bench/sync.ts [--target sqlite|postgres]`.
 * Loads the 541,909 real order lines (shared/data/uci-online-retail-orders.csv.gz) into
 * WooCommerce's tables on MariaDB (TEST_MYSQL_URL, default mysql://root@127.0.0.1:3306/), then in a
 * child process per measurement (so peak RSS is the sync's own):
 * - `full`: a full sync of all lines into a fresh dataset (goal >= 200,000 order lines/s);
 * - `dry`: the same read and aggregation without writing (`source test --full`);
 * - `incremental`: a shop whose last day (2011-12-09) arrives after a full sync: the sync of
 *   that day (with the default 14-day re-read window; goal < 1 s), then a repeat with no change;
 * - `forecastql source sync cli --full`: the same full sync into a fresh dataset as a user types
 *   it, process start-up included (wall, CPU and peak RSS of the whole command, GNU time; needs
 *   `npm run build`, skipped without dist/);
 * - `full sync, 2× lines`: the shop's order lines doubled (every line again under a new id, so
 *   1,083,818 lines onto the same daily rows): peak RSS against the 1× sync shows whether memory
 *   grows with the table.
 * The "seconds" of the in-process rows are the sync alone (no process start-up, no migrations).
 * Prints a Markdown table with the 1-minute load average, since other work shares the cores, and
 * the verdict against the goals.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
      // knex's id of a query, shared by its 'query' and 'query-response' events.
      const UID = '__knexQueryUid';
      knex.on('query', (q: Record<string, string>) => started.set(q[UID]!, performance.now()));
      knex.on('query-response', (_r: unknown, q: Record<string, string>) => {
        const t = started.get(q[UID]!);
        if (t === undefined) return;
        const key = q['sql']!.replace(/\s+/g, ' ').slice(0, 140);
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

/** `forecastql source sync NAME --full` as a user runs it: wall seconds, CPU seconds and peak RSS of the command. */
function measureCli(label: string, shop: string, dbArg: string, name: string): Measure | null {
  const bin = new URL('../bin/forecastql.js', import.meta.url).pathname;
  if (!existsSync(new URL('../dist/api/cli.js', import.meta.url))) {
    process.stderr.write('dist/ is missing (npm run build): the CLI measurement is skipped\n');
    return null;
  }
  // The source and its dataset, as a user adds them (not timed): the timed sync starts empty.
  const add = spawnSync(
    process.execPath,
    [bin, 'source', 'add', name, '--kind', 'woocommerce', '--url-env', 'FQ_BENCH_SHOP_URL'].concat([
      '--timezone',
      'Europe/London',
      '--dataset',
      name,
      '--db',
      dbArg,
    ]),
    { encoding: 'utf8', env: { ...process.env, FQ_BENCH_SHOP_URL: shop } },
  );
  if (add.status !== 0) throw new Error(`forecastql source add failed: ${add.stderr}`);
  const server0 = serverCpu();
  const t0 = performance.now();
  // GNU time: elapsed, user, system seconds and max RSS (KiB) of the command, on stderr's last line.
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', 'FQTIME %e %U %S %M', process.execPath, bin, 'source', 'sync', name, '--full', '--db', dbArg],
    { encoding: 'utf8', env: { ...process.env, FQ_BENCH_SHOP_URL: shop } },
  );
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${label} failed: ${r.stderr}`);
  const server1 = serverCpu();
  const m = /FQTIME (\S+) (\S+) (\S+) (\d+)/.exec(r.stderr);
  const lines = /([\d,]+) lines read/.exec(r.stdout);
  return {
    label,
    seconds: m ? Number(m[1]) : seconds,
    lines: lines ? Number(lines[1]!.replaceAll(',', '')) : 0,
    rows: 0,
    rssMb: m ? Number(m[4]) / 1024 : 0,
    cpuSeconds: m ? Number(m[2]) + Number(m[3]) : 0,
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
    const dbArg =
      target === 'postgres'
        ? (db as { connectionString: string }).connectionString
        : (db as { filename: string }).filename;
    const cli = measureCli('`forecastql source sync cli --full` (whole command)', full.url, dbArg, 'cli');
    if (cli) results.push(cli);
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
    // Every order line again under a new id: twice the table, the same orders, days and series.
    await full.conn.query(
      `INSERT INTO wp_wc_order_product_lookup (order_item_id, order_id, product_id, variation_id, customer_id,
         date_created, product_qty, product_net_revenue, product_gross_revenue)
       SELECT order_item_id + 100000000, order_id, product_id, variation_id, customer_id, date_created, product_qty,
         product_net_revenue, product_gross_revenue FROM wp_wc_order_product_lookup`,
    );
    results.push(measure('full sync, 2× lines (each line twice)', 'sync', full.url, db, 'full2'));
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
    const find = (prefix: string): Measure | undefined => results.find((m) => m.label.startsWith(prefix));
    const full1 = find('full sync, all lines')!;
    const full2 = find('full sync, 2×');
    const day = find('incremental sync: the day')!;
    const rate = full1.lines / full1.seconds;
    lines.push(
      '',
      `- Full sync: ${Math.round(rate).toLocaleString('en')} order lines/s in-process (goal ≥ 200,000): **${rate >= 200_000 ? 'met' : 'NOT met'}**` +
        (cli
          ? `; the whole \`forecastql source sync --full\` command ${cli.seconds.toFixed(2)} s, ${Math.round(full1.lines / cli.seconds).toLocaleString('en')} lines/s with start-up.`
          : '.'),
      `- Incremental sync of one day's orders: ${day.seconds.toFixed(2)} s in-process (goal < 1 s): **${day.seconds < 1 ? 'met' : 'NOT met'}**.`,
      full2
        ? `- Memory: peak RSS ${Math.round(full1.rssMb)} MB for ${full1.lines.toLocaleString('en')} lines, ${Math.round(full2.rssMb)} MB for ${full2.lines.toLocaleString('en')} (×${(full2.rssMb / full1.rssMb).toFixed(2)} for ×${(full2.lines / full1.lines).toFixed(1)} the lines): **${full2.rssMb <= full1.rssMb * 1.15 ? 'bounded' : 'GROWS with the table'}**.`
        : '',
    );
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
