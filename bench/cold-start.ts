/**
 * Time of the cold-start step (api/forecasting/cold-start.ts) that every training run pays when a
 * dataset has new or short series: a synthetic daily panel of `--series` series (700 days, a
 * known-in-advance price, two attributes), every fifth one short (1–13 points), plus `--launches`
 * new series with planned prices only. Prints seconds for the covariate effects and for the step.
 *
 * Usage: nice -n 10 npx tsx bench/cold-start.ts [--series 5000] [--launches 200]
 */
import { loadavg } from 'node:os';
import { coldStartForecasts, covariateEffects } from '../api/forecasting/cold-start.js';
import { addSteps } from '../api/forecasting/frames.js';
import type { Panel, QuantileForecast, SeriesFrame } from '../api/forecasting/types.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): number => {
  const i = args.indexOf(name);
  return Number(i >= 0 ? args[i + 1]! : fallback);
};
const N = opt('--series', '5000');
const L = opt('--launches', '200');
const H = 28;
const Q = [0.1, 0.5, 0.9];

const series: SeriesFrame[] = [];
for (let i = 0; i < N; i++) {
  const n = i % 5 === 0 ? 1 + (i % 13) : 700 - (i % 300);
  series.push({
    id: `s${i}`,
    start: addSteps('2022-01-01', 700 - n, 'D'),
    target: Float64Array.from({ length: n }, (_, t) => (t * 7 + i) % 13),
    covariates: { price: Float64Array.from({ length: n + H }, (_, t) => 1 + ((t >> 3) % 3) * 0.1) },
    statics: { category: `c${i % 20}`, store: `st${i % 10}` },
  });
}
const newSeries: SeriesFrame[] = Array.from({ length: L }, (_, i) => ({
  id: `new${i}`,
  start: addSteps('2022-01-01', 700, 'D'),
  target: new Float64Array(0),
  covariates: { price: new Float64Array(H).fill(1.1) },
  statics: { category: `c${i % 20}`, store: `st${i % 7}` },
}));
const panel: Panel = {
  freq: 'D',
  series,
  newSeries,
  covariateNames: ['price'],
  knownInAdvance: ['price'],
  staticNames: ['category', 'store'],
};
const forecasts: QuantileForecast[] = series.map((s) => ({
  seriesId: s.id,
  dates: Array.from({ length: H }, (_, t) => addSteps(s.start, s.target.length + t, 'D')),
  quantiles: Q,
  values: Q.map(() => new Float64Array(H).fill(3)),
}));

let t0 = performance.now();
covariateEffects(panel);
const effects = (performance.now() - t0) / 1000;
t0 = performance.now();
const r = coldStartForecasts(panel, forecasts, { horizon: H, quantiles: Q });
const total = (performance.now() - t0) / 1000;
process.stdout.write(
  `${N} series (${series.filter((s) => s.target.length < 14).length} short), ${L} launches, H=${H}: ` +
    `covariate effects ${effects.toFixed(2)} s, cold start in all ${total.toFixed(2)} s, ` +
    `${r.forecasts.length} forecasts, ${r.warnings.length} warnings; load ${loadavg()[0]!.toFixed(1)}\n`,
);
