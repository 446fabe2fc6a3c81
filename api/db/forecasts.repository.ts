/**
 * Stored forecasts (`forecasts`): one row per run, series and date, p10/p50/p90 as columns and any
 * other quantile level in `quantiles` (JSON text). The knex adapter of the forecast read model's
 * ports (api/app/forecasts/ports.ts): the stored points, the actuals beside them and the series a
 * selection covers. A plain store: no state, no cache (the read model, api/app/forecasts/
 * read-model.ts, owns those). Every call takes the tenant. Forecast reads are SQL reads of stored
 * rows, never model calls (ARCHITECTURE §7).
 */
import type { Knex } from 'knex';
import type { ForecastReadPorts } from '../app/forecasts/ports.js';
import type {
  ActualRecord,
  DateRange,
  DistributionModel,
  ForecastRecord,
  ForecastRowInput,
  SelectedSeries,
  SeriesSelection,
} from '../app/ports.js';
import { placeholders, readAll } from './sql-read.js';

export type { ActualRecord, DateRange, ForecastRecord, ForecastRowInput, SelectedSeries, SeriesSelection };
/** The knex adapter of the read model's ports (stored points, actuals, series). */
export type ForecastsRepository = ForecastReadPorts;

type Row = Record<string, unknown>;

const STANDARD_LEVELS = [
  [0.1, 'p10'],
  [0.5, 'p50'],
  [0.9, 'p90'],
] as const;

function toForecastRecord(row: Row): ForecastRecord {
  const pairs: Array<[number, number]> = [];
  for (const [level, column] of STANDARD_LEVELS) {
    const v = row[column];
    if (v !== null && v !== undefined) pairs.push([level, Number(v)]);
  }
  const extra = row['quantiles'];
  if (typeof extra === 'string' && extra !== '') {
    for (const [k, v] of Object.entries(JSON.parse(extra) as Record<string, number>))
      pairs.push([Number(k), Number(v)]);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  return {
    seriesId: Number(row['series_id']),
    date: String(row['date']),
    levels: pairs.map((p) => p[0]),
    values: pairs.map((p) => p[1]),
    mean: row['mean'] === null || row['mean'] === undefined ? null : Number(row['mean']),
  };
}

function toRow(tenantId: number, runId: number, f: ForecastRowInput): Row {
  const extra: Record<string, number> = {};
  let p10: number | null = null;
  let p50: number | null = null;
  let p90: number | null = null;
  for (const [level, value] of f.values) {
    if (level === 0.1) p10 = value;
    else if (level === 0.5) p50 = value;
    else if (level === 0.9) p90 = value;
    else extra[String(level)] = value;
  }
  if (p50 === null) throw new Error(`forecast of series ${f.seriesId} on ${f.date} lacks the median`);
  return {
    tenant_id: tenantId,
    run_id: runId,
    series_id: f.seriesId,
    date: f.date,
    p10,
    p50,
    p90,
    quantiles: Object.keys(extra).length > 0 ? JSON.stringify(extra) : null,
    mean: f.mean !== undefined && Number.isFinite(f.mean) ? f.mean : null,
  };
}

function applyRange(q: Knex.QueryBuilder, column: string, range: DateRange): void {
  if (range.from) q.andWhere(column, '>=', range.from);
  if (range.to) q.andWhere(column, '<=', range.to);
}

/** Restricts a query on `series as s` to a selection. */
function applySelection(knex: Knex, q: Knex.QueryBuilder, tenantId: number, sel: SeriesSelection): void {
  q.where('s.tenant_id', tenantId).andWhere('s.dataset_id', sel.datasetId);
  if (sel.seriesKey !== undefined) q.andWhere('s.key', sel.seriesKey);
  for (const a of sel.attributes ?? []) {
    q.whereExists(
      knex('series_attributes as sa')
        .select(knex.raw('1'))
        .whereRaw('sa.series_id = s.id')
        .andWhere('sa.name', a.name)
        .andWhere('sa.value', a.value),
    );
  }
}

function parseAttributes(value: unknown): Record<string, string> {
  if (typeof value !== 'string' || value === '') return {};
  try {
    return JSON.parse(value) as Record<string, string>;
  } catch {
    return {};
  }
}

/**
 * Rows per multi-row INSERT: on PostgreSQL 4,000 rows × 9 parameters stay under its 65,535
 * parameters; knex writes SQLite's multi-row insert as a compound SELECT, capped at 500 terms.
 */
const CHUNK_PG = 4000;
const CHUNK_SQLITE = 400;
/** PostgreSQL and SQLite both cap bound parameters; big id lists go in chunks. */
const ID_CHUNK = 500;

function toActualRecord(r: Row): ActualRecord {
  return {
    seriesId: Number(r['series_id']),
    date: String(r['date']),
    value: r['value'] === null ? null : Number(r['value']),
  };
}

async function inChunks<T>(ids: readonly number[], run: (chunk: number[]) => Promise<T[]>): Promise<T[]> {
  if (ids.length <= ID_CHUNK) return ids.length === 0 ? [] : run([...ids]);
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += ID_CHUNK) out.push(...(await run(ids.slice(i, i + ID_CHUNK))));
  return out;
}

export function createForecastsRepository(knex: Knex): ForecastsRepository {
  const repo: ForecastsRepository = {
    async insertMany(tenantId, runId, rows) {
      const chunk =
        (knex.client as { config?: { client?: unknown } }).config?.client === 'pg' ? CHUNK_PG : CHUNK_SQLITE;
      for (let i = 0; i < rows.length; i += chunk) {
        await knex('forecasts').insert(rows.slice(i, i + chunk).map((r) => toRow(tenantId, runId, r)));
      }
    },

    async saveDistribution(tenantId, runId, distribution) {
      await knex('training_runs')
        .where({ tenant_id: tenantId, id: runId })
        .update({ forecast_distribution: JSON.stringify(distribution) });
    },

    async distributionOf(tenantId, runId) {
      const [row] = await readAll(
        knex,
        'select forecast_distribution from training_runs where tenant_id = ? and id = ?',
        [tenantId, runId],
      );
      const text = row?.['forecast_distribution'];
      return typeof text === 'string' && text !== '' ? (JSON.parse(text) as DistributionModel) : undefined;
    },

    async seriesIdsByKey(tenantId, datasetId) {
      const rows = (await knex('series')
        .where({ tenant_id: tenantId, dataset_id: datasetId })
        .select('id', 'key')) as Row[];
      return new Map(rows.map((r) => [String(r['key']), Number(r['id'])]));
    },

    async selectSeries(tenantId, selection) {
      const q = knex('series as s').select('s.id', 's.key', 's.attributes');
      applySelection(knex, q, tenantId, selection);
      const rows = (await q.orderBy('s.key')) as Row[];
      return rows.map((r) => ({
        id: Number(r['id']),
        key: String(r['key']),
        attributes: parseAttributes(r['attributes']),
      }));
    },

    async forSeries(tenantId, runId, seriesIds, range) {
      return inChunks(seriesIds, async (chunk) => {
        const q = knex('forecasts').where({ tenant_id: tenantId, run_id: runId }).whereIn('series_id', chunk);
        applyRange(q, 'date', range);
        const rows = (await q.orderBy([{ column: 'series_id' }, { column: 'date' }])) as Row[];
        return rows.map(toForecastRecord);
      });
    },

    async seriesIdByKey(tenantId, datasetId, key) {
      const [row] = await readAll(knex, 'select id from series where tenant_id = ? and dataset_id = ? and key = ?', [
        tenantId,
        datasetId,
        key,
      ]);
      return row ? Number(row['id']) : undefined;
    },

    async forSelection(tenantId, runId, selection, range) {
      const q = knex('forecasts as f')
        .join('series as s', 's.id', 'f.series_id')
        .select('f.series_id', 'f.date', 'f.p10', 'f.p50', 'f.p90', 'f.quantiles', 'f.mean')
        .where('f.tenant_id', tenantId)
        .andWhere('f.run_id', runId);
      applySelection(knex, q, tenantId, selection);
      applyRange(q, 'f.date', range);
      const rows = (await q.orderBy([{ column: 'f.series_id' }, { column: 'f.date' }])) as Row[];
      return rows.map(toForecastRecord);
    },

    async actualsForSeries(tenantId, seriesIds, range) {
      // Raw SQL with a reused prepared statement: this runs on every forecast request.
      return inChunks(seriesIds, async (chunk) => {
        const bindings: Array<string | number> = [tenantId, ...chunk];
        let sql = `select series_id, date, value from observations where tenant_id = ? and series_id in (${placeholders(chunk.length)})`;
        if (range.from) {
          sql += ' and date >= ?';
          bindings.push(range.from);
        }
        if (range.to) {
          sql += ' and date <= ?';
          bindings.push(range.to);
        }
        const rows = await readAll(knex, `${sql} order by series_id, date`, bindings);
        return rows.map(toActualRecord);
      });
    },

    async actualsForSelection(tenantId, selection, range) {
      const q = knex('observations as o')
        .join('series as s', 's.id', 'o.series_id')
        .select('o.series_id', 'o.date', 'o.value')
        .where('o.tenant_id', tenantId);
      applySelection(knex, q, tenantId, selection);
      applyRange(q, 'o.date', range);
      const rows = (await q.orderBy([{ column: 'o.series_id' }, { column: 'o.date' }])) as Row[];
      return rows.map((r) => ({
        seriesId: Number(r['series_id']),
        date: String(r['date']),
        value: r['value'] === null ? null : Number(r['value']),
      }));
    },

    async dateSpan(tenantId, runId) {
      const row = (await knex('forecasts')
        .where({ tenant_id: tenantId, run_id: runId })
        .min({ first: 'date' })
        .max({ last: 'date' })
        .first()) as Row | undefined;
      if (!row || row['first'] === null || row['first'] === undefined) return undefined;
      return { first: String(row['first']), last: String(row['last']) };
    },

    async tablePage(tenantId, runId, selection, range, page) {
      const base = knex('forecasts as f')
        .join('series as s', 's.id', 'f.series_id')
        .where('f.tenant_id', tenantId)
        .andWhere('f.run_id', runId);
      applySelection(knex, base, tenantId, selection);
      applyRange(base, 'f.date', range);
      const [count] = (await base.clone().count({ n: '*' })) as Array<{ n: number | string }>;
      const rows = (await base
        .select('f.series_id', 'f.date', 'f.p10', 'f.p50', 'f.p90', 'f.quantiles', 'f.mean', 's.key', 's.attributes')
        .orderBy([{ column: 's.key' }, { column: 'f.date' }])
        .offset(page.offset)
        .limit(page.limit)) as Row[];
      return {
        totalCount: Number(count?.n ?? 0),
        items: rows.map((r) => ({
          ...toForecastRecord(r),
          seriesKey: String(r['key']),
          attributes: parseAttributes(r['attributes']),
        })),
      };
    },
  };
  return repo;
}
