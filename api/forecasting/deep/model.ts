/**
 * `DeepForecaster`: a global quantile model trained across every series of a panel (see
 * network.ts for the architectures and windows.ts for the inputs).
 *
 * Speed (ARCHITECTURE §8): a fixed budget of sampled windows per fit instead of every window,
 * inputs built into reused typed-array batch buffers (five tensors per batch, no per-sample
 * tensors), one fused `optimizer.minimize` per batch over a hand-written network, large batches,
 * early stopping on the last H points of the training part, and warm starts from a model of an
 * earlier origin.
 */
import * as tf from '@tensorflow/tfjs';
import { UserInputError } from '../../errors/index.js';
import { InsufficientHistoryError, NotFittedError } from '../errors.js';
import { addSteps, gridDates } from '../frames.js';
import type {
  FitOptions,
  GlobalForecaster,
  Panel,
  QuantileForecast,
  QuantileLevels,
  SerializedModel,
} from '../types.js';
import type { CalendarOptions } from './calendar.js';
import { panelCalendar } from '../features.js';
import {
  type Arch,
  type DeepKind,
  forward,
  initParams,
  paramsFromBytes,
  paramsToBytes,
  pinballLoss,
} from './network.js';
import { Prng } from './prng.js';
import {
  buildWindows,
  DEFAULT_LOOKBACK,
  derivedSlots,
  makeSpec,
  type Picks,
  predictionPicks,
  preparePanel,
  trainingPicks,
  validationPicks,
  windowDims,
  type Windows,
  type WindowSpec,
} from './windows.js';

/** Hyperparameters (constructor options). Every one has a default that suits 100–500 series. */
export interface DeepOptions {
  readonly seed?: number;
  /** Maximum epochs (early stopping usually ends sooner). */
  readonly epochs?: number;
  /** Lookback in grid points (default: 56 days, 52 weeks, 24 months; rounded to the recurrent patch). */
  readonly lookback?: number;
  /** Encoder width. */
  readonly hidden?: number;
  /** Training windows sampled per fit. */
  readonly windows?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  /** Epochs without a better validation loss before stopping. */
  readonly patience?: number;
  /** Countries and user events of the calendar features. */
  readonly calendar?: CalendarOptions;
  /**
   * Derive price and promotion features from price-like covariates (price-features.ts): price
   * relative to the series' regular price and to its competitors', promotions × discount.
   * Default true.
   */
  readonly priceFeatures?: boolean;
}

export interface DeepFitOptions extends FitOptions {
  /**
   * A model of the same kind trained on an EARLIER origin of the same data: its weights start
   * this fit (fewer epochs are needed). A model trained through a later date is refused, as it
   * would leak the future into a backtest.
   */
  readonly warmStart?: SerializedModel;
}

const DEFAULTS = {
  epochs: 12,
  windows: 12_000,
  batchSize: 512,
  learningRate: 3e-3,
  patience: 3,
} as const;

const HIDDEN: Readonly<Record<DeepKind, number>> = { mlp: 128, conv1d: 64, lstm: 64, gru: 64 };

interface Fitted {
  readonly arch: Arch;
  readonly spec: WindowSpec;
  readonly params: Map<string, tf.Variable>;
  readonly scales: ReadonlyMap<string, number>;
  /** Date of the last history point seen in training (warm starts must not come from later). */
  readonly trainedThrough: string;
  readonly epochsRun: number;
  /** Training windows per epoch. */
  readonly windows: number;
}

const FORMAT = 'forecastql-deep/1';

function abortError(): DOMException {
  return new DOMException('Training was aborted.', 'AbortError');
}

function lastDate(panel: Panel): string {
  let last = '';
  for (const s of panel.series) {
    if (s.target.length === 0) continue;
    const d = addSteps(s.start, s.target.length - 1, panel.freq);
    if (d > last) last = d;
  }
  return last;
}

function patchOf(kind: DeepKind, freq: Panel['freq']): number {
  if (kind === 'mlp') return 1;
  return freq === 'D' ? 7 : freq === 'W' ? 4 : 3;
}

export class DeepForecaster implements GlobalForecaster {
  readonly alias: string;
  private fitted: Fitted | undefined;
  private notes: string[] = [];

  /** Things the user should know from the last fit. */
  get warnings(): readonly string[] {
    return this.notes;
  }

  constructor(
    readonly kind: DeepKind,
    readonly options: DeepOptions = {},
    fitted?: Fitted,
  ) {
    this.alias = kind;
    this.fitted = fitted;
  }

  /** The fitted state (architecture, epochs run, trained-through date), for logs and tests. */
  get info(): { arch: Arch; epochsRun: number; windows: number; trainedThrough: string } | undefined {
    const f = this.fitted;
    return f && { arch: f.arch, epochsRun: f.epochsRun, windows: f.windows, trainedThrough: f.trainedThrough };
  }

  async fit(panel: Panel, options: DeepFitOptions): Promise<void> {
    if (options.signal?.aborted) throw abortError();
    const H = options.horizon;
    if (!Number.isInteger(H) || H < 1)
      throw new UserInputError(`Horizon ${H} is not a positive integer.`, { horizon: H });
    const quantiles = checkQuantiles(options.quantiles);
    const seed = this.options.seed ?? options.seed;
    const prng = new Prng(seed);
    const patch = patchOf(this.kind, panel.freq);
    const lookback = Math.max(
      patch,
      Math.round((this.options.lookback ?? DEFAULT_LOOKBACK[panel.freq]) / patch) * patch,
    );
    const spec = makeSpec(
      panel,
      H,
      lookback,
      this.options.calendar ?? panelCalendar(panel),
      undefined,
      this.options.priceFeatures ?? true,
    );
    const prepared = preparePanel(panel, spec);
    this.notes = [];
    let train = trainingPicks(prepared, this.options.windows ?? DEFAULTS.windows, prng);
    const val = validationPicks(prepared);
    if (train.n === 0) {
      // Series shorter than two horizons: train on the validation windows, without early stopping.
      if (val.n === 0) {
        const longest = panel.series.reduce((a, s) => (s.target.length > a.target.length ? s : a), panel.series[0]!);
        throw new InsufficientHistoryError(
          longest?.id ?? '(empty panel)',
          H + 2,
          longest?.target.length ?? 0,
          `the ${this.kind} model`,
        );
      }
      train = val;
      this.notes.push(
        `${this.kind}: every series is shorter than two horizons (${2 * H} points); trained on the last ${H} points without early stopping.`,
      );
    }
    const d = windowDims(spec);
    const arch: Arch = {
      kind: this.kind,
      lookback,
      channels: d.c,
      horizon: H,
      stepFeatures: d.f,
      statics: d.s,
      quantiles,
      hidden: this.options.hidden ?? HIDDEN[this.kind],
      decoderHidden: 32,
      patch,
      dilations: dilationsFor(lookback / patch),
    };
    const trainedThrough = lastDate(panel);
    const params = this.startParams(arch, spec, trainedThrough, options.warmStart, prng);
    const warm = options.warmStart !== undefined && params.warm;
    if (options.warmStart && !warm) {
      this.notes.push(`${this.kind}: the warm-start model has another architecture or inputs; trained from scratch.`);
    }
    const maxEpochs = Math.max(
      1,
      options.epochs ?? this.options.epochs ?? (warm ? Math.ceil(DEFAULTS.epochs / 2) : DEFAULTS.epochs),
    );
    const patience = this.options.patience ?? DEFAULTS.patience;
    const batchSize = Math.min(this.options.batchSize ?? DEFAULTS.batchSize, train.n);
    const valWindows = val.n > 0 && val !== train ? buildWindows(prepared, val) : undefined;

    const optimizer = tf.train.adam(this.options.learningRate ?? DEFAULTS.learningRate);
    const vars = [...params.map.values()];
    let best: tf.Tensor[] | undefined;
    let bestLoss = Number.POSITIVE_INFINITY;
    let epochsRun = 0;
    try {
      const order = Int32Array.from({ length: train.n }, (_, i) => i);
      let buffer: Windows | undefined;
      let stale = 0;
      for (let epoch = 0; epoch < maxEpochs; epoch++) {
        prng.shuffle(order);
        let lossSum = 0;
        let count = 0;
        for (let b0 = 0; b0 < train.n; b0 += batchSize) {
          if (options.signal?.aborted) throw abortError();
          const idx = order.subarray(b0, Math.min(train.n, b0 + batchSize));
          buffer = buildWindows(prepared, train, idx, buffer);
          const w = buffer;
          const cost = tf.tidy(() => {
            const t = toTensors(arch, w);
            const lossFn = (): tf.Scalar =>
              pinballLoss(forward(params.map, arch, t.hist, t.fut, t.stat), t.y, t.mask, quantiles);
            return optimizer.minimize(lossFn, true, vars) as tf.Scalar;
          });
          lossSum += cost.dataSync()[0]! * idx.length;
          count += idx.length;
          cost.dispose();
          // Let an abort (or anything else on the event loop) in between batches.
          await new Promise<void>((r) => setImmediate(r));
        }
        epochsRun = epoch + 1;
        const loss = lossSum / Math.max(1, count);
        const valLoss = valWindows ? evaluate(params.map, arch, valWindows).loss : undefined;
        options.onProgress?.({
          epoch: epoch + 1,
          epochs: maxEpochs,
          loss,
          validationLoss: valLoss,
          fraction: (epoch + 1) / maxEpochs,
        });
        if (valLoss === undefined) continue;
        if (valLoss < bestLoss - 1e-6) {
          bestLoss = valLoss;
          stale = 0;
          for (const t of best ?? []) t.dispose();
          best = vars.map((v) => tf.clone(v));
        } else if (++stale >= patience) {
          break;
        }
      }
      if (options.signal?.aborted) throw abortError();
      if (best) vars.forEach((v, i) => v.assign(best![i]!));
    } catch (e) {
      for (const v of vars) v.dispose();
      throw e;
    } finally {
      for (const t of best ?? []) t.dispose();
      optimizer.dispose();
    }
    this.disposeFitted();
    const scales = new Map<string, number>();
    panel.series.forEach((s, i) => scales.set(s.id, prepared.scales[i]!));
    this.fitted = { arch, spec, params: params.map, scales, trainedThrough, epochsRun, windows: train.n };
  }

  private startParams(
    arch: Arch,
    spec: WindowSpec,
    trainedThrough: string,
    warmStart: SerializedModel | undefined,
    prng: Prng,
  ): { map: Map<string, tf.Variable>; warm: boolean } {
    if (warmStart) {
      const prev = parseModel(warmStart);
      if (prev.trainedThrough > trainedThrough) {
        throw new UserInputError(
          `Cannot warm-start from a model trained through ${prev.trainedThrough}: this history ends ${trainedThrough}, and a later model would leak the future. Warm-start only from an earlier origin.`,
          { trainedThrough: prev.trainedThrough, historyEnd: trainedThrough },
        );
      }
      // Same architecture and input layout: reuse the weights; otherwise start fresh.
      if (JSON.stringify(prev.arch) === JSON.stringify(arch) && sameLayout(prev.spec, spec)) {
        return { map: paramsFromBytes(arch, warmStart.weights), warm: true };
      }
    }
    return { map: initParams(arch, prng), warm: false };
  }

  async predict(panel: Panel): Promise<QuantileForecast[]> {
    return this.predictWith(panel, undefined, 0);
  }

  /**
   * The feature groups this model derives itself (calendar: `weekday`, `monthly`, `yearly`,
   * `holiday:…`, `event:…`), for permutation importance. `predictPermuted` also accepts
   * `history`, `static` and `covariate:NAME`.
   */
  featureGroups(panel: Panel): readonly string[] {
    void panel;
    const f = this.fitted;
    if (!f) throw new NotFittedError(this.alias);
    return [...new Set(f.spec.calendarGroups)];
  }

  /**
   * `predict` with one feature group permuted (seeded): calendar and covariate columns across all
   * (series, forecast step) rows; `history` (the lookback and its seasonal/yearly lags) and
   * `static` across series.
   */
  async predictPermuted(panel: Panel, group: string, seed: number): Promise<QuantileForecast[]> {
    return this.predictWith(panel, group, seed);
  }

  /** `predict` with one of its calendar groups neutral on the forecast dates (see `occludeGroup`). */
  async predictOccluded(panel: Panel, group: string): Promise<QuantileForecast[]> {
    return this.predictWith(panel, undefined, 0, group);
  }

  private predictWith(panel: Panel, group: string | undefined, seed: number, occlude?: string): QuantileForecast[] {
    const f = this.fitted;
    if (!f) throw new NotFittedError(this.alias);
    if (panel.freq !== f.spec.freq) {
      throw new UserInputError(`Model was trained on frequency ${f.spec.freq}, the panel has ${panel.freq}.`, {
        freq: panel.freq,
      });
    }
    const prepared = preparePanel(panel, f.spec, f.scales);
    const w = buildWindows(prepared, predictionPicks(prepared));
    // With `history` permuted, a series' forecast is unscaled with the scale of the series whose
    // lookback it was given: the level is part of the history (leaving it would read the history
    // through the scale and call it unimportant).
    const from = group === undefined ? undefined : permuteGroup(f.spec, w, group, new Prng(seed));
    if (occlude !== undefined) occludeGroup(f.spec, w, occlude);
    const q = predictQuantiles(f.params, f.arch, w);
    const H = f.arch.horizon;
    const Q = f.arch.quantiles.length;
    return panel.series.map((s, i) => {
      const scale = prepared.scales[from?.[i] ?? i]!;
      // Sales are never negative, unless the series itself has negative values (returns).
      let clip = true;
      for (let t = 0; t < s.target.length; t++) if (s.target[t]! < 0) clip = false;
      const values = f.arch.quantiles.map((_, k) => {
        const out = new Float64Array(H);
        for (let h = 0; h < H; h++) {
          const v = q[(i * H + h) * Q + k]! * scale;
          out[h] = clip && v < 0 ? 0 : v;
        }
        return out;
      });
      return {
        seriesId: s.id,
        dates: gridDates(s.start, s.target.length, H, panel.freq),
        quantiles: f.arch.quantiles,
        values,
      };
    });
  }

  /**
   * Pinball loss (scaled units) on the windows at `n - H`, …, `n - origins·H` of every series,
   * optionally with one group permuted: a quick validation-loss view of the same permutation.
   */
  validationLoss(
    panel: Panel,
    group?: string,
    seed = 0,
    origins = 1,
  ): { loss: number; perSeries: Map<string, number> } {
    const f = this.fitted;
    if (!f) throw new NotFittedError(this.alias);
    const prepared = preparePanel(panel, f.spec, f.scales);
    const all: Picks[] = [];
    for (let k = 1; k <= origins; k++) all.push(validationPicks(prepared, k));
    const picks: Picks = {
      n: all.reduce((a, p) => a + p.n, 0),
      series: Int32Array.from(all.flatMap((p) => [...p.series])),
      origin: Int32Array.from(all.flatMap((p) => [...p.origin])),
    };
    const w = buildWindows(prepared, picks);
    if (group !== undefined) permuteGroup(f.spec, w, group, new Prng(seed));
    const r = evaluate(f.params, f.arch, w);
    const sums = new Map<string, [number, number]>();
    for (let k = 0; k < picks.n; k++) {
      const id = panel.series[picks.series[k]!]!.id;
      const acc = sums.get(id) ?? [0, 0];
      acc[0] += r.perWindow[k]!;
      acc[1] += r.perWindowCount[k]!;
      sums.set(id, acc);
    }
    const perSeries = new Map<string, number>();
    for (const [id, [sum, c]] of sums) if (c > 0) perSeries.set(id, sum / c);
    return { loss: r.loss, perSeries };
  }

  async serialize(): Promise<SerializedModel> {
    const f = this.fitted;
    if (!f) throw new NotFittedError(this.alias);
    const json = JSON.stringify({
      format: FORMAT,
      kind: this.kind,
      options: this.options,
      arch: f.arch,
      spec: f.spec,
      scales: [...f.scales],
      trainedThrough: f.trainedThrough,
      epochsRun: f.epochsRun,
      windows: f.windows,
    });
    return { alias: this.alias, json, weights: paramsToBytes(f.arch, f.params) };
  }

  dispose(): void {
    this.disposeFitted();
  }

  private disposeFitted(): void {
    if (!this.fitted) return;
    for (const v of this.fitted.params.values()) v.dispose();
    this.fitted = undefined;
  }
}

interface ParsedModel {
  readonly kind: DeepKind;
  readonly options: DeepOptions;
  readonly arch: Arch;
  readonly spec: WindowSpec;
  readonly scales: [string, number][];
  readonly trainedThrough: string;
  readonly epochsRun: number;
  readonly windows: number;
}

function parseModel(model: SerializedModel): ParsedModel {
  let parsed: unknown;
  try {
    parsed = JSON.parse(model.json);
  } catch {
    throw new UserInputError(`Model "${model.alias}" has unreadable JSON; it was not written by serialize().`);
  }
  const m = parsed as Partial<ParsedModel> & { format?: string };
  if (m.format !== FORMAT || !m.arch || !m.spec || !m.kind) {
    throw new UserInputError(`Model "${model.alias}" is not a ${FORMAT} artefact (format ${String(m.format)}).`);
  }
  return m as ParsedModel;
}

/** A deep model from `serialize()`'s output; it predicts exactly as the original did. */
export function deserializeDeepForecaster(model: SerializedModel): DeepForecaster {
  const m = parseModel(model);
  const params = paramsFromBytes(m.arch, model.weights);
  return new DeepForecaster(m.kind, m.options, {
    arch: m.arch,
    spec: m.spec,
    params,
    scales: new Map(m.scales),
    trainedThrough: m.trainedThrough,
    epochsRun: m.epochsRun,
    windows: m.windows,
  });
}

function checkQuantiles(q: QuantileLevels): number[] {
  const out = [...q];
  for (let i = 0; i < out.length; i++) {
    if (!(out[i]! > 0 && out[i]! < 1) || (i > 0 && out[i]! <= out[i - 1]!)) {
      throw new UserInputError(`Quantile levels ${out.join(', ')} must be ascending, each in (0, 1).`, {
        quantiles: out,
      });
    }
  }
  if (!out.includes(0.5))
    throw new UserInputError(`Quantile levels ${out.join(', ')} must include 0.5.`, { quantiles: out });
  return out;
}

function sameLayout(a: WindowSpec, b: WindowSpec): boolean {
  return (
    a.freq === b.freq &&
    a.horizon === b.horizon &&
    a.lookback === b.lookback &&
    a.covariateNames.join() === b.covariateNames.join() &&
    a.knownNames.join() === b.knownNames.join() &&
    JSON.stringify(a.derived?.names ?? []) === JSON.stringify(b.derived?.names ?? []) &&
    JSON.stringify(a.staticVocab) === JSON.stringify(b.staticVocab) &&
    a.calendarNames.join() === b.calendarNames.join()
  );
}

/** Dilations 1, 2, 4, … while they fit in the (patched) lookback: receptive field 2^k steps. */
function dilationsFor(steps: number): number[] {
  const out: number[] = [];
  for (let d = 1; d < steps && out.length < 6; d *= 2) out.push(d);
  return out;
}

function toTensors(
  a: Arch,
  w: Windows,
): { hist: tf.Tensor2D; fut: tf.Tensor2D; stat: tf.Tensor2D; y: tf.Tensor2D; mask: tf.Tensor2D } {
  const n = w.n;
  return {
    hist: tf.tensor2d(w.hist, [n, a.lookback * a.channels]),
    fut: tf.tensor2d(w.fut, [n, a.horizon * a.stepFeatures]),
    stat: tf.tensor2d(w.stat, [n, a.statics]),
    y: tf.tensor2d(w.y, [n, a.horizon]),
    mask: tf.tensor2d(w.mask, [n, a.horizon]),
  };
}

const EVAL_BATCH = 2048;

function sliceWindows(a: Arch, w: Windows, from: number, to: number): Windows {
  const hl = a.lookback * a.channels;
  const fl = a.horizon * a.stepFeatures;
  return {
    n: to - from,
    hist: w.hist.subarray(from * hl, to * hl),
    fut: w.fut.subarray(from * fl, to * fl),
    stat: w.stat.subarray(from * a.statics, to * a.statics),
    y: w.y.subarray(from * a.horizon, to * a.horizon),
    mask: w.mask.subarray(from * a.horizon, to * a.horizon),
  };
}

/** Quantiles in scaled units, `[n, H, Q]` row-major. */
function predictQuantiles(p: ReadonlyMap<string, tf.Variable>, a: Arch, w: Windows): Float32Array {
  const out = new Float32Array(w.n * a.horizon * a.quantiles.length);
  for (let b0 = 0; b0 < w.n; b0 += EVAL_BATCH) {
    const part = sliceWindows(a, w, b0, Math.min(w.n, b0 + EVAL_BATCH));
    const q = tf.tidy(() => {
      const t = toTensors(a, part);
      return forward(p, a, t.hist, t.fut, t.stat);
    });
    out.set(q.dataSync() as Float32Array, b0 * a.horizon * a.quantiles.length);
    q.dispose();
  }
  return out;
}

/** Pinball loss per window (sum over observed steps and quantiles) and overall mean. */
function evaluate(
  p: ReadonlyMap<string, tf.Variable>,
  a: Arch,
  w: Windows,
): { loss: number; perWindow: Float64Array; perWindowCount: Float64Array } {
  const q = predictQuantiles(p, a, w);
  const H = a.horizon;
  const Q = a.quantiles.length;
  const perWindow = new Float64Array(w.n);
  const perWindowCount = new Float64Array(w.n);
  let sum = 0;
  let count = 0;
  for (let k = 0; k < w.n; k++) {
    let s = 0;
    let c = 0;
    for (let h = 0; h < H; h++) {
      if (w.mask[k * H + h] === 0) continue;
      const y = w.y[k * H + h]!;
      for (let j = 0; j < Q; j++) {
        const tau = a.quantiles[j]!;
        const diff = y - q[(k * H + h) * Q + j]!;
        s += Math.max(tau * diff, (tau - 1) * diff);
      }
      c += Q;
    }
    perWindow[k] = s;
    perWindowCount[k] = c;
    sum += s;
    count += c;
  }
  return { loss: count > 0 ? sum / count : Number.NaN, perWindow, perWindowCount };
}

/**
 * Sets one calendar group's future columns to a neutral value in place: an event's (`holiday:…`,
 * `event:…`) to 0, "no event"; a seasonal pattern's (`weekday`, `monthly`, `yearly`) to the
 * column's mean over the rows predicted.
 */
function occludeGroup(spec: WindowSpec, w: Windows, group: string): void {
  const d = windowDims(spec);
  const rows = w.n * spec.horizon;
  const cols = spec.calendarGroups.flatMap((g, c) => (g === group ? [c] : []));
  if (cols.length === 0) throw new UserInputError(`Unknown feature group "${group}".`, { group });
  const event = group.startsWith('holiday:') || group.startsWith('event:');
  for (const c of cols) {
    let mean = 0;
    if (!event) {
      for (let r = 0; r < rows; r++) mean += w.fut[r * d.f + c]!;
      mean /= Math.max(1, rows);
    }
    for (let r = 0; r < rows; r++) w.fut[r * d.f + c] = mean;
  }
}

/**
 * Permutes one feature group's inputs in place (see `permutationLoss`); for `history`, returns
 * the window each window's lookback came from.
 */
function permuteGroup(spec: WindowSpec, w: Windows, group: string, prng: Prng): Int32Array | undefined {
  const d = windowDims(spec);
  const L = spec.lookback;
  const H = spec.horizon;
  const n = w.n;
  const kc = spec.calendarNames.length;
  const slots = derivedSlots(spec);
  const lagCol = kc + spec.knownNames.length + slots.fut.length;
  /** Moves a block of `width` columns at `col` of rows of length `rowLen`, row i ← row perm[i]. */
  const permuteCols = (arr: Float32Array, rows: number, rowLen: number, cols: readonly number[]): void => {
    const perm = prng.shuffle(Int32Array.from({ length: rows }, (_, i) => i));
    const copy = arr.slice();
    for (let r = 0; r < rows; r++) for (const c of cols) arr[r * rowLen + c] = copy[perm[r]! * rowLen + c]!;
  };
  if (group === 'history') {
    // Whole lookbacks (value and missing channels) and the lag features move together between windows.
    const perm = prng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
    const hist = w.hist.slice();
    const fut = w.fut.slice();
    for (let k = 0; k < n; k++) {
      const src = perm[k]!;
      for (let i = 0; i < L; i++) {
        w.hist[(k * L + i) * d.c] = hist[(src * L + i) * d.c]!;
        w.hist[(k * L + i) * d.c + 1] = hist[(src * L + i) * d.c + 1]!;
      }
      for (let h = 0; h < H; h++)
        for (let c = lagCol; c < lagCol + 4; c++) w.fut[(k * H + h) * d.f + c] = fut[(src * H + h) * d.f + c]!;
    }
    return perm;
  }
  if (group === 'static') {
    permuteCols(
      w.stat,
      n,
      d.s,
      Array.from({ length: d.s }, (_, i) => i),
    );
    return undefined;
  }
  if (group.startsWith('static:')) {
    // One attribute's one-hot block.
    const j = spec.staticNames.indexOf(group.slice('static:'.length));
    if (j < 0) throw new UserInputError(`Unknown feature group "${group}".`, { group });
    const from = spec.staticVocab.slice(0, j).reduce((a, v) => a + v.length, 0);
    const cols = Array.from({ length: spec.staticVocab[j]!.length }, (_, i) => from + i);
    permuteCols(w.stat, n, d.s, cols);
    return undefined;
  }
  if (group.startsWith('covariate:')) {
    const name = group.slice('covariate:'.length);
    const j = spec.covariateNames.indexOf(name);
    if (j < 0) throw new UserInputError(`Unknown feature group "${group}".`, { group });
    // The covariate and the price features derived from it move together.
    const fromIt = (k: number): boolean => spec.derived!.sources[k]!.includes(name);
    const nCov = spec.covariateNames.length;
    const nKnown = spec.knownNames.length;
    permuteCols(w.hist, n * L, d.c, [2 + j, ...slots.hist.flatMap((k, i) => (fromIt(k) ? [2 + nCov + i] : []))]);
    const kj = spec.knownNames.indexOf(name);
    const futCols = [
      ...(kj >= 0 ? [kc + kj] : []),
      ...slots.fut.flatMap((k, i) => (fromIt(k) ? [kc + nKnown + i] : [])),
    ];
    if (futCols.length > 0) permuteCols(w.fut, n * H, d.f, futCols);
    return undefined;
  }
  const cols = spec.calendarGroups.flatMap((g, c) => (g === group ? [c] : []));
  if (cols.length === 0) throw new UserInputError(`Unknown feature group "${group}".`, { group });
  permuteCols(w.fut, n * H, d.f, cols);
  return undefined;
}
