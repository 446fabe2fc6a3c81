/** Records → the shapes the GraphQL object types declare (pure). */
import { RunStatus, type DatasetRecord, type SeriesRecord, type TrainingRunRecord } from '../app/ports.js';
import { toAttributes } from './common/attribute.type.js';
import type { Dataset } from './dataset/dataset.type.js';
import type { ShapedPoint } from '../app/forecasts/forecast-shape.js';
import type { ForecastPoint } from './forecast/forecast.type.js';
import type { Series } from './series/series.type.js';
import type { TrainingRun } from './training/training-run.type.js';

export function toDatasetView(d: DatasetRecord): Dataset {
  return {
    id: String(d.id),
    name: d.name,
    frequency: d.frequency,
    seriesCount: d.seriesCount,
    rowCount: d.rowCount,
    firstDate: d.firstDate,
    lastDate: d.lastDate,
    covariates: d.covariates.map((c) => ({ name: c.name, knownInAdvance: c.knownInAdvance })),
    attributes: [...d.attributes],
    country: d.country,
    unit: d.unit,
    allowNegative: d.allowNegative,
    createdAt: d.createdAt,
  };
}

export function toSeriesView(s: SeriesRecord): Series {
  return {
    id: s.key,
    datasetId: String(s.datasetId),
    attributes: toAttributes(s.attributes),
    firstDate: s.firstDate,
    lastDate: s.lastDate,
    valueCount: s.valueCount,
    rowId: s.id,
  };
}

/** Seconds left, from the time spent so far and the fraction done; null when not estimable. */
export function estimateEta(run: TrainingRunRecord, now = Date.now()): number | null {
  if (run.status !== RunStatus.RUNNING || !run.startedAt) return null;
  const f = run.progress.fraction;
  if (!(f > 0.02) || f >= 1) return null;
  const elapsed = (now - run.startedAt.getTime()) / 1000;
  return Math.max(0, Math.round((elapsed * (1 - f)) / f));
}

export function toRunView(r: TrainingRunRecord): TrainingRun {
  return {
    id: String(r.id),
    datasetId: String(r.datasetId),
    status: r.status,
    model: r.model,
    chosenModel: r.chosenModel,
    horizon: r.horizon,
    quantiles: [...r.quantiles],
    epochs: r.epochs,
    seed: r.seed,
    backend: r.backend,
    progress: {
      fraction: r.status === RunStatus.SUCCEEDED ? 1 : r.progress.fraction,
      epoch: r.progress.epoch,
      epochs: r.progress.epochs,
      loss: r.progress.loss,
      validationLoss: r.progress.validationLoss,
      eta: estimateEta(r),
      message: r.progress.message,
    },
    error: r.error,
    warnings: [...r.warnings],
    attempts: r.attempts,
    maxAttempts: r.maxAttempts,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    rowId: r.id,
    datasetRowId: r.datasetId,
  };
}

export function toPointView(p: ShapedPoint): ForecastPoint {
  return {
    date: p.date,
    actual: p.actual,
    actualToDate: p.actualToDate,
    p10: p.p10,
    p50: p.p50,
    p90: p.p90,
    quantiles: p.quantiles.map((q) => ({ level: q.level, value: q.value })),
    days: p.days,
    complete: p.complete,
  };
}
