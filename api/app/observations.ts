/**
 * The observation sink of imports, a port of the core (ARCHITECTURE §1): what the one import path
 * (`api/ingest/import-csv.ts`, which reads and validates observations from any source) needs
 * from a store to write them, all inside one transaction. `api/db/observation-sink.ts`
 * implements it over knex (bulk writers per dialect). Also the batch format both sides share:
 * readers produce `ObservationBatch`es, writers consume them.
 */
import type { Frequency } from './ports.js';

export interface ObservationBatch {
  readonly size: number;
  /** Keys of the series first seen in this batch, in order of first appearance. */
  readonly newSeries: readonly string[];
  /** 1-based line of each row in the decompressed file. */
  readonly line: Float64Array;
  /** Index of each row's series in order of first appearance in the file (0-based). */
  readonly series: Int32Array;
  /** Days since 1970-01-01. */
  readonly day: Int32Array;
  /** NaN where the value is unknown (a CSV number is never NaN). */
  readonly value: Float64Array;
  /** JSON text of each row's known covariates, or null. */
  readonly covariates: readonly (string | null)[];
  /** Positions (ascending) of the rows whose series and date appeared earlier, not adjacent. */
  readonly repeated: readonly number[];
}

/** The ISO date `YYYY-MM-DD` of a day number. */
export function isoFromDay(day: number): string {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** ISO dates of day numbers, each built once (a file repeats a few thousand dates). */
export function createDateText(): (day: number) => string {
  const cache = new Map<number, string>();
  return (day) => {
    let text = cache.get(day);
    if (text === undefined) {
      if (cache.size >= 100_000) cache.clear();
      text = isoFromDay(day);
      cache.set(day, text);
    }
    return text;
  };
}

/** A repeated `series_id,date` whose values differ from the earlier row. */
export interface RepeatConflict {
  readonly line: number;
  /** The earlier row's line, when the writer knows it. */
  readonly earlierLine: number | undefined;
  /** The series' index in the file (order of first appearance). */
  readonly seriesIndex: number;
  readonly date: string;
}

export interface ObservationWriter {
  /**
   * Writes (or queues) a batch in file order. `seriesIds[i]` is the id of the file's series i;
   * every series of the batch has one, except on the PostgreSQL staging path, which maps them in
   * `finish`. A repeated row is compared with the stored one: a conflict is returned (SQLite and
   * the PostgreSQL direct path at once; the staging path in `finish`).
   */
  write(batch: ObservationBatch, seriesIds: readonly number[]): Promise<RepeatConflict | undefined>;
  /** Whether `write` needs the ids of a batch's new series first. */
  readonly needsSeriesIds: boolean;
  /** Called before new series rows are inserted (the PostgreSQL direct path ends its COPY). */
  pause(): Promise<void>;
  /** Ends the row stream (PostgreSQL: ends the COPY, after which other queries may run). */
  endRows(): Promise<void>;
  /**
   * Writes what is queued. `seriesIds[i]` is the id of the file's series i. Returns the first
   * conflicting repeat (PostgreSQL staging path), if any, instead of writing.
   */
  finish(seriesIds: readonly number[]): Promise<RepeatConflict | undefined>;
  /** Stops early (on error); the transaction's rollback discards what was written. */
  abort(): Promise<void>;
  /**
   * Whether a stored observation was inserted or changed so far (after `finish`: by the whole
   * import). An import of rows already stored, value for value, changes nothing.
   */
  readonly changed: boolean;
}

export interface SeriesStatistics {
  readonly seriesId: number;
  readonly firstDate: string | null;
  readonly lastDate: string | null;
  readonly endDate: string | null;
  readonly valueCount: number;
  readonly rowCount: number;
}

export interface DatasetCovariate {
  readonly name: string;
  readonly knownInAdvance: boolean;
}

export interface DatasetImportUpdate {
  readonly frequency: Frequency;
  readonly covariates: readonly DatasetCovariate[];
  readonly attributes: readonly string[];
  readonly seriesCount: number;
  readonly rowCount: number;
  readonly firstDate: string | null;
  readonly lastDate: string | null;
  /** The holiday calendar's country or region; undefined keeps the stored one. */
  readonly country?: string | null | undefined;
  /** UNITS or MONEY; undefined keeps the stored one. */
  readonly unit?: 'UNITS' | 'MONEY' | undefined;
  /** True: the dataset accepts negative values from now on; undefined keeps the stored flag. */
  readonly allowNegative?: boolean | undefined;
}

/** A dataset named by an import: by name (created when missing) or by id (must exist). */
export type DatasetRef = { readonly name: string } | { readonly id: number };

/** A dataset as an import found it, inside its transaction. */
export interface ImportDataset {
  readonly id: number;
  readonly name: string;
  readonly frequency: Frequency;
  readonly rowCount: number;
  readonly covariates: readonly DatasetCovariate[];
  readonly attributes: readonly string[];
  /** ISO 3166 country or region of the holiday calendar; null: none chosen. */
  readonly country: string | null;
  readonly unit: 'UNITS' | 'MONEY';
  readonly allowNegative: boolean;
}

/** The store's side of one import, inside its transaction; every call acts for one tenant. */
export interface ObservationSinkSession {
  /** The dataset to import into; `frequency` and `country` are those a created dataset gets. */
  findDataset(
    ref: DatasetRef,
    frequency: Frequency,
    country: string | null,
  ): Promise<{ dataset: ImportDataset; created: boolean }>;
  /** Series rows of a dataset: key → { id, attributes as JSON text }. */
  seriesIndex(datasetId: number): Promise<Map<string, { id: number; attributes: string }>>;
  /** Inserts many series and returns key → id for all of them. */
  insertSeries(
    datasetId: number,
    series: ReadonlyArray<{ key: string; attributes: string }>,
  ): Promise<Map<string, number>>;
  /** The bulk writer of observations (`emptyDataset`: nothing stored yet, so nothing to compare). */
  openWriter(datasetId: number, emptyDataset: boolean): Promise<ObservationWriter>;
  /** Replaces the attributes of series whose attributes changed. */
  writeSeriesAttributes(
    datasetId: number,
    changes: ReadonlyArray<{ seriesId: number; attributes: Readonly<Record<string, string>> }>,
  ): Promise<void>;
  /**
   * Recomputes (or, when given, writes) the statistics of every series of a dataset; with `only`,
   * recomputes those series' and keeps the stored statistics of the others. Returns the
   * statistics of every series that has rows.
   */
  refreshSeriesStatistics(
    datasetId: number,
    known?: readonly SeriesStatistics[],
    only?: readonly number[],
  ): Promise<SeriesStatistics[]>;
  /** Writes a dataset's metadata after an import, only when something changed. */
  updateDataset(dataset: ImportDataset, next: DatasetImportUpdate, observationsChanged: boolean): Promise<void>;
}

export interface ObservationSink {
  /** The frequency of an existing dataset that holds rows, if any (read before an import starts). */
  frequencyOf(tenantId: number, ref: DatasetRef): Promise<Frequency | undefined>;
  /** Runs one import in one transaction: all of it is written, or nothing. */
  transaction<T>(tenantId: number, work: (session: ObservationSinkSession) => Promise<T>): Promise<T>;
}
