/** Datasets: list, read, create, import into, delete. Business rules only; storage via ports. */
import { NotFoundError, UserInputError } from '../../errors/index.js';
import { normalizeCountry } from '../../forecasting/features.js';
import { normalizeDatasetUnit } from './dataset-unit.js';
import type { Frequency } from '../../forecasting/types.js';
import { toPageRequest, type Page } from '../common/cursor.js';
import { parseRowId } from '../common/ids.js';
import type { ArrivalsHub } from '../alerts/ports.js';
import type { CsvImporter, DatasetRecord, DatasetStore, ImportOptions, ObservationRowInput } from '../ports.js';

export const MAX_DATASET_NAME = 200;
/** CSV text accepted by `importObservations` (bigger files: `forecastql import`). */
export const MAX_IMPORT_CSV_BYTES = 50 * 1024 * 1024;
/** Rows accepted by `importObservations(rows:)` (bigger imports: CSV, or `forecastql import`). */
export const MAX_IMPORT_ROWS = 500_000;

/** What `importObservations` imports: CSV text or rows, exactly one of them. */
export interface ObservationsInput {
  readonly csv?: string | null | undefined;
  readonly rows?: readonly ObservationRowInput[] | null | undefined;
  /** Sets the dataset's holiday calendar (ISO 3166 country or region); omitted keeps it. */
  readonly country?: string | null | undefined;
  /** The CLI's import options: `--frequency`, `--attributes`, `--allow-negative`. */
  readonly frequency?: Frequency | null | undefined;
  readonly attributes?: readonly string[] | null | undefined;
  readonly allowNegative?: boolean | null | undefined;
  /** Sets what the values measure (`--unit`: UNITS or MONEY); omitted keeps it. */
  readonly unit?: string | null | undefined;
}

export class DatasetService {
  constructor(
    private readonly datasets: DatasetStore,
    private readonly importer: CsvImporter,
    /** Told after an import that changed the dataset's rows (the alert use-case listens). */
    private readonly arrivals?: ArrivalsHub,
  ) {}

  /** Announces new actuals when an import changed the dataset (its dataVersion moved). */
  private async announce(tenantId: number, before: DatasetRecord, after: DatasetRecord): Promise<void> {
    if (after.dataVersion !== before.dataVersion) {
      await this.arrivals?.emit({ tenantId, datasetId: after.id, cause: 'import' });
    }
  }

  async list(
    tenantId: number,
    first: number | null | undefined,
    after: string | null | undefined,
    search?: string | null,
  ): Promise<Page<DatasetRecord>> {
    const page = toPageRequest(first, after);
    const { items, totalCount } = await this.datasets.list(tenantId, page, search ?? undefined);
    return { items, totalCount, offset: page.offset };
  }

  async get(tenantId: number, id: string): Promise<DatasetRecord | undefined> {
    const rowId = Number(id);
    if (!/^[1-9]\d{0,14}$/.test(id)) return undefined;
    return this.datasets.get(tenantId, rowId);
  }

  /** The dataset or NOT_FOUND. */
  async require(tenantId: number, id: string): Promise<DatasetRecord> {
    const dataset = await this.datasets.get(tenantId, parseRowId('Dataset', id));
    if (!dataset) throw new NotFoundError('Dataset', id);
    return dataset;
  }

  /** The dataset named `name` or NOT_FOUND (the CLI names datasets). */
  async requireByName(tenantId: number, name: string): Promise<DatasetRecord> {
    const dataset = await this.datasets.getByName(tenantId, name);
    if (!dataset) throw new NotFoundError('Dataset', name);
    return dataset;
  }

  async create(
    tenantId: number,
    input: {
      name: string;
      frequency?: Frequency | null | undefined;
      country?: string | null | undefined;
      unit?: string | null | undefined;
      allowNegative?: boolean | null | undefined;
    },
  ): Promise<DatasetRecord> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > MAX_DATASET_NAME) {
      throw new UserInputError(`Dataset name "${input.name}" must have 1 to ${MAX_DATASET_NAME} characters.`, {
        name: input.name,
      });
    }
    const country = input.country === null || input.country === undefined ? null : normalizeCountry(input.country);
    const unit = input.unit === null || input.unit === undefined ? undefined : normalizeDatasetUnit(input.unit);
    return this.datasets.create(tenantId, {
      name,
      frequency: input.frequency ?? undefined,
      country,
      unit,
      allowNegative: input.allowNegative === true,
    });
  }

  /**
   * Sets the dataset's holiday calendar (ISO 3166 country or region; null: none, the Western
   * retail calendar). An unknown country is BAD_USER_INPUT and changes nothing. Models keep the
   * calendar they were trained with until the next run.
   */
  async setCountry(tenantId: number, id: string, country: string | null | undefined): Promise<DatasetRecord> {
    const dataset = await this.require(tenantId, id);
    const code = country === null || country === undefined ? null : normalizeCountry(country);
    return this.datasets.setCountry(tenantId, dataset.id, code);
  }

  /** `importObservations`: CSV text or rows (exactly one), through the one import path. */
  async importObservations(
    tenantId: number,
    datasetId: string,
    input: ObservationsInput,
  ): Promise<{ rowsImported: number; seriesCount: number; dataset: DatasetRecord }> {
    const hasCsv = input.csv !== null && input.csv !== undefined;
    const hasRows = input.rows !== null && input.rows !== undefined;
    if (hasCsv === hasRows) {
      throw new UserInputError(
        hasCsv
          ? 'Give either `csv` (CSV text) or `rows` (a list of observations) to importObservations, not both.'
          : 'importObservations needs the observations: give `csv` (long-format CSV text) or `rows` (a list of {seriesId, date, value, covariates, attributes}).',
        { argument: hasCsv ? 'rows' : 'csv' },
      );
    }
    if (hasRows && input.attributes) {
      throw new UserInputError(
        '`attributes` is for CSV text: in `rows`, give text attributes under `attributes` and numbers under `covariates`.',
        { argument: 'attributes' },
      );
    }
    const options: ImportOptions = {
      ...(input.country === null || input.country === undefined ? {} : { country: input.country }),
      ...(input.frequency ? { frequency: input.frequency } : {}),
      ...(input.attributes ? { attributes: input.attributes.map((a) => a.trim()).filter((a) => a !== '') } : {}),
      ...(input.allowNegative ? { allowNegativeValues: true } : {}),
      ...(input.unit === null || input.unit === undefined ? {} : { unit: normalizeDatasetUnit(input.unit) }),
    };
    if (hasCsv) return this.importCsv(tenantId, datasetId, input.csv!, options);
    const rows = input.rows!;
    const dataset = await this.require(tenantId, datasetId);
    if (rows.length > MAX_IMPORT_ROWS) {
      throw new UserInputError(
        `${rows.length} rows are above the ${MAX_IMPORT_ROWS}-row limit of importObservations; send them in several calls (each is one transaction) or import a file with \`forecastql import FILE.csv --dataset "${dataset.name}"\`.`,
        { argument: 'rows' },
      );
    }
    const result = await this.importer.importRows(tenantId, dataset.id, rows, options);
    const after = (await this.datasets.get(tenantId, dataset.id)) ?? dataset;
    await this.announce(tenantId, dataset, after);
    return { rowsImported: result.rowsImported, seriesCount: after.seriesCount, dataset: after };
  }

  async importCsv(
    tenantId: number,
    datasetId: string,
    csv: string,
    options: ImportOptions = {},
  ): Promise<{ rowsImported: number; seriesCount: number; dataset: DatasetRecord }> {
    const dataset = await this.require(tenantId, datasetId);
    const bytes = Buffer.byteLength(csv);
    if (bytes > MAX_IMPORT_CSV_BYTES) {
      throw new UserInputError(
        `The CSV text is ${bytes} bytes, above the ${MAX_IMPORT_CSV_BYTES}-byte limit of importObservations; import big files with \`forecastql import FILE.csv --dataset "${dataset.name}"\`.`,
      );
    }
    const result = await this.importer.importCsv(tenantId, dataset.id, csv, options);
    const after = (await this.datasets.get(tenantId, dataset.id)) ?? dataset;
    await this.announce(tenantId, dataset, after);
    return { rowsImported: result.rowsImported, seriesCount: after.seriesCount, dataset: after };
  }

  async delete(tenantId: number, id: string): Promise<string> {
    const dataset = await this.require(tenantId, id);
    await this.datasets.delete(tenantId, dataset.id);
    return id;
  }
}
