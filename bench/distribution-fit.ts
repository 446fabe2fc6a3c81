/**
 * The distribution fit alone (distribution.ts `fitDistribution` via pipeline.ts
 * `candidateDistribution`): its CPU time per origin and the fitted model, on the chosen model's
 * validation windows of `auto`'s backtest (as bench/accuracy-totals.ts fits them).
 *
 *   nice -n 10 npx tsx bench/distribution-fit.ts --datasets aus-retail-monthly,pasta-daily [--repeat 3] --out FILE.json
 *
 * Prints per origin the fit's CPU seconds (best of `--repeat`) and writes every fitted model to
 * FILE.json, so two commits' fits can be compared byte for byte (`cmp`).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cpuUsage } from 'node:process';
import { runBacktest, sampleSeries } from '../api/commands/backtest.js';
import { initBackend } from '../api/forecasting/backend.js';
import { buildPanel } from '../api/forecasting/frames.js';
import { calibrateForecasts } from '../api/forecasting/calibration.js';
import { withMeans, type DistributionModel } from '../api/forecasting/distribution.js';
import { candidateDistribution, DEFAULT_VALIDATION_ORIGINS, finishForecasts } from '../api/forecasting/pipeline.js';
import { readRawSeries } from '../api/ingest/raw-series.js';
import { protocolOf } from './protocols.js';

const DATA = resolve(import.meta.dirname, '../../shared/data');
const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const names = (opt('datasets') ?? 'aus-retail-monthly').split(',').filter(Boolean);
const repeat = Number(opt('repeat') ?? '3');
await initBackend('auto');
const out: Record<string, unknown[]> = {};
for (const name of names) {
  const p = protocolOf(name);
  const file = await readRawSeries(`${DATA}/${name}.csv.gz`, { allowNegativeValues: true });
  let panel = buildPanel(file.series, file.frequency);
  if (p.sample) panel = sampleSeries(panel, p.sample.n, p.sample.seed, p.horizon, p.origins);
  const captured: Array<Parameters<NonNullable<Parameters<typeof runBacktest>[1]['onOrigin']>>[0]> = [];
  await runBacktest(panel, {
    horizon: p.horizon,
    origins: p.origins,
    model: 'auto',
    seed: 42,
    quantiles: [0.1, 0.5, 0.9],
    validationOrigins: DEFAULT_VALIDATION_ORIGINS,
    onOrigin: (o) => captured.push(o),
  });
  out[name] = [];
  for (const o of captured) {
    if (!o.chosen) continue;
    let best = Number.POSITIVE_INFINITY;
    let model: unknown;
    for (let r = 0; r < repeat; r++) {
      const c0 = cpuUsage();
      model = candidateDistribution(o.chosen, o.calibration, { seed: 42 });
      const c = cpuUsage(c0);
      best = Math.min(best, (c.user + c.system) / 1e6);
    }
    out[name]!.push(model);
    // What one pass of the windows' means costs (fitDistribution once computed it three times).
    const windows = o.chosen.windows.map((w) => ({
      panel: w.window.panel,
      forecasts: finishForecasts(
        o.calibration ? calibrateForecasts(w.forecasts, o.calibration, w.window.panel) : w.forecasts,
        w.window.panel,
        undefined,
      ),
    }));
    let meansBest = Number.POSITIVE_INFINITY;
    for (let r = 0; r < repeat; r++) {
      const c0 = cpuUsage();
      for (const w of windows) withMeans(w.forecasts, w.panel, model as DistributionModel);
      const c = cpuUsage(c0);
      meansBest = Math.min(meansBest, (c.user + c.system) / 1e6);
    }
    process.stdout.write(
      `${name} origin ${o.origin}: fit ${best.toFixed(3)} CPU s (best of ${repeat}), one pass of the windows' means ${meansBest.toFixed(3)} s\n`,
    );
  }
}
const file = opt('out');
if (file) writeFileSync(file, JSON.stringify(out, null, 1));
