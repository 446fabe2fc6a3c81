/**
 * Binds the service ports to the data layer: datasets and series repositories, the CSV importer
 * and the tenant lookup.
 */
import type { Knex } from 'knex';
import { UserInputError, DomainError, ErrorCode } from '../errors/index.js';
import { parseJsonColumn, toDate } from '../db/values.js';
import type { DatasetRow, SeriesRow, TimestampValue } from '../db/tables.js';
import type { Frequency } from '../forecasting/types.js';
import type { CsvImporter, DatasetRecord, DatasetStore, SeriesRecord, SeriesStore } from './ports.js';

export interface DataPorts {
  readonly datasets: DatasetStore;
  readonly series: SeriesStore;
  readonly importer: CsvImporter;
  readonly tenantOf: (headers: Readonly<Record<string, string | string[] | undefined>>) => Promise<number>;
}

function toDataset(row: DatasetRow): DatasetRecord {
  return {
    id: Number(row.id),
    tenantId: Number(row.tenant_id),
    name: row.name,
    frequency: row.frequency as Frequency,
    covariates: parseJsonColumn<{ name: string; knownInAdvance: boolean }[]>(row.covariates, []),
    attributes: parseJsonColumn<string[]>(row.attributes, []),
    seriesCount: Number(row.series_count),
    rowCount: Number(row.row_count),
    firstDate: row.first_date,
    lastDate: row.last_date,
    createdAt: toDate(row.created_at as TimestampValue),
  };
}

function toSeries(row: SeriesRow): SeriesRecord {
  return {
    id: Number(row.id),
    datasetId: Number(row.dataset_id),
    key: row.key,
    attributes: parseJsonColumn<Record<string, string>>(row.attributes, {}),
    firstDate: row.first_date,
    lastDate: row.last_date,
    valueCount: Number(row.value_count),
  };
}

export function createDataPorts(knex: Knex): DataPorts {
  let defaultTenant: Promise<number> | undefined;
  const datasets: DatasetStore = {
    async get(tenantId, id) {
      const row = await knex<DatasetRow>('datasets').where({ tenant_id: tenantId, id }).first();
      return row ? toDataset(row) : undefined;
    },
    async getMany(tenantId, ids) {
      if (ids.length === 0) return [];
      const rows = await knex<DatasetRow>('datasets')
        .where({ tenant_id: tenantId })
        .whereIn('id', [...ids]);
      return rows.map(toDataset);
    },
    async list(tenantId, page, search) {
      const q = knex<DatasetRow>('datasets').where({ tenant_id: tenantId });
      if (search) q.andWhereRaw('lower(name) like ?', [`%${search.toLowerCase()}%`]);
      const [count] = (await q.clone().count({ n: '*' })) as Array<{ n: number | string }>;
      const rows = (await q.orderBy('name').offset(page.offset).limit(page.limit)) as DatasetRow[];
      return { items: rows.map(toDataset), totalCount: Number(count?.n ?? 0) };
    },
    async create(tenantId, input) {
      const existing = await knex<DatasetRow>('datasets').where({ tenant_id: tenantId, name: input.name }).first();
      if (existing)
        throw new UserInputError(
          `A dataset named "${input.name}" exists already; pick another name or import into it.`,
        );
      const [inserted] = (await knex('datasets')
        .insert({ tenant_id: tenantId, name: input.name, frequency: input.frequency ?? 'D' })
        .returning('id')) as Array<{ id: number } | number>;
      const id = typeof inserted === 'object' ? inserted.id : Number(inserted);
      const created = await datasets.get(tenantId, id);
      if (!created) throw new Error('dataset vanished after insert');
      return created;
    },
    async delete(tenantId, id) {
      return (await knex('datasets').where({ tenant_id: tenantId, id }).delete()) > 0;
    },
  };
  const series: SeriesStore = {
    async list(tenantId, datasetId, filter, page) {
      const q = knex<SeriesRow>('series as s').where('s.tenant_id', tenantId).andWhere('s.dataset_id', datasetId);
      if (filter.search) {
        const like = `%${filter.search.toLowerCase()}%`;
        q.andWhere((w) =>
          w
            .whereRaw('lower(s.key) like ?', [like])
            .orWhereExists(
              knex('series_attributes as sa')
                .select(knex.raw('1'))
                .whereRaw('sa.series_id = s.id')
                .andWhereRaw('lower(sa.value) like ?', [like]),
            ),
        );
      }
      for (const a of filter.attributes ?? []) {
        q.whereExists(
          knex('series_attributes as sa')
            .select(knex.raw('1'))
            .whereRaw('sa.series_id = s.id')
            .andWhere('sa.name', a.name)
            .andWhere('sa.value', a.value),
        );
      }
      const [count] = (await q.clone().count({ n: '*' })) as Array<{ n: number | string }>;
      const rows = (await q.select('s.*').orderBy('s.key').offset(page.offset).limit(page.limit)) as SeriesRow[];
      return { items: rows.map(toSeries), totalCount: Number(count?.n ?? 0) };
    },
    async getByKey(tenantId, datasetId, key) {
      const row = await knex<SeriesRow>('series').where({ tenant_id: tenantId, dataset_id: datasetId, key }).first();
      return row ? toSeries(row) : undefined;
    },
  };
  const importer: CsvImporter = {
    async importCsv() {
      throw new DomainError(ErrorCode.INTERNAL_SERVER_ERROR, 'importObservations is not wired to the importer yet.');
    },
  };
  return {
    datasets,
    series,
    importer,
    tenantOf: () => {
      defaultTenant ??= knex('tenants')
        .where({ slug: 'default' })
        .first('id')
        .then((row: { id: number } | undefined) => {
          if (!row) throw new Error('the default tenant is missing: run `forecastql migrate`');
          return Number(row.id);
        });
      return defaultTenant;
    },
  };
}
