/**
 * Totals after a level shift (issue 13, item 2; a stress test, not a public set): 6 synthetic daily
 * series (test/fixtures/forecasting/level-shift.ts: seed 1, 200 days) whose sales jump by a factor k in the
 * last `at` days, for k in 1.5, 2, 3, 5, 10 and `at` in 14, 28, 42, 56. For each, `auto` (the
 * baselines and gradient boosting, no deep model) forecasts 28 days; printed: the chosen model, the
 * 28-day total of all series (p10 / p50 / p90, FITTED dependence, as the API sums it), the sums of
 * the members' p10, p50 and means, and the fitted mean lift α, κ and ρ (distribution.ts), beside
 * what sold: the generator's next 28 days at the new level. A total whose p50 is below the members'
 * Σ p10 is flagged, and so is a total whose p10–p90 misses what sold.
 *
 *   npx tsx bench/level-shift.ts [--public]
 *
 * `--public` reads no model: for each public set (protocols.ts horizon H), every window of H steps
 * whose cut lies in the second half of the history, H/2 apart, is judged by the detector that
 * leaves shifted windows out of a run's fit (api/forecasting/level-shift.ts `windowShift`); it
 * prints how many were flagged and the largest |s − m| / σ.
 */
import { resolve } from 'node:path';
import { aggregateQuantiles, Dependence } from '../api/app/forecasts/quantile-aggregation.js';
import { buildPanel, gridOffset } from '../api/forecasting/frames.js';
import { windowShift } from '../api/forecasting/level-shift.js';
import { readRawSeries } from '../api/ingest/raw-series.js';
import { forecastJump, soldAfterJump } from '../test/fixtures/forecasting/level-shift.js';
import { datedMembers } from '../test/fixtures/forecasting/members.js';
import { PROTOCOLS } from './protocols.js';

if (process.argv.includes('--public')) {
  const DATA = resolve(import.meta.dirname, '../../shared/data');
  for (const { name, horizon: H } of PROTOCOLS) {
    const file = await readRawSeries(`${DATA}/${name}.csv.gz`, { allowNegativeValues: true });
    const panel = buildPanel(file.series, file.frequency);
    const first = panel.series.reduce((a, s) => (s.start < a ? s.start : a), panel.series[0]!.start);
    const offsets = panel.series.map((s) => Math.round(gridOffset(first, s.start, panel.freq)));
    const n = Math.max(...panel.series.map((s, i) => offsets[i]! + s.target.length));
    let flagged = 0;
    let judged = 0;
    let maxZ = 0;
    for (let cut = n - H; cut > n / 2; cut -= Math.max(1, Math.round(H / 2))) {
      const at = (i: number): number => Math.max(0, cut - offsets[i]!);
      const series = panel.series.map((s, i) => ({ ...s, target: s.target.slice(0, at(i)) }));
      const actuals = new Map(panel.series.map((s, i) => [s.id, s.target.slice(at(i), at(i) + H)] as const));
      const r = windowShift({ panel: { ...panel, series: series.filter((s) => s.target.length > 0) }, actuals });
      if (!r || !Number.isFinite(r.scale)) continue;
      judged++;
      if (r.shifted) flagged++;
      maxZ = Math.max(maxZ, Math.abs(r.statistic - r.centre) / r.scale);
    }
    console.log(
      `${name}: ${flagged} of ${judged} windows of ${H} steps flagged; largest |s − m| / σ ${maxZ.toFixed(1)}`,
    );
  }
  process.exit(0);
}

const sum = (a: ArrayLike<number> | undefined): number => (a ? Array.from(a).reduce((x, y) => x + y, 0) : 0);
const p = (x: number | undefined): string => (x === undefined ? '–' : x.toPrecision(3));

console.log('| jump | in the last | chosen | total p10 / p50 / p90 | sold | Σ p10 | Σ p50 | Σ mean | α | κ | ρ |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
let held = 0;
let runs = 0;
let score = 0;
let medianError = 0;
// The first run is the control: no jump.
const RUNS: [number, number][] = [
  [1, 0],
  ...[1.5, 2, 3, 5, 10].flatMap((k) => [14, 28, 42, 56].map((at): [number, number] => [k, at])),
];
for (const [k, at] of RUNS) {
  const r = await forecastJump(k, at);
  const members = datedMembers(r.forecasts);
  const total = aggregateQuantiles(members, [0.1, 0.5, 0.9], {
    dependence: Dependence.FITTED,
    fitted: r.distribution?.dependence,
  });
  const p10 = r.forecasts.reduce((a, f) => a + sum(f.values[0]), 0);
  const p50 = r.forecasts.reduce((a, f) => a + sum(f.values[1]), 0);
  const mean = r.forecasts.reduce((a, f) => a + sum(f.mean), 0);
  const d = r.distribution;
  const y = soldAfterJump(k);
  const inside = y >= total[0]! && y <= total[2]!;
  if (k !== 1) {
    held += inside ? 1 : 0;
    runs++;
    // The 80 % interval score (width + 10 × miss) and the p50's error, both over what sold.
    score += (total[2]! - total[0]! + 10 * Math.max(0, total[0]! - y, y - total[2]!)) / y;
    medianError += Math.abs(total[1]! / y - 1);
  }
  console.log(
    `| ${k === 1 ? 'none' : `×${k}`} | ${at === 0 ? '–' : `${at} days`} | ${r.chosenModel} | ${total.map(p).join(' / ')}${total[1]! < p10 ? ' (p50 < Σ p10)' : ''} | ${p(y)}${inside ? '' : ' (out)'} | ${p(p10)} | ${p(p50)} | ${p(mean)} | ${d?.meanLift.pooled.alpha.toFixed(2) ?? '–'} | ${d?.dependence.spread?.toFixed(2) ?? '–'} | ${d?.dependence.rho.toFixed(2) ?? '–'} |`,
  );
}
console.log(
  `\nThe 28-day total's 80 % interval held what sold in ${held} of the ${runs} runs with a jump; mean interval score ${(score / runs).toFixed(2)} and mean |p50 error| ${((100 * medianError) / runs).toFixed(0)} % of what sold.`,
);
