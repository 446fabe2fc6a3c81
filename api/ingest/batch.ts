/**
 * Validated rows of a long CSV in a compact, column-wise form: what the reader (in a worker
 * thread or in this one) hands to the database writers. Typed arrays instead of one object per
 * row, so a batch crosses threads by transfer and the writer allocates almost nothing per row.
 */
import { CsvValidationError } from './errors.js';
import type { LongCsvRow } from './long-csv.js';
import { UserInputError } from '../errors/index.js';
import { createDateText, type ObservationBatch } from '../app/observations.js';

export { createDateText, type ObservationBatch };

/** Turns the reader's row batches into `ObservationBatch`es. */
export function createBatchEncoder(
  covariateNames: readonly string[],
): (rows: readonly LongCsvRow[]) => ObservationBatch {
  // `{"name":` and `,"name":` of each covariate, encoded once rather than per row.
  const firstKey = covariateNames.map((name) => `{${JSON.stringify(name)}:`);
  const nextKey = covariateNames.map((name) => `,${JSON.stringify(name)}:`);
  const nCov = covariateNames.length;
  let seriesSeen = 0;
  return (rows) => {
    const n = rows.length;
    const line = new Float64Array(n);
    const series = new Int32Array(n);
    const day = new Int32Array(n);
    const value = new Float64Array(n);
    const covariates: (string | null)[] = Array.from({ length: n }, () => null);
    const repeated: number[] = [];
    const newSeries: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      line[i] = r.line;
      series[i] = r.seriesIndex;
      if (r.seriesIndex >= seriesSeen) {
        // Series indices are given in order of first appearance.
        newSeries.push(r.seriesId);
        seriesSeen = r.seriesIndex + 1;
      }
      day[i] = r.day;
      value[i] = r.value === null ? Number.NaN : r.value;
      if (nCov > 0) {
        let json = '';
        const c = r.covariates;
        for (let k = 0; k < nCov; k++) {
          const v = c[k];
          if (v === null || v === undefined) continue;
          json += (json === '' ? firstKey[k]! : nextKey[k]!) + String(v);
        }
        if (json !== '') covariates[i] = json + '}';
      }
      if (r.repeated) repeated.push(i);
    }
    return { size: n, newSeries, line, series, day, value, covariates, repeated };
  };
}

/** An error as it crosses from the reader's worker thread to the importer. */
export interface SerializedError {
  readonly kind: 'csv' | 'input' | 'abort' | 'other';
  readonly message: string;
  readonly line?: number;
  readonly column?: string | undefined;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly stack?: string | undefined;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof CsvValidationError) {
    return { kind: 'csv', message: e.message, line: e.line, column: e.column };
  }
  if (e instanceof UserInputError) return { kind: 'input', message: e.message, details: e.details };
  if (e instanceof Error && e.name === 'AbortError') return { kind: 'abort', message: e.message };
  const err = e instanceof Error ? e : new Error(String(e));
  return { kind: 'other', message: err.message, stack: err.stack };
}

/** The error the reader threw, rebuilt in this thread with the same class and message. */
export function deserializeError(s: SerializedError): Error {
  switch (s.kind) {
    case 'csv':
      return CsvValidationError.withMessage(s.line!, s.column, s.message);
    case 'input':
      return new UserInputError(s.message, s.details ?? {});
    case 'abort': {
      const e = new Error(s.message);
      e.name = 'AbortError';
      return e;
    }
    default: {
      const e = new Error(s.message);
      if (s.stack) e.stack = s.stack;
      return e;
    }
  }
}
