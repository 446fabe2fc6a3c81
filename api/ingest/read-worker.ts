/**
 * Entry of the import reader's worker thread (node:worker_threads): reads and validates a long
 * CSV with `LongCsvReader` and posts its schema, its rows as transferred `ObservationBatch`es,
 * progress, and its summary (or the error that stopped it) to the importer, which writes them to
 * the database on the main thread meanwhile. At most `MAX_BATCHES_IN_FLIGHT` batches wait
 * unacknowledged, so memory stays bounded when the database is the slower side.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createBatchEncoder, serializeError } from './batch.js';
import type { ReaderToImporter, ImporterToReader, ReadJob } from './read-protocol.js';
import { LongCsvReader } from './long-csv.js';

const MAX_BATCHES_IN_FLIGHT = 4;

const port = parentPort;
if (!port) throw new Error('read-worker.ts must run as a worker thread');
const job = workerData as ReadJob;
const controller = new AbortController();
let inFlight = 0;
let wake: (() => void) | undefined;
port.on('message', (m: ImporterToReader) => {
  if (m.type === 'ack') inFlight--;
  else controller.abort();
  wake?.();
});
/** Resolves once fewer than `MAX_BATCHES_IN_FLIGHT` batches wait, or the import stops. */
async function acknowledged(): Promise<void> {
  for (;;) {
    if (inFlight < MAX_BATCHES_IN_FLIGHT || controller.signal.aborted) return;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = undefined;
  }
}
const post = (m: ReaderToImporter, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

const reader = new LongCsvReader(job.input, {
  ...job.options,
  signal: controller.signal,
  onProgress: (progress) => post({ type: 'progress', progress }),
});
try {
  const schema = await reader.schema();
  post({ type: 'schema', schema });
  const encode = createBatchEncoder(schema.covariates);
  for await (const rows of reader.batches()) {
    const batch = encode(rows);
    inFlight++;
    post({ type: 'batch', batch }, [
      batch.line.buffer,
      batch.series.buffer,
      batch.day.buffer,
      batch.value.buffer,
    ] as ArrayBuffer[]);
    if (inFlight >= MAX_BATCHES_IN_FLIGHT) await acknowledged();
    if (controller.signal.aborted) break;
  }
  if (!controller.signal.aborted) post({ type: 'end', summary: reader.summary() });
} catch (e) {
  post({ type: 'error', error: serializeError(e) });
} finally {
  reader.close();
  port.close();
}
