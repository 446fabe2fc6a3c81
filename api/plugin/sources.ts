/** The data-source use-cases bound to their adapters on one database (composition for CLI and server). */
import type { Knex } from 'knex';
import type { ObservationSink } from '../app/observations.js';
import type { DailySink, DailyWrite, SourceReaderFactory } from '../app/sources/ports.js';
import { DataSourceService } from '../app/sources/source.service.js';
import { refreshSeriesStatistics } from '../db/bulk-import.repository.js';
import {
  createDataSourcesRepository,
  deleteObservations,
  countWindowRows,
  loadWindowRows,
  windowSeriesStatistics,
  saveSyncState,
  touchDatasetAfterDelete,
  type WindowNow,
} from '../db/data-sources.repository.js';
import { createObservationSink } from '../db/observation-sink.js';
import { dayOfIso } from '../app/sources/daily.js';
import { isoFromDay } from '../ingest/dates.js';
import { importCsv } from '../ingest/import-csv.js';
import { dailyBatchSource } from '../ingest/sources/daily-sink.js';
import { createSqlReaderFactory } from '../ingest/sources/sql-reader.js';

export function createDataSourceService(
  knex: Knex,
  options: { readonly readers?: SourceReaderFactory; readonly progressEveryMs?: number } = {},
): DataSourceService {
  return new DataSourceService(
    createDataSourcesRepository(knex),
    options.readers ?? createSqlReaderFactory(),
    createDailySink(knex),
    options.progressEveryMs === undefined ? {} : { progressEveryMs: options.progressEveryMs },
  );
}

/**
 * The `DailySink` port over the one import path: a sync's daily rows go through `importCsv`'s
 * writers (upserts that only write new or different rows, series statistics, dataset
 * bookkeeping) as `ObservationBatch`es, without a CSV in between. In ONE transaction it also
 * deletes the window's stored rows that the source no longer has (an order cancelled since the
 * last sync) and saves the source's watermark and last sync: a failure changes nothing.
 */
export function createDailySink(knex: Knex): DailySink {
  return {
    async replaceWindow(w: DailyWrite) {
      return knex.transaction(async (trx) => {
        const fromDate = w.fromDay === null ? null : isoFromDay(w.fromDay);
        const stored = await loadWindowRows(trx, w.tenantId, w.datasetId, fromDate);
        // A stored row is stale when its series has no row on its day now: compared as day
        // numbers per series (a key string per row, with a date formatted for each, cost 0.1 s
        // of an incremental sync's ~18k rows), and only when there are stored rows (a first sync has none).
        const freshByKey = new Map(w.series.map((s) => [s.key, s]));
        const freshDays = new Map<string, Set<number>>();
        const stale =
          stored.length === 0
            ? []
            : stored.filter((r) => {
                let days = freshDays.get(r.key);
                if (!days) {
                  days = new Set(freshByKey.get(r.key)?.days);
                  freshDays.set(r.key, days);
                }
                return !days.has(dayOfIso(r.date));
              });
        const rowsDeleted = await deleteObservations(trx, w.tenantId, stale);
        // Only the window's series and those that lost rows changed: their statistics alone are
        // recomputed (the others' stay as stored), not a scan of the whole dataset.
        const alsoChanged = [...new Set(stale.map((r) => r.seriesId))];
        let changed = rowsDeleted > 0;
        if (w.series.length > 0) {
          const before = (await trx('datasets')
            .where({ tenant_id: w.tenantId, id: w.datasetId })
            .first('data_version')) as { data_version: number | string } | undefined;
          // A window sync's statistics come from the window (windowSeriesStatistics), not from a
          // scan of every changed series' history; a full sync's from the import's own counts.
          const base = createObservationSink(trx);
          const windowBefore = fromDate === null ? undefined : countWindowRows(stored);
          // After this transaction the window holds exactly the sync's rows (the others are
          // deleted above), every one with a value: its statistics need no second scan.
          const windowNow = (key: string): WindowNow | undefined => {
            const s = freshByKey.get(key);
            if (!s || s.days.length === 0) return undefined;
            const first = isoFromDay(s.days[0]!);
            const last = isoFromDay(s.days[s.days.length - 1]!);
            return { rows: s.days.length, values: s.days.length, firstValue: first, lastValue: last, end: last };
          };
          const sink: ObservationSink = {
            ...base,
            transaction: (tenantId, work) =>
              base.transaction(tenantId, (session) =>
                work({
                  ...session,
                  refreshSeriesStatistics: (datasetId, known, only) =>
                    known === undefined && only !== undefined && fromDate !== null && windowBefore !== undefined
                      ? windowSeriesStatistics(trx, w.tenantId, datasetId, fromDate, only, windowBefore, windowNow)
                      : session.refreshSeriesStatistics(datasetId, known, only),
                }),
              ),
          };
          await importCsv(sink, {
            tenantId: w.tenantId,
            dataset: { id: w.datasetId },
            input: Buffer.alloc(0),
            batches: dailyBatchSource(w.series, w.frequency),
            frequency: w.frequency,
            onlySeriesChanged: { alsoChanged },
          });
          const after = (await trx('datasets')
            .where({ tenant_id: w.tenantId, id: w.datasetId })
            .first('data_version')) as { data_version: number | string } | undefined;
          changed ||= Number(after?.data_version) !== Number(before?.data_version);
          if (rowsDeleted > 0 && !changed) await touchDatasetAfterDelete(trx, w.tenantId, w.datasetId);
        } else if (rowsDeleted > 0) {
          await refreshSeriesStatistics(trx, w.tenantId, w.datasetId, undefined, alsoChanged);
          await touchDatasetAfterDelete(trx, w.tenantId, w.datasetId);
        }
        await saveSyncState(trx, w.tenantId, w.sourceId, w.watermark, { ...w.lastSync, rowsDeleted });
        return { rowsDeleted, changed };
      });
    },
  };
}
