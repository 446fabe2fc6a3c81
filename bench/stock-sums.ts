/**
 * Stock sums bench (issue 18's stock simulation, issue 13 item 2): why the plans of
 * test/forecasting/stock-simulation.test.ts over-deliver at an 80 % target. Same protocol as the
 * test (M5 sample, 80 seeded series, seasonal naive with its fitted distribution, L = R = 7, six
 * weekly reviews), at several periods of the held-back history (`--periods`: days before the
 * end of the data; 0 is the test's own period). For each period it prints:
 * - Σ p50, Σ mean and Σ actual of the L + R demand over all cycles: where the distribution sits;
 * - the cov80, wQL (p10/p50/p90) and PIT deciles of each series' L + R sum, the quantity a plan
 *   reads its order-up-to level from;
 * - the cycle service level: realised over all cycles, and, in cycles ordered up to S, realised
 *   against what the plan promised (1 − P(D > S) under its own samples);
 * for the run's dependence as fitted ("as fitted"), with κ = 1 for one series' sum ("κ=1": κ is
 * fitted on totals of two or more series), and with the actuals scaled so that Σ actual = Σ mean
 * ("mean-centred": an oracle, never a forecast, which separates the location of the distribution
 * from its width).
 *
 *   nice -n 10 npx tsx bench/stock-sums.ts [--periods 0,49,98] [--series 80]
 */
import { resolve } from 'node:path';
import {
  empiricalQuantile,
  marginalMean,
  marginalOf,
  sampleTotals,
  type DependenceModel,
  type Marginal,
} from '../api/forecasting/distribution.js';
import { buildPanel, cutSeries } from '../api/forecasting/frames.js';
import { runForecastPipeline } from '../api/forecasting/pipeline.js';
import { mulberry32 } from '../api/forecasting/random.js';
import { exceedanceProbability, sampledDemandProfile } from '../api/forecasting/stock.js';
import type { Panel } from '../api/forecasting/types.js';
import { readRawSeries } from '../api/ingest/raw-series.js';

const FILE = resolve(import.meta.dirname, '../../shared/data/m5-tiny-daily.csv.gz');
const LEAD_TIME = 7;
const REVIEW_PERIOD = 7;
const REVIEWS = 6;
const HISTORY_DAYS = 400;
const TARGETS = [0.8, 0.9, 0.95];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const PERIODS = arg('periods', '0,49,98').split(',').map(Number);
const SERIES = Number(arg('series', '80'));

/** Σ of the means the run stored (the mean model's), against Σ of the marginals' means. */
let storedMean = 0;

interface Cycle {
  readonly id: string;
  readonly steps: Marginal[];
  /** Demand over L + R, and over the review period alone. */
  readonly demand: number;
  readonly beforeNextReview: number;
  readonly dependence: DependenceModel;
}

const file = await readRawSeries(FILE, {});
const all = buildPanel(file.series, file.frequency);
const random = mulberry32(18);
const chosen = all.series
  .filter((s) => s.target.subarray(Math.max(0, s.target.length - HISTORY_DAYS)).some((v) => v > 0))
  .map((s) => ({ s, r: random() }))
  .toSorted((a, b) => a.r - b.r)
  .slice(0, SERIES)
  .map((x) => x.s);
const n = Math.min(...chosen.map((s) => s.target.length));

async function cyclesAt(period: number): Promise<Cycle[]> {
  const firstReview = n - ((REVIEWS - 1) * REVIEW_PERIOD + LEAD_TIME + REVIEW_PERIOD) - period;
  const out: Cycle[] = [];
  for (let k = 0; k < REVIEWS; k++) {
    const cut = firstReview + k * REVIEW_PERIOD;
    const panel: Panel = {
      ...all,
      series: chosen.map((s) => {
        const c = cutSeries(s, s.target.length - (n - cut), LEAD_TIME + REVIEW_PERIOD);
        return { ...c, target: c.target.subarray(Math.max(0, c.target.length - HISTORY_DAYS)) };
      }),
    };
    const result = await runForecastPipeline(panel, {
      model: 'snaive',
      horizon: LEAD_TIME + REVIEW_PERIOD,
      quantiles: [0.1, 0.5, 0.9],
      seed: 7,
      importance: false,
    });
    const dependence = result.distribution!.dependence;
    const byId = new Map(result.forecasts.map((f) => [f.seriesId, f]));
    for (const s of chosen) {
      const f = byId.get(s.id)!;
      const steps = f.dates.map((_, t) =>
        marginalOf({ levels: f.quantiles, values: f.values.map((row) => row[t]!), mean: f.mean?.[t] ?? null }),
      );
      for (let t = 0; t < LEAD_TIME + REVIEW_PERIOD; t++) storedMean += f.mean?.[t] ?? 0;
      const offset = s.target.length - n + cut;
      let demand = 0;
      let beforeNextReview = 0;
      for (let t = 0; t < LEAD_TIME + REVIEW_PERIOD; t++) {
        const y = Math.max(0, s.target[offset + t] ?? 0);
        demand += y;
        if (t < REVIEW_PERIOD) beforeNextReview += y;
      }
      out.push({ id: s.id, steps, demand, beforeNextReview, dependence });
    }
  }
  return out;
}

function report(name: string, cycles: readonly Cycle[], dep: (d: DependenceModel) => DependenceModel, scale: number) {
  // The L + R sum of each series: coverage, wQL, PIT deciles.
  let covered = 0;
  let loss = 0;
  let actual = 0;
  const deciles = Array.from({ length: 10 }, () => 0);
  const u = mulberry32(3);
  for (const c of cycles) {
    const y = c.demand * scale;
    const { total } = sampleTotals([{ steps: c.steps }], c.steps.length, dep(c.dependence), { samples: 1000, seed: 1 });
    total.sort();
    const q = [0.1, 0.5, 0.9].map((l) => empiricalQuantile(total, l));
    if (y >= q[0]! && y <= q[2]!) covered++;
    [0.1, 0.5, 0.9].forEach((l, i) => (loss += 2 * Math.max(l * (y - q[i]!), (l - 1) * (y - q[i]!))));
    actual += y;
    let lo = 0;
    let hi = 0;
    for (const x of total) {
      if (x < y - 1e-9) lo++;
      if (x <= y + 1e-9) hi++;
    }
    deciles[Math.min(9, Math.floor(((lo + u() * (hi - lo)) / total.length) * 10))]!++;
  }
  // The simulation itself (as the test plays it).
  const levels = TARGETS.map((alpha) => {
    const positions = new Map<string, number>();
    let short = 0;
    let atS = 0;
    let shortAtS = 0;
    let promised = 0;
    for (const c of cycles) {
      const y = c.demand * scale;
      const profile = sampledDemandProfile([c.steps], dep(c.dependence), {
        leadTime: LEAD_TIME,
        reviewPeriod: REVIEW_PERIOD,
        serviceLevel: alpha,
      });
      const after = Math.max(positions.get(c.id) ?? profile.orderUpTo, profile.orderUpTo);
      if (y > after) short++;
      if (after === profile.orderUpTo) {
        atS++;
        if (y > after) shortAtS++;
        promised += 1 - exceedanceProbability(profile.protectionDemand!, after);
      }
      positions.set(c.id, after - c.beforeNextReview * scale);
    }
    return `${alpha}: ${(1 - short / cycles.length).toFixed(3)} (at S ${(1 - shortAtS / atS).toFixed(3)} vs promised ${(promised / atS).toFixed(3)})`;
  });
  console.log(
    `  ${name.padEnd(12)} L+R sum: cov80 ${(covered / cycles.length).toFixed(3)} wQL ${(loss / 3 / actual).toFixed(4)} PIT deciles ${deciles.map((d) => (d / cycles.length).toFixed(2)).join(' ')}`,
  );
  console.log(`  ${''.padEnd(12)} service level realised, target ${levels.join('; ')}`);
}

const started = process.cpuUsage();
for (const period of PERIODS) {
  storedMean = 0;
  const cycles = await cyclesAt(period);
  let p50 = 0;
  let mean = 0;
  let actual = 0;
  for (const c of cycles) {
    for (const m of c.steps) {
      p50 += m.values[m.levels.indexOf(0.5)]!;
      mean += marginalMean(m);
    }
    actual += c.demand;
  }
  console.log(
    `period ending ${period} days before the data's end: ${cycles.length} cycles; Σ p50 ${p50.toFixed(0)}, Σ mean ${mean.toFixed(0)}, Σ actual ${actual.toFixed(0)} (mean/actual ${(mean / actual).toFixed(3)}, stored mean/actual ${(storedMean / actual).toFixed(3)}, p50/actual ${(p50 / actual).toFixed(3)})`,
  );
  const kappas = (k: (d: DependenceModel) => number | undefined): string =>
    [...new Set(cycles.map((c) => c.dependence))].map((d) => k(d)?.toFixed(2) ?? '-').join(' ');
  console.log(`  κ per run: pooled ${kappas((d) => d.spread)}; one series' own κ ${kappas((d) => d.ownSpread)}`);
  report('as fitted', cycles, (d) => d, 1);
  report('pooled κ', cycles, ({ ownSpread: _own, ...d }) => d, 1);
  report('κ=1', cycles, (d) => ({ ...d, spread: 1, spreadBySize: undefined, ownSpread: undefined }), 1);
  report('mean-centred', cycles, (d) => d, mean / actual);
}
const cpu = process.cpuUsage(started);
console.log(`CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (user + sys)`);
