/**
 * How well `auto`'s validation sample (api/forecasting/sampling.ts) stands for the whole panel:
 * the `auto` rule's scores (relative to seasonal naive) and choice over the given candidates,
 * validated on every series and on stratified samples of `--sample` series (several seeds).
 *
 * Usage: nice -n 10 npx tsx bench/validation-sample.ts /tmp/gen3000.csv.gz [--sample 1000]
 *          [--seeds 1,2,3] [--candidates snaive,naive,ses,theta,croston,tsb]
 * (the file: `npx tsx bench/generate.ts /tmp/gen3000.csv.gz --series 3000 --seed 1`)
 */
import { createReadStream } from 'node:fs';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { backtest } from '../api/forecasting/backtest.js';
import { PanelBuilder, rollingOriginSplit } from '../api/forecasting/frames.js';
import { createForecaster } from '../api/forecasting/models.js';
import { chooseModel, DEFAULT_VALIDATION_ORIGINS, type CandidateWindows } from '../api/forecasting/pipeline.js';
import { validationSample } from '../api/forecasting/sampling.js';
import type { Panel } from '../api/forecasting/types.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : fallback;
};
const path = args[0];
if (!path || path.startsWith('--'))
  throw new Error('usage: npx tsx bench/validation-sample.ts FILE.csv.gz [--sample N]');
const sampleSize = Number(opt('--sample', '1000'));
const seeds = opt('--seeds', '1,2,3').split(',').map(Number);
const kinds = opt('--candidates', 'snaive,naive,ses,theta,croston,tsb').split(',');
const H = 28;

/** The CSV of bench/generate.ts (rows grouped by series) into a panel, one series at a time. */
async function readPanel(file: string): Promise<Panel> {
  const numeric = ['price', 'promo', 'snap', 'event'];
  const builder = new PanelBuilder('D', numeric);
  let header: string[] | undefined;
  let cur: { id: string; dates: string[]; values: (number | null)[]; cov: (number | null)[][] } | undefined;
  const flush = (): void => {
    if (cur) {
      builder.add({
        id: cur.id,
        dates: cur.dates,
        values: cur.values,
        covariates: Object.fromEntries(numeric.map((c, k) => [c, cur!.cov[k]!])),
        statics: {},
      });
    }
  };
  for await (const line of createInterface({
    input: createReadStream(file).pipe(createGunzip()),
    crlfDelay: Infinity,
  })) {
    if (!header) {
      header = line.split(',');
      continue;
    }
    if (!line) continue;
    const f = line.split(',');
    if (!cur || cur.id !== f[0]) {
      flush();
      cur = { id: f[0]!, dates: [], values: [], cov: numeric.map(() => []) };
    }
    cur.dates.push(f[1]!);
    cur.values.push(f[2] === '' ? null : Number(f[2]));
    numeric.forEach((c, k) => {
      const v = f[header!.indexOf(c)];
      cur!.cov[k]!.push(v === '' || v === undefined ? null : Number(v));
    });
  }
  flush();
  return builder.finish();
}

async function validate(panel: Panel): Promise<{ scores: string; chosen: string; seconds: number }> {
  const t0 = performance.now();
  const split = rollingOriginSplit(panel, H, DEFAULT_VALIDATION_ORIGINS);
  const runs: CandidateWindows[] = [];
  for (const kind of kinds) {
    const r = await backtest(panel, () => createForecaster(kind), {
      horizon: H,
      origins: DEFAULT_VALIDATION_ORIGINS,
      quantiles: [0.1, 0.5, 0.9],
      seed: 1,
      split,
    });
    runs.push({ kind, windows: r.windows });
  }
  const { chosen, candidates } = chooseModel(runs, panel, true);
  return {
    scores: candidates.map((c) => `${c.kind} ${c.score.toFixed(4)}`).join(', '),
    chosen: `${chosen?.kind ?? '-'} ${chosen?.score.toFixed(4) ?? ''}`,
    seconds: (performance.now() - t0) / 1000,
  };
}

const panel = await readPanel(path);
console.log(
  `# ${panel.series.length} series, candidates ${kinds.join(',')}, load ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
const all = await validate(panel);
console.log(`all ${panel.series.length}: chosen ${all.chosen} (${all.seconds.toFixed(1)} s)\n  ${all.scores}`);
for (const seed of seeds) {
  const r = await validate(validationSample(panel, seed, sampleSize));
  console.log(`sample ${sampleSize}, seed ${seed}: chosen ${r.chosen} (${r.seconds.toFixed(1)} s)\n  ${r.scores}`);
}
console.log(
  `load ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
