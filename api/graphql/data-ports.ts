/**
 * Binds the service ports to the data layer: the datasets and series repositories, the CSV
 * importer that `forecastql import` uses too, and the tenant lookup.
 */
import type { Knex } from 'knex';
import { createDatasetsRepository } from '../db/datasets.repository.js';
import { createObservationsRepository } from '../db/observations.repository.js';
import { createSeriesRepository } from '../db/series.repository.js';
import { createTenantsRepository } from '../db/tenants.repository.js';
import { importCsv } from '../ingest/import-csv.js';
import { importRows } from '../ingest/import-rows.js';
import type { PromotionSource } from './calendar/calendar.service.js';
import type { CsvImporter, DatasetStore, SeriesStore } from './ports.js';

export interface DataPorts {
  readonly datasets: DatasetStore;
  readonly series: SeriesStore;
  readonly importer: CsvImporter;
  readonly observations: PromotionSource;
  /**
   * The `default` tenant, which the CLI commands act for. GraphQL requests do not use it: they act
   * for the tenant of their credential (api/auth, GraphQLApp.context).
   */
  readonly tenantOf: (headers: Readonly<Record<string, string | string[] | undefined>>) => Promise<number>;
}

export function createDataPorts(knex: Knex): DataPorts {
  const tenants = createTenantsRepository(knex);
  let defaultTenant: Promise<number> | undefined;
  const importer: CsvImporter = {
    async importCsv(tenantId, datasetId, csv, options = {}) {
      // CSV text arrives as bytes: a string `input` would be read as a file path.
      const r = await importCsv(knex, {
        tenantId,
        dataset: { id: datasetId },
        input: Buffer.from(csv, 'utf8'),
        ...(options.country === undefined ? {} : { country: options.country }),
        ...(options.frequency === undefined ? {} : { frequency: options.frequency }),
        ...(options.allowNegativeValues === undefined ? {} : { allowNegativeValues: options.allowNegativeValues }),
        ...(options.attributes === undefined
          ? {}
          : { columnKinds: Object.fromEntries(options.attributes.map((c) => [c, 'attribute' as const])) }),
      });
      return { rowsImported: r.rowsImported, seriesCount: r.seriesCount };
    },
    async importRows(tenantId, datasetId, rows, options = {}) {
      const r = await importRows(knex, {
        tenantId,
        datasetId,
        rows,
        ...(options.country === undefined ? {} : { country: options.country }),
        ...(options.frequency === undefined ? {} : { frequency: options.frequency }),
        ...(options.allowNegativeValues === undefined ? {} : { allowNegativeValues: options.allowNegativeValues }),
      });
      return { rowsImported: r.rowsImported, seriesCount: r.seriesCount };
    },
  };
  return {
    datasets: createDatasetsRepository(knex),
    series: createSeriesRepository(knex),
    observations: createObservationsRepository(knex),
    importer,
    tenantOf: () => {
      defaultTenant ??= tenants.defaultTenantId().catch((e: unknown) => {
        defaultTenant = undefined;
        throw e;
      });
      return defaultTenant;
    },
  };
}
