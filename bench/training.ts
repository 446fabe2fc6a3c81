/**
 * Training throughput and accuracy of the deep models on real data (prints figures, asserts nothing).
 *
 *   npx tsx bench/training.ts [DATASET ...]          # default: pasta-daily
 *   BENCH_KINDS=mlp,conv1d,lstm,gru BENCH_EPOCHS=… BENCH_WINDOWS=… BENCH_WARM=1 BENCH_SAMPLE=N
 *
 * For each dataset, the peers' protocol (daily: H 28, 3 origins; weekly 13, 3; monthly 12, 2), one
 * fit per origin (optionally warm-started from the previous, earlier origin's model), then MASE and
 * wQL with the engine's metrics (the definitions of shared/peers/score.py) beside seasonal naive.
 */
import { loadavg } from 'node:os';
import { initBackend } from '../api/forecasting/backend.js';
import { seasonalNaiveForecast } from '../api/forecasting/baselines.js';
import { createDeepForecaster, DEEP_KINDS, type DeepKind } from '../api/forecasting/deep/index.js';
import { forwardMacs } from '../api/forecasting/deep/network.js';
import { buildPanel, interpolateGaps, rollingOriginSplit } from '../api/forecasting/frames.js';
import { type ScoredWindow, scoreWindows } from '../api/forecasting/metrics.js';
import { type Panel, type SerializedModel, SEASON_LENGTH } from '../api/forecasting/types.js';
import { readLongCsv } from './training-data.js';

const DATA = '/work/shared/data';
const PROTOCOL = { D: [28, 3], W: [13, 3], M: [12, 2] } as const;

function sample(panel: Panel, n: number): Panel {
  return n > 0 ? { ...panel, series: panel.series.slice(0, n) } : panel;
}

async function benchDataset(file: string, kinds: readonly DeepKind[]): Promise<void> {
  const raw = readLongCsv(`${DATA}/${file}`);
  const panel = sample(buildPanel(raw), Number(process.env.BENCH_SAMPLE ?? 0));
  const [H, K] = PROTOCOL[panel.freq];
  const split = rollingOriginSplit(panel, H, K);
  const m = SEASON_LENGTH[panel.freq];
  console.log(
    `\n## ${file}: ${panel.series.length} series, freq ${panel.freq}, H ${H}, ${split.windows.length} origins`,
  );
  const snaive: ScoredWindow[] = [];
  for (const w of split.windows) {
    for (const s of w.panel.series) {
      const p = seasonalNaiveForecast(interpolateGaps(s.target), H, m);
      snaive.push({
        seriesId: s.id,
        origin: w.origin,
        history: s.target,
        actual: w.actuals.get(s.id)!,
        quantiles: new Map([
          [0.5, p],
          [0.1, p],
          [0.9, p],
        ]),
      });
    }
  }
  const sn = scoreWindows(snaive, m);
  console.log(`snaive: MASE ${sn.mase.toFixed(3)}`);
  for (const kind of kinds) {
    const scored: ScoredWindow[] = [];
    let prev: SerializedModel | undefined;
    let total = 0;
    let totalCpu = 0;
    for (const w of split.windows) {
      const model = createDeepForecaster(kind, {
        epochs: process.env.BENCH_EPOCHS ? Number(process.env.BENCH_EPOCHS) : undefined,
        windows: process.env.BENCH_WINDOWS ? Number(process.env.BENCH_WINDOWS) : undefined,
        hidden: process.env.BENCH_HIDDEN ? Number(process.env.BENCH_HIDDEN) : undefined,
        batchSize: process.env.BENCH_BATCH ? Number(process.env.BENCH_BATCH) : undefined,
        learningRate: process.env.BENCH_LR ? Number(process.env.BENCH_LR) : undefined,
      });
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const losses: string[] = [];
      await model.fit(w.panel, {
        horizon: H,
        quantiles: [0.1, 0.5, 0.9],
        seed: 42,
        warmStart: process.env.BENCH_WARM === '1' ? prev : undefined,
        onProgress: (p) => {
          losses.push(`${p.loss.toFixed(3)}/${p.validationLoss?.toFixed(3) ?? '-'}`);
          if (process.env.BENCH_VERBOSE === '1')
            console.log(`  epoch ${p.epoch}: ${((performance.now() - t0) / 1000).toFixed(1)} s, loss ${losses.at(-1)}`);
        },
      });
      const t1 = performance.now();
      const used = process.cpuUsage(cpu0);
      const cpuS = (used.user + used.system) / 1e6;
      const fc = await model.predict(w.panel);
      const t2 = performance.now();
      total += t2 - t0;
      totalCpu += cpuS;
      const info = model.info!;
      const samples = info.windows * info.epochsRun;
      const gflops = (6 * forwardMacs(info.arch) * samples) / ((t1 - t0) / 1000) / 1e9;
      console.log(
        `${kind} origin ${w.origin}: fit ${((t1 - t0) / 1000).toFixed(1)} s wall, ${cpuS.toFixed(1)} s CPU (${info.epochsRun} epochs × ${info.windows} windows, ` +
          `${Math.round(samples / ((t1 - t0) / 1000))} samples/s wall, ${Math.round(samples / cpuS)} per CPU-second, ~${gflops.toFixed(1)} GFLOP/s wall), ` +
          `predict ${(t2 - t1).toFixed(0)} ms; loss/val ${losses.join(' ')}`,
      );
      for (const f of fc) {
        const s = w.panel.series.find((x) => x.id === f.seriesId)!;
        scored.push({
          seriesId: f.seriesId,
          origin: w.origin,
          history: s.target,
          actual: w.actuals.get(f.seriesId)!,
          quantiles: new Map(f.quantiles.map((q, i) => [q, f.values[i]!])),
        });
      }
      if (process.env.BENCH_WARM === '1') prev = await model.serialize();
      model.dispose();
    }
    const sc = scoreWindows(scored, m);
    console.log(
      `${kind}: MASE ${sc.mase.toFixed(3)}  sMAPE ${sc.smape.toFixed(2)}  WAPE ${sc.wape.toFixed(3)}  wQL ${sc.wql.toFixed(3)}  cover80 ${sc.coverage80.toFixed(3)}  total ${(total / 1000).toFixed(1)} s wall, ${totalCpu.toFixed(1)} s CPU in fits`,
    );
  }
}

const backend = await initBackend('auto', { info: (_o, msg) => console.log(msg) });
const kinds = (process.env.BENCH_KINDS?.split(',') ?? ['mlp']).filter((k): k is DeepKind =>
  (DEEP_KINDS as readonly string[]).includes(k),
);
const files = process.argv.slice(2).map((a) => (a.endsWith('.csv.gz') ? a : `${a}.csv.gz`));
console.log(
  `backend ${backend}, kinds ${kinds.join(',')}, ${new Date().toISOString()}, load ${loadavg()[0]!.toFixed(1)}`,
);
for (const f of files.length ? files : ['pasta-daily.csv.gz']) await benchDataset(f, kinds);
console.log(
  `load at the end ${loadavg()[0]!.toFixed(1)} (1-min average, 2 cores shared: wall times scale with it; CPU seconds do not)`,
);
