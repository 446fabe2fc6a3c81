/**
 * Shared types of the forecasting engine (pure: no I/O). A dataset is a `Panel` of series on a
 * regular grid; global models fit on a whole panel and forecast every series of it.
 */
import type { DistributionModel } from './distribution.js';

/** Grid frequency: daily, weekly, monthly (month starts). */
export type Frequency = 'D' | 'W' | 'M';

/** Seasonal period used by seasonal naive and the scaled metrics (m = 7, 52, 12). */
export const SEASON_LENGTH: Readonly<Record<Frequency, number>> = { D: 7, W: 52, M: 12 };

/** Steps of a year, weekdays kept in line for daily data (52 weeks). */
export const YEAR_STEPS: Readonly<Record<Frequency, number>> = { D: 364, W: 52, M: 12 };

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
  /**
   * The dataset's country or region for holidays and commerce events (`CN`, `GB`, `DE-BY`, as
   * `normalizeCountry` returns it). Omitted: a `country` static attribute of the series, else the
   * Western retail calendar (features.ts `panelCountries`).
   */
  readonly country?: string;
  /**
   * True for a dataset in money that allows negative values (refunds): its forecasts may go below
   * 0. Omitted or false: every quantile and mean is floored at 0 (units, returns or not). A run's
   * `PipelineOptions.allowNegative`, when given, wins.
   */
  readonly allowNegative?: boolean;
  /**
   * Series without any sales value (a launch whose rows all carry planned covariates only):
   * `target` is empty, `start` is the grid date of the first row and the covariates run from it.
   * Models never see them; the pipeline forecasts them from their peers (cold-start.ts).
   */
  readonly newSeries?: readonly SeriesFrame[];
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
  /**
   * The mean at each step, where the pipeline fitted a distribution (distribution.ts): what
   * totals over series and dates add up, and what sets the upper tail beyond the highest level.
   */
  readonly mean?: Float64Array;
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
  /**
   * Optional, for permutation importance (pipeline.ts owns the algorithm): the feature groups the
   * model derives itself and can permute (`weekday`, `yearly`, `holiday:christmas`, …). Groups
   * that live in the panel (`history`, `covariate:NAME`, `static:NAME`) the pipeline permutes in
   * the panel and scores through `predict`, unless the model lists them here too.
   */
  featureGroups?(panel: Panel): readonly string[];
  /**
   * Optional, with `featureGroups`: `predict(panel)` with the inputs of `group` permuted across
   * the rows the model builds (a seeded, deterministic shuffle). The pipeline turns the loss
   * increase over the unpermuted forecast into importance.
   */
  predictPermuted?(panel: Panel, group: string, seed: number): Promise<QuantileForecast[]>;
  /**
   * Optional, with `featureGroups`: `predict(panel)` with the inputs of one of its own groups set
   * to a neutral value on the forecast dates (an event's columns to "no event", a seasonal
   * pattern's to its average): occlusion for per-point explanations (explain.ts).
   */
  predictOccluded?(panel: Panel, group: string): Promise<QuantileForecast[]>;
  /** Optional: things the user should know from the last fit (fallbacks for short series, …). */
  readonly warnings?: readonly string[];
}

/**
 * One series as read from a file or the database, before it is put on a grid: dates ascending
 * and unique; `values[i]` null = unknown (also used for future rows that only carry covariates).
 * `frames.ts` turns a list of these into a `Panel` (`buildPanel`).
 */
export interface RawSeries {
  readonly id: string;
  readonly statics: Readonly<Record<string, string>>;
  readonly dates: readonly string[];
  readonly values: readonly (number | null)[];
  readonly covariates: Readonly<Record<string, readonly (number | null)[]>>;
}

/** Models a user can ask for. `auto` chooses by rolling-origin validation (see pipeline.ts). */
export const MODEL_KINDS = [
  'auto',
  'mlp',
  'conv1d',
  'lstm',
  'gru',
  'gbm',
  'snaive',
  'naive',
  'ses',
  'theta',
  'croston',
  'tsb',
] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** Accuracy figures with the definitions of shared/peers/score.py. */
export interface MetricSet {
  readonly mase: number;
  readonly smape: number;
  readonly rmsse: number;
  readonly wape: number;
  /** Mean weighted quantile loss over the forecast's quantile levels (0.1/0.5/0.9 by default). */
  readonly wql: number;
  /** Share of actuals inside the 10–90 % interval. */
  readonly coverage80: number;
}

export interface ModelScore {
  readonly model: string;
  readonly metrics: MetricSet;
}

/** One model's backtest score on one series' own validation windows. */
export interface SeriesModelScore extends ModelScore {
  /** Validation windows of this series that were scored (a series may take part in fewer than the run's). */
  readonly origins: number;
}

export interface FeatureImportanceEntry {
  /** Stable key of the feature group, e.g. `weekday`, `holiday:christmas`, `covariate:price`. */
  readonly feature: string;
  /** Words a shop owner understands: "Weekday pattern", "Christmas", "Price". */
  readonly label: string;
  /** Increase in validation loss when the group is permuted, normalised to sum to 1. */
  readonly importance: number;
}

export interface PipelineOptions extends FitOptions {
  readonly model: ModelKind;
  /** Rolling-origin validation windows (each of `horizon` steps) used for choosing and scoring. */
  readonly origins?: number;
  /** Models `auto` chooses among (default: every baseline and the deep models pipeline.ts names). */
  readonly candidates?: readonly ModelKind[];
  /** Compute permutation importance (default true; a CLI backtest turns it off to save time). */
  readonly importance?: boolean;
  /**
   * Allow negative forecasts (a dataset in money that allows negatives). Default false: sales in
   * units are never negative, so every quantile and mean is floored at 0 (distribution.ts).
   */
  readonly allowNegative?: boolean;
}

export interface PipelineResult {
  /** The alias of the model whose forecasts are returned (e.g. `mlp`, `ensemble(mlp,conv1d)`, `snaive`). */
  readonly chosenModel: string;
  /** Forecast of the `horizon` points after each series' history. */
  readonly forecasts: QuantileForecast[];
  /** Rolling-origin backtest scores of the chosen model and of every baseline, seasonal naive included. */
  readonly backtest: {
    readonly origins: number;
    readonly horizon: number;
    readonly scores: readonly ModelScore[];
    /**
     * By series key: the chosen model's and seasonal naive's scores on that series' own windows
     * (the chosen model first). Series outside the validation sample, or too short to be
     * validated, are absent.
     */
    readonly perSeries?: ReadonlyMap<string, readonly SeriesModelScore[]>;
  };
  /** Dataset-level importance, ranked. */
  readonly importance: readonly FeatureImportanceEntry[];
  /** Per-series importance, where the model supports it. */
  readonly seriesImportance: ReadonlyMap<string, readonly FeatureImportanceEntry[]>;
  readonly artefact: SerializedModel;
  /** Things the user should know: fallbacks, a model that lost to its baseline, short series. */
  readonly warnings: readonly string[];
  /**
   * The forecasts' distribution (distribution.ts: mean lift and dependence, fitted on the chosen
   * model's validation windows); with each forecast's `mean`, what totals and any quantile level
   * are computed from. Absent when the model was not validated.
   */
  readonly distribution?: DistributionModel;
}
