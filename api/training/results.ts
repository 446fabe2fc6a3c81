/**
 * Writes a finished pipeline's results — forecasts, backtest scores, feature importance, the model
 * artefact — and flips the run to SUCCEEDED, all in ONE transaction: readers see all of a run's
 * results or none (a crash, a cancel or an error part-way leaves nothing behind).
 */
import type { Knex } from 'knex';
import type { PipelineResult } from '../forecasting/types.js';
import { DomainError, ErrorCode } from '../errors/index.js';
import { createForecastsRepository, type ForecastRowInput } from '../db/forecasts.repository.js';
import { createImportanceRepository } from '../db/importance.repository.js';
import { createMetricsRepository } from '../db/metrics.repository.js';
import { createModelsRepository } from '../db/models.repository.js';
import { createRunResultsWriter, type ProgressUpdate } from '../db/runs.repository.js';

export class RunNoLongerActiveError extends Error {
  override readonly name = 'RunNoLongerActiveError';
}

export interface RunIdentity {
  readonly runId: number;
  readonly tenantId: number;
  readonly datasetId: number;
  /** The attempt saving (job queue): only the attempt that owns the run may save. */
  readonly attempt?: number | undefined;
}

/** Tables a run's results go to, each keyed by run_id. */
const RESULT_TABLES = [
  'forecasts',
  'backtest_metrics',
  'series_backtest_metrics',
  'feature_importance',
  'model_artefacts',
] as const;

/** Saves everything; throws RunNoLongerActiveError (and rolls back) when the run was cancelled meanwhile. */
export async function saveRunResults(
  knex: Knex,
  run: RunIdentity,
  result: PipelineResult,
  progress: ProgressUpdate = {},
): Promise<void> {
  assertFinite(result);
  await knex.transaction(async (trx) => {
    // Write first: on SQLite a transaction that read before its first write cannot take the write
    // lock once another connection has committed (WAL snapshot), while a first write waits
    // (busy_timeout) for the lock. The claim also stops a cancelled run from saving anything.
    const runs = createRunResultsWriter(trx);
    if (!(await runs.claimForResults(trx, run.tenantId, run.runId, progress, run.attempt))) {
      throw new RunNoLongerActiveError(`run ${run.runId} was cancelled or ended before its results were saved`);
    }
    // Idempotent: whatever an earlier attempt of this run might have left goes first, in the same
    // transaction, so a retried run never has duplicate or mixed rows.
    for (const name of RESULT_TABLES) await trx(name).where({ tenant_id: run.tenantId, run_id: run.runId }).delete();
    const forecasts = createForecastsRepository(trx);
    const ids = await forecasts.seriesIdsByKey(run.tenantId, run.datasetId);
    const seriesId = (key: string): number => {
      const id = ids.get(key);
      if (id === undefined) throw new Error(`the pipeline returned series "${key}", which the dataset does not have`);
      return id;
    };
    const rows: ForecastRowInput[] = [];
    for (const f of result.forecasts) {
      const sid = seriesId(f.seriesId);
      f.dates.forEach((date, t) => {
        const values = new Map<number, number>();
        f.quantiles.forEach((level, q) => values.set(level, f.values[q]![t]!));
        rows.push({ seriesId: sid, date, values, ...(f.mean ? { mean: f.mean[t]! } : {}) });
      });
    }
    await forecasts.insertMany(run.tenantId, run.runId, rows);
    if (result.distribution) await forecasts.saveDistribution(run.tenantId, run.runId, result.distribution);

    const chosen = result.chosenModel;
    const metrics = createMetricsRepository(trx);
    await metrics.insertMany(
      run.tenantId,
      run.runId,
      result.backtest.scores.map((s) => ({
        model: s.model,
        isChosen: s.model === chosen,
        metrics: s.metrics,
        origins: result.backtest.origins,
        horizon: result.backtest.horizon,
      })),
    );
    await metrics.insertSeriesScores(
      run.tenantId,
      run.runId,
      [...(result.backtest.perSeries ?? [])].flatMap(([key, scores]) =>
        scores.map((s) => ({
          seriesId: seriesId(key),
          model: s.model,
          isChosen: s.model === chosen,
          metrics: s.metrics,
          origins: s.origins,
          horizon: result.backtest.horizon,
        })),
      ),
    );

    const importance = createImportanceRepository(trx);
    await importance.insertRanked(run.tenantId, run.runId, null, result.importance);
    for (const [key, entries] of result.seriesImportance) {
      await importance.insertRanked(run.tenantId, run.runId, seriesId(key), entries);
    }

    await createModelsRepository(trx).insert(run.tenantId, run.runId, result.artefact);

    const ok = await runs.succeedInTransaction(
      trx,
      run.tenantId,
      run.runId,
      { chosenModel: chosen, warnings: result.warnings },
      run.attempt,
    );
    if (!ok) throw new RunNoLongerActiveError(`run ${run.runId} was cancelled or ended while its results were saved`);
  });
}

/**
 * A model's output that is not a finite number (values near 1e308 overflow in the models' sums):
 * refused with a coded error before anything is written, instead of failing inside an insert.
 */
function assertFinite(result: PipelineResult): void {
  for (const f of result.forecasts) {
    for (const row of [...f.values, ...(f.mean ? [f.mean] : [])]) {
      for (const v of row) {
        if (!Number.isFinite(v)) {
          throw new DomainError(
            ErrorCode.FORECAST_FAILED,
            `The forecast of series "${f.seriesId}" is not a finite number: its values are too large for the models' arithmetic (sums overflow near 1e308). Import the values in a larger unit (e.g. thousands), so they stay below about 1e300.`,
          );
        }
      }
    }
  }
}
