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
 * for the run's dependence as fitted ("as fitted": the sum read through its `ownCalibration`, as
 * plans read it), without the calibration ("uncalibrated": runs trained before it), with neither
 * the calibration nor one series' own κ ("pooled κ"), with κ = 1 and no calibration ("κ=1"), and
 * with the actuals scaled so that Σ actual = Σ mean ("mean-centred": an oracle, never a forecast,
 * which separates the location of the distribution from its width). Then, as fitted and
 * uncalibrated, the realised service level per kind of item (`BY_CLASS`: each series' mean stored
 * demand per L + R over the period), since one calibration per run pools slow and fast items and a
 * right total can hide a class served badly. The cycles and their play are the test's own
 * (test/helpers/stock-simulation.ts).
 *
 *   nice -n 10 npx tsx bench/stock-sums.ts [--periods 0,49,98] [--series 80]
 */
import {
  empiricalQuantile,
  marginalMean,
  ownCalibratedLevel,
  type DependenceModel,
} from '../api/forecasting/distribution.js';
import { mulberry32 } from '../api/forecasting/random.js';
import { sampledDemandProfile } from '../api/forecasting/stock.js';
import {
  LEAD_TIME,
  loadStockSimulation,
  playCycles,
  REVIEW_PERIOD,
  type StockCycle,
} from '../test/helpers/stock-simulation.js';

const TARGETS = [0.8, 0.9, 0.95];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const PERIODS = arg('periods', '0,49,98').split(',').map(Number);
const SERIES = Number(arg('series', '80'));

const simulation = await loadStockSimulation({ series: SERIES });

/** Kinds of item by mean stored demand per L + R (units): lower edges. */
const BY_CLASS: readonly number[] = [0, 2, 10, 40];

/** Realised cycle service level per kind of item (`BY_CLASS`), at each target. */
function reportByClass(name: string, cycles: readonly StockCycle[], dep: (d: DependenceModel) => DependenceModel) {
  const sums = new Map<string, { total: number; n: number }>();
  for (const c of cycles) {
    const e = sums.get(c.id) ?? { total: 0, n: 0 };
    e.total += c.storedMean;
    e.n++;
    sums.set(c.id, e);
  }
  const classOf = (id: string): number => {
    const { total, n } = sums.get(id)!;
    return BY_CLASS.filter((edge) => total / n >= edge).at(-1)!;
  };
  for (const edge of BY_CLASS) {
    const ids = new Set([...sums.keys()].filter((id) => classOf(id) === edge));
    if (ids.size === 0) continue;
    const mine = cycles.filter((c) => ids.has(c.id));
    const levels = TARGETS.map((alpha) => {
      const r = playCycles(mine, alpha, { dependence: dep });
      return `${alpha}: ${(1 - r.short / r.cycles).toFixed(3)}`;
    });
    const upper = BY_CLASS[BY_CLASS.indexOf(edge) + 1];
    const label = upper === undefined ? `${edge}+` : `${edge}-${upper}`;
    console.log(`  ${name.padEnd(12)} items selling ${label} per L+R (${ids.size}): ${levels.join('; ')}`);
  }
}

function report(
  name: string,
  cycles: readonly StockCycle[],
  dep: (d: DependenceModel) => DependenceModel,
  scale: number,
) {
  // The L + R sum of each series: coverage, wQL, PIT deciles.
  let covered = 0;
  let loss = 0;
  let actual = 0;
  const deciles = Array.from({ length: 10 }, () => 0);
  const u = mulberry32(3);
  for (const c of cycles) {
    const y = c.demand * scale;
    // The L + R sum as a plan reads it (recalibrated where the run fitted `ownCalibration`).
    const total = sampledDemandProfile([c.steps], dep(c.dependence), {
      leadTime: LEAD_TIME,
      reviewPeriod: REVIEW_PERIOD,
      serviceLevel: 0.5,
    }).protectionDemand!;
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
  // The simulation itself (the test's `playCycles`).
  const levels = TARGETS.map((alpha) => {
    const r = playCycles(cycles, alpha, { dependence: dep, scale });
    return `${alpha}: ${(1 - r.short / r.cycles).toFixed(3)} (at S ${(1 - r.atS.short / r.atS.cycles).toFixed(3)} vs promised ${(r.atS.promised / r.atS.cycles).toFixed(3)}; all promised ${(r.promised / r.cycles).toFixed(3)}; P(D_L > IP) predicted ${(r.stockOut.predicted / r.stockOut.reviews).toFixed(3)}, happened ${(r.stockOut.happened / r.stockOut.reviews).toFixed(3)})`;
  });
  console.log(
    `  ${name.padEnd(12)} L+R sum: cov80 ${(covered / cycles.length).toFixed(3)} wQL ${(loss / 3 / actual).toFixed(4)} PIT deciles ${deciles.map((d) => (d / cycles.length).toFixed(2)).join(' ')}`,
  );
  console.log(`  ${''.padEnd(12)} service level realised, target ${levels.join('; ')}`);
}

/** The run's dependence without `ownCalibration` (a run trained before it). */
const uncalibrated = ({ ownCalibration: _g, ...d }: DependenceModel): DependenceModel => d;

const started = process.cpuUsage();
for (const period of PERIODS) {
  const trainStarted = process.cpuUsage();
  const cycles = await simulation.cyclesAt(period);
  const train = process.cpuUsage(trainStarted);
  let p50 = 0;
  let mean = 0;
  let storedMean = 0;
  let actual = 0;
  for (const c of cycles) {
    for (const m of c.steps) {
      p50 += m.values[m.levels.indexOf(0.5)]!;
      mean += marginalMean(m);
    }
    storedMean += c.storedMean;
    actual += c.demand;
  }
  console.log(
    `period ending ${period} days before the data's end: ${cycles.length} cycles (training ${((train.user + train.system) / 1e6).toFixed(1)} s CPU); Σ p50 ${p50.toFixed(0)}, Σ mean ${mean.toFixed(0)}, Σ actual ${actual.toFixed(0)} (mean/actual ${(mean / actual).toFixed(3)}, stored mean/actual ${(storedMean / actual).toFixed(3)}, p50/actual ${(p50 / actual).toFixed(3)})`,
  );
  const runs = [...new Set(cycles.map((c) => c.dependence))];
  const kappas = (k: (d: DependenceModel) => number | undefined): string =>
    runs.map((d) => k(d)?.toFixed(2) ?? '-').join(' ');
  console.log(`  κ per run: pooled ${kappas((d) => d.spread)}; one series' own κ ${kappas((d) => d.ownSpread)}`);
  const protection = LEAD_TIME + REVIEW_PERIOD;
  for (const alpha of TARGETS) {
    console.log(
      `  level read for ${alpha} per run (ownCalibration, L+R = ${protection} / L = ${LEAD_TIME} days): ${runs.map((d) => `${ownCalibratedLevel(d, protection, alpha).toFixed(3)}/${ownCalibratedLevel(d, LEAD_TIME, alpha).toFixed(3)}`).join(' ')}`,
    );
  }
  report('as fitted', cycles, (d) => d, 1);
  report('uncalibrated', cycles, uncalibrated, 1);
  report('pooled κ', cycles, ({ ownSpread: _own, ownCalibration: _g, ...d }) => d, 1);
  report(
    'κ=1',
    cycles,
    (d) => ({ ...d, spread: 1, spreadBySize: undefined, ownSpread: undefined, ownCalibration: undefined }),
    1,
  );
  report('mean-centred', cycles, (d) => d, mean / actual);
  reportByClass('as fitted', cycles, (d) => d);
  reportByClass('uncalibrated', cycles, uncalibrated);
}
const cpu = process.cpuUsage(started);
console.log(`CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (user + sys)`);
