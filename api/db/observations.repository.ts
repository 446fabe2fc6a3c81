/**
 * Observations (`observations`): a series' history by date, a dataset's whole history streamed
 * in (series, date) order for training, and the engine's `RawSeries[]` view of a dataset. Every
 * method takes the tenant id and joins through `series` on it.
 */
import type { Knex } from 'knex';
import type { RawSeries } from '../forecasting/types.js';
import type { DatasetCovariateInfo } from './datasets.repository.js';
import { parseJsonColumn } from './values.js';

export interface ObservationRecord {
  readonly seriesId: number;
  readonly date: string;
  /** null = unknown. */
  readonly value: number | null;
  /** Known covariates by name. */
  readonly covariates: Readonly<Record<string, number>>;
}

export interface DateRange {
  /** Inclusive ISO dates; either may be omitted. */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

export interface ObservationsRepository {
  /** One series' rows ordered by date. */
  history(tenantId: number, seriesId: number, range?: DateRange): Promise<ObservationRecord[]>;
  /**
   * A dataset's rows ordered by series id then date, in batches of about `batchSize`, read by
   * keyset pagination (constant memory, no long-lived cursor).
   */
  streamDatasetHistory(
    tenantId: number,
    datasetId: number,
    batchSize?: number,
  ): AsyncGenerator<ObservationRecord[], void, undefined>;
  /** The dataset as the engine's input: one RawSeries per series (ordered by key), dates ascending. */
  loadRawSeries(tenantId: number, datasetId: number): Promise<RawSeries[]>;
}

type Row = { series_id: number; date: string; value: number | null; covariates: string | null };

function toRecord(r: Row): ObservationRecord {
  return {
    seriesId: Number(r.series_id),
    date: String(r.date),
    value: r.value === null ? null : Number(r.value),
    covariates: parseJsonColumn<Record<string, number>>(r.covariates, {}),
  };
}

export function createObservationsRepository(knex: Knex): ObservationsRepository {
  const repo: ObservationsRepository = {
    async history(tenantId, seriesId, range = {}) {
      const q = knex('observations')
        .where({ tenant_id: tenantId, series_id: seriesId })
        .orderBy('date')
        .select('series_id', 'date', 'value', 'covariates');
      if (range.from) q.andWhere('date', '>=', range.from);
      if (range.to) q.andWhere('date', '<=', range.to);
      return ((await q) as Row[]).map(toRecord);
    },

    async *streamDatasetHistory(tenantId, datasetId, batchSize = 50_000) {
      // Series in id order, grouped so that each query returns about `batchSize` rows (from the
      // row counts the importer keeps); a query reads whole series by primary-key range.
      const series = (await knex('series')
        .where({ tenant_id: tenantId, dataset_id: datasetId })
        .orderBy('id')
        .select('id', 'row_count')) as Array<{ id: number; row_count: number }>;
      let group: number[] = [];
      let rowsInGroup = 0;
      const read = async (ids: number[]): Promise<ObservationRecord[]> =>
        (
          (await knex('observations')
            .where({ tenant_id: tenantId })
            .whereIn('series_id', ids)
            .orderBy([{ column: 'series_id' }, { column: 'date' }])
            .select('series_id', 'date', 'value', 'covariates')) as Row[]
        ).map(toRecord);
      for (const s of series) {
        const n = Number(s.row_count);
        if (group.length > 0 && (rowsInGroup + n > batchSize || group.length >= 500)) {
          const rows = await read(group);
          if (rows.length > 0) yield rows;
          group = [];
          rowsInGroup = 0;
        }
        group.push(Number(s.id));
        rowsInGroup += n;
      }
      if (group.length > 0) {
        const rows = await read(group);
        if (rows.length > 0) yield rows;
      }
    },

    async loadRawSeries(tenantId, datasetId) {
      const dataset = (await knex('datasets').where({ tenant_id: tenantId, id: datasetId }).first('covariates')) as
        { covariates: string } | undefined;
      if (!dataset) return [];
      const covariateNames = parseJsonColumn<DatasetCovariateInfo[]>(dataset.covariates, []).map((c) => c.name);
      const series = (await knex('series')
        .where({ tenant_id: tenantId, dataset_id: datasetId })
        .orderBy('id')
        .select('id', 'key', 'attributes')) as Array<{ id: number; key: string; attributes: string }>;
      type Building = { dates: string[]; values: (number | null)[]; covariates: (number | null)[][] };
      const building = new Map<number, Building>(
        series.map((s) => [Number(s.id), { dates: [], values: [], covariates: covariateNames.map(() => []) }]),
      );
      for await (const batch of repo.streamDatasetHistory(tenantId, datasetId)) {
        for (const o of batch) {
          const b = building.get(o.seriesId);
          if (!b) continue;
          b.dates.push(o.date);
          b.values.push(o.value);
          covariateNames.forEach((name, k) => b.covariates[k]!.push(o.covariates[name] ?? null));
        }
      }
      return series
        .map((s): RawSeries => {
          const b = building.get(Number(s.id))!;
          return {
            id: s.key,
            statics: parseJsonColumn<Record<string, string>>(s.attributes, {}),
            dates: b.dates,
            values: b.values,
            covariates: Object.fromEntries(covariateNames.map((name, k) => [name, b.covariates[k]!])),
          };
        })
        .toSorted((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
  };
  return repo;
}
