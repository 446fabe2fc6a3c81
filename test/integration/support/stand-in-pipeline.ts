/**
 * A stand-in with the engine pipeline's contract (`runForecastPipeline`), for tests of the
 * runner's own mechanics (progress, cancel mid-epoch, crash recovery): seasonal naive with
 * empirical residual quantiles, and fake "epochs" of EPOCH_MS each that report progress and
 * honour the abort signal. The product always runs the real pipeline.
 */
import { addSteps } from '../../../api/forecasting/frames.js';
import {
  SEASON_LENGTH,
  type Panel,
  type PipelineOptions,
  type PipelineResult,
  type QuantileForecast,
} from '../../../api/forecasting/types.js';

export const EPOCH_MS = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

const metrics = (mase: number) => ({ mase, smape: 0.5, rmsse: mase, wape: 0.4, wql: 0.3, coverage80: 0.8 });

export async function runForecastPipeline(panel: Panel, options: PipelineOptions): Promise<PipelineResult> {
  const epochs = options.epochs ?? 3;
  for (let e = 1; e <= epochs; e++) {
    await sleep(EPOCH_MS);
    if (options.signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    options.onProgress?.({ epoch: e, epochs, loss: 1 / e, validationLoss: 1.1 / e, fraction: e / epochs });
  }
  const m = SEASON_LENGTH[panel.freq];
  const forecasts: QuantileForecast[] = panel.series.map((s) => {
    const y = Array.from(s.target);
    const residuals = y
      .slice(m)
      .map((v, i) => v - y[i]!)
      .filter(Number.isFinite)
      .toSorted((a, b) => a - b);
    const last = y.slice(-m);
    const dates = Array.from({ length: options.horizon }, (_, t) => addSteps(s.start, y.length + t, panel.freq));
    const shift = quantile(residuals, 0.5);
    const values = options.quantiles.map((q) => {
      const d = quantile(residuals, q) - shift;
      return Float64Array.from(dates, (_, t) => Math.max(0, (last[t % m] ?? 0) + d));
    });
    return { seriesId: s.id, dates, quantiles: options.quantiles, values };
  });
  return {
    chosenModel: 'snaive',
    forecasts,
    backtest: {
      origins: 1,
      horizon: options.horizon,
      scores: [
        { model: 'snaive', metrics: metrics(1) },
        { model: 'naive', metrics: metrics(1.2) },
      ],
    },
    importance: [
      { feature: 'lag:season', label: 'Same day last week', importance: 0.7 },
      { feature: 'weekday', label: 'Weekday pattern', importance: 0.3 },
    ],
    seriesImportance: new Map(),
    artefact: { alias: 'snaive', json: JSON.stringify({ season: m }), weights: new Uint8Array([1, 2, 3]) },
    warnings: [],
  };
}
