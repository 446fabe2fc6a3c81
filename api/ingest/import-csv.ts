/**
 * `importCsv`: the one import path, used by `forecastql import`, the demo data and the GraphQL
 * `importObservations` mutation. Streams a long CSV (plain or gzipped) into a dataset of a tenant
 * in ONE transaction: a refused file leaves the database as it was, and importing the same file
 * again changes nothing (rows are upserted, and only written when new or different).
 */
import type {
  DatasetCovariate,
  ObservationBatch,
  ObservationSink,
  ObservationWriter,
  RepeatConflict,
} from '../app/observations.js';
import { normalizeDatasetUnit, type DatasetUnit } from '../app/datasets/dataset-unit.js';
import { UserInputError } from '../errors/index.js';
import { normalizeCountry } from '../forecasting/features.js';
import type { Frequency } from '../forecasting/types.js';
import { openBatchSource, type BatchSource, type ReadThread } from './batch-source.js';
import {
  conflictingDuplicateError,
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
  /**
   * Validated rows from elsewhere (a data source's daily rows) instead of `input`: the same
   * writers, statistics and dataset bookkeeping, without a CSV in between.
   */
  readonly batches?: BatchSource;
  /**
   * Only the import's own series, and these (series whose rows the caller changed in the same
   * transaction, e.g. deleted), changed: their statistics are recomputed, every other series'
   * stored statistics are kept (a data source's window sync). Omitted: the whole dataset's are.
   */
  readonly onlySeriesChanged?: { readonly alsoChanged: readonly number[] };
  /** D, W or M; detected when omitted. */
  readonly frequency?: Frequency | undefined;
  /**
   * The dataset's holiday calendar: an ISO 3166 country or region (CN, GB or UK, DE-BY, …), set on
   * the dataset. Omitted: a dataset without a country takes it from a `country` attribute whose
   * series all name the same known country; otherwise the dataset keeps what it has.
   */
  readonly country?: string | undefined;
  /**
   * Accept negative values (returns, refunds). When true, the dataset is marked as allowing
   * negatives from now on (`datasets.allow_negative`); forecasts still stay ≥ 0 unless it is MONEY.
   */
  readonly allowNegativeValues?: boolean;
  /** What the values measure, set on the dataset (`UNITS` or `MONEY`); omitted: the dataset keeps its unit. */
  readonly unit?: DatasetUnit | string | undefined;
  readonly columnKinds?: Readonly<Record<string, ColumnKind>>;
  readonly onProgress?: (progress: LongCsvProgress) => void;
  readonly signal?: AbortSignal;
  /**
   * Where the CSV is parsed and validated: `auto` (default) uses a worker thread for files and
   * bytes of 4 MB or more (512 KB gzipped), so parsing and database writes run on two cores.
   */
  readonly readThread?: ReadThread;
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
  /** The dataset's holiday calendar after the import (ISO 3166 code or region), or null. */
  readonly country: string | null;
  /** The dataset's unit after the import, and whether it allows negative values. */
  readonly unit: DatasetUnit;
  readonly allowNegative: boolean;
  readonly firstDate: string;
  readonly lastDate: string;
  readonly seconds: number;
}

/** Batches (of 2,048 rows) that may wait for their new series rows to be inserted together. */
const QUEUED_BATCHES = 16;

const FREQUENCY_WORDS: Readonly<Record<Frequency, string>> = { D: 'daily', W: 'weekly', M: 'monthly' };

/**
 * Imports a long CSV into a dataset.
 *
 * @example
 * const r = await importCsv(knex, { tenantId, dataset: { name: 'shop' }, input: 'sales.csv.gz' });
 * console.log(`${r.rowsImported} rows, ${r.seriesCount} series, frequency ${r.frequency}`);
 */
export async function importCsv(sink: ObservationSink, options: ImportCsvOptions): Promise<ImportCsvResult> {
  const started = performance.now();
  // An unknown country is refused before anything is read or stored.
  const country = options.country === undefined ? undefined : normalizeCountry(options.country);
  const unit = options.unit === undefined ? undefined : normalizeDatasetUnit(options.unit);
  const allowNegative = options.allowNegativeValues === true ? true : undefined;
  // Rows added to a dataset that has data are read at its frequency unless one is given.
  const target = await sink.frequencyOf(options.tenantId, options.dataset);
  const source =
    options.batches ??
    (await openBatchSource(
      options.input,
      {
        frequency: options.frequency ?? target,
        allowNegativeValues: options.allowNegativeValues ?? false,
        ...(options.columnKinds ? { columnKinds: options.columnKinds } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
      options.readThread ?? 'auto',
    ));
  try {
    // Header problems are found before any transaction starts.
    const schema = await source.schema();
    return await sink.transaction(options.tenantId, async (store) => {
      const { dataset, created } = await store.findDataset(options.dataset, options.frequency ?? 'D', country ?? null);
      const datasetId = dataset.id;
      const known = await store.seriesIndex(datasetId);
      const newKeys = new Set<string>();
      // The file's series keys and their ids, by index of first appearance.
      const keys: string[] = [];
      const seriesIds: number[] = [];
      /** Ids for the series of `keys` from `from` on: existing ones, or new rows in one insert. */
      const resolveSeries = async (from: number): Promise<void> => {
        const missing: Array<{ key: string; attributes: string }> = [];
        for (let i = from; i < keys.length; i++) {
          const k = known.get(keys[i]!);
          if (k) seriesIds[i] = k.id;
          else missing.push({ key: keys[i]!, attributes: '{}' });
        }
        if (missing.length === 0) return;
        const inserted = await store.insertSeries(datasetId, missing);
        for (let i = from; i < keys.length; i++) {
          const id = inserted.get(keys[i]!);
          if (id === undefined) continue;
          seriesIds[i] = id;
          newKeys.add(keys[i]!);
          known.set(keys[i]!, { id, attributes: '{}' });
        }
      };
      const emptyDataset = created || dataset.rowCount === 0;
      const writer: ObservationWriter = await store.openWriter(datasetId, emptyDataset);

      let summary: LongCsvSummary;
      const refuse = (c: RepeatConflict): never => {
        throw conflictingDuplicateError({ line: c.line, seriesId: keys[c.seriesIndex]!, date: c.date }, c.earlierLine);
      };
      try {
        // Batches that bring new series wait (a few at a time) until their series rows exist:
        // the series are then inserted together, so PostgreSQL's COPY is interrupted once per
        // up to QUEUED_BATCHES batches instead of once per batch (a file of 20k short series).
        let resolved = 0;
        const waiting: ObservationBatch[] = [];
        const writeWaiting = async (): Promise<void> => {
          if (resolved < keys.length) {
            await writer.pause();
            await resolveSeries(resolved);
            resolved = keys.length;
          }
          for (const b of waiting.splice(0)) {
            const conflict = await writer.write(b, seriesIds);
            if (conflict) refuse(conflict);
          }
        };
        for await (const batch of source.batches()) {
          keys.push(...batch.newSeries);
          if (!writer.needsSeriesIds) {
            const conflict = await writer.write(batch, seriesIds);
            if (conflict) refuse(conflict);
            continue;
          }
          waiting.push(batch);
          if (resolved === keys.length || waiting.length >= QUEUED_BATCHES) await writeWaiting();
        }
        if (writer.needsSeriesIds) await writeWaiting();
        summary = source.summary();
        await writer.endRows();
        if (!writer.needsSeriesIds) await resolveSeries(0);
        const conflict = await writer.finish(seriesIds);
        if (conflict) refuse(conflict);
      } catch (e) {
        await writer.abort();
        throw e;
      }

      // Frequency: a dataset with data keeps its frequency.
      if (!created && dataset.rowCount > 0 && dataset.frequency !== summary.frequency) {
        throw new UserInputError(
          `Dataset "${dataset.name}" holds ${FREQUENCY_WORDS[dataset.frequency]} data but this file is ${FREQUENCY_WORDS[summary.frequency]}${summary.frequencyDetected ? ' (detected)' : ''}. Import it into another dataset, or give --frequency ${dataset.frequency} if the detection is wrong.`,
        );
      }

      // Static attributes: merged over what the series had (the file wins on a name it gives).
      const attributeChanges: Array<{ seriesId: number; attributes: Record<string, string> }> = [];
      for (const s of summary.series) {
        const k = known.get(s.id)!;
        const merged: Record<string, string> = {
          ...parseAttributes(k.attributes),
          ...s.attributes,
        };
        const sorted = Object.fromEntries(Object.entries(merged).toSorted(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        if (JSON.stringify(sorted) !== k.attributes) attributeChanges.push({ seriesId: k.id, attributes: sorted });
      }
      await store.writeSeriesAttributes(datasetId, attributeChanges);

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
      const nextCountry = country ?? (dataset.country ? undefined : countryOfAttribute(summary.series));
      const touched = options.onlySeriesChanged
        ? [...new Set([...summary.series.map((s) => known.get(s.id)!.id), ...options.onlySeriesChanged.alsoChanged])]
        : undefined;
      const stats = await store.refreshSeriesStatistics(datasetId, fromFile, touched);
      const covariates = mergeCovariates(dataset.covariates, schema.covariates, summary.knownInAdvance);
      const attributes = [...new Set([...dataset.attributes, ...schema.attributes])];
      const firstDates = stats.map((s) => s.firstDate ?? s.endDate).filter((d): d is string => d !== null);
      const endDates = stats.map((s) => s.endDate).filter((d): d is string => d !== null);
      await store.updateDataset(
        dataset,
        {
          frequency: summary.frequency,
          covariates,
          attributes,
          seriesCount: stats.length,
          rowCount: stats.reduce((n, s) => n + s.rowCount, 0),
          firstDate: firstDates.length > 0 ? firstDates.reduce((a, b) => (a < b ? a : b)) : null,
          lastDate: endDates.length > 0 ? endDates.reduce((a, b) => (a > b ? a : b)) : null,
          country: nextCountry,
          ...(unit === undefined ? {} : { unit }),
          ...(allowNegative === undefined ? {} : { allowNegative }),
        },
        writer.changed,
      );

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
        country: nextCountry ?? dataset.country ?? null,
        unit: unit ?? dataset.unit,
        allowNegative: allowNegative ?? dataset.allowNegative,
        firstDate: summary.firstDate,
        lastDate: summary.lastDate,
        seconds: (performance.now() - started) / 1000,
      };
    });
  } finally {
    source.close();
  }
}

/** The one known country that a `country` attribute names in every series of the file, if any. */
function countryOfAttribute(
  series: ReadonlyArray<{ readonly attributes: Readonly<Record<string, string>> }>,
): string | undefined {
  const values = new Set<string>();
  for (const s of series) {
    const v = s.attributes['country'];
    if (v === undefined || v.trim() === '') return undefined;
    values.add(v);
    if (values.size > 1) break;
  }
  const codes = new Set<string>();
  for (const v of values) {
    try {
      codes.add(normalizeCountry(v));
    } catch {
      return undefined;
    }
  }
  return codes.size === 1 ? [...codes][0] : undefined;
}

/** A series' stored attributes (JSON text of an object; empty or null: none). */
function parseAttributes(json: string | null | undefined): Record<string, string> {
  return json ? (JSON.parse(json) as Record<string, string>) : {};
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
