/**
 * Datasets of a tenant (`datasets`). Every method takes the tenant id: a dataset of another
 * tenant is never found, listed or deleted.
 */
import type { Knex } from 'knex';
import { NotFoundError, UserInputError } from '../errors/index.js';
import type { DatasetUnit, Frequency } from '../app/ports.js';
import type { DatasetRow, TimestampValue } from './tables.js';
import { escapeLike, parseJsonColumn, toDate } from './values.js';
import { readAll } from './sql-read.js';

export interface DatasetCovariateInfo {
  readonly name: string;
  /** Given for future dates too (planned prices, promotions). */
  readonly knownInAdvance: boolean;
}

export interface DatasetRecord {
  readonly id: number;
  readonly tenantId: number;
  readonly name: string;
  readonly frequency: Frequency;
  readonly covariates: readonly DatasetCovariateInfo[];
  readonly attributes: readonly string[];
  readonly source: string;
  readonly seriesCount: number;
  readonly rowCount: number;
  readonly firstDate: string | null;
  readonly lastDate: string | null;
  /** Raised by every import that inserts or changes an observation: keys caches of actuals. */
  readonly dataVersion: number;
  /** ISO 3166 country or region of the holiday calendar (`CN`, `GB`, `DE-BY`); null: none chosen. */
  readonly country: string | null;
  /** What the values measure: UNITS (never forecast below 0) or MONEY. */
  readonly unit: DatasetUnit;
  /** Accepts negative values (returns, refunds); only a MONEY dataset gets negative forecasts. */
  readonly allowNegative: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface PageSlice {
  readonly offset: number;
  readonly limit: number;
}

export interface DatasetsRepository {
  get(tenantId: number, id: number): Promise<DatasetRecord | undefined>;
  /** Like `get`, but throws NotFoundError. */
  require(tenantId: number, id: number): Promise<DatasetRecord>;
  getByName(tenantId: number, name: string): Promise<DatasetRecord | undefined>;
  getMany(tenantId: number, ids: readonly number[]): Promise<DatasetRecord[]>;
  /**
   * Ordered by name; `search` is a case-insensitive substring of the name; `datasetIds` keeps only
   * those datasets (an embed token's scope).
   */
  list(
    tenantId: number,
    page: PageSlice,
    search?: string,
    datasetIds?: readonly number[],
  ): Promise<{ items: DatasetRecord[]; totalCount: number }>;
  /** Creates an empty dataset; the name must be free in the tenant (BAD_USER_INPUT otherwise). */
  create(
    tenantId: number,
    input: {
      name: string;
      frequency: Frequency | undefined;
      country?: string | null | undefined;
      unit?: DatasetUnit | undefined;
      allowNegative?: boolean | undefined;
    },
  ): Promise<DatasetRecord>;
  /** Sets (or, with null, clears) the holiday calendar's country: a normalised code (`normalizeCountry`). */
  setCountry(tenantId: number, id: number, country: string | null): Promise<DatasetRecord>;
  /** Deletes a dataset and everything under it (series, observations, runs, forecasts). */
  delete(tenantId: number, id: number): Promise<boolean>;
}

export function toDatasetRecord(row: DatasetRow): DatasetRecord {
  return {
    id: Number(row.id),
    tenantId: Number(row.tenant_id),
    name: row.name,
    frequency: row.frequency,
    covariates: parseJsonColumn<DatasetCovariateInfo[]>(row.covariates, []),
    attributes: parseJsonColumn<string[]>(row.attributes, []),
    source: row.source,
    seriesCount: Number(row.series_count),
    rowCount: Number(row.row_count),
    firstDate: row.first_date ?? null,
    lastDate: row.last_date ?? null,
    dataVersion: Number(row.data_version ?? 0),
    country: row.country ?? null,
    unit: row.unit === 'MONEY' ? 'MONEY' : 'UNITS',
    allowNegative: Boolean(row.allow_negative),
    createdAt: toDate(row.created_at as TimestampValue),
    updatedAt: toDate(row.updated_at as TimestampValue),
  };
}

export const MAX_DATASET_NAME_LENGTH = 200;

function checkName(name: string): string {
  const n = name.trim();
  if (n === '' || n.length > MAX_DATASET_NAME_LENGTH) {
    throw new UserInputError(
      `Dataset name "${name}" is not usable. Give 1 to ${MAX_DATASET_NAME_LENGTH} characters, e.g. "shop-daily".`,
    );
  }
  return n;
}

async function insertDataset(
  knex: Knex,
  tenantId: number,
  name: string,
  frequency: Frequency,
  country: string | null = null,
  kind: { unit?: DatasetUnit | undefined; allowNegative?: boolean | undefined } = {},
): Promise<number> {
  const now = new Date();
  const [row] = (await knex('datasets')
    .insert({
      tenant_id: tenantId,
      name,
      frequency,
      country,
      unit: kind.unit ?? 'UNITS',
      allow_negative: kind.allowNegative === true,
      created_at: now,
      updated_at: now,
    })
    .returning('id')) as Array<{ id: number } | number>;
  return typeof row === 'object' ? Number(row.id) : Number(row);
}

/**
 * The dataset an import writes into (inside the import's transaction): by id (must exist in the
 * tenant) or by name (created when missing, with `frequency` until the import sets the real one).
 */
export async function findDatasetForImport(
  trx: Knex.Transaction,
  tenantId: number,
  ref: { readonly name: string } | { readonly id: number },
  frequency: Frequency,
  country: string | null = null,
): Promise<{ dataset: DatasetRow; created: boolean }> {
  if ('id' in ref) {
    const row = (await trx<DatasetRow>('datasets').where({ tenant_id: tenantId, id: ref.id }).first()) as
      DatasetRow | undefined;
    if (!row) throw new NotFoundError('Dataset', String(ref.id));
    return { dataset: row, created: false };
  }
  const name = checkName(ref.name);
  const existing = (await trx<DatasetRow>('datasets').where({ tenant_id: tenantId, name }).first()) as
    DatasetRow | undefined;
  if (existing) return { dataset: existing, created: false };
  const id = await insertDataset(trx, tenantId, name, frequency, country);
  const row = (await trx<DatasetRow>('datasets').where({ tenant_id: tenantId, id }).first()) as DatasetRow;
  return { dataset: row, created: true };
}

/** The frequency of an existing dataset that holds rows, if any (read before an import starts). */
export async function findDatasetFrequency(
  knex: Knex,
  tenantId: number,
  ref: { readonly name: string } | { readonly id: number },
): Promise<Frequency | undefined> {
  const q = knex<DatasetRow>('datasets').where({ tenant_id: tenantId });
  if ('id' in ref) q.andWhere({ id: ref.id });
  else q.andWhere({ name: ref.name.trim() });
  const row = (await q.first('frequency', 'row_count')) as Pick<DatasetRow, 'frequency' | 'row_count'> | undefined;
  return row && Number(row.row_count) > 0 ? row.frequency : undefined;
}

export function createDatasetsRepository(knex: Knex): DatasetsRepository {
  const table = (): Knex.QueryBuilder<DatasetRow, DatasetRow[]> => knex<DatasetRow>('datasets');
  const repo: DatasetsRepository = {
    async get(tenantId, id) {
      // Raw SQL with a reused prepared statement: every dataset-scoped request reads it.
      const [row] = (await readAll(knex, 'select * from datasets where tenant_id = ? and id = ? limit 1', [
        tenantId,
        id,
      ])) as unknown as DatasetRow[];
      return row ? toDatasetRecord(row) : undefined;
    },
    async require(tenantId, id) {
      const d = await repo.get(tenantId, id);
      if (!d) throw new NotFoundError('Dataset', String(id));
      return d;
    },
    async getByName(tenantId, name) {
      const row = (await table().where({ tenant_id: tenantId, name: name.trim() }).first()) as DatasetRow | undefined;
      return row ? toDatasetRecord(row) : undefined;
    },
    async getMany(tenantId, ids) {
      if (ids.length === 0) return [];
      const rows = (await table()
        .where({ tenant_id: tenantId })
        .whereIn('id', [...ids])) as DatasetRow[];
      return rows.map(toDatasetRecord);
    },
    async list(tenantId, page, search, datasetIds) {
      const q = table().where({ tenant_id: tenantId });
      if (datasetIds) q.whereIn('id', [...datasetIds]);
      if (search) q.andWhereRaw(`lower(name) like ? escape '\\'`, [`%${escapeLike(search.toLowerCase())}%`]);
      const [count] = (await q.clone().count({ n: '*' })) as Array<{ n: number | string }>;
      const rows = (await q.orderBy('name').offset(page.offset).limit(page.limit)) as DatasetRow[];
      return { items: rows.map(toDatasetRecord), totalCount: Number(count?.n ?? 0) };
    },
    async create(tenantId, input) {
      const name = checkName(input.name);
      if (await repo.getByName(tenantId, name)) {
        throw new UserInputError(`A dataset named "${name}" exists already; pick another name or import into it.`);
      }
      const id = await insertDataset(knex, tenantId, name, input.frequency ?? 'D', input.country ?? null, {
        unit: input.unit,
        allowNegative: input.allowNegative,
      });
      return repo.require(tenantId, id);
    },
    async setCountry(tenantId, id, country) {
      const n = await table().where({ tenant_id: tenantId, id }).update({ country, updated_at: new Date() });
      if (n === 0) throw new NotFoundError('Dataset', String(id));
      return repo.require(tenantId, id);
    },
    async delete(tenantId, id) {
      return (await table().where({ tenant_id: tenantId, id }).delete()) > 0;
    },
  };
  return repo;
}
