/**
 * What a window sync's statistics refresh costs, the whole dataset's scan against only the changed
 * series' (api/db/bulk-import.repository.ts `refreshSeriesStatistics(…, only)`), in one process,
 * interleaved, so the load on the machine touches both alike:
 * `npx tsx bench/sync-statistics.ts [--target sqlite|postgres] [--rounds 7]`.
 * The dataset is the demo's UCI daily file (199,694 rows, 550 series, data/demo); the changed
 * series are those with a row in the last 14 days (what an incremental sync with the default
 * re-read window touches). Each refresh runs in a transaction that is rolled back. Prints the
 * median CPU and wall milliseconds of each.
 */
import { loadavg } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKnex } from '../api/db/knex.js';
import { migrateLatest } from '../api/db/migrate.js';
import { refreshSeriesStatistics } from '../api/db/bulk-import.repository.js';
import { createObservationSink } from '../api/db/observation-sink.js';
import { createTenantsRepository } from '../api/db/tenants.repository.js';
import { importCsv } from '../api/ingest/import-csv.js';
import { createEmptyDatabase } from '../test/helpers/dbs.js';

function median(xs: number[]): number {
  return xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const target = flag('--target') ?? 'sqlite';
const rounds = Number(flag('--rounds') ?? 7);
const dir = mkdtempSync(join(tmpdir(), 'fq-bench-stats-'));
const created =
  target === 'postgres'
    ? await createEmptyDatabase('postgres')
    : { config: { client: 'sqlite' as const, filename: join(dir, 'stats.sqlite') }, drop: async () => {} };
const knex = createKnex(created.config);
try {
  await migrateLatest(knex);
  const tenantId = await createTenantsRepository(knex).defaultTenantId();
  const r = await importCsv(createObservationSink(knex), {
    tenantId,
    dataset: { name: 'uci' },
    input: new URL('../data/demo/uci-online-retail-daily.csv.gz', import.meta.url).pathname,
  });
  const touched = (
    (await knex('observations as o')
      .join('series as s', 's.id', 'o.series_id')
      .where('s.dataset_id', r.datasetId)
      .andWhere('o.date', '>=', '2011-11-26')
      .distinct('o.series_id')) as Array<{ series_id: number }>
  ).map((x) => Number(x.series_id));
  const time = async (only: readonly number[] | undefined): Promise<{ cpu: number; wall: number }> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await knex
      .transaction(async (trx) => {
        await refreshSeriesStatistics(trx, tenantId, r.datasetId, undefined, only);
        throw new Error('rollback');
      })
      .catch(() => undefined);
    const c = process.cpuUsage(c0);
    return { cpu: (c.user + c.system) / 1000, wall: performance.now() - t0 };
  };
  const whole: Array<{ cpu: number; wall: number }> = [];
  const some: Array<{ cpu: number; wall: number }> = [];
  await time(undefined);
  await time(touched);
  for (let i = 0; i < rounds; i++) {
    whole.push(await time(undefined));
    some.push(await time(touched));
  }
  console.log(
    `${target}: ${r.rowsImported.toLocaleString('en')} rows, ${r.seriesCount} series, ${touched.length} changed (a row since 2011-11-26); ${rounds} rounds; load ${loadavg()[0]!.toFixed(1)}`,
  );
  console.log('| statistics refresh | CPU ms (median) | wall ms (median) |');
  console.log('|---|---:|---:|');
  console.log(
    `| whole dataset (before) | ${median(whole.map((x) => x.cpu)).toFixed(0)} | ${median(whole.map((x) => x.wall)).toFixed(0)} |`,
  );
  console.log(
    `| changed series only (now) | ${median(some.map((x) => x.cpu)).toFixed(0)} | ${median(some.map((x) => x.wall)).toFixed(0)} |`,
  );
} finally {
  await knex.destroy();
  await created.drop();
  rmSync(dir, { recursive: true, force: true });
}
