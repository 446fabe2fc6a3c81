/**
 * Shared types of the forecasting engine (pure: no I/O). A dataset is a `Panel` of series on a
 * regular grid; global models fit on a whole panel and forecast every series of it.
 */

/** Grid frequency: daily, weekly, monthly (month starts). */
export type Frequency = 'D' | 'W' | 'M';

/** Seasonal period used by seasonal naive and the scaled metrics (m = 7, 52, 12). */
export const SEASON_LENGTH: Readonly<Record<Frequency, number>> = { D: 7, W: 52, M: 12 };

/** One series on the regular grid of its panel's frequency. */
export interface SeriesFrame {
  readonly id: string;
  /** ISO date (YYYY-MM-DD) of grid point 0. */
  readonly start: string;
  /** History, one value per grid point; NaN means unknown (missing), which is not zero sales. */
  readonly target: Float64Array;
  /**
   * Dynamic covariates by name, one value per grid point from `start`. Arrays may be longer than
   * `target`: the extra points are the known-in-advance values of the future (planned prices,
   * promotions). NaN means unknown.
   */
  readonly covariates: Readonly<Record<string, Float64Array>>;
  /** Static attributes (store, category, …), constant within the series. */
  readonly statics: Readonly<Record<string, string>>;
}

/** A dataset ready for modelling. */
export interface Panel {
  readonly freq: Frequency;
  readonly series: readonly SeriesFrame[];
  /** Names of the dynamic covariates, in a fixed order. */
  readonly covariateNames: readonly string[];
  /** Covariates whose future values are given (a subset of `covariateNames`). */
  readonly knownInAdvance: readonly string[];
  /** Names of the static attributes, in a fixed order. */
  readonly staticNames: readonly string[];
}

/** Quantile levels, each in (0, 1), ascending; 0.5 is always included. */
export type QuantileLevels = readonly number[];

export const DEFAULT_QUANTILES: QuantileLevels = [0.1, 0.5, 0.9];

/** The forecast of one series: `values[q][t]` for quantile level `quantiles[q]`, step t. */
export interface QuantileForecast {
  readonly seriesId: string;
  /** ISO dates of the forecast steps. */
  readonly dates: readonly string[];
  readonly quantiles: QuantileLevels;
  /** One array per quantile level, each of length `dates.length`; never crossing. */
  readonly values: readonly Float64Array[];
}

/** Progress reported while a model trains. */
export interface TrainingProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
  readonly validationLoss: number | undefined;
  /** 0..1 for the whole fit. */
  readonly fraction: number;
}

export interface FitOptions {
  /** Steps to forecast after the end of each series' target. */
  readonly horizon: number;
  readonly quantiles: QuantileLevels;
  readonly seed: number;
  readonly epochs?: number;
  readonly onProgress?: (progress: TrainingProgress) => void;
  /** Aborting stops training at the next batch and rejects with an AbortError. */
  readonly signal?: AbortSignal;
}

/** A model artefact as plain data: JSON plus bytes (weights), storable in a database column. */
export interface SerializedModel {
  readonly alias: string;
  readonly json: string;
  readonly weights: Uint8Array;
}

/**
 * A global forecaster (statsforecast's shape, adapted to panels): `fit` on a panel, then
 * `predict` the `horizon` points after each series' history. `forecast` = fit + predict.
 */
export interface GlobalForecaster {
  readonly alias: string;
  fit(panel: Panel, options: FitOptions): Promise<void>;
  /** Throws NotFittedError before `fit`. The panel may be the training panel or the same series with more history. */
  predict(panel: Panel): Promise<QuantileForecast[]>;
  serialize(): Promise<SerializedModel>;
  /** Frees tensors and variables. Safe to call twice. */
  dispose(): void;
}
