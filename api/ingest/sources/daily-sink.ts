/**
 * The `DailySink` port over the one import path: a sync's daily rows go through `importCsv`'s
 * writers (upserts that only write new or different rows, series statistics, dataset
 * bookkeeping) as `ObservationBatch`es, without a CSV in between. In ONE transaction it also
 * deletes the window's stored rows that the source no longer has (an order cancelled since the
 * last sync) and saves the source's watermark and last sync: a failure changes nothing.
 */
import type { Knex } from 'knex';
import type { DailySeries, DailySink, DailyWrite } from '../../app/sources/ports.js';
import { refreshSeriesStatistics } from '../../db/bulk-import.repository.js';
import {
  deleteObservations,
  loadWindowRows,
  saveSyncState,
  touchDatasetAfterDelete,
} from '../../db/data-sources.repository.js';
import type { ObservationBatch } from '../batch.js';
import type { BatchSource } from '../batch-source.js';
import { isoFromDay } from '../dates.js';
import { importCsv } from '../import-csv.js';
import type { LongCsvSchema, LongCsvSeriesSummary, LongCsvSummary } from '../long-csv.js';

const ROWS_PER_BATCH = 2048;
const PRICE = 'price';

/** Daily series as the importer's batches (pure apart from the iteration state). */
export function dailyBatchSource(series: readonly DailySeries[], frequency: 'D' | 'W' | 'M'): BatchSource {
  const attributeNames = [...new Set(series.flatMap((s) => Object.keys(s.attributes)))].toSorted();
  const schema: LongCsvSchema = {
    columns: ['series_id', 'date', 'value', PRICE, ...attributeNames],
    covariates: [PRICE],
    attributes: attributeNames,
    gzipped: false,
  };
  let rows = 0;
  let first: number | null = null;
  let last: number | null = null;
  const summaries: LongCsvSeriesSummary[] = series.map((s, index) => {
    const firstDay = s.days[0]!;
    const lastDay = s.days[s.days.length - 1]!;
    rows += s.days.length;
    if (first === null || firstDay < first) first = firstDay;
    if (last === null || lastDay > last) last = lastDay;
    return {
      id: s.key,
      index,
      attributes: s.attributes,
      rows: s.days.length,
      values: s.days.length,
      firstDate: isoFromDay(firstDay),
      endDate: isoFromDay(lastDay),
      firstValueDate: isoFromDay(firstDay),
      lastValueDate: isoFromDay(lastDay),
      sorted: true,
    };
  });
  const summary: LongCsvSummary = {
    schema,
    frequency,
    frequencyDetected: false,
    rows,
    droppedDuplicates: 0,
    knownInAdvance: [],
    sorted: true,
    hasRepeats: false,
    series: summaries,
    firstDate: first === null ? '' : isoFromDay(first),
    lastDate: last === null ? '' : isoFromDay(last),
  };
  return {
    schema: async () => schema,
    async *batches() {
      let line = 1;
      let seriesIndex = 0;
      let dayIndex = 0;
      let announced = -1;
      while (seriesIndex < series.length) {
        const n = Math.min(ROWS_PER_BATCH, rows - (line - 1));
        const b = {
          size: n,
          newSeries: [] as string[],
          line: new Float64Array(n),
          series: new Int32Array(n),
          day: new Int32Array(n),
          value: new Float64Array(n),
          covariates: Array.from({ length: n }, (): string | null => null),
          repeated: [] as number[],
        };
        for (let i = 0; i < n; i++) {
          const s = series[seriesIndex]!;
          if (announced < seriesIndex) {
            b.newSeries.push(s.key);
            announced = seriesIndex;
          }
          b.line[i] = ++line;
          b.series[i] = seriesIndex;
          b.day[i] = s.days[dayIndex]!;
          b.value[i] = s.units[dayIndex]!;
          const p = s.price[dayIndex];
          if (p !== null && p !== undefined) b.covariates[i] = `{"${PRICE}":${p}}`;
          if (++dayIndex >= s.days.length) {
            dayIndex = 0;
            seriesIndex++;
          }
        }
        yield b satisfies ObservationBatch;
      }
    },
    summary: () => summary,
    close: () => undefined,
  };
}

export function createDailySink(knex: Knex): DailySink {
  return {
    async replaceWindow(w: DailyWrite) {
      return knex.transaction(async (trx) => {
        const fromDate = w.fromDay === null ? null : isoFromDay(w.fromDay);
        const fresh = new Set<string>();
        for (const s of w.series) for (const d of s.days) fresh.add(`${s.key}\u0000${isoFromDay(d)}`);
        const stored = await loadWindowRows(trx, w.tenantId, w.datasetId, fromDate);
        const stale = stored.filter((r) => !fresh.has(`${r.key}\u0000${r.date}`));
        const rowsDeleted = await deleteObservations(trx, w.tenantId, stale);
        let changed = rowsDeleted > 0;
        if (w.series.length > 0) {
          const before = (await trx('datasets')
            .where({ tenant_id: w.tenantId, id: w.datasetId })
            .first('data_version')) as { data_version: number | string } | undefined;
          await importCsv(trx, {
            tenantId: w.tenantId,
            dataset: { id: w.datasetId },
            input: Buffer.alloc(0),
            batches: dailyBatchSource(w.series, w.frequency),
            frequency: w.frequency,
          });
          const after = (await trx('datasets')
            .where({ tenant_id: w.tenantId, id: w.datasetId })
            .first('data_version')) as { data_version: number | string } | undefined;
          changed ||= Number(after?.data_version) !== Number(before?.data_version);
          if (rowsDeleted > 0 && !changed) await touchDatasetAfterDelete(trx, w.tenantId, w.datasetId);
        } else if (rowsDeleted > 0) {
          await refreshSeriesStatistics(trx, w.tenantId, w.datasetId);
          await touchDatasetAfterDelete(trx, w.tenantId, w.datasetId);
        }
        await saveSyncState(trx, w.tenantId, w.sourceId, w.watermark, { ...w.lastSync, rowsDeleted });
        return { rowsDeleted, changed };
      });
    },
  };
}
