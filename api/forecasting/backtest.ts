/**
 * Rolling-origin backtest (statsforecast's `cross_validation`, with the peers' split): for each of
 * K windows of H at the end of every series, a fresh model fits on the panel cut before the
 * window (it sees no target at or after the window's start; numeric covariates are known inside
 * the window, as the peers treat them) and forecasts the window. A model that fails falls back,
 * under its own alias, to the fallback model (seasonal naive by default) with a warning: for the
 * whole window when `fit`/`predict` throws, or for the series whose forecast is missing or not
 * finite.
 */
import { rollingOriginSplit, type BacktestSplit, type BacktestWindow } from './frames.js';
import { scoreWindows, type MetricSummary, type ScoredWindow } from './metrics.js';
import {
  DEFAULT_QUANTILES,
  SEASON_LENGTH,
  type FitOptions,
  type GlobalForecaster,
  type Panel,
  type QuantileForecast,
  type QuantileLevels,
  type SerializedModel,
} from './types.js';

export interface BacktestOptions {
  readonly horizon: number;
  readonly origins: number;
  /** Series need this many windows to take part (default `origins`; see `rollingOriginSplit`). */
  readonly requiredOrigins?: number;
  readonly quantiles?: QuantileLevels;
  readonly seed?: number;
  readonly epochs?: number;
  /** Used when the model fails (default: none, the error propagates). */
  readonly fallback?: () => GlobalForecaster;
  /** 0..1 over all windows, with a short message. */
  readonly onProgress?: (fraction: number, message: string) => void;
  readonly signal?: AbortSignal;
  /**
   * Start each window's fit from the model of the previous (earlier) window, for models that
   * accept `warmStart` in their fit options (the deep models). Never from a later one.
   */
  readonly warmStart?: boolean;
  /**
   * The split of `panel` for these `horizon`, `origins` and `requiredOrigins`, when the caller has
   * it already: several backtests of one panel (every candidate of `auto`) then share one set of
   * windows instead of holding one each.
   */
  readonly split?: BacktestSplit;
}

export interface BacktestWindowResult {
  readonly origin: number;
  readonly window: BacktestWindow;
  /** One forecast per series of the window, in the window panel's order. */
  readonly forecasts: readonly QuantileForecast[];
  readonly seconds: number;
}

export interface BacktestResult {
  readonly alias: string;
  readonly windows: readonly BacktestWindowResult[];
  readonly excluded: readonly string[];
  readonly warnings: readonly string[];
  readonly seconds: number;
}

function finite(f: QuantileForecast | undefined, h: number): f is QuantileForecast {
  return f !== undefined && f.values.every((r) => r.length === h && r.every((v) => Number.isFinite(v)));
}

/** Fits a fresh model on the window's panel and forecasts it (the model is disposed after). */
async function forecastWindow(
  make: () => GlobalForecaster,
  panel: Panel,
  fit: FitOptions,
  warmStart: SerializedModel | undefined,
  keepArtefact: boolean,
): Promise<{ forecasts: QuantileForecast[]; alias: string; warnings: readonly string[]; artefact?: SerializedModel }> {
  const model = make();
  try {
    await model.fit(panel, warmStart ? ({ ...fit, warmStart } as FitOptions) : fit);
    const forecasts = await model.predict(panel);
    const artefact = keepArtefact ? await model.serialize() : undefined;
    return { forecasts, alias: model.alias, warnings: model.warnings ?? [], ...(artefact ? { artefact } : {}) };
  } finally {
    model.dispose();
  }
}

/** The K-window rolling-origin backtest of `make()` on `panel`. */
export async function backtest(
  panel: Panel,
  make: () => GlobalForecaster,
  options: BacktestOptions,
): Promise<BacktestResult> {
  const t0 = performance.now();
  const split = options.split ?? rollingOriginSplit(panel, options.horizon, options.origins, options.requiredOrigins);
  const quantiles = options.quantiles ?? DEFAULT_QUANTILES;
  const warnings: string[] = [];
  const windows: BacktestWindowResult[] = [];
  let alias = '';
  let previous: SerializedModel | undefined;
  for (const [wi, w] of split.windows.entries()) {
    options.signal?.throwIfAborted();
    const t1 = performance.now();
    const progress = options.onProgress;
    const fit: FitOptions = {
      horizon: options.horizon,
      quantiles,
      seed: options.seed ?? 0,
      ...(options.epochs === undefined ? {} : { epochs: options.epochs }),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(progress
        ? {
            onProgress: (p) =>
              progress((wi + p.fraction) / split.windows.length, `origin ${w.origin}: epoch ${p.epoch}/${p.epochs}`),
          }
        : {}),
    };
    let forecasts: QuantileForecast[];
    try {
      const r = await forecastWindow(make, w.panel, fit, options.warmStart ? previous : undefined, !!options.warmStart);
      alias = r.alias;
      forecasts = r.forecasts;
      previous = r.artefact;
      for (const m of r.warnings) if (!warnings.includes(m)) warnings.push(m);
    } catch (e) {
      if (!options.fallback || (e instanceof Error && e.name === 'AbortError')) throw e;
      const fb = await forecastWindow(options.fallback, w.panel, fit, undefined, false);
      alias ||= make().alias;
      warnings.push(
        `${alias} failed on origin ${w.origin} (${e instanceof Error ? e.message : String(e)}); ${fb.alias} was used there.`,
      );
      forecasts = fb.forecasts;
    }
    // Series the model left out or forecast with NaN: fallback for those series only.
    const byId = new Map(forecasts.map((f) => [f.seriesId, f]));
    const bad = w.panel.series.filter((s) => !finite(byId.get(s.id), options.horizon));
    if (bad.length > 0 && options.fallback) {
      const sub: Panel = { ...w.panel, series: bad };
      const fb = await forecastWindow(options.fallback, sub, fit, undefined, false);
      for (const f of fb.forecasts) byId.set(f.seriesId, f);
      warnings.push(
        `${alias} gave no usable forecast for ${bad.length} series on origin ${w.origin} (e.g. "${bad[0]!.id}"); ${fb.alias} was used for them.`,
      );
    }
    const ordered = w.panel.series.map((s) => byId.get(s.id)).filter((f): f is QuantileForecast => f !== undefined);
    windows.push({ origin: w.origin, window: w, forecasts: ordered, seconds: (performance.now() - t1) / 1000 });
    options.onProgress?.((wi + 1) / split.windows.length, `origin ${w.origin} done`);
  }
  return {
    alias: alias || make().alias,
    windows,
    excluded: split.excluded,
    warnings,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The windows of a backtest in the shape `scoreWindows` takes. */
export function scoredWindows(result: Pick<BacktestResult, 'windows'>): ScoredWindow[] {
  const out: ScoredWindow[] = [];
  for (const w of result.windows) {
    const hist = new Map(w.window.panel.series.map((s) => [s.id, s.target]));
    for (const f of w.forecasts) {
      const actual = w.window.actuals.get(f.seriesId);
      if (!actual) continue;
      out.push({
        seriesId: f.seriesId,
        origin: w.origin,
        history: hist.get(f.seriesId)!,
        actual,
        quantiles: new Map(f.quantiles.map((q, i) => [q, f.values[i]!])),
      });
    }
  }
  return out;
}

/** Scores a backtest with the peers' definitions (metrics.ts). */
export function scoreBacktest(result: Pick<BacktestResult, 'windows'>, panel: Panel): MetricSummary {
  const levels = result.windows[0]?.forecasts[0]?.quantiles ?? DEFAULT_QUANTILES;
  return scoreWindows(scoredWindows(result), SEASON_LENGTH[panel.freq], levels);
}

/**
 * Scores a backtest series by series, with the same definitions as `scoreBacktest` on each
 * series' own windows (what "accuracy per series" shows). Series without a scored window are
 * absent. Pure.
 */
export function scoreBacktestPerSeries(
  result: Pick<BacktestResult, 'windows'>,
  panel: Pick<Panel, 'freq'>,
): Map<string, MetricSummary> {
  const levels = result.windows[0]?.forecasts[0]?.quantiles ?? DEFAULT_QUANTILES;
  const bySeries = new Map<string, ScoredWindow[]>();
  for (const w of scoredWindows(result)) {
    const list = bySeries.get(w.seriesId);
    if (list) list.push(w);
    else bySeries.set(w.seriesId, [w]);
  }
  const m = SEASON_LENGTH[panel.freq];
  return new Map([...bySeries].map(([id, ws]) => [id, scoreWindows(ws, m, levels)]));
}
