/**
 * Observations (`observations`): a series' history by date, a dataset's whole history streamed
 * in (series, date) order for training, and the engine's `RawSeries[]` view of a dataset. Every
 * method takes the tenant id and joins through `series` on it.
 */
import type { Knex } from 'knex';
import type { Readable } from 'node:stream';
import { to as copyTo } from 'pg-copy-streams';
import type { RawSeries } from '../app/ports.js';
import type { DatasetCovariateInfo } from './datasets.repository.js';
import { isSqliteKnex } from './bulk-import.repository.js';
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
  /** Known values of one covariate (e.g. `price`) for many series in a date range, in no set order. */
  covariateValues(
    tenantId: number,
    seriesIds: readonly number[],
    name: string,
    range?: DateRange,
  ): Promise<Array<{ seriesId: number; date: string; value: number }>>;
  /**
   * A dataset's rows ordered by series id then date, in batches of about `batchSize`, read by
   * keyset pagination (constant memory, no long-lived cursor).
   */
  streamDatasetHistory(
    tenantId: number,
    datasetId: number,
    batchSize?: number,
  ): AsyncGenerator<ObservationRecord[], void, undefined>;
  /**
   * The dataset as the engine's input, in batches of whole series (series in id order, each
   * series' dates ascending; a series without rows comes with empty arrays): the rows of one batch
   * (about `batchSize`) are all that is held at a time. `covariateNames`: the dataset's.
   */
  streamRawSeries(
    tenantId: number,
    datasetId: number,
    batchSize?: number,
  ): AsyncGenerator<RawSeries[], void, undefined>;
  /** The dataset's covariate names, in the dataset's order ([] when there is no such dataset). */
  covariateNames(tenantId: number, datasetId: number): Promise<string[]>;
  /** The dataset as the engine's input: one RawSeries per series (ordered by key), dates ascending. */
  loadRawSeries(tenantId: number, datasetId: number): Promise<RawSeries[]>;
}

type Building = { dates: string[]; values: (number | null)[]; covariates: (number | null)[][] };

/** A whole number for SQL text (COPY takes no parameters). */
function integer(n: number): string {
  if (!Number.isSafeInteger(Number(n))) throw new Error(`not an integer id: ${n}`);
  return String(Number(n));
}

/** A field of COPY's text format: `\\N` is null; backslash escapes undone. */
function copyField(raw: string): string | null {
  if (raw === '\\N') return null;
  if (!raw.includes('\\')) return raw;
  const map: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
  return raw.replace(/\\(.)/g, (_, c: string) => map[c] ?? c);
}

/** The whole output of a `COPY … TO STDOUT` as text, on a connection of the pool. */
async function copyOut(knex: Knex, sql: string): Promise<string> {
  const conn = (await knex.client.acquireConnection()) as { query(q: unknown): Readable };
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of conn.query(copyTo(sql))) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    await knex.client.releaseConnection(conn);
  }
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

    async covariateValues(tenantId, seriesIds, name, range = {}) {
      const out: Array<{ seriesId: number; date: string; value: number }> = [];
      // Chunks keep every statement under the dialects' bound-parameter limits.
      for (let i = 0; i < seriesIds.length; i += 500) {
        const q = knex('observations')
          .where({ tenant_id: tenantId })
          .whereIn('series_id', seriesIds.slice(i, i + 500))
          .whereNotNull('covariates')
          .select('series_id', 'date', 'covariates');
        if (range.from) q.andWhere('date', '>=', range.from);
        if (range.to) q.andWhere('date', '<=', range.to);
        for (const r of (await q) as Array<Omit<Row, 'value'>>) {
          const value = parseJsonColumn<Record<string, unknown>>(r.covariates, {})[name];
          if (typeof value === 'number' && Number.isFinite(value)) {
            out.push({ seriesId: Number(r.series_id), date: String(r.date), value });
          }
        }
      }
      return out;
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

    async covariateNames(tenantId, datasetId) {
      const dataset = (await knex('datasets').where({ tenant_id: tenantId, id: datasetId }).first('covariates')) as
        { covariates: string } | undefined;
      return dataset ? parseJsonColumn<DatasetCovariateInfo[]>(dataset.covariates, []).map((c) => c.name) : [];
    },

    async *streamRawSeries(tenantId, datasetId, batchSize = 50_000) {
      const covariateNames = await repo.covariateNames(tenantId, datasetId);
      const postgres = !isSqliteKnex(knex);
      const series = (await knex('series')
        .where({ tenant_id: tenantId, dataset_id: datasetId })
        .orderBy('id')
        .select('id', 'key', 'attributes', 'row_count')) as Array<{
        id: number;
        key: string;
        attributes: string;
        row_count: number;
      }>;
      // Whole series per query, about `batchSize` rows each, by primary key (as streamDatasetHistory).
      const read = async (group: typeof series): Promise<RawSeries[]> => {
        const building = new Map<number, Building>(
          group.map((s) => [Number(s.id), { dates: [], values: [], covariates: covariateNames.map(() => []) }]),
        );
        const ids = group.map((s) => Number(s.id));
        if (postgres) {
          // COPY … TO STDOUT: the rows as tab-separated text, parsed here (a fraction of the pg
          // driver's cost of one object per row); the covariates' JSON parsed once per distinct
          // text (a series repeats the same few). Same values as the row path: float8 prints as
          // its shortest round-trip text, so `Number` of it is the stored value.
          const text = await copyOut(
            knex,
            `COPY (SELECT series_id, date, value, covariates FROM observations WHERE tenant_id = ${integer(tenantId)}
               AND series_id IN (${ids.map(integer).join(',')}) ORDER BY series_id, date) TO STDOUT`,
          );
          const parsed = new Map<string, (number | null)[]>();
          const covariatesOf = (json: string | null): (number | null)[] => {
            if (json === null) return covariateNames.map(() => null);
            let c = parsed.get(json);
            if (!c) {
              const o = parseJsonColumn<Record<string, number>>(json, {});
              c = covariateNames.map((name) => o[name] ?? null);
              if (parsed.size > 100_000) parsed.clear();
              parsed.set(json, c);
            }
            return c;
          };
          let b: Building | undefined;
          let bId = Number.NaN;
          for (let at = 0; at < text.length;) {
            let end = text.indexOf('\n', at);
            if (end < 0) end = text.length;
            const t1 = text.indexOf('\t', at);
            const t2 = text.indexOf('\t', t1 + 1);
            const t3 = text.indexOf('\t', t2 + 1);
            const sid = Number(text.slice(at, t1));
            if (sid !== bId) {
              bId = sid;
              b = building.get(sid);
            }
            if (b) {
              b.dates.push(text.slice(t1 + 1, t2));
              const v = text.slice(t2 + 1, t3);
              b.values.push(v === '\\N' ? null : Number(v));
              const c = covariatesOf(copyField(text.slice(t3 + 1, end)));
              for (let k = 0; k < c.length; k++) b.covariates[k]!.push(c[k]!);
            }
            at = end + 1;
          }
        } else {
          const rows = (await knex('observations')
            .where({ tenant_id: tenantId })
            .whereIn('series_id', ids)
            .orderBy([{ column: 'series_id' }, { column: 'date' }])
            .select('series_id', 'date', 'value', 'covariates')) as Row[];
          for (const r of rows) {
            const b = building.get(Number(r.series_id));
            if (!b) continue;
            const o = toRecord(r);
            b.dates.push(o.date);
            b.values.push(o.value);
            for (let k = 0; k < covariateNames.length; k++)
              b.covariates[k]!.push(o.covariates[covariateNames[k]!] ?? null);
          }
        }
        return group.map((s): RawSeries => {
          const b = building.get(Number(s.id))!;
          return {
            id: s.key,
            statics: parseJsonColumn<Record<string, string>>(s.attributes, {}),
            dates: b.dates,
            values: b.values,
            covariates: Object.fromEntries(covariateNames.map((name, k) => [name, b.covariates[k]!])),
          };
        });
      };
      const groups: Array<typeof series> = [];
      let group: typeof series = [];
      let rowsInGroup = 0;
      for (const s of series) {
        const n = Number(s.row_count);
        if (group.length > 0 && (rowsInGroup + n > batchSize || group.length >= 500)) {
          groups.push(group);
          group = [];
          rowsInGroup = 0;
        }
        group.push(s);
        rowsInGroup += n;
      }
      if (group.length > 0) groups.push(group);
      // The next batch's query runs on the server while the caller works on this one.
      let next = groups.length > 0 ? read(groups[0]!) : undefined;
      for (let i = 0; i < groups.length; i++) {
        const current = await next!;
        next = i + 1 < groups.length ? read(groups[i + 1]!) : undefined;
        next?.catch(() => undefined); // a caller that stops early leaves no unhandled rejection
        yield current;
      }
    },

    async loadRawSeries(tenantId, datasetId) {
      const out: RawSeries[] = [];
      for await (const batch of repo.streamRawSeries(tenantId, datasetId)) out.push(...batch);
      return out.toSorted((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
  };
  return repo;
}
