/**
 * The knex adapter of the core's `ObservationSink` port (api/app/observations.ts): one import's
 * transaction, with the bulk writer of the dialect (bulk-import.repository.ts) and the dataset
 * and series bookkeeping around it.
 */
import type { Knex } from 'knex';
import type { ImportDataset, ObservationSink, ObservationSinkSession } from '../app/observations.js';
import {
  createPgDirectObservationWriter,
  createPgObservationWriter,
  createSqliteObservationWriter,
  datasetCovariates,
  insertSeriesMany,
  isSqliteKnex,
  loadSeriesIndex,
  refreshSeriesStatistics,
  updateDatasetAfterImport,
  writeSeriesAttributes,
} from './bulk-import.repository.js';
import { findDatasetForImport, findDatasetFrequency } from './datasets.repository.js';
import type { DatasetRow } from './tables.js';
import { parseJsonColumn } from './values.js';

export function createObservationSink(knex: Knex): ObservationSink {
  return {
    frequencyOf: (tenantId, ref) => findDatasetFrequency(knex, tenantId, ref),
    transaction(tenantId, work) {
      const sqlite = isSqliteKnex(knex);
      return knex.transaction(async (trx) => {
        // The rows as read, so `updateDataset` compares against exactly what is stored.
        const rows = new Map<number, DatasetRow>();
        const session: ObservationSinkSession = {
          async findDataset(ref, frequency, country) {
            const { dataset, created } = await findDatasetForImport(trx, tenantId, ref, frequency, country);
            rows.set(dataset.id, dataset);
            const found: ImportDataset = {
              id: dataset.id,
              name: dataset.name,
              frequency: dataset.frequency,
              rowCount: Number(dataset.row_count),
              covariates: datasetCovariates(dataset),
              attributes: parseJsonColumn<string[]>(dataset.attributes, []),
              country: dataset.country ?? null,
              unit: dataset.unit === 'MONEY' ? 'MONEY' : 'UNITS',
              allowNegative: Boolean(dataset.allow_negative),
            };
            return { dataset: found, created };
          },
          seriesIndex: (datasetId) => loadSeriesIndex(trx, tenantId, datasetId),
          insertSeries: (datasetId, series) => insertSeriesMany(trx, tenantId, datasetId, series),
          openWriter(datasetId, emptyDataset) {
            if (sqlite) return createSqliteObservationWriter(trx, tenantId);
            if (emptyDataset) return createPgDirectObservationWriter(trx, tenantId, datasetId);
            return createPgObservationWriter(trx, tenantId, datasetId);
          },
          writeSeriesAttributes: (datasetId, changes) => writeSeriesAttributes(trx, tenantId, datasetId, changes),
          refreshSeriesStatistics: (datasetId, known, only) =>
            refreshSeriesStatistics(trx, tenantId, datasetId, known, only),
          async updateDataset(dataset, next, changed) {
            const row = rows.get(dataset.id);
            if (!row) throw new Error(`Dataset ${dataset.id} was not found in this import.`);
            await updateDatasetAfterImport(trx, row, next, changed);
          },
        };
        return work(session);
      });
    },
  };
}
