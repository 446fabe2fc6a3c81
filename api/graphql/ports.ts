/**
 * What the services need from the data layer, as interfaces (services never import knex). The
 * wiring in `services.ts` binds them to the repositories in `api/db/`; service tests bind them to
 * in-memory fakes.
 */
import type { Frequency } from '../forecasting/types.js';
import type { ObservationRowInput } from '../ingest/import-rows.js';

export interface DatasetRecord {
  readonly id: number;
  readonly tenantId: number;
  readonly name: string;
  readonly frequency: Frequency;
  readonly covariates: readonly { readonly name: string; readonly knownInAdvance: boolean }[];
  readonly attributes: readonly string[];
  readonly seriesCount: number;
  readonly rowCount: number;
  readonly firstDate: string | null;
  readonly lastDate: string | null;
  /** Raised by every import that inserts or changes an observation: keys caches of actuals. */
  readonly dataVersion: number;
  /** ISO 3166 country or region of the holiday calendar; null: none chosen (Western retail calendar). */
  readonly country: string | null;
  readonly createdAt: Date;
}

export interface SeriesRecord {
  readonly id: number;
  readonly datasetId: number;
  readonly key: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly firstDate: string | null;
  readonly lastDate: string | null;
  readonly valueCount: number;
}

export interface PageSlice {
  readonly offset: number;
  readonly limit: number;
}

export interface DatasetStore {
  get(tenantId: number, id: number): Promise<DatasetRecord | undefined>;
  getMany(tenantId: number, ids: readonly number[]): Promise<DatasetRecord[]>;
  /** `datasetIds` keeps only those datasets (an embed token's scope). */
  list(
    tenantId: number,
    page: PageSlice,
    search?: string,
    datasetIds?: readonly number[],
  ): Promise<{ items: DatasetRecord[]; totalCount: number }>;
  /** Creates an empty dataset; the name must be free (BAD_USER_INPUT otherwise). */
  create(
    tenantId: number,
    input: { name: string; frequency: Frequency | undefined; country?: string | null | undefined },
  ): Promise<DatasetRecord>;
  /** Sets (or, with null, clears) the holiday calendar's country: a normalised code (`normalizeCountry`). */
  setCountry(tenantId: number, id: number, country: string | null): Promise<DatasetRecord>;
  /** Deletes a dataset and everything under it (series, observations, runs, forecasts). */
  delete(tenantId: number, id: number): Promise<boolean>;
}

export interface SeriesFilter {
  /** Case-insensitive substring of the series id or of any attribute value. */
  readonly search?: string | undefined;
  readonly attributes?: readonly { readonly name: string; readonly value: string }[];
}

export interface SeriesStore {
  list(
    tenantId: number,
    datasetId: number,
    filter: SeriesFilter,
    page: PageSlice,
  ): Promise<{ items: SeriesRecord[]; totalCount: number }>;
  getByKey(tenantId: number, datasetId: number, key: string): Promise<SeriesRecord | undefined>;
}

/** Options of an import: `country` sets the dataset's holiday calendar (ISO 3166 code or region). */
export interface ImportOptions {
  readonly country?: string | undefined;
  /** D, W or M; detected when omitted (`forecastql import --frequency`). */
  readonly frequency?: Frequency | undefined;
  /** Extra columns read as text attributes even when numeric (`--attributes`). */
  readonly attributes?: readonly string[] | undefined;
  /** Accept negative values, e.g. returns (`--allow-negative`). */
  readonly allowNegativeValues?: boolean | undefined;
}

export interface CsvImporter {
  /** Imports CSV text into a dataset (the same code as `forecastql import`), in one transaction. */
  importCsv(
    tenantId: number,
    datasetId: number,
    csv: string,
    options?: ImportOptions,
  ): Promise<{ rowsImported: number; seriesCount: number }>;
  /** Imports rows through the same code (api/ingest/import-rows.ts); errors name row and field. */
  importRows(
    tenantId: number,
    datasetId: number,
    rows: readonly ObservationRowInput[],
    options?: ImportOptions,
  ): Promise<{ rowsImported: number; seriesCount: number }>;
}
