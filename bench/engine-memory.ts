/**
 * Memory of the forecasting engine alone, run the way a training run runs it (execute-run.ts):
 * `buildPanel` then `runForecastPipeline` with `model: 'auto'`, horizon 28, on the wasm backend,
 * in this process (no database, no worker thread). The CSV is streamed into raw series, the panel
 * is built, the raw series are dropped and the kernel's peak-RSS mark is reset
 * (`/proc/self/clear_refs`), so the peak printed at the end is the engine's own.
 *
 * Prints, at every phase the pipeline reports (each candidate's backtest, the final fit,
 * importance): RSS, JS heap used, external and ArrayBuffer memory, TensorFlow.js bytes and the wasm
 * heap, then the process's peak RSS (`VmHWM`) and `os.loadavg()`.
 *
 * Usage: node --expose-gc --import tsx bench/engine-memory.ts /tmp/gen300.csv.gz [--epochs N] [--stages]
 * (make the file with `npx tsx bench/generate.ts /tmp/gen300.csv.gz --series 300 --seed 1`)
 *
 * `--stages` times where a run's time goes instead: each `auto` candidate's validation backtest
 * (the pipeline's split, shared), then each candidate's fit + predict on all history (the final
 * fit, whichever wins), then the importance of the deep candidate on the last window, with RSS.
 */
import * as tf from '@tensorflow/tfjs';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { initBackend } from '../api/forecasting/backend.js';
import { buildPanel } from '../api/forecasting/frames.js';
import { backtest } from '../api/forecasting/backtest.js';
import { rollingOriginSplit } from '../api/forecasting/frames.js';
import { createForecaster, isBaseline } from '../api/forecasting/models.js';
import {
  AUTO_DEEP_TRAINING_WINDOWS,
  defaultCandidates,
  DEFAULT_VALIDATION_ORIGINS,
  permutationImportance,
  runForecastPipeline,
} from '../api/forecasting/pipeline.js';
import type { Panel, RawSeries } from '../api/forecasting/types.js';

const MB = 1024 * 1024;

/** Streams the long CSV of bench/generate.ts (rows grouped by series, dates ascending). */
async function readSeries(path: string): Promise<RawSeries[]> {
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
  let header: string[] | undefined;
  const out: RawSeries[] = [];
  let cur: { id: string; dates: string[]; values: (number | null)[]; cov: Record<string, (number | null)[]> } | null =
    null;
  let statics: Record<string, string> = {};
  const numeric = ['price', 'promo', 'snap', 'event'];
  const flush = (): void => {
    if (cur) out.push({ id: cur.id, dates: cur.dates, values: cur.values, covariates: cur.cov, statics });
  };
  for await (const line of lines) {
    if (!header) {
      header = line.split(',');
      continue;
    }
    if (!line) continue;
    const f = line.split(',');
    const row = Object.fromEntries(header.map((h, i) => [h, f[i] ?? '']));
    if (!cur || cur.id !== row.series_id) {
      flush();
      cur = { id: row.series_id!, dates: [], values: [], cov: Object.fromEntries(numeric.map((c) => [c, []])) };
      statics = Object.fromEntries(
        header.filter((h) => !['series_id', 'date', 'value', ...numeric].includes(h)).map((h) => [h, row[h] ?? '']),
      );
    }
    cur.dates.push(row.date!);
    cur.values.push(row.value === '' ? null : Number(row.value));
    for (const c of numeric) cur.cov[c]!.push(row[c] === '' || row[c] === undefined ? null : Number(row[c]));
  }
  flush();
  return out;
}

function vmHwmMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

function wasmHeapMb(): number {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return (b.wasm?.HEAPU8?.length ?? 0) / MB;
}

let peakSample = { rss: 0, phase: '' };
function sample(phase: string, print = true): void {
  const m = process.memoryUsage();
  if (m.rss > peakSample.rss) peakSample = { rss: m.rss, phase };
  if (!print) return;
  const t = tf.memory();
  console.log(
    [
      phase.padEnd(34),
      `rss ${(m.rss / MB).toFixed(0)}`,
      `heapUsed ${(m.heapUsed / MB).toFixed(0)}`,
      `external ${(m.external / MB).toFixed(0)}`,
      `arrayBuffers ${(m.arrayBuffers / MB).toFixed(0)}`,
      `tf ${(t.numBytes / MB).toFixed(1)} (${t.numTensors} tensors)`,
      `wasm heap ${wasmHeapMb().toFixed(0)}`,
      `peak ${vmHwmMb().toFixed(0)}`,
    ].join('  '),
  );
}

const args = process.argv.slice(2);
const path = args[0];
if (!path) throw new Error('usage: node --expose-gc --import tsx bench/engine-memory.ts FILE.csv.gz [--epochs N]');
const epochsAt = args.indexOf('--epochs');
const epochs = epochsAt >= 0 ? Number(args[epochsAt + 1]) : undefined;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

await initBackend('auto');
const t0 = performance.now();
/** The panel alone: the raw rows stay in this function's scope and are garbage once it returns. */
async function loadPanel(): Promise<{ panel: Panel; days: number }> {
  const raw = await readSeries(path!);
  sample('raw series read');
  return { panel: buildPanel(raw, 'D'), days: raw[0]?.dates.length ?? 0 };
}
const { panel, days } = await loadPanel();
const seriesCount = panel.series.length;
await new Promise((r) => setTimeout(r, 10));
gc();
sample('panel built, raw dropped');
gc();
try {
  writeFileSync('/proc/self/clear_refs', '5'); // resets VmHWM to the current RSS
} catch {
  console.log('(could not reset the peak-RSS mark: the peak includes reading the CSV)');
}
sample(`backend ${tf.getBackend()} ready, peak reset`);
const start = vmHwmMb();
if (args.includes('--stages')) {
  const H = 28;
  const fit = { horizon: H, quantiles: [0.1, 0.5, 0.9], seed: 1, ...(epochs !== undefined ? { epochs } : {}) };
  const make = (kind: string) => () =>
    createForecaster(kind, { seed: 1, trainingWindows: AUTO_DEEP_TRAINING_WINDOWS, ...(epochs ? { epochs } : {}) });
  let t = performance.now();
  const split = rollingOriginSplit(panel, H, DEFAULT_VALIDATION_ORIGINS);
  const lap = (what: string): void => {
    const now = performance.now();
    sample(`${what}: ${((now - t) / 1000).toFixed(1)} s`);
    t = now;
  };
  lap('split');
  for (const kind of defaultCandidates()) {
    await backtest(panel, make(kind), {
      horizon: H,
      origins: DEFAULT_VALIDATION_ORIGINS,
      quantiles: fit.quantiles,
      seed: 1,
      ...(epochs !== undefined ? { epochs } : {}),
      fallback: make('snaive'),
      warmStart: !isBaseline(kind),
      split,
    });
    lap(`validate ${kind}`);
  }
  for (const kind of defaultCandidates()) {
    const m = make(kind)();
    await m.fit(panel, fit);
    await m.predict(panel);
    m.dispose();
    lap(`final fit+predict ${kind}`);
  }
  const deep = defaultCandidates().find((k) => !isBaseline(k));
  if (deep && split.windows.length > 0) {
    await permutationImportance(make(deep), split.windows.at(-1)!, fit, 1);
    lap(`importance ${deep}`);
  }
  console.log(
    JSON.stringify({
      series: seriesCount,
      seconds: Math.round((performance.now() - t0) / 1000),
      peakRssMb: Math.round(vmHwmMb()),
      loadavg: loadavg().map((x) => Number(x.toFixed(2))),
    }),
  );
  process.exit(0);
}
let lastFraction = -1;
let lastPrint = 0;
const result = await runForecastPipeline(panel, {
  model: 'auto',
  horizon: 28,
  quantiles: [0.1, 0.5, 0.9],
  seed: 1,
  ...(epochs !== undefined ? { epochs } : {}),
  onProgress: (p) => {
    const now = performance.now();
    sample('', false);
    // One line per ~5 % of progress or 20 s, whichever first.
    if (p.fraction - lastFraction >= 0.05 || now - lastPrint > 20_000) {
      lastFraction = p.fraction;
      lastPrint = now;
      sample(`progress ${(p.fraction * 100).toFixed(0)} %${p.epochs ? ` epoch ${p.epoch}/${p.epochs}` : ''}`);
    }
  },
});
sample('pipeline done');
gc();
sample('after gc');
console.log(
  JSON.stringify({
    series: seriesCount,
    days,
    chosen: result.chosenModel,
    forecasts: result.forecasts.length,
    seconds: Math.round((performance.now() - t0) / 1000),
    rssAtStartMb: Math.round(start),
    peakRssMb: Math.round(vmHwmMb()),
    peakSampledPhase: peakSample.phase,
    loadavg: loadavg().map((x) => Number(x.toFixed(2))),
    firstForecast: result.forecasts[0]?.values.map((r) => Array.from(r.slice(0, 3))),
  }),
);
