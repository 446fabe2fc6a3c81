/**
 * The training pipeline the API's runner calls: validate candidates by rolling origin on the
 * dataset itself, choose (or ensemble), fit on all history, forecast, explain.
 *
 * ## The `auto` rule
 * 1. Candidates: every baseline (seasonal naive, naive, SES, Theta, Croston, TSB), two damped
 *    Holt-Winters (auto only: `hw` multiplicative, on the log scale, and `hwadd` additive) and
 *    the deep models in `AUTO_DEEP_CANDIDATES` that this build has, and on a panel with a price
 *    covariate the gradient-boosted trees (`AUTO_PRICE_CANDIDATES`). Seasonal naive is always
 *    among them.
 * 2. Each candidate is backtested on the last `origins` windows of `horizon` of every series
 *    (default 2), each window fit only on what precedes it. A panel of more than
 *    `VALIDATION_MAX_SERIES` (3,000) series is validated on a deterministic sample of that many,
 *    stratified by demand class and volume (sampling.ts): steps 2–6 and importance use the
 *    sample, the final fit and forecast every series.
 * 3. Each is scored relative to seasonal naive on those windows:
 *    `score = mean(MASE / MASE_snaive, wQL / wQL_snaive)` (MASE alone for a model without
 *    intervals; naive stands in for seasonal naive where that cannot be scored).
 * 4. The averages of the best 2 and the best 3 candidates' quantiles are scored the same way.
 * 5. The lowest score wins (ties: the simpler, earlier one). It is refit on all history and
 *    forecasts. If the winner (or a model the user named) did worse than seasonal naive on MASE
 *    or wQL in validation, a warning says so.
 * 6. The winner's intervals are calibrated on its own validation errors (calibration.ts): the
 *    distance of p10 and p90 (each level and its mirror) from the median is scaled by the one
 *    factor that leaves a nominal share of validation points outside (20 % for 10–90 %), per
 *    Syntetos–Boylan demand class where the class has enough points. The median is unchanged;
 *    an average of quantiles (step 4) is narrower than the members' mixture, and this widens it
 *    back by what validation shows. Validation scores (steps 3–5) are those of the raw model.
 * 7. The forecast is finished in one place (`finishForecasts`): every level floored at 0 unless
 *    the caller allows negatives (units are never negative), and the steps the history shows to
 *    be closed (structural-zeros.ts: a weekday or a yearly day without sales) set to exactly 0.
 * 8. The forecast's distribution (distribution.ts) is fitted on the same validation windows,
 *    calibrated and finished: a mean per step (the quantiles' own mean plus a per-class lift
 *    that makes validation means add up to what sold) and the dependence of the errors across
 *    series and steps (a one-factor Gaussian copula with AR(1) in time). Totals over series and
 *    dates, and any quantile level, are computed from it (never by adding medians).
 *
 * 7. New series (no sales history, planned covariates only) and series shorter than
 *    `SHORT_HISTORY` are forecast from similar series' launch curves (cold-start.ts), each named
 *    in the warnings.
 *
 * Importance: permutation importance on the last validation window (the chosen model refit
 * before it): the increase in pooled wQL when one feature group is shuffled, floored at 0 and
 * normalised to sum to 1; per series with each series' own wQL.
 */
import { UserInputError } from '../errors/index.js';
import {
  backtest,
  scoreBacktest,
  scoreBacktestPerSeries,
  type BacktestResult,
  type BacktestWindowResult,
} from './backtest.js';
import { CalibratedForecaster } from './calibrated.js';
import { coldStartForecasts } from './cold-start.js';
import {
  calibrateForecasts,
  fitIntervalCalibration,
  samplesFromWindows,
  type IntervalCalibration,
} from './calibration.js';
import {
  fitDistribution,
  nonNegativeForecasts,
  withMeans,
  type DistributionModel,
  type ValidationWindow,
} from './distribution.js';
import {
  applyStructuralZeros,
  describeStructuralZeros,
  detectStructuralZeros,
  isStructuralZero,
  type StructuralZeros,
} from './structural-zeros.js';
import { averageForecasts, EnsembleForecaster } from './ensemble.js';
import { groupLabel } from './features.js';
import { rollingOriginSplit, type BacktestSplit, type BacktestWindow } from './frames.js';
import { validationSample } from './sampling.js';
import { pinballSum, type MetricSummary } from './metrics.js';
import { BASELINE_KINDS, createForecaster, availableModels, EXTRA_LOCAL_KINDS, isBaseline } from './models.js';
import { afterShift, describeShifts, steadyWindows } from './level-shift.js';
import { detectPriceFeatures } from './price-features.js';
import { permutation } from './random.js';
import type {
  FeatureImportanceEntry,
  FitOptions,
  GlobalForecaster,
  MetricSet,
  ModelKind,
  ModelScore,
  Panel,
  PipelineOptions,
  PipelineResult,
  QuantileForecast,
  QuantileLevels,
  SeriesFrame,
  SeriesModelScore,
} from './types.js';

/** Deep kinds `auto` tries when this build has them (the fastest ones that earn their time). */
export const AUTO_DEEP_CANDIDATES: readonly ModelKind[] = ['mlp'];

/**
 * Training windows per fit of a deep candidate inside `auto`, at most (half the deep models'
 * default): auto fits each candidate once per validation window besides the final fit, and must
 * train and forecast a dataset no slower than the peers' gradient boosting (issue 13). A model the
 * user names explicitly trains with its full default budget.
 */
export const AUTO_DEEP_TRAINING_WINDOWS = 6000;

/** Training windows per series of a deep candidate inside `auto` (`autoDeepTrainingWindows`). */
export const AUTO_DEEP_WINDOWS_PER_SERIES = 20;

/** The fewest training windows per fit of a deep candidate inside `auto`. */
export const AUTO_DEEP_MIN_TRAINING_WINDOWS = 3000;

/**
 * Training windows per fit of a deep candidate inside `auto` on a panel of `series` series:
 * `AUTO_DEEP_WINDOWS_PER_SERIES` per series, between `AUTO_DEEP_MIN_TRAINING_WINDOWS` and
 * `AUTO_DEEP_TRAINING_WINDOWS`. A global model sees each series about as often whatever the
 * panel's size; a small panel trains in half the time of a fixed 6,000 (bench/RESULTS.md, "Speed
 * against gradient boosting": 3,000 on m5's 280 series lost accuracy, 5,600 did not).
 */
export function autoDeepTrainingWindows(series: number): number {
  return Math.min(
    AUTO_DEEP_TRAINING_WINDOWS,
    Math.max(AUTO_DEEP_MIN_TRAINING_WINDOWS, AUTO_DEEP_WINDOWS_PER_SERIES * series),
  );
}

/** Ensembles `auto` scores (step 4): the means of the best 2 and of the best 3 candidates. */
export const AUTO_ENSEMBLE_SIZES: readonly number[] = [2, 3];

/** Validation windows when `origins` is not given. */
export const DEFAULT_VALIDATION_ORIGINS = 2;

/** One candidate's rolling-origin forecasts (a backtest's windows). */
export interface CandidateWindows {
  readonly kind: string;
  readonly windows: readonly BacktestWindowResult[];
}

/** A scored candidate: a model or an ensemble of models. */
export interface Candidate {
  readonly kind: string;
  readonly members: readonly string[];
  readonly summary: MetricSummary;
  readonly windows: readonly BacktestWindowResult[];
  readonly score: number;
}

function toMetricSet(s: MetricSummary): MetricSet {
  return { mase: s.mase, smape: s.smape, rmsse: s.rmsse, wape: s.wape, wql: s.wql, coverage80: s.coverage80 };
}

function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : Number.NaN;
}

/** The rule's score: mean of MASE and wQL relative to the reference (lower is better). */
export function relativeScore(s: MetricSet, ref: MetricSet): number {
  const parts = [ratio(s.mase, ref.mase), ratio(s.wql, ref.wql)].filter((x) => !Number.isNaN(x));
  if (parts.length === 0) return Number.isFinite(s.mase) ? s.mase : Number.POSITIVE_INFINITY;
  return parts.reduce((a, b) => a + b, 0) / parts.length;
}

/** The windows of the ensemble of `members` (quantile means), origin by origin. */
export function ensembleWindows(runs: readonly CandidateWindows[], members: readonly string[]): BacktestWindowResult[] {
  const byKind = members.map((m) => runs.find((r) => r.kind === m)!);
  return byKind[0]!.windows.flatMap((w) => {
    const parts = byKind.map((r) => r.windows.find((x) => x.origin === w.origin));
    if (parts.some((x) => x === undefined)) return [];
    return [{ ...w, forecasts: averageForecasts(parts.map((x) => x!.forecasts)) }];
  });
}

/**
 * The `auto` rule (steps 3–5 of the comment at the top) on candidates' validation windows:
 * scores relative to seasonal naive (naive when that has no score), then, with `ensembles`,
 * the means of the best 2 and 3; the lowest score wins, the earlier on ties.
 */
export function chooseModel(
  runs: readonly CandidateWindows[],
  panel: Panel,
  ensembles: boolean,
  ensembleSizes: readonly number[] = AUTO_ENSEMBLE_SIZES,
): { chosen: Candidate | undefined; candidates: Candidate[] } {
  const summaries = runs.map((r) => ({ r, summary: scoreBacktest(r, panel) }));
  const find = (k: string): MetricSummary | undefined => summaries.find((x) => x.r.kind === k)?.summary;
  const sn = find('snaive');
  const ref = sn && Number.isFinite(sn.mase) ? sn : find('naive');
  const candidates: Candidate[] = summaries.map(({ r, summary }) => ({
    kind: r.kind,
    members: [r.kind],
    summary,
    windows: r.windows,
    score: ref ? relativeScore(summary, ref) : Number.NaN,
  }));
  if (!ref) return { chosen: undefined, candidates };
  const ranked = candidates.filter((c) => Number.isFinite(c.score)).toSorted((a, b) => a.score - b.score);
  const pool = [...ranked];
  if (ensembles) {
    for (const k of ensembleSizes) {
      if (ranked.length < k) break;
      const members = ranked.slice(0, k).map((c) => c.kind);
      const windows = ensembleWindows(runs, members);
      const summary = scoreBacktest({ windows }, panel);
      pool.push({
        kind: `ensemble(${members.join(',')})`,
        members,
        summary,
        windows,
        score: relativeScore(summary, ref),
      });
    }
  }
  return { chosen: pool.toSorted((a, b) => a.score - b.score)[0], candidates };
}

/**
 * Step 6 of the rule: the chosen candidate's interval calibration, fitted on its validation windows
 * less those that straddle a level shift of the total (level-shift.ts), as the distribution is.
 */
export function candidateCalibration(chosen: Pick<Candidate, 'windows'>): IntervalCalibration {
  return fitIntervalCalibration(samplesFromWindows(steadyWindows(chosen.windows, (w) => w.window)));
}

/**
 * The one place a forecast is finished (step 7 of the rule): every level floored at 0 unless
 * negatives are allowed (units are never negative), a mean per step from the fitted distribution,
 * and the structural zeros of the history (structural-zeros.ts) set to exactly 0.
 */
export function finishForecasts(
  forecasts: readonly QuantileForecast[],
  panel: Panel,
  distribution: DistributionModel | undefined,
  options: { allowNegative?: boolean; zeros?: StructuralZeros } = {},
): QuantileForecast[] {
  let out = nonNegativeForecasts(forecasts, options.allowNegative);
  if (distribution) out = withMeans(out, panel, distribution, options.allowNegative);
  return applyStructuralZeros(out, options.zeros ?? detectStructuralZeros(panel));
}

/**
 * Step 8 of the rule: the distribution (mean lift, dependence) fitted on the chosen candidate's
 * validation windows, calibrated and finished as the final forecast will be, less those that
 * straddle a level shift of the total (level-shift.ts: the final model has seen the shift, so
 * what its validation models missed there is no habit of its own), its totals then summed with a
 * strong, lasting common factor (`afterShift`). With no window left, the mean-free model.
 */
export function candidateDistribution(
  chosen: Pick<Candidate, 'windows'>,
  calibration: IntervalCalibration | undefined,
  options: { seed?: number; allowNegative?: boolean } = {},
): DistributionModel {
  const windows = candidateValidationWindows(chosen, calibration, options);
  const steady = steadyWindows(windows);
  const fitted = fitDistribution(steady, options);
  return steady.length === windows.length ? fitted : afterShift(fitted);
}

/** The chosen candidate's validation windows as `fitDistribution` reads them: calibrated and finished. */
export function candidateValidationWindows(
  chosen: Pick<Candidate, 'windows'>,
  calibration: IntervalCalibration | undefined,
  options: { allowNegative?: boolean } = {},
): ValidationWindow[] {
  return chosen.windows.map((w) => {
    const zeros = detectStructuralZeros(w.window.panel);
    const calibrated = calibration ? calibrateForecasts(w.forecasts, calibration, w.window.panel) : w.forecasts;
    return {
      panel: w.window.panel,
      actuals: w.window.actuals,
      forecasts: finishForecasts(calibrated, w.window.panel, undefined, { ...options, zeros }),
      skip: (id, date) => isStructuralZero(zeros, id, date),
    };
  });
}

function makeFactory(
  kinds: readonly string[],
  options: FitOptions,
  auto: boolean,
  series: number,
): () => GlobalForecaster {
  const o = {
    seed: options.seed,
    ...(options.epochs === undefined ? {} : { epochs: options.epochs }),
    ...(auto ? { trainingWindows: autoDeepTrainingWindows(series) } : {}),
  };
  return kinds.length === 1
    ? () => createForecaster(kinds[0]!, o)
    : () => new EnsembleForecaster(kinds.map((k) => createForecaster(k, o)));
}

/** Progress weight of one fit: a deep fit is worth many baselines. */
function weightOf(kind: string): number {
  return isBaseline(kind) ? 1 : 40;
}

/** What every candidate's rolling-origin backtest inside `auto` shares besides the panel. */
export interface CandidateBacktestSpec {
  readonly horizon: number;
  readonly origins: number;
  /** Series need this many windows to take part (default `origins`; see `rollingOriginSplit`). */
  readonly requiredOrigins?: number;
  readonly quantiles: QuantileLevels;
  readonly seed: number;
  readonly epochs?: number;
}

/** One candidate's backtest windows and the warnings its backtest gave. */
export interface CandidateRun extends CandidateWindows {
  readonly warnings: readonly string[];
}

/**
 * The backtest of one `auto` candidate (`forecastql backtest --model auto`): a fresh model per
 * window (deep models with `autoDeepTrainingWindows`, warm-started from the previous window),
 * seasonal naive where it fails. It depends on nothing but its arguments, so candidates may run
 * in any order or at the same time (api/training/candidate-threads.ts) with the same result.
 */
export async function backtestCandidate(
  panel: Panel,
  kind: string,
  spec: CandidateBacktestSpec,
  options: { split?: BacktestSplit; onProgress?: (fraction: number, message: string) => void } = {},
): Promise<CandidateRun> {
  const r = await backtest(
    panel,
    () =>
      createForecaster(kind, {
        seed: spec.seed,
        trainingWindows: autoDeepTrainingWindows(panel.series.length),
        ...(spec.epochs === undefined ? {} : { epochs: spec.epochs }),
      }),
    {
      horizon: spec.horizon,
      origins: spec.origins,
      ...(spec.requiredOrigins === undefined ? {} : { requiredOrigins: spec.requiredOrigins }),
      quantiles: spec.quantiles,
      seed: spec.seed,
      ...(spec.epochs === undefined ? {} : { epochs: spec.epochs }),
      fallback: () => createForecaster('snaive'),
      warmStart: !isBaseline(kind),
      ...(options.split ? { split: options.split } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    },
  );
  return { kind, windows: r.windows, warnings: r.warnings };
}

/**
 * Models `auto` also tries on a panel with a product's price among its covariates
 * (price-features.ts `detectPriceFeatures`): the gradient-boosted trees (gbm-model.ts), whose
 * log-linear price effect under the trees is what they add. On price panels it was measured to
 * earn its place (bench/RESULTS.md, "Gradient boosting"); on panels without a price it was behind
 * `auto` on every public set and would only cost time.
 */
export const AUTO_PRICE_CANDIDATES: readonly ModelKind[] = ['gbm'];

/**
 * The models `auto` tries by default: every baseline, the available AUTO_DEEP_CANDIDATES, and
 * AUTO_PRICE_CANDIDATES when `panel` has a price covariate.
 */
export function defaultCandidates(panel?: Panel): string[] {
  const have = new Set<string>(availableModels());
  const price = panel && detectPriceFeatures(panel) ? AUTO_PRICE_CANDIDATES.filter((k) => have.has(k)) : [];
  return [...BASELINE_KINDS, ...EXTRA_LOCAL_KINDS, ...price, ...AUTO_DEEP_CANDIDATES.filter((k) => have.has(k))];
}

/**
 * Trains and forecasts a panel as `options` say (see the `auto` rule above), with backtest scores
 * of the chosen model and every baseline, importance, the artefact and warnings.
 */
export async function runForecastPipeline(panel: Panel, options: PipelineOptions): Promise<PipelineResult> {
  if (panel.series.length === 0) throw new UserInputError('The dataset has no series with sales values.');
  const H = options.horizon;
  const V = options.origins ?? DEFAULT_VALIDATION_ORIGINS;
  const warnings: string[] = [];
  const requested = options.model;
  const auto = requested === 'auto';
  const kinds = auto
    ? [...new Set(['snaive', ...(options.candidates ?? defaultCandidates(panel)).filter((k) => k !== 'auto')])]
    : [...new Set([requested, ...BASELINE_KINDS])];
  for (const k of kinds) createForecaster(k).dispose(); // unknown kinds fail here, before any work

  // Stage weights for progress: a deep fit is worth many baselines.
  const totalWeight = kinds.reduce((a, k) => a + weightOf(k) * V, 0) + weightOf(auto ? 'mlp' : requested) * 2;
  let done = 0;
  const report = (kind: string, f: number, epoch = 0, epochs = 0, loss = Number.NaN): void =>
    options.onProgress?.({
      epoch,
      epochs,
      loss,
      validationLoss: undefined,
      fraction: Math.min(1, (done + weightOf(kind) * f) / totalWeight),
    });
  const fitBase: FitOptions = {
    horizon: H,
    quantiles: options.quantiles,
    seed: options.seed,
    ...(options.epochs === undefined ? {} : { epochs: options.epochs }),
    ...(options.signal ? { signal: options.signal } : {}),
  };

  // 1–2. Rolling-origin validation of every candidate (on a sample of a large panel: sampling.ts).
  const validation = validationSample(panel, options.seed);
  if (validation !== panel) {
    warnings.push(
      `Validated on a stratified sample of ${validation.series.length} of ${panel.series.length} series; the chosen model was fitted on all of them.`,
    );
  }
  const split = rollingOriginSplit(validation, H, V);
  const candidates: CandidateWindows[] = [];
  if (split.windows.length > 0) {
    for (const kind of kinds) {
      options.signal?.throwIfAborted();
      const r: BacktestResult = await backtest(validation, makeFactory([kind], fitBase, auto, panel.series.length), {
        horizon: H,
        origins: V,
        quantiles: options.quantiles,
        seed: options.seed,
        ...(options.epochs === undefined ? {} : { epochs: options.epochs }),
        ...(options.signal ? { signal: options.signal } : {}),
        fallback: () => createForecaster('snaive'),
        warmStart: !isBaseline(kind),
        split, // one set of windows for every candidate (each used to hold its own copy)
        onProgress: (f) => report(kind, f * V, 0, 0),
      });
      done += weightOf(kind) * V;
      for (const w of r.warnings) warnings.push(`validation: ${w}`);
      candidates.push({ kind, windows: r.windows });
    }
  } else {
    warnings.push(
      `No series has ${V * H + 2} points, enough for ${V} validation windows of ${H}: the model was not validated.`,
    );
  }

  // 3–5. Scores relative to seasonal naive, ensembles, the winner.
  const choice = chooseModel(candidates, validation, auto);
  const chosen = auto ? choice.chosen : choice.candidates.find((c) => c.kind === requested);
  const snaive = choice.candidates.find((c) => c.kind === 'snaive');
  const chosenKinds = chosen ? chosen.members : auto ? ['snaive'] : [requested];
  if (chosen && snaive && chosen.kind !== 'snaive') {
    const lostMase = chosen.summary.mase > snaive.summary.mase;
    const lostWql = chosen.summary.wql > snaive.summary.wql;
    if (lostMase || lostWql) {
      warnings.push(
        `${chosen.kind} did worse than seasonal naive in validation (${[
          lostMase ? `MASE ${chosen.summary.mase.toFixed(3)} vs ${snaive.summary.mase.toFixed(3)}` : '',
          lostWql ? `wQL ${chosen.summary.wql.toFixed(3)} vs ${snaive.summary.wql.toFixed(3)}` : '',
        ]
          .filter(Boolean)
          .join(', ')}); treat its forecast with care${auto ? '' : ' or use auto'}.`,
      );
    }
  }

  // Final fit on all history.
  options.signal?.throwIfAborted();
  const make = makeFactory(chosenKinds, fitBase, auto, panel.series.length);
  const finalKind = chosenKinds.find((k) => !isBaseline(k)) ?? chosenKinds[0]!;
  // 6. Intervals calibrated on the winner's validation errors (auto only: a named model keeps its own).
  const calibration = auto && chosen ? candidateCalibration(chosen) : undefined;
  const model = calibration ? new CalibratedForecaster(make(), calibration) : make();
  // 7–8. The distribution of the forecasts, fitted on the same validation windows.
  // A dataset in money that allows negatives (the panel says so; a run's option wins).
  const allowNegative = (options.allowNegative ?? panel.allowNegative) === true;
  const distribution = chosen
    ? candidateDistribution(chosen, calibration, { seed: options.seed, allowNegative })
    : undefined;
  const shiftNote = chosen
    ? describeShifts(chosen.windows.map((w) => ({ ...w.window, first: w.forecasts[0]?.dates[0] })))
    : undefined;
  if (shiftNote) warnings.push(shiftNote);
  const zeros = detectStructuralZeros(panel);
  const zeroNote = describeStructuralZeros(zeros);
  if (zeroNote) warnings.push(zeroNote);
  let forecasts: QuantileForecast[];
  let artefact;
  try {
    await model.fit(panel, {
      ...fitBase,
      onProgress: (p) => report(finalKind, p.fraction, p.epoch, p.epochs, p.loss),
    });
    forecasts = await model.predict(panel);
    artefact = await model.serialize();
    for (const w of model.warnings ?? []) if (!warnings.includes(w)) warnings.push(w);
  } finally {
    model.dispose();
  }
  done += weightOf(finalKind);
  // New series (no history) and series too short for a model: from similar series (cold-start.ts).
  const cold = coldStartForecasts(panel, forecasts, { horizon: H, quantiles: options.quantiles });
  // 7. Finished in one place, cold-started series included.
  forecasts = finishForecasts(cold.forecasts, panel, distribution, { allowNegative, zeros });
  warnings.push(...cold.warnings);

  // Importance on the last validation window.
  let importance: FeatureImportanceEntry[] = [];
  let seriesImportance = new Map<string, FeatureImportanceEntry[]>();
  const last = split.windows.at(-1);
  if (options.importance !== false && last) {
    const r = await permutationImportance(make, last, fitBase, options.seed);
    importance = r.dataset;
    seriesImportance = r.perSeries;
  }
  done = totalWeight;
  report(finalKind, 0);

  const scores: ModelScore[] = [];
  if (chosen) scores.push({ model: chosen.kind, metrics: toMetricSet(chosen.summary) });
  for (const c of choice.candidates) {
    if (isBaseline(c.kind) && c.kind !== chosen?.kind) scores.push({ model: c.kind, metrics: toMetricSet(c.summary) });
  }
  // Accuracy per series: the chosen model and seasonal naive (the widgets' comparison) on each
  // series' own validation windows.
  const perSeries = new Map<string, SeriesModelScore[]>();
  for (const c of [chosen, snaive?.kind === chosen?.kind ? undefined : snaive]) {
    if (!c) continue;
    for (const [id, s] of scoreBacktestPerSeries(c, validation)) {
      const list = perSeries.get(id) ?? [];
      list.push({ model: c.kind, metrics: toMetricSet(s), origins: s.nWindows });
      perSeries.set(id, list);
    }
  }
  return {
    chosenModel: chosen?.kind ?? chosenKinds.join(','),
    forecasts,
    backtest: { origins: split.windows.length, horizon: H, scores, perSeries },
    importance,
    seriesImportance,
    artefact,
    warnings,
    ...(distribution ? { distribution } : {}),
  };
}

/** Pooled wQL (mean over levels) of forecasts against a window's actuals, and per series. */
export function windowLoss(
  forecasts: readonly QuantileForecast[],
  actuals: ReadonlyMap<string, Float64Array>,
): { loss: number; perSeries: Map<string, number> } {
  let num = 0;
  let den = 0;
  const perSeries = new Map<string, number>();
  for (const f of forecasts) {
    const y = actuals.get(f.seriesId);
    if (!y) continue;
    const idx: number[] = [];
    for (let i = 0; i < y.length; i++) if (!Number.isNaN(y[i]!)) idx.push(i);
    const ys = idx.map((i) => y[i]!);
    let n = 0;
    f.quantiles.forEach((q, k) => {
      const row = f.values[k]!;
      n +=
        pinballSum(
          ys,
          idx.map((i) => row[i]!),
          q,
        ) / f.quantiles.length;
    });
    const d = ys.reduce((a, v) => a + Math.abs(v), 0);
    num += n;
    den += d;
    perSeries.set(f.seriesId, d > 0 ? n / d : n);
  }
  return { loss: den > 0 ? num / den : num, perSeries };
}

function hashSeed(seed: number, text: string): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The panel with one panel-level group shuffled (history in time, a covariate in time, a static across series). */
export function permutePanel(panel: Panel, group: string, seed: number): Panel {
  if (group === 'history') {
    return {
      ...panel,
      series: panel.series.map((s) => {
        const p = permutation(s.target.length, hashSeed(seed, s.id));
        return { ...s, target: Float64Array.from(p, (i) => s.target[i]!) };
      }),
    };
  }
  if (group.startsWith('covariate:')) {
    const name = group.slice('covariate:'.length);
    return {
      ...panel,
      series: panel.series.map((s): SeriesFrame => {
        const x = s.covariates[name];
        if (!x) return s;
        const p = permutation(x.length, hashSeed(seed, s.id));
        return { ...s, covariates: { ...s.covariates, [name]: Float64Array.from(p, (i) => x[i]!) } };
      }),
    };
  }
  if (group.startsWith('static:')) {
    const name = group.slice('static:'.length);
    const p = permutation(panel.series.length, seed);
    return {
      ...panel,
      series: panel.series.map((s, i) => ({
        ...s,
        statics: { ...s.statics, [name]: panel.series[p[i]!]!.statics[name] ?? '' },
      })),
    };
  }
  return panel;
}

function normalise(gains: ReadonlyMap<string, number>): FeatureImportanceEntry[] {
  const total = [...gains.values()].reduce((a, b) => a + b, 0);
  return [...gains]
    .map(([feature, g]) => ({ feature, label: groupLabel(feature), importance: total > 0 ? g / total : 0 }))
    .toSorted((a, b) => b.importance - a.importance || a.feature.localeCompare(b.feature));
}

/**
 * Permutation importance of a model (made by `make`, fit on the window's history) on one
 * validation window: per feature group, the increase in wQL when that group is shuffled,
 * floored at 0 and normalised to sum to 1, for the dataset and for each series. Groups: the
 * model's own (`featureGroups`, through `predictPermuted`), `history`, and the panel's
 * covariates and statics (through `predictPermuted` where the model has it, else permuted in the
 * panel: covariates in time, an attribute across series), for every model.
 */
export async function permutationImportance(
  make: () => GlobalForecaster,
  window: BacktestWindow,
  fit: FitOptions,
  seed: number,
): Promise<{ dataset: FeatureImportanceEntry[]; perSeries: Map<string, FeatureImportanceEntry[]> }> {
  const model = make();
  try {
    await model.fit(window.panel, fit);
    const base = windowLoss(await model.predict(window.panel), window.actuals);
    const own = model.featureGroups?.(window.panel) ?? [];
    const groups = new Set<string>(['history', ...own]);
    // The panel's covariates and attributes for every model: a model that derives no groups of
    // its own (gbm) may still read a price (only checking models with own groups said "Price 0 %"
    // of gbm on a panel whose sales move with price). A model that reads none scores 0 for them.
    for (const c of window.panel.covariateNames) groups.add(`covariate:${c}`);
    if (model.predictPermuted) {
      if (window.panel.staticNames.length > 0) groups.add('static');
    } else {
      for (const name of window.panel.staticNames) groups.add(`static:${name}`);
    }
    const gains = new Map<string, number>();
    const seriesGains = new Map<string, Map<string, number>>();
    for (const g of groups) {
      fit.signal?.throwIfAborted();
      const gSeed = hashSeed(seed, g);
      const preds =
        model.predictPermuted && (own.includes(g) || g === 'history' || g === 'static' || g.startsWith('covariate:'))
          ? await model.predictPermuted(window.panel, g, gSeed)
          : await model.predict(permutePanel(window.panel, g, gSeed));
      const r = windowLoss(preds, window.actuals);
      gains.set(g, Math.max(0, r.loss - base.loss));
      for (const [id, l] of r.perSeries) {
        const m = seriesGains.get(id) ?? new Map<string, number>();
        m.set(g, Math.max(0, l - (base.perSeries.get(id) ?? l)));
        seriesGains.set(id, m);
      }
    }
    const perSeries = new Map<string, FeatureImportanceEntry[]>();
    for (const [id, m] of seriesGains) perSeries.set(id, normalise(m));
    return { dataset: normalise(gains), perSeries };
  } finally {
    model.dispose();
  }
}
