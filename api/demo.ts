/**
 * The demo data: the UCI "Online Retail" daily sales (CC0, Chen et al. 2012) shipped in
 * `data/demo/`, imported into the default tenant as dataset `uci-online-retail` on first start.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { isSqliteKnex } from './db/bulk-import.repository.js';
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
  if (existing && existing.rowCount > 0) {
    // A demo imported before the planned prices existed gets them now (its next run can answer what-ifs).
    if (!existing.covariates.some((c) => c.name === 'price' && c.knownInAdvance)) {
      await importDemoPlannedPrices(knex, tenantId, existing.id);
    }
    return { tenantId, datasetId: existing.id, imported: false };
  }
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
  await importDemoPlannedPrices(knex, tenantId, r.datasetId);
  return { tenantId, datasetId: r.datasetId, imported: true };
}

/** A CSV field, quoted when it holds a comma, quote or line break. */
const quote = (v: string): string => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/** Days of planned prices after each product's last sale: the demo run's horizon (serve.ts DEMO_HORIZON). */
export const DEMO_PLANNED_DAYS = 28;

/** Days of history a product's regular price is read from. */
export const DEMO_REGULAR_PRICE_DAYS = 28;

/**
 * The demo file has prices in the history only, so a model trained on it reads the price as
 * history and cannot answer "what if the price were 10 % lower?". A shop knows its planned
 * prices: each product gets DEMO_PLANNED_DAYS future rows (empty quantity) after its last sale
 * with its regular price, the most frequent daily price of its last DEMO_REGULAR_PRICE_DAYS days
 * with sales (ties: the higher, as discounts are the exception). Imported through the ordinary
 * import path, which marks `price` known in advance; sales rows are left as they are.
 */
export async function importDemoPlannedPrices(knex: Knex, tenantId: number, datasetId: number): Promise<number> {
  const rows = (await knex('series as s')
    .join('observations as o', 'o.series_id', 's.id')
    .where('s.tenant_id', tenantId)
    .andWhere('s.dataset_id', datasetId)
    .whereNotNull('o.value')
    .andWhereRaw(
      isSqliteKnex(knex) ? `o.date > date(s.last_date, '-' || ? || ' days')` : `o.date > s.last_date - (?::int)`,
      [DEMO_REGULAR_PRICE_DAYS],
    )
    .orderBy([
      { column: 's.key', order: 'asc' },
      { column: 'o.date', order: 'asc' },
    ])
    .select('s.key', 's.last_date', 's.attributes', 'o.covariates')) as Array<{
    key: string;
    last_date: string | Date;
    attributes: string | Record<string, string> | null;
    covariates: string | Record<string, number> | null;
  }>;
  const bySeries = new Map<string, { last: string; description: string; counts: Map<number, number> }>();
  for (const r of rows) {
    const covariates =
      typeof r.covariates === 'string' ? (JSON.parse(r.covariates) as Record<string, number>) : r.covariates;
    const price = covariates?.['price'];
    let entry = bySeries.get(r.key);
    if (!entry) {
      const attributes =
        typeof r.attributes === 'string' ? (JSON.parse(r.attributes) as Record<string, string>) : (r.attributes ?? {});
      const last =
        r.last_date instanceof Date ? r.last_date.toISOString().slice(0, 10) : String(r.last_date).slice(0, 10);
      entry = { last, description: attributes['description'] ?? '', counts: new Map() };
      bySeries.set(r.key, entry);
    }
    if (typeof price === 'number' && Number.isFinite(price) && price > 0) {
      entry.counts.set(price, (entry.counts.get(price) ?? 0) + 1);
    }
  }
  const lines = ['series_id,date,value,price,description'];
  for (const [key, e] of bySeries) {
    let regular: number | undefined;
    let most = 0;
    for (const [price, n] of e.counts) {
      if (n > most || (n === most && price > regular!)) {
        regular = price;
        most = n;
      }
    }
    if (regular === undefined) continue;
    const start = Date.parse(`${e.last}T00:00:00Z`);
    for (let d = 1; d <= DEMO_PLANNED_DAYS; d++) {
      const date = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
      lines.push(`${quote(key)},${date},,${regular},${quote(e.description)}`);
    }
  }
  if (lines.length === 1) return 0;
  const r = await importCsv(knex, {
    tenantId,
    dataset: { id: datasetId },
    input: Buffer.from(`${lines.join('\n')}\n`, 'utf8'),
    frequency: 'D',
  });
  return r.rowsImported;
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
