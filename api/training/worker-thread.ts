/**
 * Entry of a training worker thread (node:worker_threads): receives a `RunJob` as workerData,
 * executes it, reports through `parentPort` and exits. A `{type:'cancel'}` message aborts the
 * pipeline at its next batch.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadPanel } from './raw-series.js';
import { executeRun } from './execute-run.js';
import type { RunJob, RunnerToWorker, WorkerToRunner } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('worker-thread.ts must run as a worker thread');
const controller = new AbortController();
port.on('message', (message: RunnerToWorker) => {
  if (message.type === 'cancel') controller.abort();
});
await executeRun(workerData as RunJob, loadPanel, (m: WorkerToRunner) => port.postMessage(m), controller.signal);
port.close();
