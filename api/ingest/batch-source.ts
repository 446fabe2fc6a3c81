/**
 * The importer's view of a long CSV: its schema, its rows as `ObservationBatch`es, and its
 * summary. Large files are read and validated in a worker thread (`read-worker.ts`) while the
 * importer writes on this one, so an import keeps two cores busy; small inputs and byte streams
 * are read on this thread (a worker costs a fraction of a second to start). Both give the same
 * batches and the same errors.
 */
import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { createBatchEncoder, deserializeError, type ObservationBatch } from './batch.js';
import {
  LongCsvReader,
  type CsvInput,
  type LongCsvOptions,
  type LongCsvProgress,
  type LongCsvSchema,
  type LongCsvSummary,
} from './long-csv.js';
import type { ImporterToReader, ReadJob, ReaderToImporter } from './read-protocol.js';

export interface BatchSource {
  /** The header and each extra column's kind; header errors are thrown here. */
  schema(): Promise<LongCsvSchema>;
  /** Validated rows in file order; can be iterated once. */
  batches(): AsyncGenerator<ObservationBatch>;
  /** Available once every batch has been read. */
  summary(): LongCsvSummary;
  /** Stops reading and releases the input (and the worker). */
  close(): void;
}

/** Where the CSV is parsed: `auto` uses a worker thread for inputs of 4 MB or more (512 KB gzipped). */
export type ReadThread = 'auto' | 'worker' | 'main';

const WORKER_MIN_BYTES = 4 << 20;
/**
 * Rows per batch. Small batches keep the reader's row objects in V8's young generation, where
 * they die cheaply: 8192-row batches raised the peak RSS of an m5 import from ~205 to ~330 MB.
 */
const ROWS_PER_BATCH = 2048;

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './read-worker.ts' : './read-worker.js', import.meta.url);

/**
 * The reader's garbage is short-lived (a few thousand row objects at a time). A young generation
 * large enough that a scavenge finds almost all of it dead keeps it from being promoted: measured
 * on m5 (compiled), 4 or 12 MB gave worker heaps of ~128 MB and ~3.5 CPU s, 32 MB ~83 MB and
 * ~2.6 CPU s; on 5M generated rows the import's peak RSS was 218 MB.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 32 };

function startWorker(job: ReadJob): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL, { workerData: job, resourceLimits: WORKER_LIMITS });
  // Running from TypeScript sources (tsx): the worker registers tsx before loading its entry.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(WORKER_URL.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), {
    workerData: job,
    resourceLimits: WORKER_LIMITS,
  });
}

/** Whether bytes start like gzip (1f 8b), which holds ~10× more rows per byte. */
function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

async function useWorker(input: CsvInput, thread: ReadThread): Promise<boolean> {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return false; // a stream
  if (thread !== 'auto') return thread === 'worker';
  if (input instanceof Uint8Array) {
    return input.byteLength >= (isGzip(input) ? WORKER_MIN_BYTES / 8 : WORKER_MIN_BYTES);
  }
  try {
    const file = await open(input, 'r');
    try {
      const size = (await file.stat()).size;
      const head = new Uint8Array(2);
      await file.read(head, 0, 2, 0);
      return size >= (isGzip(head) ? WORKER_MIN_BYTES / 8 : WORKER_MIN_BYTES);
    } finally {
      await file.close();
    }
  } catch {
    return false; // the reader reports the unreadable path
  }
}

export async function openBatchSource(
  input: CsvInput,
  options: Omit<LongCsvOptions, 'batchSize' | 'progressEveryRows'>,
  thread: ReadThread = 'auto',
): Promise<BatchSource> {
  if (await useWorker(input, thread)) return workerSource(input as string | Uint8Array, options);
  return mainThreadSource(input, options);
}

function mainThreadSource(input: CsvInput, options: LongCsvOptions): BatchSource {
  const reader = new LongCsvReader(input, { ...options, batchSize: ROWS_PER_BATCH });
  return {
    schema: () => reader.schema(),
    async *batches() {
      const encode = createBatchEncoder((await reader.schema()).covariates);
      for await (const rows of reader.batches()) yield encode(rows);
    },
    summary: () => reader.summary(),
    close: () => reader.close(),
  };
}

function abortError(): Error {
  const e = new Error('The import was cancelled.');
  e.name = 'AbortError';
  return e;
}

function workerSource(input: string | Uint8Array, options: LongCsvOptions): BatchSource {
  const worker = startWorker({
    input,
    options: {
      frequency: options.frequency,
      ...(options.allowNegativeValues !== undefined ? { allowNegativeValues: options.allowNegativeValues } : {}),
      ...(options.columnKinds ? { columnKinds: options.columnKinds } : {}),
      batchSize: ROWS_PER_BATCH,
    },
  });
  const queue: ReaderToImporter[] = [];
  let failure: Error | undefined;
  let exited = false;
  let wake: (() => void) | undefined;
  let schemaValue: LongCsvSchema | undefined;
  let summaryValue: LongCsvSummary | undefined;
  let closed = false;
  const onProgress = options.onProgress;
  const signal = options.signal;

  worker.on('message', (m: ReaderToImporter) => {
    if (m.type === 'progress') onProgress?.(m.progress as LongCsvProgress);
    else queue.push(m);
    wake?.();
  });
  worker.on('error', (e) => {
    failure ??= e;
    wake?.();
  });
  worker.on('exit', () => {
    exited = true;
    wake?.();
  });
  const onAbort = (): void => {
    failure ??= abortError();
    wake?.();
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  const send = (m: ImporterToReader): void => {
    // A worker_threads port, not window.postMessage: there is no target origin.
    // oxlint-disable-next-line unicorn/require-post-message-target-origin
    if (!exited) worker.postMessage(m);
  };
  const next = async (): Promise<ReaderToImporter> => {
    for (;;) {
      if (signal?.aborted) throw abortError();
      const m = queue.shift();
      if (m) {
        if (m.type === 'error') throw deserializeError(m.error);
        return m;
      }
      if (failure) throw failure;
      if (exited) throw new Error('The CSV reader thread stopped before the end of the file.');
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  };
  const close = (): void => {
    if (closed) return;
    closed = true;
    signal?.removeEventListener('abort', onAbort);
    send({ type: 'stop' });
    void worker.terminate();
  };

  return {
    async schema() {
      if (schemaValue) return schemaValue;
      try {
        const m = await next();
        if (m.type !== 'schema') throw new Error(`The CSV reader thread sent ${m.type} before the schema.`);
        schemaValue = m.schema;
        return schemaValue;
      } catch (e) {
        close();
        throw e;
      }
    },
    async *batches() {
      if (!schemaValue) await this.schema();
      try {
        for (;;) {
          const m = await next();
          if (m.type === 'end') {
            summaryValue = m.summary;
            return;
          }
          if (m.type !== 'batch') throw new Error(`The CSV reader thread sent ${m.type} among the rows.`);
          send({ type: 'ack' });
          yield m.batch;
        }
      } finally {
        close();
      }
    },
    summary() {
      if (!summaryValue) throw new Error('summary() is only available after reading every batch');
      return summaryValue;
    },
    close,
  };
}
