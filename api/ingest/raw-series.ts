/**
 * Reads a whole long CSV into memory as `RawSeries[]` (the engine's input), without a database:
 * what `forecastql backtest --data FILE.csv` uses. Same validation as the importer.
 */
import type { Frequency, RawSeries } from '../forecasting/types.js';
import {
  conflictingDuplicateError,
  LongCsvReader,
  type CsvInput,
  type LongCsvOptions,
  type LongCsvSchema,
} from './long-csv.js';

export interface RawSeriesFile {
  readonly series: RawSeries[];
  readonly frequency: Frequency;
  readonly schema: LongCsvSchema;
  /** Covariates given beyond the last known value of some series (planned prices, promotions). */
  readonly knownInAdvance: readonly string[];
  readonly rows: number;
}

interface Collected {
  days: number[];
  dates: string[];
  lines: number[];
  values: (number | null)[];
  covariates: (readonly (number | null)[])[];
}

/**
 * @example
 * const { series, frequency } = await readRawSeries('data/demo/uci-online-retail-daily.csv.gz');
 * const panel = buildPanel(series, frequency);
 */
export async function readRawSeries(input: CsvInput, options: LongCsvOptions = {}): Promise<RawSeriesFile> {
  const reader = new LongCsvReader(input, options);
  const schema = await reader.schema();
  const collected: Collected[] = [];
  for await (const batch of reader.batches()) {
    for (const row of batch) {
      let c = collected[row.seriesIndex];
      if (!c) {
        c = { days: [], dates: [], lines: [], values: [], covariates: [] };
        collected[row.seriesIndex] = c;
      }
      c.days.push(row.day);
      c.dates.push(row.date);
      c.lines.push(row.line);
      c.values.push(row.value);
      c.covariates.push(row.covariates);
    }
  }
  const summary = reader.summary();
  const series: RawSeries[] = summary.series.map((s) => {
    const c = collected[s.index]!;
    let order = c.days.map((_, i) => i);
    if (!s.sorted) order.sort((a, b) => c.days[a]! - c.days[b]! || c.lines[a]! - c.lines[b]!);
    // Out-of-order repeats: identical rows collapse, different ones are refused.
    const kept: number[] = [];
    for (const i of order) {
      const prev = kept[kept.length - 1];
      if (prev !== undefined && c.days[prev] === c.days[i]) {
        const same = c.values[prev] === c.values[i] && c.covariates[prev]!.every((v, k) => v === c.covariates[i]![k]);
        if (!same) {
          throw conflictingDuplicateError(
            { line: Math.max(c.lines[i]!, c.lines[prev]!), seriesId: s.id, date: c.dates[i]! },
            Math.min(c.lines[i]!, c.lines[prev]!),
          );
        }
        continue;
      }
      kept.push(i);
    }
    order = kept;
    return {
      id: s.id,
      statics: s.attributes,
      dates: order.map((i) => c.dates[i]!),
      values: order.map((i) => c.values[i]!),
      covariates: Object.fromEntries(
        schema.covariates.map((name, k) => [name, order.map((i) => c.covariates[i]![k]!)]),
      ),
    };
  });
  return {
    series,
    frequency: summary.frequency,
    schema,
    knownInAdvance: summary.knownInAdvance,
    rows: series.reduce((n, s) => n + s.dates.length, 0),
  };
}
