/**
 * A sync's daily rows as the importer's `ObservationBatch`es, so they go through `importCsv`'s
 * writers without a CSV in between. The `DailySink` that writes them in one transaction with the
 * window's deletions and the watermark binds this to the database in `api/plugin/sources.ts`.
 */
import type { DailySeries } from '../../app/sources/ports.js';
import type { ObservationBatch } from '../batch.js';
import type { BatchSource } from '../batch-source.js';
import { isoFromDay } from '../dates.js';
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
