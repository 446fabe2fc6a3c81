/**
 * What-if scenarios (pure): a trained model answers "what if these covariates took other values
 * over these dates?" without retraining. The caller gives a panel (the selected series and the
 * series the model compares them with), the model restored from its artefact, and the changes;
 * this module
 * 1. reads from the artefact which covariates the model uses and which of them it was given for
 *    future dates (`modelInputs`): only a known-in-advance covariate can move a forecast;
 * 2. cuts every series back to the run's forecast origin (`asOfOrigin`), so the baseline is the
 *    run's own forecast window, whatever was imported since;
 * 3. checks and applies the changes to the future covariates of the selected series
 *    (`applyChanges`): a covariate the model never saw, or one it only saw as history, is a coded
 *    error naming the covariates it has; a value outside what the series showed in training is a
 *    warning (the model extrapolates); a price at or below 0 is an error;
 * 4. predicts the baseline (covariates as imported) and the scenario on the same panel and
 *    finishes both as a training run finishes its forecast (`finishForecasts`: floors, means from
 *    the run's distribution, structural zeros), so that their difference is the change's effect
 *    alone (`predictScenario`).
 */
import { UserInputError } from '../errors/index.js';
import type { DistributionModel } from './distribution.js';
import { addSteps, cutSeries, gridDates, gridOffset } from './frames.js';
import { finishForecasts } from './pipeline.js';
import { isLogPrice, isPriceCovariate } from './price-features.js';
import type { GlobalForecaster, Panel, QuantileForecast, SeriesFrame } from './types.js';

/** One change of a scenario: a covariate set to `value`, or moved by `percentChange` %, over [from, to]. */
export interface CovariateChange {
  readonly covariate: string;
  /** First date changed (ISO); default the first forecast date. */
  readonly from?: string | null | undefined;
  /** Last date changed (ISO, inclusive); default the last forecast date. */
  readonly to?: string | null | undefined;
  /** The value the covariate takes on those dates. */
  readonly value?: number | null | undefined;
  /** Or: the covariate's planned value moved by this many per cent (−10 = a 10 % cut). */
  readonly percentChange?: number | null | undefined;
}

/** What a model reads from a panel's covariates, as its artefact says. */
export interface ModelInputs {
  /** Covariates the model reads for the forecast dates (given in advance when it trained). */
  readonly known: readonly string[];
  /** Covariates the model reads from the history only. */
  readonly historyOnly: readonly string[];
  /** The static attribute whose series are each other's competitors (price features), if any. */
  readonly competitorGroup?: string;
  /**
   * The price columns the model read as log prices when it trained (its price spec's `logScale`):
   * a change moves them by log(1 + p/100) whatever rows were imported since. `undefined` when the
   * artefact does not say (no price features, or a model stored before log prices were read):
   * the caller then judges the column on the panel (price-features.ts `isLogPrice`).
   */
  readonly logPrices?: readonly string[];
}

/** The part of a stored price spec (price-features.ts `PriceFeatureSpec`) a scenario reads. */
interface StoredPriceSpec {
  readonly group?: string;
  readonly logScale?: readonly string[];
  /** Present in the specs of every version that reads log prices. */
  readonly past?: number;
}

interface ArtefactJson {
  readonly format?: unknown;
  readonly spec?: {
    readonly covariateNames?: readonly string[];
    readonly knownNames?: readonly string[];
    readonly derived?: { readonly price?: StoredPriceSpec };
    /** The gradient-boosting model's spec (gbm-features.ts) holds the price spec itself. */
    readonly price?: StoredPriceSpec;
  };
  readonly inner?: { readonly json?: string };
  readonly members?: readonly { readonly json?: string }[];
  readonly covariateNames?: readonly string[];
  readonly knownNames?: readonly string[];
}

function union(parts: readonly ModelInputs[]): ModelInputs {
  const known = [...new Set(parts.flatMap((p) => p.known))];
  const historyOnly = [...new Set(parts.flatMap((p) => p.historyOnly))].filter((c) => !known.includes(c));
  const group = parts.find((p) => p.competitorGroup !== undefined)?.competitorGroup;
  const told = parts.filter((p) => p.logPrices !== undefined);
  const logPrices = told.length > 0 ? [...new Set(told.flatMap((p) => p.logPrices!))] : undefined;
  return { known, historyOnly, ...(group ? { competitorGroup: group } : {}), ...(logPrices ? { logPrices } : {}) };
}

/**
 * The covariates a model artefact reads (deep models: their window spec; calibrated models and
 * ensembles: their members'; per-series baselines: none). `undefined` for an artefact format this
 * module does not know (a model added later): the caller then trusts the dataset's covariates.
 */
export function modelInputs(json: string): ModelInputs | undefined {
  let o: ArtefactJson;
  try {
    o = JSON.parse(json) as ArtefactJson;
  } catch {
    return undefined;
  }
  if (o.format === 'forecastql.local.v1') return { known: [], historyOnly: [] };
  if (o.inner?.json !== undefined) return modelInputs(o.inner.json);
  if (Array.isArray(o.members)) {
    const parts = o.members.map((m) => (m.json === undefined ? undefined : modelInputs(m.json)));
    if (parts.some((p) => p === undefined)) return undefined;
    return union(parts as ModelInputs[]);
  }
  const names = o.spec?.covariateNames ?? o.covariateNames;
  const knownNames = o.spec?.knownNames ?? o.knownNames;
  if (!Array.isArray(names) || !Array.isArray(knownNames)) return undefined;
  const price = o.spec?.derived?.price ?? o.spec?.price;
  const group = price?.group;
  // A spec written since log prices are read (it has `past`) lists them, or has none.
  const logPrices = price?.past !== undefined ? [...(price.logScale ?? [])] : undefined;
  return {
    known: names.filter((c) => knownNames.includes(c)),
    historyOnly: names.filter((c) => !knownNames.includes(c)),
    ...(group ? { competitorGroup: group } : {}),
    ...(logPrices ? { logPrices } : {}),
  };
}

/**
 * The artefact's `format` (every model this engine writes names one), or `undefined` when it
 * names none or is not JSON: a model the engine cannot restore, so it cannot answer what-ifs.
 */
export function artefactFormat(json: string): string | undefined {
  try {
    const f = (JSON.parse(json) as { format?: unknown } | null)?.format;
    return typeof f === 'string' && f.length > 0 ? f : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The panel as it stood at the run's forecast origin: each series' history cut before its first
 * forecast date (`origins`, by series id; series without one keep all their history), covariates
 * kept through the `horizon` dates after it (NaN where none was imported).
 */
export function asOfOrigin(panel: Panel, origins: ReadonlyMap<string, string>, horizon: number): Panel {
  return {
    ...panel,
    series: panel.series.map((s) => {
      const first = origins.get(s.id);
      const cut = first === undefined ? s.target.length : gridOffset(s.start, first, panel.freq);
      return cutSeries(s, Math.max(0, Math.min(cut, s.target.length)), horizon);
    }),
  };
}

/** A change as applied: its dates clipped to the forecast window, and the series it moved. */
export interface AppliedChange {
  readonly covariate: string;
  readonly from: string;
  readonly to: string;
  readonly value: number | null;
  readonly percentChange: number | null;
}

export interface AppliedScenario {
  /** The panel with the changed future covariates (series not targeted are the same objects). */
  readonly panel: Panel;
  readonly changes: readonly AppliedChange[];
  readonly warnings: readonly string[];
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
}

/** The lowest and highest known value of a covariate in a series' history (NaN, NaN when none). */
function historyRange(x: Float64Array | undefined, n: number): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  if (x) {
    for (let t = 0; t < Math.min(n, x.length); t++) {
      const v = x[t]!;
      if (Number.isNaN(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : [Number.NaN, Number.NaN];
}

/** The last known value of a covariate up to (excluding) point `n`. */
function lastKnown(x: Float64Array | undefined, n: number): number {
  if (!x) return Number.NaN;
  for (let t = Math.min(n, x.length) - 1; t >= 0; t--) if (!Number.isNaN(x[t]!)) return x[t]!;
  return Number.NaN;
}

/**
 * Checks `changes` against what the model reads (`inputs`; undefined: the panel's covariates,
 * all taken as known in advance) and applies them to the forecast dates of the series in
 * `targets`, which must be cut at their forecast origin (`asOfOrigin`) with `horizon` covariate
 * points after it. Coded errors (BAD_USER_INPUT) name the covariate or value and the fix;
 * warnings say where the model extrapolates.
 */
export function applyChanges(
  panel: Panel,
  targets: ReadonlySet<string>,
  changes: readonly CovariateChange[],
  inputs: ModelInputs | undefined,
  horizon: number,
  context: { readonly runId?: string; readonly model?: string } = {},
): AppliedScenario {
  const run = context.runId ? `training run ${context.runId}` : 'the training run';
  const model = context.model ? ` (${context.model})` : '';
  if (changes.length === 0) {
    throw new UserInputError('A scenario needs at least one change, e.g. { covariate: "price", percentChange: -10 }.', {
      argument: 'changes',
    });
  }
  const known = inputs ? inputs.known : panel.covariateNames;
  const historyOnly = inputs ? inputs.historyOnly : [];
  const selected = panel.series.filter((s) => targets.has(s.id));
  // The forecast window of the selection: from its earliest first forecast date to its latest last one.
  let first: string | undefined;
  let last: string | undefined;
  for (const s of selected) {
    const d0 = addSteps(s.start, s.target.length, panel.freq);
    const d1 = addSteps(s.start, s.target.length + horizon - 1, panel.freq);
    if (first === undefined || d0 < first) first = d0;
    if (last === undefined || d1 > last) last = d1;
  }
  if (first === undefined || last === undefined) {
    throw new UserInputError('The scenario selects no series with sales history.', { argument: 'seriesId' });
  }
  const warnings: string[] = [];
  const applied: AppliedChange[] = [];
  const edits = new Map<string, Record<string, Float64Array>>();
  for (const [i, c] of changes.entries()) {
    const name = c.covariate;
    if (!known.includes(name)) {
      if (historyOnly.includes(name)) {
        throw new UserInputError(
          `Covariate "${name}" was not given for future dates when ${run}${model} trained, so the model reads it from the history only and a planned "${name}" cannot change its forecast. Import future rows with the planned "${name}" (empty value) and train again${known.length > 0 ? `, or change one of: ${known.join(', ')}` : ''}.`,
          { argument: `changes[${i}].covariate`, covariate: name, available: [...known] },
        );
      }
      throw new UserInputError(
        known.length > 0
          ? `The model of ${run}${model} never saw covariate "${name}". Change one of the covariates it reads for future dates: ${known.join(', ')}.`
          : `The model of ${run}${model} reads no covariate for future dates, so no change can move its forecast ("${name}" asked). Train a model that uses covariates (auto with a price given for future dates, or mlp) and ask again.`,
        { argument: `changes[${i}].covariate`, covariate: name, available: [...known] },
      );
    }
    const hasValue = c.value !== undefined && c.value !== null;
    const hasPercent = c.percentChange !== undefined && c.percentChange !== null;
    if (hasValue === hasPercent) {
      throw new UserInputError(
        `Change ${i + 1} ("${name}") must give exactly one of \`value\` or \`percentChange\`${hasValue ? ', not both' : ''}.`,
        { argument: `changes[${i}]`, covariate: name },
      );
    }
    const amount = hasValue ? c.value! : c.percentChange!;
    if (!Number.isFinite(amount)) {
      throw new UserInputError(`Change ${i + 1} ("${name}") has a value that is not a finite number: ${amount}.`, {
        argument: `changes[${i}]`,
        covariate: name,
      });
    }
    const price = isPriceCovariate(name);
    // A price on the log scale moves by log(1 + p/100) and may be ≤ 0: as the model read it when
    // it trained where its artefact says, else as the panel reads now (price-features.ts `isLogPrice`).
    const logPrice = price && (inputs?.logPrices?.includes(name) ?? isLogPrice(panel, name));
    if (price && ((hasValue && amount <= 0 && !logPrice) || (hasPercent && amount <= -100))) {
      throw new UserInputError(
        `A price must stay above 0: change ${i + 1} sets "${name}" ${hasValue ? `to ${fmt(amount)}` : `by ${fmt(amount)} %`}. Give a positive price or a cut smaller than 100 %.`,
        { argument: `changes[${i}]`, covariate: name, value: amount },
      );
    }
    if (c.from && c.to && c.from > c.to) {
      throw new UserInputError(`Change ${i + 1} ("${name}") starts on ${c.from}, after its end ${c.to}; swap them.`, {
        argument: `changes[${i}].from`,
        from: c.from,
        to: c.to,
      });
    }
    const from = c.from ?? first;
    const to = c.to ?? last;
    if (to < first || from > last) {
      throw new UserInputError(
        `Change ${i + 1} ("${name}", ${from} to ${to}) lies outside the forecast window ${first} to ${last}: a scenario changes forecast dates only.`,
        { argument: `changes[${i}]`, from, to, forecastFrom: first, forecastTo: last },
      );
    }
    const cf = from < first ? first : from;
    const ct = to > last ? last : to;
    if (cf !== from || ct !== to) {
      warnings.push(`Change ${i + 1} ("${name}") was limited to the forecast window: ${cf} to ${ct}.`);
    }
    applied.push({
      covariate: name,
      from: cf,
      to: ct,
      value: hasValue ? amount : null,
      percentChange: hasPercent ? amount : null,
    });
    let outside = 0;
    let unknownBase = 0;
    let example = '';
    for (const s of selected) {
      const n = s.target.length;
      const own = edits.get(s.id) ?? {};
      edits.set(s.id, own);
      const base = s.covariates[name];
      const x = own[name] ?? (base ? base.slice() : new Float64Array(n + horizon).fill(Number.NaN));
      own[name] = x;
      const dates = gridDates(s.start, n, horizon, panel.freq);
      const [lo, hi] = historyRange(base, n);
      let seriesOutside = false;
      for (let t = 0; t < horizon; t++) {
        const d = dates[t]!;
        if (d < cf || d > ct) continue;
        let planned = x[n + t]!;
        if (hasPercent && Number.isNaN(planned)) {
          planned = lastKnown(x, n + t);
          if (Number.isNaN(planned)) continue;
          unknownBase++;
        }
        const v = hasValue ? amount : logPrice ? planned + Math.log1p(amount / 100) : planned * (1 + amount / 100);
        x[n + t] = v;
        if (Number.isFinite(lo) && (v < lo - 1e-9 * Math.abs(lo) || v > hi + 1e-9 * Math.abs(hi)) && !seriesOutside) {
          seriesOutside = true;
          if (!example) example = `${s.id}: ${fmt(v)} on ${d}, seen ${fmt(lo)} to ${fmt(hi)}`;
        }
      }
      if (seriesOutside) outside++;
    }
    if (outside > 0) {
      warnings.push(
        `Change ${i + 1} takes "${name}" outside the range the model saw in training for ${outside === selected.length && outside === 1 ? 'the series' : `${outside} of ${selected.length} series`} (${example}): the forecast extrapolates, treat it with care.`,
      );
    }
    if (unknownBase > 0) {
      warnings.push(
        `"${name}" had no planned value on ${unknownBase} forecast date${unknownBase === 1 ? '' : 's'}; the change was applied to its last known value.`,
      );
    }
  }
  const series = panel.series.map((s): SeriesFrame => {
    const own = edits.get(s.id);
    return own ? { ...s, covariates: { ...s.covariates, ...own } } : s;
  });
  return { panel: { ...panel, series }, changes: applied, warnings };
}

export interface ScenarioForecasts {
  /** The forecasts of the targeted series with the covariates as imported. */
  readonly baseline: QuantileForecast[];
  /** The same series with the changes applied. */
  readonly scenario: QuantileForecast[];
  /** The scenario's panel (its future covariates: what revenue is computed with). */
  readonly panel: Panel;
  readonly baselinePanel: Panel;
  readonly changes: readonly AppliedChange[];
  readonly warnings: readonly string[];
}

/**
 * Baseline and scenario forecasts of the `targets` series of `panel` (cut at the run's origin:
 * `asOfOrigin`) from a fitted `model`, both finished as the run finished its own forecast (floors,
 * means from the run's `distribution`, structural zeros). Nothing is trained or stored.
 */
export async function predictScenario(
  model: GlobalForecaster,
  panel: Panel,
  targets: ReadonlySet<string>,
  changes: readonly CovariateChange[],
  options: {
    readonly horizon: number;
    readonly inputs: ModelInputs | undefined;
    readonly distribution?: DistributionModel | undefined;
    readonly allowNegative?: boolean;
    readonly runId?: string;
    readonly model?: string;
  },
): Promise<ScenarioForecasts> {
  const applied = applyChanges(panel, targets, changes, options.inputs, options.horizon, {
    ...(options.runId ? { runId: options.runId } : {}),
    ...(options.model ? { model: options.model } : {}),
  });
  const finish = (f: QuantileForecast[], p: Panel): QuantileForecast[] =>
    finishForecasts(
      f.filter((x) => targets.has(x.seriesId)),
      p,
      options.distribution,
      options.allowNegative ? { allowNegative: true } : {},
    );
  const baseline = finish(await model.predict(panel), panel);
  const scenario = finish(await model.predict(applied.panel), applied.panel);
  return {
    baseline,
    scenario,
    panel: applied.panel,
    baselinePanel: panel,
    changes: applied.changes,
    warnings: applied.warnings,
  };
}

/** A series' covariate on its forecast dates (NaN where none), from a panel cut at its origin. */
export function futureValues(panel: Panel, seriesId: string, covariate: string, horizon: number): Float64Array {
  const s = panel.series.find((x) => x.id === seriesId);
  const out = new Float64Array(horizon).fill(Number.NaN);
  const x = s?.covariates[covariate];
  if (!s || !x) return out;
  for (let t = 0; t < horizon; t++) out[t] = x[s.target.length + t] ?? Number.NaN;
  return out;
}

/**
 * The covariate that is each series' own price, if the panel names one unambiguously: `price`, or
 * its only price-like covariate (with several, `price1` … `price8`, revenue is not computed).
 */
export function priceCovariate(panel: Panel): string | undefined {
  const prices = panel.covariateNames.filter(isPriceCovariate);
  return prices.includes('price') ? 'price' : prices.length === 1 ? prices[0] : undefined;
}
