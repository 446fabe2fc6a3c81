/**
 * The SQL of a CSV import: bulk upsert of observations inside the import's transaction, one
 * writer per dialect, plus the bookkeeping queries (series, attributes, statistics, dataset).
 *
 * - SQLite: multi-row `INSERT … ON CONFLICT DO UPDATE … WHERE changed` through prepared
 *   better-sqlite3 statements on the transaction's own connection.
 * - PostgreSQL: `COPY … FROM STDIN` (pg-copy-streams) into a temporary staging table, then one
 *   `INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE changed` into `observations`.
 *
 * Both only write a row that is new or different, so importing the same file twice changes
 * nothing.
 */
import type { Knex } from 'knex';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import {
  createDateText,
  type DatasetCovariate,
  type DatasetImportUpdate,
  type ObservationBatch,
  type ObservationWriter,
  type RepeatConflict,
  type SeriesStatistics,
} from '../app/observations.js';
import type { DatasetRow } from './tables.js';
import { parseJsonColumn } from './values.js';

export type { DatasetCovariate, DatasetImportUpdate, ObservationWriter, RepeatConflict, SeriesStatistics };

export function isSqliteKnex(knex: Knex): boolean {
  const client = (knex.client as { config?: { client?: unknown } }).config?.client;
  return client === 'better-sqlite3' || client === 'sqlite3';
}

interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  pragma(sql: string, options?: { simple: boolean }): unknown;
}

/** Rows per multi-row INSERT statement (4 parameters a row; SQLite allows 32,766). */
const SQLITE_ROWS_PER_INSERT = 500;
/**
 * Page cache (KiB) of the connection while an import writes: the default 2 MB makes SQLite spill
 * B-tree pages of a large transaction to the WAL and read them back (about 10% of the insert
 * time at a million rows). Restored when the writer finishes. Durability is unchanged.
 */
const SQLITE_IMPORT_CACHE_KIB = 32 * 1024;

function checkedTenant(tenantId: number): number {
  // Written into the SQL text (one parameter less per row): only ever an integer.
  if (!Number.isSafeInteger(tenantId)) throw new Error(`tenant id ${tenantId} is not an integer`);
  return tenantId;
}

function upsertSql(tenantId: number, n: number): string {
  const row = `(${checkedTenant(tenantId)},?,?,?,?)`;
  return `INSERT INTO observations (tenant_id, series_id, date, value, covariates) VALUES ${Array.from({ length: n }, () => row).join(',')}
     ON CONFLICT (series_id, date) DO UPDATE SET value = excluded.value, covariates = excluded.covariates
     WHERE observations.value IS NOT excluded.value OR observations.covariates IS NOT excluded.covariates`;
}

/** SQLite writer: prepared multi-row upserts on the transaction's own connection. */
export async function createSqliteObservationWriter(
  trx: Knex.Transaction,
  tenantId: number,
): Promise<ObservationWriter> {
  const conn = (await trx.client.acquireConnection()) as SqliteConnection;
  const cacheSize = Number(conn.pragma('cache_size', { simple: true }));
  conn.pragma(`cache_size = -${SQLITE_IMPORT_CACHE_KIB}`);
  const restoreCache = (): void => {
    if (Number.isFinite(cacheSize)) conn.pragma(`cache_size = ${cacheSize}`);
  };
  const bulk = conn.prepare(upsertSql(tenantId, SQLITE_ROWS_PER_INSERT));
  const single = conn.prepare(upsertSql(tenantId, 1));
  const lookup = conn.prepare('SELECT value, covariates FROM observations WHERE series_id = ? AND date = ?');
  const dateText = createDateText();
  // One parameter array, refilled for every statement (no per-row or per-statement garbage).
  const params: unknown[] = Array.from({ length: SQLITE_ROWS_PER_INSERT * 4 }, () => null);
  const one: unknown[] = [null, null, null, null];
  // Rows the upserts inserted or changed (their WHERE skips rows stored with the same values).
  let changes = 0;

  /** Rows [from, to) of a batch, none of them repeated. */
  const writeRange = (b: ObservationBatch, ids: readonly number[], from: number, to: number): void => {
    let i = from;
    for (; i + SQLITE_ROWS_PER_INSERT <= to; i += SQLITE_ROWS_PER_INSERT) {
      let p = 0;
      for (let j = i; j < i + SQLITE_ROWS_PER_INSERT; j++) {
        const v = b.value[j]!;
        params[p++] = ids[b.series[j]!];
        params[p++] = dateText(b.day[j]!);
        params[p++] = v === v ? v : null;
        params[p++] = b.covariates[j];
      }
      changes += bulk.run(params).changes;
    }
    for (; i < to; i++) {
      const v = b.value[i]!;
      one[0] = ids[b.series[i]!];
      one[1] = dateText(b.day[i]!);
      one[2] = v === v ? v : null;
      one[3] = b.covariates[i];
      changes += single.run(one).changes;
    }
  };

  return {
    needsSeriesIds: true,
    async pause() {},
    async write(b, ids) {
      let from = 0;
      for (const r of b.repeated) {
        writeRange(b, ids, from, r);
        from = r + 1;
        const id = ids[b.series[r]!];
        const date = dateText(b.day[r]!);
        const v = b.value[r]!;
        const value = v === v ? v : null;
        const covariates = b.covariates[r] ?? null;
        const stored = lookup.get(id, date) as { value: number | null; covariates: string | null } | undefined;
        if (stored && stored.value === value && stored.covariates === covariates) continue;
        if (stored) return { line: b.line[r]!, earlierLine: undefined, seriesIndex: b.series[r]!, date };
        changes += single.run([id, date, value, covariates]).changes;
      }
      writeRange(b, ids, from, b.size);
      return undefined;
    },
    async endRows() {},
    async finish() {
      restoreCache();
      return undefined;
    },
    async abort() {
      restoreCache();
    },
    get changed() {
      return changes > 0;
    },
  };
}

/** COPY text format: escapes backslash, tab, newline and carriage return; \N is NULL. */
function copyText(value: string | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}

function copyNumber(v: number): string {
  return v === v ? String(v) : '\\N';
}

/**
 * PostgreSQL checks the foreign key of every row written to `observations` with one query per
 * row (measured: 7.1 of 8.6 server CPU seconds per million COPY rows). An import knows its rows'
 * series are valid: it inserted them itself in this transaction (nobody else can see, let alone
 * delete them, before the commit), or it locks the dataset's existing series `FOR KEY SHARE`,
 * which is the very lock the per-row check takes. So where the connection may set
 * `session_replication_role` (a superuser, or `GRANT SET ON PARAMETER session_replication_role`
 * on PostgreSQL 15+), the rows are written with it set to `replica` (`SET LOCAL`, never past
 * this transaction), which skips the per-row checks; the constraint stays declared and is checked
 * for every other writer. Series rows are always inserted with it back at `origin`, so their own
 * key to the dataset is checked. Otherwise the per-row checks run as usual.
 * Note: `replica` also skips ordinary triggers on `observations`; it has none.
 */
async function mayTrustSeriesKeys(trx: Knex.Transaction, tenantId: number, datasetId: number): Promise<boolean> {
  const { rows } = (await trx.raw(
    `SELECT current_setting('session_replication_role') AS role,
            current_setting('server_version_num')::int AS version,
            (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser`,
  )) as { rows: Array<{ role: string; version: number; superuser: boolean }> };
  const r = rows[0];
  if (!r || r.role !== 'origin') return false;
  let allowed = r.superuser === true;
  if (!allowed && r.version >= 150000) {
    const granted = (await trx.raw(`SELECT has_parameter_privilege('session_replication_role', 'SET') AS ok`)) as {
      rows: Array<{ ok: boolean }>;
    };
    allowed = granted.rows[0]?.ok === true;
  }
  if (!allowed) return false;
  // What the per-row check would lock: the series already there (new ones are this transaction's).
  await trx.raw('SELECT 1 FROM series WHERE tenant_id = ? AND dataset_id = ? FOR KEY SHARE', [tenantId, datasetId]);
  return true;
}

async function setReplicaRole(trx: Knex.Transaction, replica: boolean): Promise<void> {
  await trx.raw(`SET LOCAL session_replication_role = ${replica ? 'replica' : 'origin'}`);
}

/** PostgreSQL writer: COPY into a temporary staging table, merged in `finish`. */
export async function createPgObservationWriter(
  trx: Knex.Transaction,
  tenantId: number,
  datasetId: number,
): Promise<ObservationWriter> {
  await trx.raw(`CREATE TEMPORARY TABLE fq_import_rows (
      line bigint NOT NULL, series_idx integer NOT NULL, date date NOT NULL,
      value double precision NULL, covariates text NULL, repeated boolean NOT NULL
    ) ON COMMIT DROP`);
  const conn = (await trx.client.acquireConnection()) as { query(q: unknown): Writable };
  const copy = conn.query(
    copyFrom('COPY fq_import_rows (line, series_idx, date, value, covariates, repeated) FROM STDIN'),
  );
  let failed: unknown;
  copy.on('error', (e) => {
    failed = e;
  });
  let repeats = 0;
  let open = true;
  let changed = false;
  const dateText = createDateText();

  const send = async (text: string): Promise<void> => {
    if (failed) throw failed;
    if (!copy.write(text)) await Promise.race([once(copy, 'drain'), once(copy, 'error')]);
    if (failed) throw failed;
  };
  const close = async (): Promise<void> => {
    if (!open) return;
    open = false;
    const done = Promise.race([once(copy, 'finish'), once(copy, 'error').then(([e]) => Promise.reject(e))]);
    copy.end();
    await done;
  };

  return {
    needsSeriesIds: false,
    async pause() {},
    async write(b) {
      let text = '';
      let r = 0;
      for (let i = 0; i < b.size; i++) {
        let flag = 'f';
        if (b.repeated[r] === i) {
          r++;
          repeats++;
          flag = 't';
        }
        text += `${b.line[i]}\t${b.series[i]}\t${dateText(b.day[i]!)}\t${copyNumber(b.value[i]!)}\t${copyText(b.covariates[i])}\t${flag}\n`;
      }
      await send(text);
      return undefined;
    },
    endRows: close,
    async finish(seriesIds) {
      await close();
      await trx.raw('ANALYZE fq_import_rows');
      if (repeats > 0) {
        const conflict = (await trx.raw(
          `SELECT series_idx, date, min(line) AS earlier_line, max(line) AS line
             FROM fq_import_rows
            WHERE (series_idx, date) IN (SELECT series_idx, date FROM fq_import_rows WHERE repeated)
            GROUP BY series_idx, date
           HAVING count(DISTINCT coalesce(value::text, '~') || '|' || coalesce(covariates, '~')) > 1
            ORDER BY max(line) LIMIT 1`,
        )) as { rows: Array<{ series_idx: number; date: string; earlier_line: string; line: string }> };
        const c = conflict.rows[0];
        if (c) {
          return {
            line: Number(c.line),
            earlierLine: Number(c.earlier_line),
            seriesIndex: Number(c.series_idx),
            date: c.date,
          };
        }
      }
      // Series ids through a small mapping table, so the merge is a plain join.
      await trx.raw(
        'CREATE TEMPORARY TABLE fq_import_series (series_idx integer PRIMARY KEY, series_id integer NOT NULL) ON COMMIT DROP',
      );
      for (let i = 0; i < seriesIds.length; i += 5000) {
        await trx('fq_import_series').insert(
          seriesIds.slice(i, i + 5000).map((series_id, k) => ({ series_idx: i + k, series_id })),
        );
      }
      const source =
        repeats > 0
          ? `(SELECT DISTINCT ON (series_idx, date) * FROM fq_import_rows ORDER BY series_idx, date, line DESC)`
          : 'fq_import_rows';
      const trusted = await mayTrustSeriesKeys(trx, tenantId, datasetId);
      if (trusted) await setReplicaRole(trx, true);
      // rowCount: rows inserted or changed (the WHERE skips rows stored with the same values).
      const merged = (await trx.raw(
        `INSERT INTO observations (tenant_id, series_id, date, value, covariates)
         SELECT ?, m.series_id, r.date, r.value, r.covariates
           FROM ${source} r JOIN fq_import_series m ON m.series_idx = r.series_idx
         ON CONFLICT (series_id, date) DO UPDATE SET value = EXCLUDED.value, covariates = EXCLUDED.covariates
          WHERE observations.value IS DISTINCT FROM EXCLUDED.value
             OR observations.covariates IS DISTINCT FROM EXCLUDED.covariates`,
        [tenantId],
      )) as { rowCount: number | null };
      changed = (merged.rowCount ?? 1) > 0;
      if (trusted) await setReplicaRole(trx, false);
      return undefined;
    },
    async abort() {
      if (!open) return;
      open = false;
      // destroy() sends CopyFail; the connection is usable (for the ROLLBACK) once it closes.
      await new Promise<void>((resolve) => {
        copy.once('close', () => resolve());
        setTimeout(resolve, 5000).unref();
        copy.destroy(new Error('import aborted'));
      });
    },
    get changed() {
      return changed;
    },
  };
}

/** COPY BINARY: signature, flags and header-extension length; the trailer is a field count of -1. */
const COPY_BINARY_HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
const COPY_BINARY_TRAILER = Buffer.from([0xff, 0xff]);
/** PostgreSQL dates count days from 2000-01-01; ours from 1970-01-01. */
const PG_EPOCH_DAY = 10_957;

/**
 * Rows [from, to) of a batch as COPY BINARY tuples of (tenant_id int4, series_id int4, date,
 * value float8, covariates text). Binary saves the server parsing dates and numbers from text
 * and the client formatting them.
 */
function encodeBinaryRows(
  b: ObservationBatch,
  ids: readonly number[],
  tenant: number,
  from: number,
  to: number,
): Buffer {
  let size = 0;
  for (let i = from; i < to; i++) size += 46 + 3 * (b.covariates[i]?.length ?? 0);
  const buf = Buffer.allocUnsafe(size);
  let o = 0;
  for (let i = from; i < to; i++) {
    o = buf.writeInt16BE(5, o);
    o = buf.writeInt32BE(4, o);
    o = buf.writeInt32BE(tenant, o);
    o = buf.writeInt32BE(4, o);
    o = buf.writeInt32BE(ids[b.series[i]!]!, o);
    o = buf.writeInt32BE(4, o);
    o = buf.writeInt32BE(b.day[i]! - PG_EPOCH_DAY, o);
    const v = b.value[i]!;
    if (v === v) {
      o = buf.writeInt32BE(8, o);
      o = buf.writeDoubleBE(v, o);
    } else {
      o = buf.writeInt32BE(-1, o);
    }
    const c = b.covariates[i];
    if (c === null || c === undefined) {
      o = buf.writeInt32BE(-1, o);
    } else {
      const n = buf.write(c, o + 4, 'utf8');
      buf.writeInt32BE(n, o);
      o += 4 + n;
    }
  }
  return buf.subarray(0, o);
}

/**
 * PostgreSQL writer for a dataset that has no rows yet: COPY (binary) straight into
 * `observations` (no staging table, no merge), so the server checks and indexes rows while the
 * client parses. The COPY is ended and restarted around the rare statements it cannot share the
 * connection with: creating the series rows of a batch that brings new series, and comparing a
 * repeated row.
 */
export async function createPgDirectObservationWriter(
  trx: Knex.Transaction,
  tenantId: number,
  datasetId: number,
): Promise<ObservationWriter> {
  const conn = (await trx.client.acquireConnection()) as { query(q: unknown): Writable };
  const tenant = checkedTenant(tenantId);
  const dateText = createDateText();
  const trusted = await mayTrustSeriesKeys(trx, tenantId, datasetId);
  let copy: Writable | undefined;
  let failed: unknown;
  let changed = false;

  const start = async (): Promise<Writable> => {
    if (trusted) await setReplicaRole(trx, true);
    const c = conn.query(
      copyFrom('COPY observations (tenant_id, series_id, date, value, covariates) FROM STDIN (FORMAT binary)'),
    );
    c.on('error', (e) => {
      failed = e;
    });
    c.write(COPY_BINARY_HEADER);
    return c;
  };
  const send = async (chunk: Buffer): Promise<void> => {
    if (chunk.length === 0) return;
    // Into an empty dataset: every row sent is a new observation.
    changed = true;
    copy ??= await start();
    if (failed) throw failed;
    if (!copy.write(chunk)) await Promise.race([once(copy, 'drain'), once(copy, 'error')]);
    if (failed) throw failed;
  };
  const end = async (): Promise<void> => {
    if (!copy) return;
    const c = copy;
    copy = undefined;
    const done = Promise.race([once(c, 'finish'), once(c, 'error').then(([e]) => Promise.reject(e))]);
    c.end(COPY_BINARY_TRAILER);
    await done;
    if (trusted) await setReplicaRole(trx, false);
  };
  const encode = (b: ObservationBatch, ids: readonly number[], from: number, to: number): Buffer =>
    encodeBinaryRows(b, ids, tenant, from, to);

  return {
    needsSeriesIds: true,
    pause: end,
    async write(b, ids) {
      let from = 0;
      for (const r of b.repeated) {
        await send(encode(b, ids, from, r));
        from = r + 1;
        await end();
        const date = dateText(b.day[r]!);
        const v = b.value[r]!;
        const value = v === v ? v : null;
        const covariates = b.covariates[r] ?? null;
        const stored = (await trx('observations')
          .where({ tenant_id: tenantId, series_id: ids[b.series[r]!], date })
          .first('value', 'covariates')) as { value: number | null; covariates: string | null } | undefined;
        if (stored && stored.value === value && stored.covariates === covariates) continue;
        if (stored) return { line: b.line[r]!, earlierLine: undefined, seriesIndex: b.series[r]!, date };
        await send(encode(b, ids, r, r + 1));
      }
      await send(encode(b, ids, from, b.size));
      return undefined;
    },
    endRows: end,
    async finish() {
      await end();
      return undefined;
    },
    async abort() {
      const c = copy;
      copy = undefined;
      if (!c) return;
      await new Promise<void>((resolve) => {
        c.once('close', () => resolve());
        setTimeout(resolve, 5000).unref();
        c.destroy(new Error('import aborted'));
      });
    },
    get changed() {
      return changed;
    },
  };
}

/** Series rows of a dataset: key → { id, attributes JSON }. */
export async function loadSeriesIndex(
  trx: Knex.Transaction,
  tenantId: number,
  datasetId: number,
): Promise<Map<string, { id: number; attributes: string }>> {
  const rows = (await trx('series')
    .where({ tenant_id: tenantId, dataset_id: datasetId })
    .select('id', 'key', 'attributes')) as Array<{ id: number; key: string; attributes: string }>;
  return new Map(rows.map((r) => [r.key, { id: Number(r.id), attributes: r.attributes }]));
}

/** Inserts many series and returns key → id for all of them. */
export async function insertSeriesMany(
  trx: Knex.Transaction,
  tenantId: number,
  datasetId: number,
  series: ReadonlyArray<{ key: string; attributes: string }>,
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const now = new Date();
  // knex inserts many rows on SQLite as a compound SELECT, limited to 500 terms.
  for (let i = 0; i < series.length; i += 400) {
    const rows = (await trx('series')
      .insert(
        series.slice(i, i + 400).map((s) => ({
          tenant_id: tenantId,
          dataset_id: datasetId,
          key: s.key,
          attributes: s.attributes,
          created_at: now,
          updated_at: now,
        })),
      )
      .returning(['id', 'key'])) as Array<{ id: number; key: string }>;
    for (const r of rows) ids.set(r.key, Number(r.id));
  }
  return ids;
}

/** Replaces the attributes (JSON and one row per pair) of series whose attributes changed. */
export async function writeSeriesAttributes(
  trx: Knex.Transaction,
  tenantId: number,
  datasetId: number,
  changes: ReadonlyArray<{ seriesId: number; attributes: Readonly<Record<string, string>> }>,
): Promise<void> {
  if (changes.length === 0) return;
  const pairs: Array<{ tenant_id: number; dataset_id: number; series_id: number; name: string; value: string }> = [];
  for (const c of changes) {
    for (const [name, value] of Object.entries(c.attributes)) {
      pairs.push({ tenant_id: tenantId, dataset_id: datasetId, series_id: c.seriesId, name, value });
    }
  }
  await updateSeriesRows(
    trx,
    tenantId,
    ['attributes'],
    ['text'],
    changes.map((c) => [c.seriesId, JSON.stringify(c.attributes)]),
  );
  const ids = changes.map((c) => c.seriesId);
  for (let i = 0; i < ids.length; i += 500) {
    await trx('series_attributes')
      .where({ tenant_id: tenantId })
      .whereIn('series_id', ids.slice(i, i + 500))
      .delete();
  }
  // knex inserts many rows on SQLite as a compound SELECT, limited to 500 terms.
  for (let i = 0; i < pairs.length; i += 200) await trx('series_attributes').insert(pairs.slice(i, i + 200));
}

/** Recomputes first/last/end dates and counts of every series of a dataset; writes only changes. */
export async function refreshSeriesStatistics(
  trx: Knex.Transaction,
  tenantId: number,
  datasetId: number,
  /** The statistics when the caller knows them (an import into an empty dataset); skips the scan. */
  known?: readonly SeriesStatistics[],
  /** Only these series' rows changed: scan them, keep the others' stored statistics. */
  only?: readonly number[],
): Promise<SeriesStatistics[]> {
  if (!known && only) return refreshTouchedSeriesStatistics(trx, tenantId, datasetId, only);
  const stats = known ? [...known] : await computeSeriesStatistics(trx, tenantId, datasetId);
  await writeSeriesStatistics(trx, tenantId, datasetId, stats);
  return stats;
}

/** Series ids per statement of a scan restricted to some series. */
const SCAN_IDS_PER_STATEMENT = 1000;

/**
 * A window sync's statistics: the changed series' are computed from their rows (a series left
 * without rows gets zero counts), every other series keeps its stored ones. What an import of
 * one day into a long history costs is then the changed series' rows, not the dataset's.
 */
async function refreshTouchedSeriesStatistics(
  trx: Knex.Transaction,
  tenantId: number,
  datasetId: number,
  only: readonly number[],
): Promise<SeriesStatistics[]> {
  const touched = new Set(only);
  const fresh: SeriesStatistics[] = [];
  const ids = [...touched];
  for (let i = 0; i < ids.length; i += SCAN_IDS_PER_STATEMENT) {
    fresh.push(...(await computeSeriesStatistics(trx, tenantId, datasetId, ids.slice(i, i + SCAN_IDS_PER_STATEMENT))));
  }
  const withRows = new Set(fresh.map((s) => s.seriesId));
  const emptied = ids
    .filter((id) => !withRows.has(id))
    .map((seriesId) => ({ seriesId, firstDate: null, lastDate: null, endDate: null, valueCount: 0, rowCount: 0 }));
  const stored = (await trx('series')
    .where({ tenant_id: tenantId, dataset_id: datasetId })
    .andWhere('row_count', '>', 0)
    .select('id', 'first_date', 'last_date', 'end_date', 'value_count', 'row_count')) as Array<Record<string, unknown>>;
  const kept = stored
    .filter((r) => !touched.has(Number(r['id'])))
    .map((r): SeriesStatistics => ({
      seriesId: Number(r['id']),
      firstDate: (r['first_date'] as string | null) ?? null,
      lastDate: (r['last_date'] as string | null) ?? null,
      endDate: (r['end_date'] as string | null) ?? null,
      valueCount: Number(r['value_count']),
      rowCount: Number(r['row_count']),
    }));
  await writeSeriesStatistics(trx, tenantId, datasetId, [...fresh, ...emptied]);
  return [...kept, ...fresh];
}

async function computeSeriesStatistics(
  trx: Knex.Transaction,
  tenantId: number,
  datasetId: number,
  /** Only these series (all of the dataset's when omitted). */
  seriesIds?: readonly number[],
): Promise<SeriesStatistics[]> {
  const q = trx('observations as o')
    .join('series as s', 's.id', 'o.series_id')
    .where('s.tenant_id', tenantId)
    .andWhere('s.dataset_id', datasetId);
  if (seriesIds) q.whereIn('o.series_id', seriesIds as number[]);
  const rows = (await q
    .groupBy('o.series_id')
    .select(
      'o.series_id',
      trx.raw('min(CASE WHEN o.value IS NOT NULL THEN o.date END) AS first_date'),
      trx.raw('max(CASE WHEN o.value IS NOT NULL THEN o.date END) AS last_date'),
      trx.raw('max(o.date) AS end_date'),
      trx.raw('count(o.value) AS value_count'),
      trx.raw('count(*) AS row_count'),
    )) as Array<Record<string, unknown>>;
  return rows.map((r): SeriesStatistics => ({
    seriesId: Number(r['series_id']),
    firstDate: (r['first_date'] as string | null) ?? null,
    lastDate: (r['last_date'] as string | null) ?? null,
    endDate: (r['end_date'] as string | null) ?? null,
    valueCount: Number(r['value_count']),
    rowCount: Number(r['row_count']),
  }));
}

/** Writes series statistics, only those that differ from the stored ones. */
export async function writeSeriesStatistics(
  trx: Knex.Transaction,
  tenantId: number,
  datasetId: number,
  stats: readonly SeriesStatistics[],
): Promise<void> {
  const current = (await trx('series')
    .where({ tenant_id: tenantId, dataset_id: datasetId })
    .select('id', 'first_date', 'last_date', 'end_date', 'value_count', 'row_count')) as Array<Record<string, unknown>>;
  const byId = new Map(current.map((c) => [Number(c['id']), c]));
  const changed = stats.filter((s) => {
    const c = byId.get(s.seriesId);
    return !(
      c &&
      (c['first_date'] ?? null) === s.firstDate &&
      (c['last_date'] ?? null) === s.lastDate &&
      (c['end_date'] ?? null) === s.endDate &&
      Number(c['value_count']) === s.valueCount &&
      Number(c['row_count']) === s.rowCount
    );
  });
  await updateSeriesRows(
    trx,
    tenantId,
    ['first_date', 'last_date', 'end_date', 'value_count', 'row_count'],
    ['date', 'date', 'date', 'integer', 'integer'],
    changed.map((s) => [s.seriesId, s.firstDate, s.lastDate, s.endDate, s.valueCount, s.rowCount]),
  );
}

/**
 * Sets `columns` (and `updated_at`) of many series rows in one statement per 1,000 rows,
 * `UPDATE … FROM (VALUES …)`, instead of one statement per series (which cost ~1 ms each through
 * knex: seconds for an import of tens of thousands of series). Each row is `[id, ...values]`.
 */
async function updateSeriesRows(
  trx: Knex.Transaction,
  tenantId: number,
  columns: readonly string[],
  pgTypes: readonly string[],
  rows: ReadonlyArray<readonly unknown[]>,
): Promise<void> {
  const sqlite = isSqliteKnex(trx);
  // VALUES columns are named column1, column2, … in both dialects; PostgreSQL reads untyped
  // parameters there as text, hence the casts.
  const cast = (k: number, type: string): string => (sqlite ? `v.column${k}` : `v.column${k}::${type}`);
  const set = columns.map((c, i) => `${c} = ${cast(i + 2, pgTypes[i]!)}`).join(', ');
  const tuple = `(${Array.from({ length: columns.length + 1 }, () => '?').join(',')})`;
  const now = new Date();
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await trx.raw(
      `UPDATE series SET ${set}, updated_at = ? FROM (VALUES ${chunk.map(() => tuple).join(',')}) AS v
        WHERE series.tenant_id = ? AND series.id = ${cast(1, 'integer')}`,
      [now, ...chunk.flat(), tenantId] as Knex.RawBinding[],
    );
  }
}

/** Writes a dataset's metadata after an import, only when something changed. */
export async function updateDatasetAfterImport(
  trx: Knex.Transaction,
  dataset: DatasetRow,
  next: DatasetImportUpdate,
  observationsChanged: boolean,
): Promise<void> {
  const patch = {
    frequency: next.frequency,
    covariates: JSON.stringify(next.covariates),
    attributes: JSON.stringify(next.attributes),
    series_count: next.seriesCount,
    row_count: next.rowCount,
    first_date: next.firstDate,
    last_date: next.lastDate,
    country: next.country === undefined ? (dataset.country ?? null) : next.country,
    unit: next.unit ?? (dataset.unit === 'MONEY' ? 'MONEY' : 'UNITS'),
    allow_negative: next.allowNegative ?? Boolean(dataset.allow_negative),
  };
  const same =
    dataset.frequency === patch.frequency &&
    dataset.covariates === patch.covariates &&
    dataset.attributes === patch.attributes &&
    Number(dataset.series_count) === patch.series_count &&
    Number(dataset.row_count) === patch.row_count &&
    (dataset.first_date ?? null) === patch.first_date &&
    (dataset.last_date ?? null) === patch.last_date &&
    (dataset.country ?? null) === patch.country &&
    (dataset.unit ?? 'UNITS') === patch.unit &&
    Boolean(dataset.allow_negative) === patch.allow_negative;
  if (same && !observationsChanged) return;
  await trx('datasets')
    .where({ tenant_id: dataset.tenant_id, id: dataset.id })
    .update({
      ...patch,
      updated_at: new Date(),
      ...(observationsChanged ? { data_version: trx.raw('data_version + 1') } : {}),
    });
}

/** The covariates stored on a dataset row. */
export function datasetCovariates(dataset: Pick<DatasetRow, 'covariates'>): DatasetCovariate[] {
  return parseJsonColumn<DatasetCovariate[]>(dataset.covariates, []);
}
