/**
 * Per-point explanations (pure): for one series and one forecast date, how much each driver
 * group moved the forecast, in units, by occlusion. A group's inputs are set to a neutral value,
 * the stored model predicts again, and the group's effect is the forecast minus that prediction
 * ("price cut +12": the forecast is 12 units higher than at the series' usual price).
 *
 * Groups and their neutral values:
 * - each covariate the model reads for future dates (`ModelInputs.known`): on the series' forecast
 *   dates, a 0/1 flag (deal, display, promotion) set to 0, any other covariate (a price) set to
 *   the median of the series' own history of it (its usual price);
 * - `history`: the series' history replaced by its mean over the last year (its level kept, its
 *   recent movement, trend and weekly shape removed);
 * - the model's own calendar groups (`weekday`, `holiday:black_friday`, `event:NAME`, …), where the
 *   model can occlude them (`predictOccluded`): an event's columns set to "no event", a seasonal
 *   pattern's to its average.
 * Effects are not forced to add up to the forecast (groups interact; one prediction per group).
 */
import { UserInputError } from '../errors/index.js';
import type { DistributionModel } from './distribution.js';
import { groupLabel } from './features.js';
import { finishForecasts } from './pipeline.js';
import type { ModelInputs } from './scenario.js';
import { YEAR_STEPS, type GlobalForecaster, type Panel, type QuantileForecast, type SeriesFrame } from './types.js';

/** How much one driver group moved one forecast point. */
export interface DriverEffect {
  /** The group's key (`covariate:price`, `history`, `holiday:black_friday`, …). */
  readonly feature: string;
  /** Words for it ("Price", "Sales history", "Black Friday"). */
  readonly label: string;
  /** Forecast minus the forecast with this group neutral, in units (positive: it raised the forecast). */
  readonly effect: number;
  /** The input's value on the date and its neutral value (covariates only; null otherwise). */
  readonly value: number | null;
  readonly neutral: number | null;
}

export interface PointExplanation {
  readonly seriesId: string;
  readonly date: string;
  /** The forecast explained: the mean where the run fitted a distribution, else the median. */
  readonly forecast: number;
  readonly measure: 'mean' | 'median';
  /** Largest effect (in absolute units) first. */
  readonly effects: readonly DriverEffect[];
}

function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = xs.toSorted((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The neutral value of a covariate for a series: 0 for a 0/1 flag, else the median of its history. */
export function neutralValue(series: SeriesFrame, covariate: string): number {
  const x = series.covariates[covariate];
  if (!x) return Number.NaN;
  const hist: number[] = [];
  for (let t = 0; t < series.target.length && t < x.length; t++) if (!Number.isNaN(x[t]!)) hist.push(x[t]!);
  if (hist.length === 0) return Number.NaN;
  if (hist.every((v) => v === 0 || v === 1)) return 0;
  return median(hist);
}

function replaceSeries(panel: Panel, id: string, f: (s: SeriesFrame) => SeriesFrame): Panel {
  return { ...panel, series: panel.series.map((s) => (s.id === id ? f(s) : s)) };
}

/** The panel with one series' future values of `covariate` set to `value`. */
function occludeCovariate(panel: Panel, id: string, covariate: string, value: number): Panel {
  return replaceSeries(panel, id, (s) => {
    const x = s.covariates[covariate];
    if (!x) return s;
    const y = Float64Array.from(x);
    for (let t = s.target.length; t < y.length; t++) y[t] = value;
    return { ...s, covariates: { ...s.covariates, [covariate]: y } };
  });
}

/** The panel with one series' history flat at its mean over the last year (missing values kept missing). */
function occludeHistory(panel: Panel, id: string): Panel {
  // The history occlusion averages over one year.
  const span = YEAR_STEPS[panel.freq];
  return replaceSeries(panel, id, (s) => {
    const n = s.target.length;
    let sum = 0;
    let count = 0;
    for (let t = Math.max(0, n - span); t < n; t++) {
      if (!Number.isNaN(s.target[t]!)) {
        sum += s.target[t]!;
        count++;
      }
    }
    if (count === 0) return s;
    const level = sum / count;
    return { ...s, target: Float64Array.from(s.target, (v) => (Number.isNaN(v) ? v : level)) };
  });
}

/**
 * Explains the forecast of `seriesId` on `date` (one of the run's forecast dates) from a fitted
 * `model` and the panel cut at the run's origin (`asOfOrigin`), finished as the run finished its
 * forecast (`distribution`). Nothing is trained or stored.
 */
export async function explainPoint(
  model: GlobalForecaster,
  panel: Panel,
  seriesId: string,
  date: string,
  options: {
    readonly inputs: ModelInputs | undefined;
    readonly distribution?: DistributionModel | undefined;
    readonly allowNegative?: boolean;
  },
): Promise<PointExplanation> {
  const series = panel.series.find((s) => s.id === seriesId);
  if (!series) throw new UserInputError(`Series "${seriesId}" is not in the panel.`, { seriesId });
  const finish = async (p: Panel, predicted?: QuantileForecast[]): Promise<QuantileForecast> => {
    const raw = (predicted ?? (await model.predict(p))).filter((f) => f.seriesId === seriesId);
    const out = finishForecasts(raw, p, options.distribution, options.allowNegative ? { allowNegative: true } : {});
    return out[0]!;
  };
  const base = await finish(panel);
  const h = base.dates.indexOf(date);
  if (h < 0) {
    throw new UserInputError(
      `${date} is not a forecast date of series "${seriesId}": use one of ${base.dates[0]} … ${base.dates.at(-1)}.`,
      { argument: 'date', value: date },
    );
  }
  const useMean = base.mean !== undefined;
  const pointOf = (f: QuantileForecast): number => {
    if (f.mean) return f.mean[h]!;
    const k = f.quantiles.reduce(
      (best, q, i) => (Math.abs(q - 0.5) < Math.abs(f.quantiles[best]! - 0.5) ? i : best),
      0,
    );
    return f.values[k]![h]!;
  };
  const forecast = pointOf(base);
  const effects: DriverEffect[] = [];
  const covariates = (options.inputs?.known ?? panel.covariateNames).filter((c) => series.covariates[c]);
  const at = series.target.length + h;
  for (const c of covariates) {
    const neutral = neutralValue(series, c);
    const value = series.covariates[c]![at] ?? Number.NaN;
    if (Number.isNaN(neutral)) continue;
    const occluded = await finish(occludeCovariate(panel, seriesId, c, neutral));
    effects.push({
      feature: `covariate:${c}`,
      label: groupLabel(`covariate:${c}`),
      effect: forecast - pointOf(occluded),
      value: Number.isNaN(value) ? null : value,
      neutral,
    });
  }
  effects.push({
    feature: 'history',
    label: groupLabel('history'),
    effect: forecast - pointOf(await finish(occludeHistory(panel, seriesId))),
    value: null,
    neutral: null,
  });
  if (model.predictOccluded && model.featureGroups) {
    for (const g of model.featureGroups(panel)) {
      const occluded = await finish(panel, await model.predictOccluded(panel, g));
      effects.push({
        feature: g,
        label: groupLabel(g),
        effect: forecast - pointOf(occluded),
        value: null,
        neutral: null,
      });
    }
  }
  return {
    seriesId,
    date,
    forecast,
    measure: useMean ? 'mean' : 'median',
    effects: effects.toSorted((a, b) => Math.abs(b.effect) - Math.abs(a.effect) || a.feature.localeCompare(b.feature)),
  };
}
