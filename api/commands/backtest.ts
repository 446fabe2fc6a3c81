/**
 * `forecastql backtest --data FILE.csv --horizon H [--origins K] [--model M] [--seed S]
 *  [--frequency D|W|M] --out PRED.csv` (ARCHITECTURE §3): file in, file out, no database.
 *
 * For each series it forecasts the last K windows of H, each from a model that saw no target at or
 * after the window's start (numeric covariates are known inside the window, as the peers treat
 * them), and writes `series_id,date,p50,p10,p90` (more `pNN` columns for more levels). `auto`
 * runs the whole choice (validation inside the history before each window) once per window.
 * Input is read by `api/ingest` (plain or gzipped); output is gzipped when its name ends in
 * `.gz`. Progress goes to stderr.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { UserInputError } from '../errors/index.js';
import { initBackend } from '../forecasting/backend.js';
import { backtest } from '../forecasting/backtest.js';
import { calibrateForecasts } from '../forecasting/calibration.js';
import { normalizeCountry } from '../forecasting/features.js';
import { buildPanel, rollingOriginSplit } from '../forecasting/frames.js';
import { createForecaster, isBaseline } from '../forecasting/models.js';
import {
  candidateCalibration,
  chooseModel,
  defaultCandidates,
  ensembleWindows,
  finishForecasts,
  type Candidate,
  type CandidateWindows,
} from '../forecasting/pipeline.js';
import type { BacktestWindowResult } from '../forecasting/backtest.js';
import type { IntervalCalibration } from '../forecasting/calibration.js';
import { readRawSeries } from '../ingest/raw-series.js';
import { backtestCandidates, startCandidateThread } from '../training/candidate-threads.js';
import {
  DEFAULT_QUANTILES,
  MODEL_KINDS,
  type Frequency,
  type ModelKind,
  type Panel,
  type QuantileForecast,
} from '../forecasting/types.js';

interface BacktestCliOptions {
  readonly data: string;
  readonly horizon: string;
  readonly origins: string;
  readonly model: string;
  readonly seed: string;
  readonly frequency?: string;
  readonly country?: string;
  readonly quantiles: string;
  readonly epochs?: string;
  readonly sample?: string;
  readonly sampleSeed: string;
  readonly validationOrigins?: string;
  readonly candidates?: string;
  readonly out: string;
  readonly progress: boolean;
}

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UserInputError(`--${name} ${v} is not valid: give a positive integer.`);
  return n;
}

/** The peers' `--sample N --sample-seed S`: of the series long enough, the N with the smallest sha256("S:id"). */
export function sampleSeries(panel: Panel, n: number, seed: number, horizon: number, origins: number): Panel {
  const eligible = panel.series.filter((s) => s.target.length - origins * horizon >= 2);
  const keep = new Set(
    eligible
      .map((s) => ({ id: s.id, h: createHash('sha256').update(`${seed}:${s.id}`).digest('hex') }))
      .toSorted((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0))
      .slice(0, n)
      .map((x) => x.id),
  );
  return { ...panel, series: panel.series.filter((s) => keep.has(s.id)) };
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return '';
  const r = Math.round(v * 1e6) / 1e6;
  return Object.is(r, -0) ? '0' : String(r);
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const columnName = (q: number): string => `p${Math.round(q * 100)}`;

/** Writes forecasts as `series_id,date,p50,p10,p90[,pNN…]`. */
export async function writePredictions(path: string, forecasts: readonly QuantileForecast[]): Promise<void> {
  const file = createWriteStream(path);
  const gz = path.endsWith('.gz') ? createGzip() : undefined;
  const out: Writable = gz ?? file;
  if (gz) gz.pipe(file);
  const levels = forecasts[0]?.quantiles ?? DEFAULT_QUANTILES;
  const order = [0.5, 0.1, 0.9].filter((q) => levels.includes(q));
  for (const q of levels) if (!order.includes(q)) order.push(q);
  const write = async (line: string): Promise<void> => {
    if (!out.write(line)) await once(out, 'drain');
  };
  await write(`series_id,date,${order.map(columnName).join(',')}\n`);
  for (const f of forecasts) {
    const rows = order.map((q) => f.values[f.quantiles.indexOf(q)]!);
    for (let t = 0; t < f.dates.length; t++) {
      await write(`${csvField(f.seriesId)},${f.dates[t]},${rows.map((r) => formatNumber(r[t]!)).join(',')}\n`);
    }
  }
  out.end();
  await once(file, 'finish');
}

/**
 * Validation windows of `auto` before each backtest window (the API's training runs use
 * pipeline.ts's DEFAULT_VALIDATION_ORIGINS = 2): one window of every series is thousands of points
 * on the benchmark sets, and each window more costs a fit of every deep candidate.
 */
export const BACKTEST_VALIDATION_ORIGINS = 1;

export interface BacktestRun {
  readonly forecasts: QuantileForecast[];
  readonly warnings: string[];
  /** Model chosen per origin (auto) or the model's alias. */
  readonly chosen: string[];
  readonly series: number;
  readonly excluded: number;
}

/** The backtest itself, without files: what the command and the bench run. */
export async function runBacktest(
  panel: Panel,
  o: {
    horizon: number;
    origins: number;
    model: ModelKind;
    seed: number;
    quantiles: readonly number[];
    epochs?: number;
    validationOrigins?: number;
    candidates?: readonly string[];
    onProgress?: (fraction: number, message: string) => void;
    /** `auto` only: each origin's chosen candidate (with its validation windows) and finished forecasts. */
    onOrigin?: (origin: {
      readonly origin: number;
      readonly chosen: Candidate | undefined;
      readonly calibration: IntervalCalibration | undefined;
      readonly window: BacktestWindowResult['window'];
      /** Calibrated, not finished (what the product served before forecasts were finished). */
      readonly unfinished: readonly QuantileForecast[];
      readonly forecasts: readonly QuantileForecast[];
    }) => void;
  },
): Promise<BacktestRun> {
  const warnings: string[] = [];
  const forecasts: QuantileForecast[] = [];
  const chosenModels: string[] = [];
  const split = rollingOriginSplit(panel, o.horizon, o.origins);
  if (panel.series.length > 0 && split.excluded.length === panel.series.length) {
    // Nothing to score: say so, instead of writing an empty predictions file and exiting 0.
    const longest = Math.max(...panel.series.map((s) => s.target.length));
    throw new UserInputError(
      `Every series is shorter than the ${o.origins * o.horizon + 2} points that ${o.origins} test window(s) of ${o.horizon} steps need (--origins × --horizon + 2); the longest has ${longest}. Lower --horizon or --origins.`,
    );
  }
  if (split.excluded.length > 0) {
    warnings.push(
      `${split.excluded.length} series shorter than ${o.origins * o.horizon + 2} points were left out (e.g. "${split.excluded[0]}").`,
    );
  }
  if (o.model === 'auto') {
    // The auto rule of pipeline.ts, with its fits shared: every candidate is backtested once on
    // K + V windows (one fit per window, each seeing only the past), and window k is forecast by
    // the model (or ensemble) that the rule picks on the V windows just before it. That is what
    // runForecastPipeline would choose with the history cut before window k, in K + V fits per
    // candidate instead of K·(V + 1).
    const V = o.validationOrigins ?? BACKTEST_VALIDATION_ORIGINS;
    const kinds = [...new Set(['snaive', ...(o.candidates ?? defaultCandidates(panel))])].filter((k) => k !== 'auto');
    // Every candidate's backtest, two at a time on two cores (api/training/candidate-threads.ts).
    const runs: CandidateWindows[] = [];
    const spec = {
      horizon: o.horizon,
      origins: o.origins + V,
      requiredOrigins: o.origins,
      quantiles: o.quantiles,
      seed: o.seed,
      ...(o.epochs === undefined ? {} : { epochs: o.epochs }),
    };
    for (const r of await backtestCandidates(panel, kinds, spec, o.onProgress ? { onProgress: o.onProgress } : {})) {
      runs.push({ kind: r.kind, windows: r.windows });
      for (const w of r.warnings) if (!warnings.includes(w)) warnings.push(w);
    }
    for (let k = o.origins; k >= 1; k--) {
      const validation = runs.map((r) => ({
        kind: r.kind,
        windows: r.windows.filter((w) => w.origin > k && w.origin <= k + V),
      }));
      const { chosen, candidates } = chooseModel(validation, panel, true);
      const members = chosen?.members ?? ['snaive'];
      const source =
        members.length === 1 ? runs.find((r) => r.kind === members[0])!.windows : ensembleWindows(runs, members);
      const w = source.find((x) => x.origin === k);
      // Step 6 of the rule: intervals calibrated on the chosen model's validation windows; step 7:
      // finished as the pipeline finishes them (units ≥ 0, structural zeros).
      if (w) {
        const calibration = chosen ? candidateCalibration(chosen) : undefined;
        const unfinished = calibration ? calibrateForecasts(w.forecasts, calibration, w.window.panel) : w.forecasts;
        const finished = finishForecasts(unfinished, w.window.panel, undefined);
        forecasts.push(...finished);
        o.onOrigin?.({ origin: k, chosen, calibration, window: w.window, unfinished, forecasts: finished });
      }
      chosenModels.push(`origin ${k}: ${chosen?.kind ?? 'snaive (not validated)'}`);
      const sn = candidates.find((c) => c.kind === 'snaive');
      if (
        chosen &&
        sn &&
        chosen.kind !== 'snaive' &&
        (chosen.summary.mase > sn.summary.mase || chosen.summary.wql > sn.summary.wql)
      ) {
        warnings.push(`origin ${k}: ${chosen.kind} did worse than seasonal naive in validation.`);
      }
    }
  } else {
    const r = await backtest(
      panel,
      () => createForecaster(o.model, { seed: o.seed, ...(o.epochs === undefined ? {} : { epochs: o.epochs }) }),
      {
        horizon: o.horizon,
        origins: o.origins,
        quantiles: o.quantiles,
        seed: o.seed,
        ...(o.epochs === undefined ? {} : { epochs: o.epochs }),
        fallback: () => createForecaster('snaive'),
        warmStart: !isBaseline(o.model),
        ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      },
    );
    chosenModels.push(r.alias);
    warnings.push(...r.warnings);
    for (const w of r.windows) forecasts.push(...finishForecasts(w.forecasts, w.window.panel, undefined));
  }
  return {
    forecasts,
    warnings,
    chosen: chosenModels,
    series: panel.series.length - split.excluded.length,
    excluded: split.excluded.length,
  };
}

async function action(opts: BacktestCliOptions): Promise<void> {
  const t0 = performance.now();
  const horizon = positiveInt('horizon', opts.horizon);
  const origins = positiveInt('origins', opts.origins);
  const seed = Number(opts.seed);
  if (!Number.isInteger(seed)) throw new UserInputError(`--seed ${opts.seed} is not an integer.`);
  if (!(MODEL_KINDS as readonly string[]).includes(opts.model)) {
    throw new UserInputError(`--model ${opts.model} is not known; use one of ${MODEL_KINDS.join(', ')}.`);
  }
  const model = opts.model as ModelKind;
  if (model !== 'auto') createForecaster(model).dispose();
  const freq = opts.frequency?.toUpperCase();
  if (freq !== undefined && freq !== 'D' && freq !== 'W' && freq !== 'M') {
    throw new UserInputError(`--frequency ${opts.frequency} is not valid: use D, W or M.`);
  }
  const quantiles = opts.quantiles.split(',').map(Number);
  if (!quantiles.includes(0.5) || quantiles.some((q) => !(q > 0 && q < 1))) {
    throw new UserInputError(`--quantiles ${opts.quantiles} must be levels in (0, 1) that include 0.5.`);
  }
  const candidates = opts.candidates?.split(',').map((k) => k.trim());
  for (const k of candidates ?? []) createForecaster(k).dispose();
  // auto's candidate thread loads while the data is read (api/training/candidate-threads.ts).
  if (model === 'auto') startCandidateThread();
  // TensorFlow.js backend for the deep models: native, else wasm, else cpu (chosen once).
  const backendName = await initBackend('auto');
  // The data helper's streaming reader (same validation as `forecastql import`); returns may be negative.
  const file = await readRawSeries(opts.data, {
    allowNegativeValues: true,
    ...(freq ? { frequency: freq as Frequency } : {}),
  });
  let panel = buildPanel(file.series, file.frequency, {
    onWarning: (m) => process.stderr.write(`warning: ${m}\n`),
  });
  if (opts.country !== undefined) panel = { ...panel, country: normalizeCountry(opts.country) };
  if (opts.sample) {
    panel = sampleSeries(panel, positiveInt('sample', opts.sample), Number(opts.sampleSeed), horizon, origins);
  }
  const bar =
    opts.progress && process.stderr.isTTY
      ? new SingleBar({
          stream: process.stderr,
          format: 'backtest [{bar}] {percentage}% | {message}',
          hideCursor: true,
        })
      : undefined;
  bar?.start(1000, 0, { message: 'starting' });
  let lastLogged = -1;
  const run = await runBacktest(panel, {
    horizon,
    origins,
    model,
    seed,
    quantiles: quantiles.toSorted((a, b) => a - b),
    ...(opts.epochs ? { epochs: positiveInt('epochs', opts.epochs) } : {}),
    ...(opts.validationOrigins ? { validationOrigins: positiveInt('validation-origins', opts.validationOrigins) } : {}),
    ...(candidates ? { candidates } : {}),
    onProgress: (f, message) => {
      if (bar) bar.update(Math.round(f * 1000), { message });
      else if (opts.progress && Math.floor(f * 10) > lastLogged) {
        lastLogged = Math.floor(f * 10);
        process.stderr.write(`backtest ${Math.round(f * 100)}% ${message}\n`);
      }
    },
  });
  bar?.update(1000, { message: 'done' });
  bar?.stop();
  await writePredictions(opts.out, run.forecasts);
  for (const w of run.warnings) process.stderr.write(`warning: ${w}\n`);
  process.stderr.write(
    `${run.series} series (${run.excluded} too short), freq ${panel.freq}, backend ${backendName}, H=${horizon}, origins=${origins}, model ${run.chosen.join('; ')}; ${run.forecasts.length} forecasts written to ${opts.out} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );
}

export function register(program: Command): void {
  program
    .command('backtest')
    .description('Rolling-origin backtest of a long CSV: forecasts of the last K windows of H per series, to a CSV.')
    .requiredOption('--data <file>', 'long CSV series_id,date,value[,covariates…] (plain or .gz)')
    .requiredOption('--horizon <H>', 'forecast steps per window')
    .option('--origins <K>', 'windows per series', '1')
    .option('--model <model>', `one of ${MODEL_KINDS.join(', ')}`, 'auto')
    .option('--seed <S>', 'random seed', '0')
    .option('--frequency <D|W|M>', 'grid frequency (detected from the median date step when omitted)')
    .option('--country <code>', 'holiday calendar: ISO 3166 code or region (default: a country column, else Western)')
    .option('--quantiles <list>', 'quantile levels, comma-separated', '0.1,0.5,0.9')
    .option('--epochs <N>', 'maximum epochs of the deep models')
    .option('--sample <N>', 'only N series, chosen like the peers (sha256 of "SEED:series_id")')
    .option('--sample-seed <S>', 'seed of --sample', '0')
    .option(
      '--validation-origins <V>',
      `auto: validation windows before each window (default ${BACKTEST_VALIDATION_ORIGINS})`,
    )
    .option('--candidates <list>', 'auto: models to choose among, comma-separated (default: baselines and mlp)')
    .option('--no-progress', 'no progress on stderr')
    .requiredOption('--out <file>', 'predictions CSV series_id,date,p50,p10,p90 (.gz to compress)')
    .action(action);
}
