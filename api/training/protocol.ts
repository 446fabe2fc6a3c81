/**
 * Messages between the training runner (API process) and a run's worker thread. The worker owns
 * the run from loading the dataset to committing its results; the runner owns the run's status
 * rows for everything else (progress, failure, cancel).
 */
import type { DatabaseConfig } from '../config/env.js';
import type { BackendPreference } from '../config/env.js';
import type { ProgressUpdate } from '../app/ports.js';
import type { Frequency, ModelKind } from '../forecasting/types.js';

export interface RunJob {
  readonly runId: number;
  readonly tenantId: number;
  readonly datasetId: number;
  readonly frequency: Frequency | undefined;
  readonly database: DatabaseConfig;
  readonly backend: BackendPreference;
  readonly options: {
    readonly model: ModelKind;
    readonly horizon: number;
    readonly quantiles: readonly number[];
    readonly epochs: number | undefined;
    readonly seed: number;
    readonly origins: number | undefined;
  };
  /**
   * Module that exports `runForecastPipeline` (default: the engine's `forecasting/pipeline.js`).
   * Tests of the runner's own mechanics may point it at a stand-in with the same contract.
   */
  readonly pipelineModule?: string | undefined;
  /** The attempt (runs.attempts when claimed): results are saved only while it owns the run. */
  readonly attempt?: number | undefined;
}

/** A worker's progress report: the core's `ProgressUpdate`, as the run store records it. */
export type ProgressMessage = ProgressUpdate;

export type WorkerToRunner =
  | { readonly type: 'backend'; readonly backend: string }
  | { readonly type: 'progress'; readonly progress: ProgressMessage }
  | { readonly type: 'persisting' }
  | { readonly type: 'succeeded' }
  | { readonly type: 'cancelled' }
  | { readonly type: 'failed'; readonly message: string; readonly code: string };

export type RunnerToWorker = { readonly type: 'cancel' };
