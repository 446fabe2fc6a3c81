/**
 * `auto`'s candidate backtests on two cores: the candidates are independent (each fits its own
 * models, seeded, on the same windows), so they run on two lanes of about equal cost: the heaviest
 * (the gradient-boosted trees where `auto` tries them, else the deep model, whose TensorFlow.js
 * wasm backend uses one thread) in a worker thread, the others on this thread. The result is the
 * same as one after the other, candidate for candidate and in the same order, so the choice and
 * the forecasts are unchanged; only the wall time falls (bench/speed-vs-gbm.ts).
 *
 * `FORECASTQL_CANDIDATE_THREADS=1` (or a machine with one core) runs them all on this thread.
 *
 * The thread can be started ahead (`startCandidateThread`, before the data is read): loading its
 * modules and the TensorFlow.js backend then overlaps with the reading instead of delaying its
 * lane.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { InvalidConfigurationError } from '../errors/index.js';
import type { BacktestWindowResult } from '../forecasting/backtest.js';
import { rollingOriginSplit } from '../forecasting/frames.js';
import { EXTRA_LOCAL_KINDS, isBaseline } from '../forecasting/models.js';
import {
  AUTO_PRICE_CANDIDATES,
  autoDeepTrainingWindows,
  backtestCandidate,
  type CandidateBacktestSpec,
  type CandidateRun,
} from '../forecasting/pipeline.js';
import type { Panel, QuantileForecast } from '../forecasting/types.js';

/** What a candidate thread posts to its parent. */
export type CandidateThreadMessage =
  | { readonly type: 'progress'; readonly kind: string; readonly fraction: number; readonly message: string }
  | {
      readonly type: 'done';
      readonly kind: string;
      readonly windows: readonly { origin: number; forecasts: readonly QuantileForecast[]; seconds: number }[];
      readonly warnings: readonly string[];
    }
  | { readonly type: 'error'; readonly message: string };

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './candidate-worker.ts' : './candidate-worker.js', import.meta.url);

/** A candidate thread; it loads its modules and backend, then waits for its job (a `CandidateJob` message). */
function spawn(): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL);
  // From source (tsx), the thread registers tsx first: a new thread does not inherit loader hooks.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(WORKER_URL.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`));
}

/** What a candidate thread is given to do: the panel, the candidates of its lane and their spec. */
export interface CandidateJob {
  readonly panel: Panel;
  readonly kinds: readonly string[];
  readonly spec: CandidateBacktestSpec;
}

/** The thread started ahead by `startCandidateThread`, until a backtest takes it. */
let ahead: Worker | undefined;

/**
 * Starts the candidate thread now, where two threads will be used (`candidateThreads`), so that
 * its start-up overlaps with whatever this thread does before `backtestCandidates` (reading the
 * data). It does not keep the process alive while it waits; a backtest without a deep candidate
 * stops it, as does `stopCandidateThread`.
 */
export function startCandidateThread(env: NodeJS.ProcessEnv = process.env): void {
  if (ahead || candidateThreads(env) < 2) return;
  const w = spawn();
  ahead = w;
  w.unref();
  // A thread that ends before a backtest takes it is not taken (that backtest starts its own); one
  // that fails while being taken is reported by that backtest's own listeners.
  w.on('error', () => undefined);
  w.on('exit', () => {
    if (ahead === w) ahead = undefined;
  });
}

/** Whether a thread started ahead is waiting for its job. */
export function candidateThreadWaiting(): boolean {
  return ahead !== undefined;
}

/** Stops a thread started ahead and not taken (nothing when there is none). */
export async function stopCandidateThread(): Promise<void> {
  const w = ahead;
  ahead = undefined;
  if (w) await w.terminate();
}

/** What a candidate's cost grows with: the panel's series and values (every series' history together). */
export interface PanelSize {
  readonly series: number;
  readonly points: number;
}

/** The size of `panel` for `candidateWeight`. */
export function panelSize(panel: Pick<Panel, 'series'>): PanelSize {
  let points = 0;
  for (const s of panel.series) points += s.target.length;
  return { series: panel.series.length, points };
}

/** About uci's sample (200 series, 72,090 values): the size assumed when none is given. */
const DEFAULT_SIZE: PanelSize = { series: 200, points: 72_000 };

/**
 * Estimated CPU seconds of a candidate's backtest inside `auto` on a panel of `size`, measured with
 * bench/speed-lanes.ts (bench/RESULTS.md, "Speed against gradient boosting"): the gradient-boosted
 * trees train on a fixed budget of rows (100 Poisson trees: uci 11.4 s, m5 15.6 s); the deep model on
 * `autoDeepTrainingWindows` windows, about 1.2 s plus 3.9 ms per window (uci: 12.8 s at 3,000,
 * 24.4 s at 6,000); each Holt-Winters takes about 17 µs per value (uci 1.2 s, pasta 3.5 s, m5
 * 8.8 s), the other local models a tenth of that or less.
 */
export function candidateWeight(kind: string, size: PanelSize = DEFAULT_SIZE): number {
  if ((EXTRA_LOCAL_KINDS as readonly string[]).includes(kind)) return 1.7e-5 * size.points;
  if (isBaseline(kind)) return 1.5e-6 * size.points;
  if ((AUTO_PRICE_CANDIDATES as readonly string[]).includes(kind)) return 13;
  return 1.2 + 0.0039 * autoDeepTrainingWindows(size.series);
}

/**
 * Threads to use: `FORECASTQL_CANDIDATE_THREADS` (1 or 2), else 2 where the machine has two cores.
 * Any other value is refused with INVALID_CONFIGURATION naming it, never read as a silent 1.
 */
export function candidateThreads(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['FORECASTQL_CANDIDATE_THREADS'];
  if (raw === undefined || raw === '') return availableParallelism() >= 2 ? 2 : 1;
  if (raw !== '1' && raw !== '2') {
    throw new InvalidConfigurationError(
      'FORECASTQL_CANDIDATE_THREADS',
      raw,
      'Use 1 (every candidate on one thread) or 2 (the heaviest candidates in a worker thread), or leave it unset.',
    );
  }
  return Number(raw);
}

/**
 * The lane of each candidate: the heaviest (the first of equal weight) goes to the worker, every
 * other one to the lane with less weight so far, this thread on ties. None goes to the worker when
 * no candidate has a training loop (a thread's start-up would cost more than it saves).
 */
export function candidateLanes(kinds: readonly string[], size?: PanelSize): { main: string[]; worker: string[] } {
  const main: string[] = [];
  const worker: string[] = [];
  const heavy = kinds.filter((k) => !isBaseline(k));
  if (heavy.length === 0) return { main: [...kinds], worker };
  const weight = (k: string): number => candidateWeight(k, size);
  let wMain = 0;
  let wWorker = 0;
  const order = kinds.toSorted((a, b) => weight(b) - weight(a));
  for (const [i, k] of order.entries()) {
    if (i === 0 || wWorker < wMain) {
      worker.push(k);
      wWorker += weight(k);
    } else {
      main.push(k);
      wMain += weight(k);
    }
  }
  return { main, worker };
}

/**
 * Backtests every candidate of `kinds` on `panel` (`backtestCandidate` of each), two at a time
 * where there are two cores, and returns them in the order of `kinds`.
 */
export async function backtestCandidates(
  panel: Panel,
  kinds: readonly string[],
  spec: CandidateBacktestSpec,
  options: { threads?: number; onProgress?: (fraction: number, message: string) => void } = {},
): Promise<CandidateRun[]> {
  const size = panelSize(panel);
  const weight = (k: string): number => candidateWeight(k, size);
  const totalWeight = kinds.reduce((a, k) => a + weight(k), 0);
  const fractions = new Map<string, number>();
  const progress = (kind: string, f: number, message: string): void => {
    if (!options.onProgress) return;
    fractions.set(kind, f);
    let done = 0;
    for (const [k, v] of fractions) done += weight(k) * v;
    options.onProgress(done / totalWeight, `${kind} ${message}`);
  };
  const split = rollingOriginSplit(panel, spec.horizon, spec.origins, spec.requiredOrigins);
  const lanes =
    (options.threads ?? candidateThreads()) >= 2 ? candidateLanes(kinds, size) : { main: [...kinds], worker: [] };
  if (lanes.worker.length === 0) await stopCandidateThread();
  const results = new Map<string, CandidateRun>();

  const inWorker =
    lanes.worker.length === 0
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          const byOrigin = new Map(split.windows.map((w) => [w.origin, w]));
          const worker = ahead ?? spawn();
          ahead = undefined;
          worker.ref();
          const job: CandidateJob = { panel, kinds: lanes.worker, spec };
          // A worker thread, not a window: there is no origin to name.
          // oxlint-disable-next-line unicorn/require-post-message-target-origin
          worker.postMessage(job);
          let failure: Error | undefined;
          worker.on('message', (m: CandidateThreadMessage) => {
            if (m.type === 'progress') progress(m.kind, m.fraction, m.message);
            else if (m.type === 'error') failure = new Error(`candidate thread: ${m.message}`);
            else {
              const windows: BacktestWindowResult[] = m.windows.map((w) => ({ ...w, window: byOrigin.get(w.origin)! }));
              results.set(m.kind, { kind: m.kind, windows, warnings: m.warnings });
            }
          });
          worker.on('error', (e) => (failure ??= e));
          worker.on('exit', (code) => {
            const missing = lanes.worker.filter((k) => !results.has(k));
            if (failure || missing.length > 0) {
              reject(failure ?? new Error(`candidate thread exited (code ${code}) before ${missing.join(', ')}`));
            } else resolve();
          });
        });
  // This thread's lane, while the worker runs its own (a rejection is seen after this lane ends).
  const settled = inWorker.then(
    () => undefined,
    (e: unknown) => e,
  );
  for (const kind of lanes.main) {
    results.set(
      kind,
      await backtestCandidate(panel, kind, spec, { split, onProgress: (f, m) => progress(kind, f, m) }),
    );
  }
  const error = await settled;
  if (error) throw error;
  return kinds.map((k) => results.get(k)!);
}
