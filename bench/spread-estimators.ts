/**
 * How the spread factor κ of totals would do if it were estimated another way (issue 13, item 2):
 * reads `bench/accuracy-totals.ts --cache DIR` backtests (no training), scores every total of every
 * validation window and of the test window once with κ = 1, and then, for each estimator below,
 * counts a test total as held exactly when its score is at most the κ the estimator gives it from
 * the validation scores alone. Reports, per (dataset, kind of total, bucket kind), cov80 and the
 * 80 % interval score (width + 10 × miss, over Σ|y|) of each estimator.
 *
 *   npx tsx bench/spread-estimators.ts --cache /work/cache [--datasets a,b]
 *
 * "week" here is 7-step blocks of daily data (as the fit scores them), not ISO weeks.
 *
 * `--means` reports instead, per origin, the mean bias of the all-series total of the test window
 * (Σ mean / Σ actual − 1) under three mean models (distribution.ts `meanLift`): the engine's (least
 * squares of y on QM and h over both validation windows), the identity (QM, the quantiles' own mean)
 * and "median3": the engine's lift shrunk towards the identity until the lift it implies on the
 * validation windows is the median of 1 and of each window's own fitted lift (kept only as far as
 * both windows support it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
import { candidateDistribution, candidateValidationWindows, finishForecasts } from '../api/forecasting/pipeline.js';
import {
  fitDistribution,
  IDENTITY_MEAN,
  kindKey,
  spreadFor,
  spreadOfScores,
  totalScore,
  validationTotals,
  windowMeans,
  type DependenceModel,
  type DistributionModel,
  type MeanCoefficients,
  type SpreadScore,
  type ValidationWindow,
} from '../api/forecasting/distribution.js';
import { detectStructuralZeros, isStructuralZero } from '../api/forecasting/structural-zeros.js';

interface Rec extends SpreadScore {
  readonly y: number;
  readonly mu: number;
  readonly lo: number;
  readonly hi: number;
  readonly window: number;
  readonly group: number;
}

/**
 * The totals of one window as the engine's κ fit samples and scores them (distribution.ts
 * `validationTotals`, `totalScore`), with what the interval score needs besides r.
 */
function records(w: ValidationWindow, model: DistributionModel, windowIndex: number, seed: number): Rec[] {
  return [...validationTotals([w], model, { seed })].map((t) => {
    const { r, mu, lo, hi } = totalScore(t.samples, t.y);
    return {
      r,
      kind: t.kind,
      size: t.size,
      multiStep: t.multiStep,
      y: t.y,
      mu,
      lo,
      hi,
      window: windowIndex,
      group: t.group,
    };
  });
}

/** An estimator: from one origin's validation records and its fitted dependence, κ for a test record. */
type Estimator = (val: readonly Rec[], dep: DependenceModel) => (r: Rec) => number;

const clamp = (k: number): number => Math.min(4, Math.max(0.5, k));
const q80 = (xs: readonly number[]): number => {
  const s = xs.toSorted((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.8 * s.length) - 1)]!;
};

/** κ as the engine has it. */
const current: Estimator = (_val, dep) => (r) => spreadFor(dep, r.size, r.multiStep ? 7 : 1, r.kind);

/**
 * Per kind: its own 80 % point shrunk (in logs) towards the pooled κ, weighted by independent
 * units (windows × groups) rather than by scores: a kind with one group has 2 units.
 */
function byUnits(n0: number, prior: 'pooled' | 'one'): Estimator {
  return (val, dep) => {
    const pooled = spreadOfScores(val).spread;
    const kinds = new Map<string, Rec[]>();
    for (const x of val) kinds.set(kindKey(x), [...(kinds.get(kindKey(x)) ?? []), x]);
    const kappa = new Map<string, number>();
    for (const [k, own] of kinds) {
      const units = new Set(own.map((x) => `${x.window}|${x.group}`)).size;
      const p = prior === 'pooled' ? pooled : 1;
      const w = units / (units + n0);
      kappa.set(k, clamp(Math.exp(w * Math.log(clamp(q80(own.map((x) => x.r)))) + (1 - w) * Math.log(p))));
    }
    return (r) => kappa.get(kindKey(r)) ?? spreadFor(dep, r.size, r.multiStep ? 7 : 1, r.kind);
  };
}

/** The engine's κ shrunk towards 1 in logs with weight w on the engine's. */
const towardsOne =
  (w: number): Estimator =>
  (_val, dep) =>
  (r) =>
    Math.exp(w * Math.log(spreadFor(dep, r.size, r.multiStep ? 7 : 1, r.kind)));

/** The pooled κ for everything. */
const pooledOnly: Estimator = (val) => {
  const k = spreadOfScores(val).spread;
  return () => k;
};

const ESTIMATORS: [string, Estimator][] = [
  ['current', current],
  ['pooled', pooledOnly],
  ['one', () => () => 1],
  ['units4pooled', byUnits(4, 'pooled')],
  ['units10pooled', byUnits(10, 'pooled')],
  ['units4one', byUnits(4, 'one')],
  ['toOne0.5', towardsOne(0.5)],
];

interface Cell {
  n: number;
  hits: number[];
  is: number[];
  absY: number;
}

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const cacheDir = opt('cache') ?? '/work/cache';
const wanted = opt('datasets')?.split(',');
const cells = new Map<string, Cell>();

/** Σ of the means and of the actuals of `forecasts` (finished under `model`) over a window's known points. */
function sums(w: ValidationWindow, model: DistributionModel): { mean: number; y: number } {
  let mean = 0;
  let y = 0;
  for (const f of windowMeans(w, model)) {
    const a = w.actuals.get(f.seriesId);
    if (!a) continue;
    for (let t = 0; t < f.dates.length && t < a.length; t++) {
      if (!Number.isFinite(a[t]!) || w.skip?.(f.seriesId, f.dates[t]!)) continue;
      mean += f.mean![t]!;
      y += a[t]!;
    }
  }
  return { mean, y };
}

/** The mean model of `d` shrunk towards the identity by λ (1: d's own). */
function shrinkLift(d: DistributionModel, lambda: number): DistributionModel {
  const shrink = (c: MeanCoefficients): MeanCoefficients => ({
    alpha: 1 + lambda * (c.alpha - 1),
    beta: lambda * c.beta,
  });
  const byClass = Object.fromEntries(Object.entries(d.meanLift.byClass).map(([k, c]) => [k, shrink(c)]));
  return { ...d, meanLift: { pooled: shrink(d.meanLift.pooled), byClass } };
}

const meansMode = args.includes('--means');
const biases = new Map<string, Map<string, number[]>>();
for (const file of readdirSync(cacheDir).filter((f) => f.endsWith('.v8'))) {
  const dataset = file.replace(/-\d+s\d+p-.*$/, '');
  if (wanted && !wanted.includes(dataset)) continue;
  const { captured } = deserialize(readFileSync(`${cacheDir}/${file}`)) as {
    captured: {
      chosen: { windows: unknown } | undefined;
      calibration: unknown;
      window: { panel: ValidationWindow['panel']; actuals: ValidationWindow['actuals'] };
      unfinished: ValidationWindow['forecasts'];
    }[];
  };
  for (const [oi, o] of captured.entries()) {
    if (!o.chosen) continue;
    const chosen = o.chosen as Parameters<typeof candidateDistribution>[0];
    const calibration = o.calibration as Parameters<typeof candidateDistribution>[1];
    const d = candidateDistribution(chosen, calibration, { seed: 42 });
    // The test window as the validation windows are read: finished, its structural zeros skipped.
    const zeros = detectStructuralZeros(o.window.panel);
    const testWindow: ValidationWindow = {
      panel: o.window.panel,
      actuals: o.window.actuals,
      forecasts: finishForecasts(o.unfinished, o.window.panel, undefined, { zeros }),
      skip: (id, date) => isStructuralZero(zeros, id, date),
    };
    if (meansMode) {
      const windows = candidateValidationWindows(chosen, calibration);
      const identity: DistributionModel = { ...d, meanLift: IDENTITY_MEAN };
      // Each window's own lift, as Σ mean / Σ QM on that window; the engine's on both.
      const own = windows.map((w) => {
        const alone = fitDistribution([w], { seed: 42 });
        return sums(w, alone).mean / sums(w, identity).mean;
      });
      const pooled =
        windows.reduce((a, w) => a + sums(w, d).mean, 0) / windows.reduce((a, w) => a + sums(w, identity).mean, 0);
      const target = [1, ...own].toSorted((a, b) => a - b)[Math.floor(own.length / 2 + 0.5)]!;
      const lambda = Math.abs(pooled - 1) < 1e-9 ? 1 : Math.min(1, Math.max(0, (target - 1) / (pooled - 1)));
      const row = biases.get(dataset) ?? new Map<string, number[]>();
      biases.set(dataset, row);
      const out = (
        [
          ['engine', d],
          ['identity', identity],
          ['median3', shrinkLift(d, lambda)],
        ] as const
      ).map(([name, model]) => {
        const s = sums(testWindow, model);
        const bias = (s.mean / s.y - 1) * 100;
        row.set(name, [...(row.get(name) ?? []), bias]);
        return `${name} ${bias.toFixed(1)} %`;
      });
      console.log(
        `${dataset} origin ${oi}: own lifts ${own.map((x) => x.toFixed(2)).join(', ')}, both ${pooled.toFixed(2)}, λ ${lambda.toFixed(2)}; test bias ${out.join(', ')}`,
      );
      continue;
    }
    const { rho, phiCommon, phiOwn } = d.dependence;
    const bare = { ...d, dependence: { rho, phiCommon, phiOwn } };
    const val = candidateValidationWindows(chosen, calibration).flatMap((w, i) => records(w, bare, i, 29 + 100 * i));
    const test = records(testWindow, bare, 9, 7919);
    const fns = ESTIMATORS.map(([, e]) => e(val, d.dependence));
    const kindsAll = [...new Set(val.map((x) => kindKey(x)))];
    const perOrigin: string[] = [];
    for (const k of kindsAll) {
      const t = test.filter((x) => kindKey(x) === k);
      if (t.length === 0) continue;
      const [kindName, bucket] = k.split('|');
      const key = `${dataset} | ${kindName} | ${bucket}`;
      const c = cells.get(key) ?? { n: 0, hits: ESTIMATORS.map(() => 0), is: ESTIMATORS.map(() => 0), absY: 0 };
      cells.set(key, c);
      for (const x of t) {
        c.n++;
        c.absY += Math.abs(x.y);
        fns.forEach((f, e) => {
          const kappa = f(x);
          if (x.r <= kappa) c.hits[e]!++;
          const side = x.y < x.mu ? x.lo : x.hi;
          c.is[e]! += kappa * (x.lo + x.hi) + 10 * Math.max(0, Math.abs(x.y - x.mu) - kappa * side);
        });
      }
      if (k.startsWith('all|'))
        perOrigin.push(
          `${k} κ ${fns.map((f) => f(t[0]!).toFixed(2)).join('/')} test r80 ${q80(t.map((x) => x.r)).toFixed(2)} val r80 ${q80(val.filter((x) => kindKey(x) === k).map((x) => x.r)).toFixed(2)}`,
        );
    }
    console.error(`${dataset} origin ${oi}: ${perOrigin.join('; ')}`);
  }
}
if (meansMode) {
  for (const [dataset, row] of biases) {
    const cols = [...row].map(([name, b]) => {
      const mean = b.reduce((a, x) => a + x, 0) / b.length;
      const abs = b.reduce((a, x) => a + Math.abs(x), 0) / b.length;
      return `${name} mean ${mean.toFixed(1)} %, mean |·| ${abs.toFixed(1)} %`;
    });
    console.log(`${dataset}: ${cols.join('; ')}`);
  }
  process.exit(0);
}
console.log(`| dataset | kind | bucket | n | ${ESTIMATORS.map(([n]) => `${n} cov / IS`).join(' | ')} |`);
const inRange = ESTIMATORS.map(() => 0);
const logIs = ESTIMATORS.map(() => 0);
for (const [key, c] of [...cells].toSorted()) {
  const cols = ESTIMATORS.map((_, e) => {
    const cov = c.hits[e]! / c.n;
    if (cov >= 0.75 && cov <= 0.85) inRange[e]!++;
    logIs[e]! += Math.log(c.is[e]! / c.is[0]!);
    return `${cov.toFixed(3)} / ${(c.is[e]! / c.absY).toFixed(4)}`;
  });
  console.log(`| ${key} | ${c.n} | ${cols.join(' | ')} |`);
}
console.log(
  `| in 75–85 % / mean log IS ratio | | | | ${ESTIMATORS.map((_, e) => `${inRange[e]} / ${((logIs[e]! / cells.size) * 100).toFixed(1)} %`).join(' | ')} |`,
);
