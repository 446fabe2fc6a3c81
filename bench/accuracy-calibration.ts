/**
 * Probe of `auto`'s interval calibration (api/forecasting/calibration.ts) on one benchmark set:
 * runs every `auto` candidate's rolling-origin windows once (K test windows + V validation
 * windows before them, as `forecastql backtest --model auto` does), caches them, then scores the
 * `auto` choice per test window raw and with each calibration variant, with the engine's metrics
 * (the definitions of `shared/peers/score.py`). Figures are printed, never asserted.
 *
 *   nice -n 5 npx tsx bench/accuracy-calibration.ts <dataset> [--cache DIR] [--extra k1,k2] [--exclude k1,k2]
 *     [--ensemble-sizes 2,3] [--deep-windows N]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { sampleSeries } from '../api/commands/backtest.js';
import { initBackend } from '../api/forecasting/backend.js';
import { backtest, scoreBacktest, type BacktestWindowResult } from '../api/forecasting/backtest.js';
import {
  calibrateForecasts,
  demandClass,
  fitIntervalCalibration,
  samplesFromWindows,
  type IntervalCalibration,
} from '../api/forecasting/calibration.js';
import { buildPanel, rollingOriginSplit } from '../api/forecasting/frames.js';
import { createForecaster, isBaseline } from '../api/forecasting/models.js';
import {
  AUTO_DEEP_TRAINING_WINDOWS,
  AUTO_ENSEMBLE_SIZES,
  chooseModel,
  defaultCandidates,
  ensembleWindows,
  type CandidateWindows,
} from '../api/forecasting/pipeline.js';
import { DEFAULT_QUANTILES, type QuantileForecast } from '../api/forecasting/types.js';
import { readRawSeries } from '../api/ingest/raw-series.js';
import { protocolOf } from './protocols.js';

const name = process.argv[2] ?? 'm5-tiny-daily';
const p = protocolOf(name);
const ci = process.argv.indexOf('--cache');
const cacheDir = resolve(ci > 0 ? process.argv[ci + 1]! : '/tmp/forecastql-calibration');
mkdirSync(cacheDir, { recursive: true });
const V = 1;
const seed = 0;

await initBackend('auto');
const file = await readRawSeries(resolve(import.meta.dirname, '../../shared/data', `${name}.csv.gz`), {
  allowNegativeValues: true,
});
let panel = buildPanel(file.series, file.frequency);
if (p.sample) panel = sampleSeries(panel, p.sample.n, p.sample.seed, p.horizon, p.origins);
const split = rollingOriginSplit(panel, p.horizon, p.origins + V, p.origins);
const byOrigin = new Map(split.windows.map((w) => [w.origin, w]));

type Cached = {
  kind: string;
  windows: { origin: number; forecasts: (Omit<QuantileForecast, 'values'> & { values: number[][] })[] }[];
};
const cacheFile = join(cacheDir, `${name}.json`);
// `--extra k1,k2`: more candidates (e.g. conv1d) computed, cached and offered to the choice.
const ei = process.argv.indexOf('--extra');
const extra = ei > 0 ? process.argv[ei + 1]!.split(',') : [];
// `--exclude k1,k2`: candidates left out of the choice (still computed and cached), to compare rules.
const xi = process.argv.indexOf('--exclude');
const exclude = new Set(xi > 0 ? process.argv[xi + 1]!.split(',') : []);
const kinds = [...new Set(['snaive', ...defaultCandidates(), ...extra])];
// `--deep-windows N`: training windows per deep fit (default AUTO_DEEP_TRAINING_WINDOWS; use its own --cache).
const di = process.argv.indexOf('--deep-windows');
const deepWindows = di > 0 ? Number(process.argv[di + 1]) : AUTO_DEEP_TRAINING_WINDOWS;
let runs: CandidateWindows[] = [];
const t0 = performance.now();
if (existsSync(cacheFile)) {
  const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as Cached[];
  runs = cached.map((c) => ({
    kind: c.kind,
    windows: c.windows.map((w): BacktestWindowResult => ({
      origin: w.origin,
      window: byOrigin.get(w.origin)!,
      seconds: 0,
      forecasts: w.forecasts.map((f) => ({ ...f, values: f.values.map((r) => Float64Array.from(r)) })),
    })),
  }));
}
const missing = kinds.filter((k) => !runs.some((r) => r.kind === k));
for (const kind of missing) {
  process.stderr.write(`${name}: ${kind} … (load ${loadavg()[0]!.toFixed(1)})\n`);
  const t1 = performance.now();
  const r = await backtest(panel, () => createForecaster(kind, { seed, trainingWindows: deepWindows }), {
    horizon: p.horizon,
    origins: p.origins + V,
    requiredOrigins: p.origins,
    quantiles: DEFAULT_QUANTILES,
    seed,
    fallback: () => createForecaster('snaive'),
    warmStart: !isBaseline(kind),
  });
  process.stderr.write(`${name}: ${kind} ${((performance.now() - t1) / 1000).toFixed(1)} s\n`);
  runs.push({ kind, windows: r.windows });
}
if (missing.length > 0) {
  const out: Cached[] = runs.map((r) => ({
    kind: r.kind,
    windows: r.windows.map((w) => ({
      origin: w.origin,
      forecasts: w.forecasts.map((f) => ({ ...f, values: f.values.map((x) => Array.from(x)) })),
    })),
  }));
  writeFileSync(cacheFile, JSON.stringify(out));
}
runs = runs.filter((r) => kinds.includes(r.kind));
// Each candidate alone on the test windows (raw, uncalibrated), before any is excluded.
const alone = runs.map((r) => {
  const s = scoreBacktest({ windows: r.windows.filter((w) => w.origin <= p.origins) }, panel);
  return `${r.kind} ${s.mase.toFixed(3)}/${s.wql.toFixed(4)}`;
});
runs = runs.filter((r) => !exclude.has(r.kind));
// `--ensemble-sizes 2,3,4`: the ensembles the rule scores (default AUTO_ENSEMBLE_SIZES).
const zi = process.argv.indexOf('--ensemble-sizes');
const ensembleSizes = zi > 0 ? process.argv[zi + 1]!.split(',').map(Number) : AUTO_ENSEMBLE_SIZES;
const fitSeconds = (performance.now() - t0) / 1000;

const widen = (c: IntervalCalibration): IntervalCalibration => ({
  ...c,
  pooled: c.pooled.map((x) => Math.max(1, x)),
  byClass: Object.fromEntries(Object.entries(c.byClass).map(([k, f]) => [k, f.map((x) => Math.max(1, x))])),
});
type Fit = (chosen: readonly BacktestWindowResult[], past: readonly BacktestWindowResult[]) => IntervalCalibration;
const variants: Record<string, Fit | undefined> = {
  raw: undefined,
  'per level, by class': (w) => fitIntervalCalibration(samplesFromWindows(w), { symmetric: false }),
  pooled: (w) => fitIntervalCalibration(samplesFromWindows(w), { minClassPoints: Number.POSITIVE_INFINITY }),
  'by class': (w) => fitIntervalCalibration(samplesFromWindows(w)),
  'by class, widen only': (w) => widen(fitIntervalCalibration(samplesFromWindows(w))),
  'by class, all past windows': (_w, past) => fitIntervalCalibration(samplesFromWindows(past)),
};
const results: Record<string, BacktestWindowResult[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
const chosenLog: string[] = [];
for (let k = p.origins; k >= 1; k--) {
  const validation = runs.map((r) => ({
    kind: r.kind,
    windows: r.windows.filter((w) => w.origin > k && w.origin <= k + V),
  }));
  const { chosen } = chooseModel(validation, panel, true, ensembleSizes);
  const members = chosen?.members ?? ['snaive'];
  const source =
    members.length === 1 ? runs.find((r) => r.kind === members[0])!.windows : ensembleWindows(runs, members);
  const w = source.find((x) => x.origin === k)!;
  const line: string[] = [`origin ${k}: ${chosen?.kind}`];
  for (const [label, fit] of Object.entries(variants)) {
    if (!fit || !chosen) {
      results[label]!.push(w);
      continue;
    }
    const past =
      members.length === 1 ? runs.find((r) => r.kind === members[0])!.windows : ensembleWindows(runs, members);
    const cal = fit(
      chosen.windows,
      past.filter((x) => x.origin > k),
    );
    results[label]!.push({ ...w, forecasts: calibrateForecasts(w.forecasts, cal, w.window.panel) });
    line.push(
      `${label} [${cal.pooled.map((x) => x.toFixed(2)).join(' ')}]` +
        Object.entries(cal.byClass)
          .map(([c, f]) => ` ${c}[${f.map((x) => x.toFixed(2)).join(' ')}]`)
          .join(''),
    );
  }
  chosenLog.push(line.join('; '));
}
// Per-class choice: the rule run on each Syntetos–Boylan class's series alone (classes with at
// least MIN_CLASS_SERIES series; the rest take the choice on all series), then calibrated.
const MIN_CLASS_SERIES = 20;
const onlyIds = (ws: readonly BacktestWindowResult[], ids: ReadonlySet<string>): BacktestWindowResult[] =>
  ws.map((w) => ({ ...w, forecasts: w.forecasts.filter((f) => ids.has(f.seriesId)) }));
results['choice per class, by class'] = [];
for (let k = p.origins; k >= 1; k--) {
  const wk = byOrigin.get(k)!;
  const groups = new Map<string, Set<string>>();
  for (const s of wk.panel.series) {
    const c = demandClass(s.target);
    groups.set(c, (groups.get(c) ?? new Set()).add(s.id));
  }
  const rest = new Set<string>();
  for (const [c, ids] of groups)
    if (ids.size < MIN_CLASS_SERIES) {
      for (const id of ids) rest.add(id);
      groups.delete(c);
    }
  if (rest.size > 0) groups.set('rest', rest);
  const forecasts: QuantileForecast[] = [];
  const line: string[] = [];
  for (const [c, ids] of groups) {
    const validation = runs.map((r) => ({
      kind: r.kind,
      windows: onlyIds(
        r.windows.filter((w) => w.origin > k && w.origin <= k + V),
        ids,
      ),
    }));
    const { chosen } = chooseModel(validation, panel, true);
    const members = chosen?.members ?? ['snaive'];
    const src =
      members.length === 1 ? runs.find((r) => r.kind === members[0])!.windows : ensembleWindows(runs, members);
    const w = onlyIds([src.find((x) => x.origin === k)!], ids)[0]!;
    forecasts.push(
      ...(chosen
        ? calibrateForecasts(w.forecasts, fitIntervalCalibration(samplesFromWindows(chosen.windows)), wk.panel)
        : w.forecasts),
    );
    line.push(`${c}(${ids.size}): ${chosen?.kind}`);
  }
  chosenLog.push(`origin ${k} per class: ${line.join(', ')}`);
  results['choice per class, by class']!.push({ origin: k, window: wk, seconds: 0, forecasts });
}
console.log(
  `## ${name} (candidates ${fitSeconds.toFixed(0)} s; load ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')})`,
);
console.log(`alone on the test windows (MASE/wQL): ${alone.join(', ')}`);
if (exclude.size > 0) console.log(`excluded from the choice: ${[...exclude].join(', ')}`);
console.log(`ensembles of the best ${ensembleSizes.join(', ')}`);
for (const l of chosenLog) console.log(l);
console.log('| variant | MASE | wQL | cov80 | wQL p10 | wQL p90 |');
console.log('|---|---|---|---|---|---|');
for (const [label, windows] of Object.entries(results)) {
  const s = scoreBacktest({ windows }, panel);
  console.log(
    `| ${label} | ${s.mase.toFixed(3)} | ${s.wql.toFixed(4)} | ${s.coverage80.toFixed(3)} | ${s.wqlByLevel[0]!.toFixed(4)} | ${s.wqlByLevel[2]!.toFixed(4)} |`,
  );
}
