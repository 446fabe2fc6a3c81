/**
 * Probe of Holt-Winters variants on the benchmark sets: point MASE (engine definition) of each
 * variant on every backtest window of the dataset's protocol. Figures printed, never asserted.
 *
 *   EXTRA_ORIGINS=2 nice -n 10 npx tsx bench/hw-probe.ts <dataset> ['variant;variant']
 *
 * EXTRA_ORIGINS adds windows before the protocol's (shorter histories: walmart's 78 and 91 weeks).
 */
import { resolve } from 'node:path';
import { sampleSeries } from '../api/commands/backtest.js';
import { holtWintersForecast, seasonalNaiveForecast } from '../api/forecasting/baselines.js';
import { buildPanel, interpolateGaps, rollingOriginSplit } from '../api/forecasting/frames.js';
import { windowMetrics } from '../api/forecasting/metrics.js';
import { SEASON_LENGTH } from '../api/forecasting/types.js';
import { readRawSeries } from '../api/ingest/raw-series.js';
import { protocolOf } from './protocols.js';

type Variant = (y: Float64Array, h: number, m: number) => Float64Array;

/** The engine's `hw` and `hwadd` and the alternatives they were chosen over. */
const variants: Record<string, Variant> = {
  snaive: (y, h, m) => seasonalNaiveForecast(y, h, m),
  hw: (y, h, m) => holtWintersForecast(y, h, m, 'log'),
  hwadd: (y, h, m) => holtWintersForecast(y, h, m, 'raw'),
  'hw, classical start': (y, h, m) => holtWintersForecast(y, h, m, 'log', 0),
  'hwadd, classical start': (y, h, m) => holtWintersForecast(y, h, m, 'raw', 0),
  'hwadd, refine 6': (y, h, m) => holtWintersForecast(y, h, m, 'raw', 6),
  'hwadd, from 2 seasons': (y, h, m) => holtWintersForecast(y, h, m, 'raw', 1, 2 * m),
  'hwadd, from m + 2': (y, h, m) => holtWintersForecast(y, h, m, 'raw', 1, m + 2),
  'hwadd, unclamped': (y, h, m) => holtWintersForecast(y, h, m, 'raw', 1, Math.ceil(1.5 * m), false),
  'hw, unclamped': (y, h, m) => holtWintersForecast(y, h, m, 'log', 1, 2 * m, false),
  'hw, from 1.5 seasons': (y, h, m) => holtWintersForecast(y, h, m, 'log', 1, Math.ceil(1.5 * m)),
};

const name = process.argv[2] ?? 'walmart-weekly';
const only = process.argv[3]?.split(';').map((x) => x.trim());
const p = protocolOf(name);
const file = await readRawSeries(resolve(import.meta.dirname, '../../shared/data', `${name}.csv.gz`), {
  allowNegativeValues: true,
});
let panel = buildPanel(file.series, file.frequency);
if (p.sample) panel = sampleSeries(panel, p.sample.n, p.sample.seed, p.horizon, p.origins);
const m = SEASON_LENGTH[panel.freq];
const extraO = Number(process.env.EXTRA_ORIGINS ?? 0);
const split = rollingOriginSplit(panel, p.horizon, p.origins + extraO, p.origins);
for (const [vn, f] of Object.entries(variants)) {
  if (only && !only.includes(vn)) continue;
  const t0 = performance.now();
  const perOrigin: string[] = [];
  let all = 0;
  let cnt = 0;
  for (const w of split.windows) {
    let s = 0;
    let c = 0;
    for (const sf of w.panel.series) {
      const hist = sf.target;
      const fc = f(interpolateGaps(hist), p.horizon, m);
      const act = w.actuals.get(sf.id)!;
      const idx: number[] = [];
      for (let i = 0; i < act.length; i++) if (!Number.isNaN(act[i]!)) idx.push(i);
      const r = windowMetrics(
        sf.id,
        w.origin,
        hist,
        idx.map((i) => act[i]!),
        idx.map((i) => fc[i]!),
        m,
      );
      if (!Number.isNaN(r.mase)) {
        s += r.mase;
        c++;
      }
    }
    perOrigin.push((s / c).toFixed(3));
    all += s;
    cnt += c;
  }
  console.log(
    `${name} ${vn.padEnd(24)} MASE ${(all / cnt).toFixed(4)}  per origin ${perOrigin.join(' ')}  ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}
