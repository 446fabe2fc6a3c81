/**
 * The body of one training run, as executed inside its worker thread: load the dataset, start the
 * TensorFlow.js backend, run the engine's pipeline with progress and an abort signal, then commit
 * every result in one transaction. Never runs on the API's event loop.
 */
import type { Knex } from 'knex';
import { createKnex } from '../db/knex.js';
import type { Frequency, PipelineOptions, PipelineResult, Panel } from '../forecasting/types.js';
import { DomainError } from '../errors/index.js';
import { safeErrorText } from '../errors/internal-text.js';
import type { ProgressMessage, RunJob, WorkerToRunner } from './protocol.js';
import { RunNoLongerActiveError, saveRunResults } from './results.js';

export interface PipelineModule {
  runForecastPipeline(panel: Panel, options: PipelineOptions): Promise<PipelineResult>;
}

/** A dataset's panel (raw-series.ts's `loadPanel`: built batch by batch as rows arrive). */
export type PanelLoader = (
  knex: Knex,
  tenantId: number,
  datasetId: number,
  frequency: Frequency | undefined,
) => Promise<Panel>;

function isAbort(e: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (e instanceof Error && e.name === 'AbortError');
}

/** Runs `job`; every outcome is reported through `post` (the last message is terminal). */
export async function executeRun(
  job: RunJob,
  loadPanel: PanelLoader,
  post: (message: WorkerToRunner) => void,
  signal: AbortSignal,
): Promise<void> {
  const knex = createKnex(job.database);
  let last: ProgressMessage = {};
  const progress = (p: ProgressMessage): void => {
    last = { ...last, ...p };
    post({ type: 'progress', progress: p });
  };
  try {
    progress({ fraction: 0, message: 'Loading the dataset' });
    const panel = await loadPanel(knex, job.tenantId, job.datasetId, job.frequency);
    progress({ fraction: 0.01, message: 'Starting TensorFlow.js' });
    // The engine is imported when a run starts (the worker thread pays for TensorFlow.js, not the
    // API), by literal specifiers so that the import graph (and the layer check) sees them.
    const { initBackend } = await import('../forecasting/backend.js');
    const backend = await initBackend(job.backend);
    post({ type: 'backend', backend });
    const pipeline: PipelineModule = job.pipelineModule
      ? ((await import(job.pipelineModule)) as PipelineModule)
      : await import('../forecasting/pipeline.js');
    if (signal.aborted) {
      post({ type: 'cancelled' });
      return;
    }
    progress({ fraction: 0.02, message: `Training on ${panel.series.length} series` });
    const result = await pipeline.runForecastPipeline(panel, {
      model: job.options.model,
      horizon: job.options.horizon,
      quantiles: job.options.quantiles,
      seed: job.options.seed,
      ...(job.options.epochs !== undefined ? { epochs: job.options.epochs } : {}),
      ...(job.options.origins !== undefined ? { origins: job.options.origins } : {}),
      signal,
      onProgress: (p) => {
        const deep = p.epochs > 0;
        progress({
          epoch: deep ? p.epoch : null,
          epochs: deep ? p.epochs : null,
          loss: Number.isFinite(p.loss) ? p.loss : null,
          validationLoss: p.validationLoss ?? null,
          // 2 % for loading, 95 % for the pipeline, the rest for saving.
          fraction: 0.02 + 0.95 * Math.min(1, Math.max(0, p.fraction)),
          message: deep ? `Training: epoch ${p.epoch} of ${p.epochs}` : 'Backtesting candidate models',
        });
      },
    });
    if (signal.aborted) {
      post({ type: 'cancelled' });
      return;
    }
    post({ type: 'persisting' });
    await saveRunResults(knex, job, result, { ...last, fraction: 0.98, message: 'Saving forecasts' });
    post({ type: 'succeeded' });
  } catch (e) {
    if (isAbort(e, signal) || e instanceof RunNoLongerActiveError) {
      post({ type: 'cancelled' });
    } else if (e instanceof DomainError) {
      post({ type: 'failed', message: e.message, code: e.code });
    } else {
      const message = e instanceof Error ? e.message : String(e);
      // Clients read run errors: never SQL or a stack (the full error goes to the log).
      const safe = safeErrorText(message);
      if (safe !== message) console.error('training run %d failed:', job.runId, e);
      post({ type: 'failed', message: `Training failed: ${safe}`, code: 'FORECAST_FAILED' });
    }
  } finally {
    await knex.destroy();
  }
}
