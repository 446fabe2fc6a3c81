/**
 * Where `forecastql backtest --model auto` spends its time, candidate by candidate, on one thread
 * of one process (CPU seconds of this process, `process.cpuUsage`, so a loaded machine inflates
 * them little), with the start-up phases before them:
 *
 *   nice -n 10 node --import tsx bench/speed-lanes.ts [--datasets a,b] [--candidates k1,k2] [--deep-windows N]
 *
 * The split and spec are `runBacktest`'s for `auto` (the protocol's K origins + 1 validation
 * window, the protocol's sample). Each row: the candidate, CPU s, wall s and, for deep models,
 * the epochs run per window. The lanes of candidate-threads.ts are summed at the end: on a quiet
 * two-core machine `auto`'s wall time is about the start-up plus the longer lane. Figures are
 * printed, never asserted.
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { PROTOCOLS, protocolOf } from './protocols.js';

const cpu0 = process.cpuUsage();
const t00 = performance.now();
const cpuNow = (since = cpu0): number => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1e6;
};
const { initBackend } = await import('../api/forecasting/backend.js');
const { buildPanel, rollingOriginSplit } = await import('../api/forecasting/frames.js');
const { readRawSeries } = await import('../api/ingest/raw-series.js');
const { sampleSeries, BACKTEST_VALIDATION_ORIGINS } = await import('../api/commands/backtest.js');
const { backtestCandidate, defaultCandidates } = await import('../api/forecasting/pipeline.js');
const { candidateLanes, panelSize } = await import('../api/training/candidate-threads.js');
const { DEFAULT_QUANTILES } = await import('../api/forecasting/types.js');
const importCpu = cpuNow();
const importWall = (performance.now() - t00) / 1000;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const root = resolve(import.meta.dirname, '..');
const datasets = arg('datasets')?.split(',') ?? PROTOCOLS.map((p) => p.name);
const only = arg('candidates')?.split(',');

let c = process.cpuUsage();
let t = performance.now();
const backend = await initBackend('auto');
process.stdout.write(
  `imports ${importCpu.toFixed(2)} CPU s (${importWall.toFixed(2)} s); backend ${backend} ${cpuNow(c).toFixed(2)} CPU s (${((performance.now() - t) / 1000).toFixed(2)} s); load ${loadavg()[0]!.toFixed(1)}\n`,
);
for (const name of datasets) {
  const p = protocolOf(name);
  c = process.cpuUsage();
  t = performance.now();
  const file = await readRawSeries(join(root, '../shared/data', `${name}.csv.gz`), { allowNegativeValues: true });
  let panel = buildPanel(file.series, file.frequency);
  if (p.sample) panel = sampleSeries(panel, p.sample.n, p.sample.seed, p.horizon, p.origins);
  const spec = {
    horizon: p.horizon,
    origins: p.origins + BACKTEST_VALIDATION_ORIGINS,
    requiredOrigins: p.origins,
    quantiles: DEFAULT_QUANTILES,
    seed: 0,
  };
  const split = rollingOriginSplit(panel, spec.horizon, spec.origins, spec.requiredOrigins);
  process.stdout.write(
    `\n${name}: ${panel.series.length} series, ${panelSize(panel).points} values; reading + panel + split ${cpuNow(c).toFixed(2)} CPU s (${((performance.now() - t) / 1000).toFixed(2)} s), load ${loadavg()[0]!.toFixed(1)}\n`,
  );
  const kinds = [...new Set(['snaive', ...defaultCandidates(panel)])].filter((k) => !only || only.includes(k));
  const cost = new Map<string, number>();
  for (const kind of kinds) {
    c = process.cpuUsage();
    t = performance.now();
    const epochs: string[] = [];
    let last = '';
    await backtestCandidate(panel, kind, spec, {
      split,
      onProgress: (_f, m) => {
        const e = /origin (\d+): epoch (\d+)\//.exec(m);
        if (e) last = `${e[1]}:${e[2]}`;
        else if (/done/.test(m) && last) {
          epochs.push(last);
          last = '';
        }
      },
    });
    const s = cpuNow(c);
    cost.set(kind, s);
    process.stdout.write(
      `  ${kind.padEnd(8)} ${s.toFixed(2).padStart(7)} CPU s ${((performance.now() - t) / 1000).toFixed(2).padStart(7)} s${epochs.length ? `  epochs (origin:epochs) ${epochs.join(' ')}` : ''}\n`,
    );
  }
  const lanes = candidateLanes(kinds, panelSize(panel));
  const sum = (ks: readonly string[]): number => ks.reduce((a, k) => a + (cost.get(k) ?? 0), 0);
  process.stdout.write(
    `  lanes: worker [${lanes.worker.join(',')}] ${sum(lanes.worker).toFixed(2)} CPU s, main [${lanes.main.join(',')}] ${sum(lanes.main).toFixed(2)} CPU s; load ${loadavg()[0]!.toFixed(1)}\n`,
  );
}
