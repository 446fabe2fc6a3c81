/**
 * Totals after a level shift (issue 13, item 2; a stress test, not a public set): 6 synthetic daily
 * series (test/fixtures generateRawSeries, seed 1, 200 days) whose sales jump by a factor k in the
 * last `at` days, for k in 1.5, 2, 3, 5, 10 and `at` in 14, 28, 42, 56. For each, `auto` (the
 * baselines and gradient boosting, no deep model) forecasts 28 days; printed: the chosen model, the
 * 28-day total of all series (p10 / p50 / p90, FITTED dependence, as the API sums it), the sums of
 * the members' p10, p50 and means, and the fitted mean lift α, κ and ρ (distribution.ts). A total
 * whose p50 is below the members' Σ p10 is flagged.
 *
 *   npx tsx bench/level-shift.ts
 */
import { aggregateQuantiles, Dependence } from '../api/app/forecasts/quantile-aggregation.js';
import { buildPanel } from '../api/forecasting/frames.js';
import { AUTO_DEEP_CANDIDATES, defaultCandidates, runForecastPipeline } from '../api/forecasting/pipeline.js';
import type { ModelKind, RawSeries } from '../api/forecasting/types.js';
import { generateRawSeries } from '../test/fixtures/forecasting/generate.js';
import { datedMembers } from '../test/fixtures/forecasting/members.js';

// `auto`'s own candidates without the deep models (time), with gradient boosting (the engine's
// other learned model). `hw` and `hwadd` are `auto`-only kinds, not a ModelKind a user asks for.
const CANDIDATES = [
  ...defaultCandidates().filter((k) => !AUTO_DEEP_CANDIDATES.some((d) => d === k)),
  'gbm',
] as ModelKind[];
const LENGTH = 200;
const raw = generateRawSeries({ nSeries: 6, freq: 'D', seed: 1, length: LENGTH, promo: true });
const shifted = (k: number, at: number): RawSeries[] =>
  raw.map((s) => ({ ...s, values: s.values.map((v, t) => (v === null ? null : t >= LENGTH - at ? v * k : v)) }));
const sum = (a: ArrayLike<number> | undefined): number => (a ? Array.from(a).reduce((x, y) => x + y, 0) : 0);
const p = (x: number | undefined): string => (x === undefined ? '–' : x.toPrecision(3));

console.log('| jump | in the last | chosen | total p10 / p50 / p90 | Σ p10 | Σ p50 | Σ mean | α | κ | ρ |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const k of [1.5, 2, 3, 5, 10]) {
  for (const at of [14, 28, 42, 56]) {
    const r = await runForecastPipeline(buildPanel(shifted(k, at), 'D'), {
      model: 'auto',
      horizon: 28,
      quantiles: [0.1, 0.5, 0.9],
      seed: 3,
      candidates: CANDIDATES,
    });
    const members = datedMembers(r.forecasts);
    const total = aggregateQuantiles(members, [0.1, 0.5, 0.9], {
      dependence: Dependence.FITTED,
      fitted: r.distribution?.dependence,
    });
    const p10 = r.forecasts.reduce((a, f) => a + sum(f.values[0]), 0);
    const p50 = r.forecasts.reduce((a, f) => a + sum(f.values[1]), 0);
    const mean = r.forecasts.reduce((a, f) => a + sum(f.mean), 0);
    const d = r.distribution;
    console.log(
      `| ×${k} | ${at} days | ${r.chosenModel} | ${total.map(p).join(' / ')}${total[1]! < p10 ? ' (p50 < Σ p10)' : ''} | ${p(p10)} | ${p(p50)} | ${p(mean)} | ${d?.meanLift.pooled.alpha.toFixed(2) ?? '–'} | ${d?.dependence.spread?.toFixed(2) ?? '–'} | ${d?.dependence.rho.toFixed(2) ?? '–'} |`,
    );
  }
}
