/**
 * The demo data: the UCI "Online Retail" daily sales (CC0, Chen et al. 2012) shipped in
 * `data/demo/`, imported into the default tenant as dataset `uci-online-retail` on first start.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { createDatasetsRepository } from './db/datasets.repository.js';
import { migrateLatest } from './db/migrate.js';
import { createStockRepository, recentDailyMeans } from './db/stock.repository.js';
import { createTenantsRepository } from './db/tenants.repository.js';
import { importCsv } from './plugin/import.js';
import type { Logger } from './log.js';

export const DEMO_DATASET_NAME = 'uci-online-retail';

/** The demo file, found from both `api/` (tsx) and `dist/api/` (compiled). */
export function demoFilePath(): string {
  const candidates = ['../data/demo/uci-online-retail-daily.csv.gz', '../../data/demo/uci-online-retail-daily.csv.gz'];
  for (const c of candidates) {
    const path = fileURLToPath(new URL(c, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`the demo data file is missing (looked for ${candidates.join(' and ')} next to api/)`);
}

export interface DemoData {
  readonly tenantId: number;
  readonly datasetId: number;
  /** True when this call imported it (first start). */
  readonly imported: boolean;
}

/** Migrates, then imports the demo dataset unless the default tenant has it already. */
export async function ensureDemoData(knex: Knex, logger: Logger): Promise<DemoData> {
  await migrateLatest(knex);
  const tenantId = await createTenantsRepository(knex).defaultTenantId();
  const existing = await createDatasetsRepository(knex).getByName(tenantId, DEMO_DATASET_NAME);
  if (existing && existing.rowCount > 0) return { tenantId, datasetId: existing.id, imported: false };
  const file = demoFilePath();
  logger.info({ file, dataset: DEMO_DATASET_NAME }, 'importing the demo data (first start)');
  // A UK online shop: its calendar is the United Kingdom's (bank holidays, Black Friday; no Thanksgiving).
  const r = await importCsv(knex, {
    tenantId,
    dataset: { name: DEMO_DATASET_NAME },
    input: file,
    frequency: 'D',
    country: 'GB',
  });
  logger.info(
    { dataset: DEMO_DATASET_NAME, rows: r.rowsImported, series: r.seriesCount, seconds: Number(r.seconds.toFixed(1)) },
    'demo data imported',
  );
  await seedDemoStock(knex, tenantId, r.datasetId);
  return { tenantId, datasetId: r.datasetId, imported: true };
}

/** Days of cover the demo's stock levels are drawn from (by series key): some urgent, most not. */
export const DEMO_COVER_DAYS = [1, 3, 6, 10, 14, 21, 30, 45] as const;

/**
 * The demo data has sales but no stock: each product gets a stock on hand of its mean daily sales
 * over the last 28 days times a cover picked from DEMO_COVER_DAYS by its key (the same every time),
 * and the dataset a policy of 5 days' lead time, a weekly order and a 95 % service level, so the
 * demo page's `<fq-stock-plan>` has something to rank.
 */
export async function seedDemoStock(knex: Knex, tenantId: number, datasetId: number): Promise<void> {
  const stock = createStockRepository(knex);
  await stock.setPolicy(tenantId, datasetId, { leadTime: 5, reviewPeriod: 7, serviceLevel: 0.95 });
  const means = await recentDailyMeans(knex, tenantId, datasetId, 28);
  await stock.setLevels(
    tenantId,
    datasetId,
    means.map((m) => {
      let h = 0;
      for (const c of m.key) h = (h * 31 + c.charCodeAt(0)) >>> 0;
      return {
        seriesId: m.seriesId,
        onHand: Math.round(m.mean * DEMO_COVER_DAYS[h % DEMO_COVER_DAYS.length]!),
        onOrder: 0,
        asOf: null,
        leadTime: null,
        reviewPeriod: null,
        serviceLevel: null,
      };
    }),
  );
}
