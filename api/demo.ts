/**
 * The demo data: the UCI "Online Retail" daily sales (CC0, Chen et al. 2012) shipped in
 * `data/demo/`, imported into the default tenant as dataset `uci-online-retail` on first start.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { createDatasetsRepository } from './db/datasets.repository.js';
import { migrateLatest } from './db/migrate.js';
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
  return { tenantId, datasetId: r.datasetId, imported: true };
}
