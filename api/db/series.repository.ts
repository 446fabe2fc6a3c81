/**
 * Series of a dataset (`series`, `series_attributes`), filtered by tenant in every method.
 */
import type { Knex } from 'knex';
import type { PageSlice } from './datasets.repository.js';
import type { SeriesRow } from './tables.js';
import { escapeLike, parseJsonColumn } from './values.js';

export interface SeriesRecord {
  readonly id: number;
  readonly datasetId: number;
  /** The CSV's series_id. */
  readonly key: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** First and last date with a known value. */
  readonly firstDate: string | null;
  readonly lastDate: string | null;
  /** Last row's date, future rows with known-in-advance covariates included. */
  readonly endDate: string | null;
  readonly valueCount: number;
  readonly rowCount: number;
}

export interface SeriesFilter {
  /** Case-insensitive substring of the series id or of any attribute value. */
  readonly search?: string | undefined;
  /** Every pair must match. */
  readonly attributes?: readonly { readonly name: string; readonly value: string }[];
}

export interface SeriesRepository {
  list(
    tenantId: number,
    datasetId: number,
    filter: SeriesFilter,
    page: PageSlice,
  ): Promise<{ items: SeriesRecord[]; totalCount: number }>;
  getById(tenantId: number, id: number): Promise<SeriesRecord | undefined>;
  getMany(tenantId: number, ids: readonly number[]): Promise<SeriesRecord[]>;
  getByKey(tenantId: number, datasetId: number, key: string): Promise<SeriesRecord | undefined>;
  /** Distinct values of an attribute in a dataset with their series counts, for grouping. */
  attributeValues(
    tenantId: number,
    datasetId: number,
    name: string,
  ): Promise<Array<{ value: string; seriesCount: number }>>;
  /** Ids of the series whose attribute `name` equals `value`. */
  idsByAttribute(tenantId: number, datasetId: number, name: string, value: string): Promise<number[]>;
}

export function toSeriesRecord(row: SeriesRow): SeriesRecord {
  return {
    id: Number(row.id),
    datasetId: Number(row.dataset_id),
    key: row.key,
    attributes: parseJsonColumn<Record<string, string>>(row.attributes, {}),
    firstDate: row.first_date ?? null,
    lastDate: row.last_date ?? null,
    endDate: row.end_date ?? null,
    valueCount: Number(row.value_count),
    rowCount: Number(row.row_count),
  };
}

export function createSeriesRepository(knex: Knex): SeriesRepository {
  return {
    async list(tenantId, datasetId, filter, page) {
      const q = knex<SeriesRow>('series as s').where('s.tenant_id', tenantId).andWhere('s.dataset_id', datasetId);
      if (filter.search) {
        const like = `%${escapeLike(filter.search.toLowerCase())}%`;
        q.andWhere((w) =>
          w
            .whereRaw(`lower(s.key) like ? escape '\\'`, [like])
            .orWhereExists(
              knex('series_attributes as sa')
                .select(knex.raw('1'))
                .whereRaw('sa.series_id = s.id')
                .andWhere('sa.tenant_id', tenantId)
                .andWhereRaw(`lower(sa.value) like ? escape '\\'`, [like]),
            ),
        );
      }
      for (const a of filter.attributes ?? []) {
        q.whereExists(
          knex('series_attributes as sa')
            .select(knex.raw('1'))
            .whereRaw('sa.series_id = s.id')
            .andWhere('sa.tenant_id', tenantId)
            .andWhere('sa.name', a.name)
            .andWhere('sa.value', a.value),
        );
      }
      const [count] = (await q.clone().count({ n: '*' })) as Array<{ n: number | string }>;
      const rows = (await q.select('s.*').orderBy('s.key').offset(page.offset).limit(page.limit)) as SeriesRow[];
      return { items: rows.map(toSeriesRecord), totalCount: Number(count?.n ?? 0) };
    },
    async getById(tenantId, id) {
      const row = (await knex<SeriesRow>('series').where({ tenant_id: tenantId, id }).first()) as SeriesRow | undefined;
      return row ? toSeriesRecord(row) : undefined;
    },
    async getMany(tenantId, ids) {
      if (ids.length === 0) return [];
      const rows = (await knex<SeriesRow>('series')
        .where({ tenant_id: tenantId })
        .whereIn('id', [...ids])) as SeriesRow[];
      return rows.map(toSeriesRecord);
    },
    async getByKey(tenantId, datasetId, key) {
      const row = (await knex<SeriesRow>('series')
        .where({ tenant_id: tenantId, dataset_id: datasetId, key })
        .first()) as SeriesRow | undefined;
      return row ? toSeriesRecord(row) : undefined;
    },
    async attributeValues(tenantId, datasetId, name) {
      const rows = (await knex('series_attributes')
        .where({ tenant_id: tenantId, dataset_id: datasetId, name })
        .groupBy('value')
        .orderBy('value')
        .select('value', knex.raw('count(*) as n'))) as Array<{ value: string; n: number | string }>;
      return rows.map((r) => ({ value: r.value, seriesCount: Number(r.n) }));
    },
    async idsByAttribute(tenantId, datasetId, name, value) {
      const rows = (await knex('series_attributes')
        .where({ tenant_id: tenantId, dataset_id: datasetId, name, value })
        .orderBy('series_id')
        .select('series_id')) as Array<{ series_id: number }>;
      return rows.map((r) => Number(r.series_id));
    },
  };
}
