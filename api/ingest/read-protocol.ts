/** Messages between the importer and its reader's worker thread (`read-worker.ts`). */
import type { ObservationBatch, SerializedError } from './batch.js';
import type { ColumnKind, LongCsvProgress, LongCsvSchema, LongCsvSummary } from './long-csv.js';
import type { Frequency } from '../forecasting/types.js';

export interface ReadJob {
  /** A file path, or the bytes themselves (copied to the worker). */
  readonly input: string | Uint8Array;
  readonly options: {
    readonly frequency?: Frequency | undefined;
    readonly allowNegativeValues?: boolean;
    readonly columnKinds?: Readonly<Record<string, ColumnKind>>;
    readonly batchSize?: number;
  };
}

export type ReaderToImporter =
  | { readonly type: 'schema'; readonly schema: LongCsvSchema }
  | { readonly type: 'batch'; readonly batch: ObservationBatch }
  | { readonly type: 'progress'; readonly progress: LongCsvProgress }
  | { readonly type: 'end'; readonly summary: LongCsvSummary }
  | { readonly type: 'error'; readonly error: SerializedError };

/** `ack`: the importer has written one batch; `stop`: the import ends early. */
export type ImporterToReader = { readonly type: 'ack' } | { readonly type: 'stop' };
