/**
 * The one import path over a database: `api/ingest/`'s importer (reading and validating CSV or
 * rows) writing through `api/db/`'s observation sink. What `forecastql import`, the demo data, the
 * GraphQL `importObservations` mutation and the tests call.
 *
 * @example
 * const r = await importCsv(knex, { tenantId, dataset: { name: 'shop' }, input: 'sales.csv.gz' });
 */
import type { Knex } from 'knex';
import { createObservationSink } from '../db/observation-sink.js';
import { importCsv as importCsvInto, type ImportCsvOptions, type ImportCsvResult } from '../ingest/import-csv.js';
import { importRows as importRowsInto, type ImportRowsOptions } from '../ingest/import-rows.js';

export type { ImportCsvOptions, ImportCsvResult, ImportRowsOptions };

/** Streams a long CSV (file path, bytes or stream; plain or gzipped) into a dataset, in one transaction. */
export function importCsv(knex: Knex, options: ImportCsvOptions): Promise<ImportCsvResult> {
  return importCsvInto(createObservationSink(knex), options);
}

/** Imports observation rows into an existing dataset through the same path, in one transaction. */
export function importRows(knex: Knex, options: ImportRowsOptions): Promise<ImportCsvResult> {
  return importRowsInto(createObservationSink(knex), options);
}
