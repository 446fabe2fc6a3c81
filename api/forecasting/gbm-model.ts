/**
 * `GbmForecaster`: a global gradient-boosted-trees model (gbm.ts) over every series of a panel,
 * on lags and rolling statistics of each series' scaled target, calendar and holidays, the
 * covariates and the price and promotion features (gbm-features.ts). It forecasts recursively:
 * each step's prediction is fed back as the next step's lag 1, as the peers' gradient boosting
 * does; known-in-advance covariates (planned prices, promotions) are read at the forecast step,
 * so a scenario that changes them changes the forecast.
 *
 * Quantiles are residual-based (conformal), not one model per level: the model is trained on
 * every series less its last `horizon` points (a series of at most 2 × horizon points gives all
 * of them) and forecasts those; each error, in units of the series' scale and divided by the
 * series' mean absolute one-step change (its own noise level), is pooled over series; a per-step
 * factor lets the spread grow with the horizon. The same model then forecasts from the whole
 * history (its lags read the last points it was not trained on): one fit, not two, which is what
 * keeps it fast; only when the held-out points straddle a jump of the whole panel
 * (level-shift.ts) is it fitted again on everything, its errors taken about each series' median.
 * Level q at step h of series i is `scale_i · m_ih · (ŷ + d_i · s_h · Q(q))`, `m_ih` the price
 * and promotion effect of the step (gbm-features.ts `PriceEffect`: the trees forecast sales net of
 * it). `auto` recalibrates the band on its validation windows as it does for every candidate.
 */
import { NotFittedError } from './errors.js';
import { gridDates } from './frames.js';
import { windowShift, type WindowData } from './level-shift.js';
import {
  DEFAULT_GBM_PARAMS,
  fitGbm,
  type GbmParams,
  type GbmTrees,
  packTrees,
  predictGbm,
  unpackTrees,
} from './gbm.js';
import {
  gbmCategorical,
  gbmColumns,
  type GbmFeatureSpec,
  type GbmPanelState,
  gbmState,
  fitPriceEffect,
  makeGbmSpec,
  writeRow,
} from './gbm-features.js';
import { permutation } from './random.js';
import type { FitOptions, GlobalForecaster, Panel, QuantileForecast, SerializedModel } from './types.js';

export const GBM_FORMAT = 'forecastql.gbm.v1';

export interface GbmOptions {
  readonly seed?: number;
  /** Booster hyperparameters (gbm.ts `DEFAULT_GBM_PARAMS` for the rest). */
  readonly params?: Partial<GbmParams>;
  /** At most about this many training rows (each series' most recent points; default 40,000). */
  readonly maxRows?: number;
}

/** The residual quantiles: `q[k]` for `levels[k]`, in noise units; `step[h]` the spread of step h. */
interface IntervalTable {
  readonly levels: readonly number[];
  readonly q: readonly number[];
  readonly step: readonly number[];
}

interface Fitted {
  readonly spec: GbmFeatureSpec;
  readonly trees: GbmTrees;
  readonly horizon: number;
  readonly intervals: IntervalTable;
  readonly nonNegative: boolean;
}

/**
 * Trees of the forecaster: with the Poisson loss, 100 at the booster's learning rate 0.075 forecast
 * as well as 200 on six price and promotion panels and two public sets (better on the smallest
 * panels, within ±1 % elsewhere, at the protocol's origins and earlier ones; 300 were no better),
 * in half the time (bench/RESULTS.md, "The trees fitted with the Poisson loss").
 */
export const GBM_ROUNDS = 100;

/** Noise floor of a series (scaled units): a constant history still gets a band. */
const MIN_NOISE = 0.05;

export class GbmForecaster implements GlobalForecaster {
  readonly alias = 'gbm';
  private fitted: Fitted | undefined;
  private readonly seed: number;
  private readonly params: Partial<GbmParams>;
  private readonly maxRows: number;

  constructor(options: GbmOptions = {}) {
    this.seed = options.seed ?? 1;
    this.params = options.params ?? {};
    this.maxRows = options.maxRows ?? 40_000;
  }

  async fit(panel: Panel, options: FitOptions): Promise<void> {
    const H = options.horizon;
    const base = makeGbmSpec(panel);
    const effect = fitPriceEffect(base, gbmState(panel, base, 0));
    const spec: GbmFeatureSpec = effect ? { ...base, effect } : base;
    const nonNegative = panel.series.every((s) => s.target.every((v) => Number.isNaN(v) || v >= 0));
    // Units sold are counts, whose noise grows with their level and whose price and promotion
    // effects multiply: the Poisson loss (log link) fits them better than squared error on every
    // panel and public set measured (RESULTS, session 15). A target that can go below 0 (money
    // with refunds) keeps squared error, which a log link cannot reach. `GBM_ROUNDS` trees.
    const params: GbmParams = {
      ...DEFAULT_GBM_PARAMS,
      rounds: GBM_ROUNDS,
      loss: nonNegative ? 'poisson' : 'l2',
      seed: options.seed ?? this.seed,
      ...this.params,
    };
    const categorical = gbmCategorical(spec);
    const state = gbmState(panel, spec, H);
    const progress = (done: number): void => {
      options.signal?.throwIfAborted();
      options.onProgress?.({
        epoch: done,
        epochs: params.rounds,
        loss: Number.NaN,
        validationLoss: undefined,
        fraction: done / params.rounds,
      });
    };
    // One model, trained on every series less its last H points (when it has more than 2H), which
    // it then forecasts: those errors are the intervals. It forecasts from the whole history.
    const cut = state.series.map((s) => (s.n > 2 * H ? s.n - H : s.n));
    const rows = trainingRows(spec, state, cut, this.maxRows);
    const trees = fitGbm(rows, rows.y, categorical, params, (r) => progress(r + 1));
    const held = heldOut(state, cut);
    const origin = cut.map((c, i) => (c < state.series[i]!.n ? c : state.series[i]!.n));
    recurse(spec, held, trees, origin, H, nonNegative);
    // A held-out block that straddles a jump of the whole panel (level-shift.ts) holds the jump in
    // every error, and the trees never saw the new level: the errors' median would add the jump
    // once more to lags that already carry it (a 10-fold jump in the last 28 days was forecast at
    // 2–7 times the new level). Each series' errors are then taken about their own median (the
    // spread without the jump) and the trees fitted again on the whole history, jump included.
    const shifted = windowShift(heldBlock(panel, cut, H))?.shifted === true;
    const intervals = intervalTable(state, held, cut, H, options.quantiles, shifted);
    let final = trees;
    if (shifted) {
      const all = trainingRows(
        spec,
        state,
        state.series.map((x) => x.n),
        this.maxRows,
      );
      final = fitGbm(all, all.y, categorical, params, () => options.signal?.throwIfAborted());
    }
    this.fitted = { spec, trees: final, horizon: H, intervals, nonNegative };
  }

  async predict(panel: Panel): Promise<QuantileForecast[]> {
    const f = this.fitted;
    if (!f) throw new NotFittedError('Call fit() before predict() on the gbm model.');
    return forecastState(f, panel, gbmState(panel, f.spec, f.horizon));
  }

  /**
   * Groups for permutation importance: the calendar's (weekday, yearly season, each holiday) and
   * the static attributes; the pipeline adds the panel's covariates and the history.
   */
  featureGroups(): readonly string[] {
    const f = this.fitted;
    if (!f) return [];
    const groups = [...new Set(f.spec.calendarGroups)];
    return f.spec.staticNames.length > 0 ? [...groups, 'static'] : groups;
  }

  /**
   * `predict` with one group shuffled: a calendar group's columns across dates, the static
   * attributes' codes across series, anything else (history, a covariate) in the panel.
   */
  async predictPermuted(panel: Panel, group: string, seed: number): Promise<QuantileForecast[]> {
    const f = this.fitted;
    if (!f) throw new NotFittedError('Call fit() before predictPermuted() on the gbm model.');
    const cols = f.spec.calendarGroups.flatMap((g, j) => (g === group ? [j] : []));
    if (cols.length === 0 && group !== 'static') {
      // The pipeline's own shuffle of the history or a covariate (loaded here: pipeline.ts imports the models).
      const { permutePanel } = await import('./pipeline.js');
      return this.predict(permutePanel(panel, group, seed));
    }
    const state = gbmState(panel, f.spec, f.horizon);
    if (group === 'static') {
      const p = permutation(state.series.length, seed);
      const codes = state.series.map((s) => s.codes);
      const series = state.series.map((s, i) => ({ ...s, codes: codes[p[i]!]! }));
      return forecastState(f, panel, { ...state, series });
    }
    const w = state.calWidth;
    const rows = state.calendar.length / Math.max(1, w);
    const p = permutation(rows, seed);
    const calendar = Float32Array.from(state.calendar);
    for (let r = 0; r < rows; r++) for (const j of cols) calendar[r * w + j] = state.calendar[p[r]! * w + j]!;
    return forecastState(f, panel, { ...state, calendar });
  }

  async serialize(): Promise<SerializedModel> {
    const f = this.fitted;
    if (!f) throw new NotFittedError('Call fit() before serialize() on the gbm model.');
    const { meta, bytes } = packTrees(f.trees);
    return {
      alias: this.alias,
      json: JSON.stringify({
        format: GBM_FORMAT,
        spec: f.spec,
        horizon: f.horizon,
        intervals: f.intervals,
        nonNegative: f.nonNegative,
        trees: meta,
      }),
      weights: bytes,
    };
  }

  /** A model from its artefact; it predicts exactly as the one serialised. */
  static deserialize(model: SerializedModel): GbmForecaster {
    const o = JSON.parse(model.json) as {
      spec: GbmFeatureSpec;
      horizon: number;
      intervals: IntervalTable;
      nonNegative: boolean;
      trees: Parameters<typeof unpackTrees>[0];
    };
    const m = new GbmForecaster();
    m.fitted = {
      spec: o.spec,
      trees: unpackTrees(o.trees, model.weights),
      horizon: o.horizon,
      intervals: o.intervals,
      nonNegative: o.nonNegative,
    };
    return m;
  }

  /** Feature names of the fitted model's rows (for tests and explanations). */
  columns(): string[] {
    if (!this.fitted) throw new NotFittedError('Call fit() first.');
    return gbmColumns(this.fitted.spec);
  }

  dispose(): void {}
}

/** The forecasts of a panel from its state (a permuted one for importance). */
function forecastState(f: Fitted, panel: Panel, state: GbmPanelState): QuantileForecast[] {
  const H = f.horizon;
  const ends = state.series.map((s) => s.n);
  recurse(f.spec, state, f.trees, ends, H, f.nonNegative);
  return panel.series.map((frame, i): QuantileForecast => {
    const s = state.series[i]!;
    const d = noise(s.z, s.n);
    const values = f.intervals.levels.map((_, k) => {
      const row = new Float64Array(H);
      for (let h = 0; h < H; h++) {
        const v = s.scale * s.mult[s.n + h]! * (s.z[s.n + h]! + d * (f.intervals.step[h] ?? 1) * f.intervals.q[k]!);
        row[h] = f.nonNegative ? Math.max(0, v) : v;
      }
      return row;
    });
    return {
      seriesId: frame.id,
      dates: gridDates(frame.start, s.n, H, panel.freq),
      quantiles: [...f.intervals.levels],
      values,
    };
  });
}

/** The held-out block as a validation window: each series' history before `cut[i]`, its next H points. */
function heldBlock(panel: Panel, cut: readonly number[], H: number): WindowData {
  return {
    panel: { ...panel, series: panel.series.map((x, i) => ({ ...x, target: x.target.subarray(0, cut[i]) })) },
    actuals: new Map(panel.series.map((x, i) => [x.id, x.target.subarray(cut[i]!, cut[i]! + H)])),
  };
}

/** The state with each series' target after `cut[i]` hidden (NaN): the held-out part. */
function heldOut(state: GbmPanelState, cut: readonly number[]): GbmPanelState {
  return {
    ...state,
    series: state.series.map((s, i) => {
      const z = Float64Array.from(s.z);
      z.fill(Number.NaN, cut[i]!);
      return { ...s, z };
    }),
  };
}

/** Rows for every observed point `1 ≤ t < end[i]` of each series, the most recent first kept under the cap. */
function trainingRows(
  spec: GbmFeatureSpec,
  state: GbmPanelState,
  end: readonly number[],
  maxRows: number,
): { rows: number; cols: number; x: Float32Array; y: Float32Array } {
  const cols = gbmColumns(spec).length;
  const perSeries = Math.max(8, Math.floor(maxRows / Math.max(1, state.series.length)));
  const picks: [number, number][] = [];
  state.series.forEach((s, i) => {
    const e = end[i]!;
    for (let t = Math.max(1, e - perSeries); t < e; t++) if (!Number.isNaN(s.z[t]!)) picks.push([i, t]);
  });
  const x = new Float32Array(picks.length * cols);
  const y = new Float32Array(picks.length);
  picks.forEach(([i, t], r) => {
    const s = state.series[i]!;
    writeRow(spec, state, s, t, end[i]!, x, r * cols);
    y[r] = s.z[t]!;
  });
  return { rows: picks.length, cols, x, y };
}

/** Forecasts `H` steps after `origin[i]` of every series, writing them into its `z`. */
function recurse(
  spec: GbmFeatureSpec,
  state: GbmPanelState,
  trees: GbmTrees,
  origin: readonly number[],
  H: number,
  nonNegative: boolean,
): void {
  const cols = gbmColumns(spec).length;
  const n = state.series.length;
  const x = new Float32Array(n * cols);
  for (let h = 0; h < H; h++) {
    state.series.forEach((s, i) => writeRow(spec, state, s, origin[i]! + h, origin[i]!, x, i * cols));
    const p = predictGbm(trees, { rows: n, cols, x });
    state.series.forEach((s, i) => {
      const v = p[i]!;
      s.z[origin[i]! + h] = nonNegative ? Math.max(0, v) : v;
    });
  }
}

/** Mean absolute one-step change of the scaled history (its last two years at most), floored. */
function noise(z: Float64Array, n: number): number {
  let sum = 0;
  let c = 0;
  for (let t = Math.max(1, n - 730); t < n; t++) {
    const a = z[t]!;
    const b = z[t - 1]!;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    sum += Math.abs(a - b);
    c++;
  }
  return Math.max(MIN_NOISE, c > 0 ? sum / c : 1);
}

function meanAbs(e: readonly number[]): number {
  return e.reduce((a, v) => a + Math.abs(v), 0) / Math.max(1, e.length);
}

/** Linear-interpolated quantile of sorted values. */
function quantileOf(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Standard normal quantile (Acklam's rational approximation): the band when nothing was held out. */
function probit(p: number): number {
  const a = [
    -39.6968302866538, 220.946098424521, -275.928510446969, 138.357751867269, -30.6647980661472, 2.50662827745924,
  ];
  const b = [-54.4760987982241, 161.585836858041, -155.698979859887, 66.8013118877197, -13.2806815528857];
  const c = [
    -0.00778489400243029, -0.322396458041136, -2.40097516511155, -2.54973253934373, 4.37466414146497, 2.93816398269878,
  ];
  const d = [0.00778469570904146, 0.32246712907004, 2.445134137143, 3.75440866190742];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lo) return -probit(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * The residual quantiles of the held-out forecasts (`held`, forecast from `cut`) against the
 * history (`state`), in noise units, and the per-step spread; a normal band when H is 0.
 */
function intervalTable(
  state: GbmPanelState,
  held: GbmPanelState,
  cut: readonly number[],
  H: number,
  levels: readonly number[],
  aboutOwnMedian = false,
): IntervalTable {
  const errs: number[][] = Array.from({ length: H }, () => []);
  state.series.forEach((s, i) => {
    const c = cut[i]!;
    if (c < 2) return;
    const d = noise(s.z, c);
    const own: [number, number][] = [];
    for (let h = 0; h < H && c + h < s.n; h++) {
      const y = s.z[c + h]!;
      if (Number.isNaN(y)) continue;
      own.push([h, (y - held.series[i]!.z[c + h]!) / d]);
    }
    const centre =
      aboutOwnMedian && own.length > 0 ? quantileOf(Float64Array.from(own, ([, e]) => e).toSorted(), 0.5) : 0;
    for (const [h, e] of own) errs[h]!.push(e - centre);
  });
  const count = errs.reduce((a, e) => a + e.length, 0);
  if (count < 30) return { levels: [...levels], q: levels.map((l) => probit(l)), step: [] };
  // Spread per step: mean absolute error of the step over that of all steps, smoothed (a running
  // mean of 3) and never falling with the horizon.
  const overall = meanAbs(errs.flat()) || 1;
  const raw = errs.map((e) => (e.length > 0 ? meanAbs(e) / overall : 1));
  const step: number[] = [];
  for (let h = 0; h < H; h++) {
    const win = raw.slice(Math.max(0, h - 1), h + 2);
    const v = win.reduce((a, b) => a + b, 0) / win.length;
    step.push(Math.max(v, h > 0 ? step[h - 1]! : 0, 0.05));
  }
  const pooled = Float64Array.from(errs.flatMap((e, h) => e.map((v) => v / step[h]!))).toSorted();
  return { levels: [...levels], q: levels.map((l) => quantileOf(pooled, l)), step };
}
