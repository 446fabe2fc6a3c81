/**
 * `importCsv`: the one import path, used by `forecastql import`, the demo data and the GraphQL
 * `importObservations` mutation. Streams a long CSV (plain or gzipped) into a dataset of a tenant
 * in ONE transaction: a refused file leaves the database as it was, and importing the same file
 * again changes nothing (rows are upserted, and only written when new or different).
 */
import type { Knex } from 'knex';
import {
  createPgDirectObservationWriter,
  createPgObservationWriter,
  createSqliteObservationWriter,
  datasetCovariates,
  insertSeries,
  insertSeriesMany,
  isSqliteKnex,
  loadSeriesIndex,
  refreshSeriesStatistics,
  updateDatasetAfterImport,
  writeSeriesAttributes,
  type DatasetCovariate,
  type ImportObservation,
  type ObservationWriter,
} from '../db/bulk-import.repository.js';
import { findDatasetForImport, findDatasetFrequency } from '../db/datasets.repository.js';
import { UserInputError } from '../errors/index.js';
import { parseJsonColumn } from '../db/values.js';
import type { Frequency } from '../forecasting/types.js';
import {
  conflictingDuplicateError,
  LongCsvReader,
  type ColumnKind,
  type CsvInput,
  type LongCsvProgress,
  type LongCsvSummary,
} from './long-csv.js';

export interface ImportCsvOptions {
  readonly tenantId: number;
  /** The dataset to import into: by name (created when missing) or by id (must exist). */
  readonly dataset: { readonly name: string } | { readonly id: number };
  /** File path, byte stream or bytes; gzip is detected by its magic bytes. */
  readonly input: CsvInput;
  /** D, W or M; detected when omitted. */
  readonly frequency?: Frequency | undefined;
  readonly allowNegativeValues?: boolean;
  readonly columnKinds?: Readonly<Record<string, ColumnKind>>;
  readonly onProgress?: (progress: LongCsvProgress) => void;
  readonly signal?: AbortSignal;
}

export interface ImportCsvResult {
  readonly datasetId: number;
  readonly datasetName: string;
  /** True when this import created the dataset. */
  readonly created: boolean;
  /** Data rows of the file (identical adjacent duplicates counted once). */
  readonly rowsImported: number;
  /** Series in the file. */
  readonly seriesCount: number;
  /** Series of the file that were not in the dataset yet. */
  readonly newSeries: number;
  readonly frequency: Frequency;
  readonly frequencyDetected: boolean;
  readonly covariates: readonly string[];
  readonly knownInAdvance: readonly string[];
  readonly attributes: readonly string[];
  readonly firstDate: string;
  readonly lastDate: string;
  readonly seconds: number;
}

const FREQUENCY_WORDS: Readonly<Record<Frequency, string>> = { D: 'daily', W: 'weekly', M: 'monthly' };

/**
 * Imports a long CSV into a dataset.
 *
 * @example
 * const r = await importCsv(knex, { tenantId, dataset: { name: 'shop' }, input: 'sales.csv.gz' });
 * console.log(`${r.rowsImported} rows, ${r.seriesCount} series, frequency ${r.frequency}`);
 */
export async function importCsv(knex: Knex, options: ImportCsvOptions): Promise<ImportCsvResult> {
  const started = performance.now();
  // Rows added to a dataset that has data are read at its frequency unless one is given.
  const target = await findDatasetFrequency(knex, options.tenantId, options.dataset);
  const reader = new LongCsvReader(options.input, {
    frequency: options.frequency ?? target,
    allowNegativeValues: options.allowNegativeValues ?? false,
    ...(options.columnKinds ? { columnKinds: options.columnKinds } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    // Header problems are found before any transaction starts.
    const schema = await reader.schema();
    const sqlite = isSqliteKnex(knex);
    return await knex.transaction(async (trx) => {
      const tenantId = options.tenantId;
      const { dataset, created } = await findDatasetForImport(trx, tenantId, options.dataset, options.frequency ?? 'D');
      const datasetId = dataset.id;
      const known = await loadSeriesIndex(trx, tenantId, datasetId);
      const newKeys = new Set<string>();
      const resolveSeries = async (key: string): Promise<number> => {
        const existing = known.get(key);
        if (existing) return existing.id;
        newKeys.add(key);
        const id = await insertSeries(trx, tenantId, datasetId, key, '{}');
        known.set(key, { id, attributes: '{}' });
        return id;
      };
      const emptyDataset = created || Number(dataset.row_count) === 0;
      let writer: ObservationWriter;
      if (sqlite) writer = await createSqliteObservationWriter(trx, tenantId, resolveSeries);
      else if (emptyDataset) writer = await createPgDirectObservationWriter(trx, tenantId, resolveSeries);
      else writer = await createPgObservationWriter(trx, tenantId);

      // `{"name":` and `,"name":` of each covariate, encoded once rather than per row.
      const firstKey = schema.covariates.map((name) => `{${JSON.stringify(name)}:`);
      const nextKey = schema.covariates.map((name) => `,${JSON.stringify(name)}:`);
      const toJson = (values: readonly (number | null)[]): string | null => {
        let json = '';
        for (let k = 0; k < values.length; k++) {
          const v = values[k];
          if (v === null || v === undefined) continue;
          json += (json === '' ? firstKey[k]! : nextKey[k]!) + String(v);
        }
        return json === '' ? null : json + '}';
      };

      let summary: LongCsvSummary;
      try {
        let pending: ImportObservation[] = [];
        const flush = async (): Promise<void> => {
          const rows = pending;
          pending = [];
          await writer.write(rows);
        };
        for await (const batch of reader.batches()) {
          for (const row of batch) {
            const obs: ImportObservation = {
              line: row.line,
              seriesKey: row.seriesId,
              date: row.date,
              value: row.value,
              covariates: toJson(row.covariates),
            };
            if (row.repeated) {
              if (pending.length > 0) await flush();
              const earlier = await writer.writeRepeated(obs);
              if (earlier !== undefined) throw conflictingDuplicateError(row, earlier === 0 ? undefined : earlier);
            } else {
              pending.push(obs);
            }
          }
          if (pending.length > 0) await flush();
        }
        summary = reader.summary();
        await writer.endRows();

        if (!sqlite) {
          const missing = summary.series.filter((s) => !known.has(s.id)).map((s) => ({ key: s.id, attributes: '{}' }));
          for (const [key, id] of await insertSeriesMany(trx, tenantId, datasetId, missing)) {
            newKeys.add(key);
            known.set(key, { id, attributes: '{}' });
          }
        }
        const ids = new Map(summary.series.map((s) => [s.id, known.get(s.id)!.id]));
        const conflict = await writer.finish(ids);
        if (conflict) {
          throw conflictingDuplicateError(
            { line: conflict.line, seriesId: conflict.seriesKey, date: conflict.date },
            conflict.earlierLine,
          );
        }
      } catch (e) {
        await writer.abort();
        throw e;
      }

      // Frequency: a dataset with data keeps its frequency.
      if (!created && Number(dataset.row_count) > 0 && dataset.frequency !== summary.frequency) {
        throw new UserInputError(
          `Dataset "${dataset.name}" holds ${FREQUENCY_WORDS[dataset.frequency]} data but this file is ${FREQUENCY_WORDS[summary.frequency]}${summary.frequencyDetected ? ' (detected)' : ''}. Import it into another dataset, or give --frequency ${dataset.frequency} if the detection is wrong.`,
        );
      }

      // Static attributes: merged over what the series had (the file wins on a name it gives).
      const attributeChanges: Array<{ seriesId: number; attributes: Record<string, string> }> = [];
      for (const s of summary.series) {
        const k = known.get(s.id)!;
        const merged: Record<string, string> = {
          ...parseJsonColumn<Record<string, string>>(k.attributes, {}),
          ...s.attributes,
        };
        const sorted = Object.fromEntries(Object.entries(merged).toSorted(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        if (JSON.stringify(sorted) !== k.attributes) attributeChanges.push({ seriesId: k.id, attributes: sorted });
      }
      await writeSeriesAttributes(trx, tenantId, datasetId, attributeChanges);

      // Into an empty dataset without repeated rows, the file's own counts are the truth: no scan.
      const fromFile =
        emptyDataset && !summary.hasRepeats
          ? summary.series.map((s) => ({
              seriesId: known.get(s.id)!.id,
              firstDate: s.firstValueDate,
              lastDate: s.lastValueDate,
              endDate: s.endDate,
              valueCount: s.values,
              rowCount: s.rows,
            }))
          : undefined;
      const stats = await refreshSeriesStatistics(trx, tenantId, datasetId, fromFile);
      const covariates = mergeCovariates(datasetCovariates(dataset), schema.covariates, summary.knownInAdvance);
      const attributes = [...new Set([...parseJsonColumn<string[]>(dataset.attributes, []), ...schema.attributes])];
      const firstDates = stats.map((s) => s.firstDate ?? s.endDate).filter((d): d is string => d !== null);
      const endDates = stats.map((s) => s.endDate).filter((d): d is string => d !== null);
      await updateDatasetAfterImport(trx, dataset, {
        frequency: summary.frequency,
        covariates,
        attributes,
        seriesCount: stats.length,
        rowCount: stats.reduce((n, s) => n + s.rowCount, 0),
        firstDate: firstDates.length > 0 ? firstDates.reduce((a, b) => (a < b ? a : b)) : null,
        lastDate: endDates.length > 0 ? endDates.reduce((a, b) => (a > b ? a : b)) : null,
      });

      return {
        datasetId,
        datasetName: dataset.name,
        created,
        rowsImported: summary.rows,
        seriesCount: summary.series.length,
        newSeries: newKeys.size,
        frequency: summary.frequency,
        frequencyDetected: summary.frequencyDetected,
        covariates: schema.covariates,
        knownInAdvance: summary.knownInAdvance,
        attributes: schema.attributes,
        firstDate: summary.firstDate,
        lastDate: summary.lastDate,
        seconds: (performance.now() - started) / 1000,
      };
    });
  } finally {
    reader.close();
  }
}

function mergeCovariates(
  existing: readonly DatasetCovariate[],
  names: readonly string[],
  knownInAdvance: readonly string[],
): DatasetCovariate[] {
  const out = existing.map((c) => ({ name: c.name, knownInAdvance: c.knownInAdvance }));
  for (const name of names) {
    const known = knownInAdvance.includes(name);
    const c = out.find((x) => x.name === name);
    if (c) c.knownInAdvance = c.knownInAdvance || known;
    else out.push({ name, knownInAdvance: known });
  }
  return out;
}
