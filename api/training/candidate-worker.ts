/**
 * Entry of a candidate-backtest thread (candidate-threads.ts): loads its modules and the backend,
 * then receives its job (a panel, the candidates of its lane and their spec) as its first message,
 * backtests them one after the other and posts each one's windows (forecasts and seconds; the
 * parent holds the same split) and warnings.
 */
import { once } from 'node:events';
import { parentPort } from 'node:worker_threads';
import { initBackend } from '../forecasting/backend.js';
import { backtestCandidate } from '../forecasting/pipeline.js';
import type { CandidateJob, CandidateThreadMessage } from './candidate-threads.js';

const port = parentPort;
if (!port) throw new Error('candidate-worker.ts must run as a worker thread');
const post = (m: CandidateThreadMessage): void => port.postMessage(m);
try {
  // The same backend choice as the parent process (native, else wasm, else cpu): the same numbers.
  // Ready before the job comes: a thread started ahead does this while the parent reads the data.
  await initBackend('auto');
  const [job] = (await once(port, 'message')) as [CandidateJob];
  for (const kind of job.kinds) {
    const r = await backtestCandidate(job.panel, kind, job.spec, {
      onProgress: (fraction, message) => post({ type: 'progress', kind, fraction, message }),
    });
    post({
      type: 'done',
      kind,
      windows: r.windows.map((w) => ({ origin: w.origin, forecasts: w.forecasts, seconds: w.seconds })),
      warnings: r.warnings,
    });
  }
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
port.close();
