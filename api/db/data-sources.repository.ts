/**
 * `data_sources` (the `DataSourceStore` port of api/app/sources): every query is scoped to a
 * tenant, so one tenant can never read or use another's source. Connections are stored by
 * reference (an environment variable's name or a file path), never a URL.
 */
import type { Knex } from 'knex';
import type {
  DataSourceRecord,
  DataSourceStore,
  LastSync,
  NewDataSource,
  SourceSchedule,
  SourceSettings,
  SyncProgress,
} from '../app/sources/ports.js';
import type { SeriesStatistics } from '../app/observations.js';
import { isSqliteKnex, writeSeriesStatistics } from './bulk-import.repository.js';
import { findDatasetForImport } from './datasets.repository.js';
import { hasRetrainPolicy, NO_SCHEDULE } from '../app/sources/schedule.js';
import type { TimestampValue } from './tables.js';
import { parseJsonColumn, toDate } from './values.js';

export interface DataSourceRow {
  id: number;
  tenant_id: number;
  name: string;
  kind: string;
  dataset_id: number;
  url_env: string | null;
  url_file: string | null;
  query: string | null;
  settings: string;
  schedule: string;
  watermark: number | string | null;
  last_sync: string | null;
  last_synced_at: TimestampValue | null;
  sync_progress: string | null;
  rows_since_retrain: number | string;
  retrained_at: TimestampValue | null;
  retrain_run_id: number | string | null;
  retrained_through: string | null;
  created_at: TimestampValue;
  updated_at: TimestampValue;
}

type StoredSettings = Omit<SourceSettings, 'kind' | 'connection' | 'query'>;

function toRecord(row: DataSourceRow): DataSourceRecord {
  const settings = parseJsonColumn<StoredSettings>(row.settings, {} as StoredSettings);
  return {
    id: Number(row.id),
    tenantId: Number(row.tenant_id),
    name: row.name,
    kind: row.kind as SourceSettings['kind'],
    datasetId: Number(row.dataset_id),
    connection: row.url_env !== null ? { env: row.url_env } : { file: row.url_file ?? '' },
    query: row.query,
    prefix: settings.prefix ?? '',
    timezone: settings.timezone ?? 'UTC',
    statuses: settings.statuses ?? [],
    variations: settings.variations ?? 'own',
    configurable: settings.configurable ?? 'child',
    refunds: settings.refunds ?? 'net',
    rereadDays: settings.rereadDays ?? 14,
    rowLimit: settings.rowLimit ?? 50_000_000,
    statementTimeoutSeconds: settings.statementTimeoutSeconds ?? 300,
    watermark: row.watermark === null ? null : Number(row.watermark),
    lastSync: parseJsonColumn<LastSync | null>(row.last_sync, null),
    schedule: { ...NO_SCHEDULE, ...parseJsonColumn<Partial<SourceSchedule>>(row.schedule, {}) },
    retrain: {
      rowsSince: Number(row.rows_since_retrain ?? 0),
      at: row.retrained_at === null || row.retrained_at === undefined ? null : toDate(row.retrained_at).toISOString(),
      runId: row.retrain_run_id === null || row.retrain_run_id === undefined ? null : Number(row.retrain_run_id),
      through: row.retrained_through ?? null,
    },
    progress: parseJsonColumn<SyncProgress | null>(row.sync_progress, null),
    createdAt: toDate(row.created_at),
  };
}

/**
 * Saves a successful sync's watermark and report (inside the sync's transaction), counts its new
 * rows towards the next retrain, and clears its progress.
 */
export async function saveSyncState(
  trx: Knex.Transaction,
  tenantId: number,
  id: number,
  watermark: number | null,
  lastSync: LastSync,
): Promise<void> {
  const now = new Date();
  await trx('data_sources')
    .where({ tenant_id: tenantId, id })
    .update({
      watermark,
      last_sync: JSON.stringify(lastSync),
      last_synced_at: now,
      updated_at: now,
      sync_progress: null,
      rows_since_retrain: trx.raw('rows_since_retrain + ?', [Math.max(0, Math.trunc(lastSync.newRows))]),
    });
}

export function createDataSourcesRepository(knex: Knex): DataSourceStore {
  return {
    async list(tenantId) {
      const rows = (await knex('data_sources').where({ tenant_id: tenantId }).orderBy('name')) as DataSourceRow[];
      return rows.map(toRecord);
    },
    async getByName(tenantId, name) {
      const row = (await knex('data_sources').where({ tenant_id: tenantId, name }).first()) as
        DataSourceRow | undefined;
      return row ? toRecord(row) : undefined;
    },
    async get(tenantId, id) {
      const row = (await knex('data_sources').where({ tenant_id: tenantId, id }).first()) as DataSourceRow | undefined;
      return row ? toRecord(row) : undefined;
    },
    async create(tenantId, s: NewDataSource) {
      return knex.transaction(async (trx) => {
        const { dataset } = await findDatasetForImport(trx, tenantId, { name: s.datasetName }, 'D');
        const now = new Date();
        const settings: StoredSettings = {
          prefix: s.prefix,
          timezone: s.timezone,
          statuses: s.statuses,
          variations: s.variations,
          configurable: s.configurable,
          refunds: s.refunds,
          rereadDays: s.rereadDays,
          rowLimit: s.rowLimit,
          statementTimeoutSeconds: s.statementTimeoutSeconds,
        };
        const [inserted] = (await trx('data_sources')
          .insert({
            tenant_id: tenantId,
            name: s.name,
            kind: s.kind,
            dataset_id: dataset.id,
            url_env: s.connection.env ?? null,
            url_file: s.connection.file ?? null,
            query: s.query,
            settings: JSON.stringify(settings),
            schedule: JSON.stringify(s.schedule),
            created_at: now,
            updated_at: now,
          })
          .returning('id')) as Array<{ id: number } | number>;
        const id = typeof inserted === 'object' ? Number(inserted.id) : Number(inserted);
        await trx('datasets').where({ tenant_id: tenantId, id: dataset.id }).update({ source: 'sql', updated_at: now });
        const row = (await trx('data_sources').where({ tenant_id: tenantId, id }).first()) as DataSourceRow;
        return toRecord(row);
      });
    },
    async recordFailure(tenantId, id, lastSync) {
      await knex('data_sources')
        .where({ tenant_id: tenantId, id })
        .update({ last_sync: JSON.stringify(lastSync), sync_progress: null, updated_at: new Date() });
    },
    async setSchedule(tenantId, id, schedule) {
      await knex('data_sources')
        .where({ tenant_id: tenantId, id })
        .update({ schedule: JSON.stringify(schedule), updated_at: new Date() });
    },
    async saveProgress(tenantId, id, progress) {
      const write = (q: Knex | Knex.Transaction): Knex.QueryBuilder =>
        q('data_sources')
          .where({ tenant_id: tenantId, id })
          .update({ sync_progress: progress === null ? null : JSON.stringify(progress) });
      if (isSqliteKnex(knex)) {
        await write(knex);
        return;
      }
      // Progress is a hint (a report lost in a crash is stale anyway): PostgreSQL need not wait
      // for its WAL flush. Each report was a commit's fsync, 4–7 of them per sync, and the sync
      // waits for the last one before it writes (measured: 0.3–3.7 s of statement time per sync
      // on this shared disk, BENCH_SYNC_SQL=1 at load 10).
      await knex.transaction(async (trx) => {
        await trx.raw('SET LOCAL synchronous_commit = off');
        await write(trx);
      });
    },
    async claimRetrain(tenantId, id, lastAt, through, rowsCounted) {
      // Compare-and-set on retrained_at: the process that moves it from what it read wins, and
      // moves what decides the next retrain (through, rows) in the same statement.
      const q = knex('data_sources').where({ tenant_id: tenantId, id });
      if (lastAt === null) q.whereNull('retrained_at');
      else q.andWhere('retrained_at', new Date(lastAt));
      const n = await q.update({
        retrained_at: new Date(),
        retrained_through: through,
        rows_since_retrain: knex.raw('CASE WHEN rows_since_retrain > ? THEN rows_since_retrain - ? ELSE 0 END', [
          rowsCounted,
          rowsCounted,
        ]),
        updated_at: new Date(),
      });
      return Number(n) === 1;
    },
    async recordRetrain(tenantId, id, runId) {
      await knex('data_sources')
        .where({ tenant_id: tenantId, id })
        .update({ retrain_run_id: runId, updated_at: new Date() });
    },
    async claim(tenantId, id, lastStartedAt) {
      // Compare-and-set on last_sync: the process that swaps the JSON it read wins.
      const row = (await knex('data_sources').where({ tenant_id: tenantId, id }).first('last_sync')) as
        Pick<DataSourceRow, 'last_sync'> | undefined;
      if (!row) return false;
      const current = parseJsonColumn<LastSync | null>(row.last_sync, null);
      if ((current?.startedAt ?? null) !== lastStartedAt) return false;
      const claimed: LastSync = {
        ...(current ?? {
          full: true,
          seconds: 0,
          windowFrom: null,
          windowTo: null,
          linesRead: 0,
          rowsInWindow: 0,
          newRows: 0,
          rowsDeleted: 0,
          seriesCount: 0,
          error: null,
        }),
        status: current?.status === 'succeeded' ? 'succeeded' : 'running',
        startedAt: new Date().toISOString(),
      };
      const q = knex('data_sources').where({ tenant_id: tenantId, id });
      if (row.last_sync === null) q.whereNull('last_sync');
      else q.andWhere('last_sync', row.last_sync);
      const n = await q.update({ last_sync: JSON.stringify(claimed), updated_at: new Date() });
      return Number(n) === 1;
    },
    async scheduled() {
      const rows = (await knex('data_sources').whereNot({ schedule: '{}' })) as DataSourceRow[];
      return rows.map(toRecord).filter((r) => r.schedule.syncEveryMinutes !== null || hasRetrainPolicy(r.schedule));
    },
  };
}

/** Stored observations of a dataset on or after `fromDate` (all when null): series id, key, date. */
export async function loadWindowRows(
  trx: Knex.Transaction,
  tenantId: number,
  datasetId: number,
  fromDate: string | null,
): Promise<Array<{ seriesId: number; key: string; date: string; hasValue: boolean }>> {
  const q = trx('observations as o')
    .join('series as s', 's.id', 'o.series_id')
    .where('s.tenant_id', tenantId)
    .andWhere('s.dataset_id', datasetId)
    .andWhere('o.tenant_id', tenantId)
    .select('o.series_id', 's.key', 'o.date', trx.raw('CASE WHEN o.value IS NULL THEN 0 ELSE 1 END AS has_value'));
  if (fromDate !== null) q.andWhere('o.date', '>=', fromDate);
  const rows = (await q) as Array<{ series_id: number; key: string; date: string; has_value: number | string }>;
  return rows.map((r) => ({
    seriesId: Number(r.series_id),
    key: r.key,
    date: r.date,
    hasValue: Number(r.has_value) === 1,
  }));
}

/** A series' rows in a window: count, non-null values, first and last dated value, last date. */
export interface WindowNow {
  readonly rows: number;
  readonly values: number;
  readonly firstValue: string | null;
  readonly lastValue: string | null;
  readonly end: string | null;
}

/** Rows and non-null values per series in a window (what `windowSeriesStatistics` subtracts). */
export type WindowCounts = Map<number, { rows: number; values: number }>;

export function countWindowRows(rows: ReadonlyArray<{ seriesId: number; hasValue: boolean }>): WindowCounts {
  const counts: WindowCounts = new Map();
  for (const r of rows) {
    let c = counts.get(r.seriesId);
    if (!c) {
      c = { rows: 0, values: 0 };
      counts.set(r.seriesId, c);
    }
    c.rows++;
    if (r.hasValue) c.values++;
  }
  return counts;
}

/**
 * A window sync's series statistics from the window alone. After the sync a series' rows are its
 * rows before `fromDate` (untouched) plus the window's new ones, so its counts are the stored
 * counts minus the window's rows before the sync (`before`) plus the window's rows now, and its
 * dates come from the stored ones or the window; only a series whose window lost every row it had
 * needs its latest earlier date, one index seek. No scan of a series' history (that was the
 * recomputation's cost: every row of every changed series). Writes the changed statistics;
 * returns every series' with rows, as `refreshSeriesStatistics` does.
 */
export async function windowSeriesStatistics(
  trx: Knex.Transaction,
  tenantId: number,
  datasetId: number,
  fromDate: string,
  only: readonly number[],
  before: WindowCounts,
  /**
   * The window's rows per series key now, when the caller knows them (a sync wrote exactly these
   * rows into the window and deleted the others): saves scanning the window again. A key it
   * does not return has no rows in the window.
   */
  windowNow?: (key: string) => WindowNow | undefined,
): Promise<SeriesStatistics[]> {
  const touched = [...new Set(only)];
  const now = new Map<number, WindowNow>();
  const scanned = windowNow ? [] : touched;
  for (let i = 0; i < scanned.length; i += 1000) {
    const rows = (await trx('observations as o')
      .where('o.tenant_id', tenantId)
      .whereIn('o.series_id', scanned.slice(i, i + 1000))
      .andWhere('o.date', '>=', fromDate)
      .groupBy('o.series_id')
      .select(
        'o.series_id',
        trx.raw('count(*) AS row_count'),
        trx.raw('count(o.value) AS value_count'),
        trx.raw('min(CASE WHEN o.value IS NOT NULL THEN o.date END) AS first_date'),
        trx.raw('max(CASE WHEN o.value IS NOT NULL THEN o.date END) AS last_date'),
        trx.raw('max(o.date) AS end_date'),
      )) as Array<Record<string, unknown>>;
    for (const r of rows) {
      now.set(Number(r['series_id']), {
        rows: Number(r['row_count']),
        values: Number(r['value_count']),
        firstValue: (r['first_date'] as string | null) ?? null,
        lastValue: (r['last_date'] as string | null) ?? null,
        end: (r['end_date'] as string | null) ?? null,
      });
    }
  }
  const stored = (await trx('series')
    .where({ tenant_id: tenantId, dataset_id: datasetId })
    .select('id', 'key', 'first_date', 'last_date', 'end_date', 'value_count', 'row_count')) as Array<
    Record<string, unknown>
  >;
  const byId = new Map(stored.map((r) => [Number(r['id']), r]));
  if (windowNow) {
    for (const id of touched) {
      const w = byId.has(id) ? windowNow(String(byId.get(id)!['key'])) : undefined;
      if (w) now.set(id, w);
    }
  }
  /** The series' latest date before the window (with a value when `values`), or null. */
  const latestBefore = async (seriesId: number, values: boolean): Promise<string | null> => {
    const q = trx('observations')
      .where({ tenant_id: tenantId, series_id: seriesId })
      .andWhere('date', '<', fromDate)
      .max({ d: 'date' });
    if (values) q.whereNotNull('value');
    const row = (await q.first()) as { d: string | null } | undefined;
    return row?.d ?? null;
  };
  const fresh: SeriesStatistics[] = [];
  const touchedSet = new Set(touched);
  for (const id of touched) {
    const s = byId.get(id);
    if (!s) continue;
    const w = now.get(id);
    const b = before.get(id) ?? { rows: 0, values: 0 };
    const storedFirst = (s['first_date'] as string | null) ?? null;
    const storedLast = (s['last_date'] as string | null) ?? null;
    const storedEnd = (s['end_date'] as string | null) ?? null;
    const earlier = (d: string | null): string | null => (d !== null && d < fromDate ? d : null);
    const rowCount = Number(s['row_count']) - b.rows + (w?.rows ?? 0);
    const valueCount = Number(s['value_count']) - b.values + (w?.values ?? 0);
    fresh.push({
      seriesId: id,
      firstDate: earlier(storedFirst) ?? w?.firstValue ?? null,
      lastDate:
        w?.lastValue ?? (storedLast === null || storedLast < fromDate ? storedLast : await latestBefore(id, true)),
      endDate: w?.end ?? (storedEnd === null || storedEnd < fromDate ? storedEnd : await latestBefore(id, false)),
      valueCount,
      rowCount,
    });
  }
  await writeSeriesStatistics(trx, tenantId, datasetId, fresh);
  const kept = stored
    .filter((r) => Number(r['row_count']) > 0 && !touchedSet.has(Number(r['id'])))
    .map((r): SeriesStatistics => ({
      seriesId: Number(r['id']),
      firstDate: (r['first_date'] as string | null) ?? null,
      lastDate: (r['last_date'] as string | null) ?? null,
      endDate: (r['end_date'] as string | null) ?? null,
      valueCount: Number(r['value_count']),
      rowCount: Number(r['row_count']),
    }));
  return [...kept, ...fresh.filter((f) => f.rowCount > 0)];
}

/** Deletes observations by (series id, date), 200 pairs a statement. */
export async function deleteObservations(
  trx: Knex.Transaction,
  tenantId: number,
  rows: ReadonlyArray<{ seriesId: number; date: string }>,
): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    deleted += Number(
      await trx('observations')
        .where('tenant_id', tenantId)
        .andWhere((w) => {
          for (const r of chunk) w.orWhere((x) => x.where('series_id', r.seriesId).andWhere('date', r.date));
        })
        .delete(),
    );
  }
  return deleted;
}

/** After rows were only deleted: the dataset's counts and data version. */
export async function touchDatasetAfterDelete(
  trx: Knex.Transaction,
  tenantId: number,
  datasetId: number,
): Promise<void> {
  const [agg] = (await trx('series')
    .where({ tenant_id: tenantId, dataset_id: datasetId })
    .select(
      trx.raw('count(*) AS series_count'),
      trx.raw('coalesce(sum(row_count), 0) AS row_count'),
      trx.raw('min(coalesce(first_date, end_date)) AS first_date'),
      trx.raw('max(end_date) AS last_date'),
    )) as Array<Record<string, unknown>>;
  await trx('datasets')
    .where({ tenant_id: tenantId, id: datasetId })
    .update({
      series_count: Number(agg?.['series_count'] ?? 0),
      row_count: Number(agg?.['row_count'] ?? 0),
      first_date: (agg?.['first_date'] as string | null) ?? null,
      last_date: (agg?.['last_date'] as string | null) ?? null,
      data_version: trx.raw('data_version + 1'),
      updated_at: new Date(),
    });
}
