import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  fitDistribution,
  INDEPENDENT,
  marginalCdfRange,
  marginalMean,
  marginalOf,
  marginalQuantile,
  nonNegativeForecasts,
  normalCdf,
  normalQuantile,
  sampleTotals,
  spreadScores,
  totalQuantiles,
  type DependenceModel,
  type MemberPath,
  type ValidationWindow,
  windowMeans,
  withMeans,
} from '../../api/forecasting/distribution.js';
import { gridDates } from '../../api/forecasting/frames.js';
import { mulberry32 } from '../../api/forecasting/random.js';
import type { Panel, QuantileForecast } from '../../api/forecasting/types.js';

const LEVELS = [0.1, 0.5, 0.9];

// ── exact count distributions ──
function poissonPmf(lambda: number, kMax: number): number[] {
  const p = [Math.exp(-lambda)];
  for (let k = 1; k <= kMax; k++) p.push((p[k - 1]! * lambda) / k);
  return p;
}
/** Negative binomial pmf with mean mu and size r (variance mu + mu²/r). */
function negBinPmf(mu: number, r: number, kMax: number): number[] {
  const q = r / (r + mu);
  const p = [q ** r];
  for (let k = 1; k <= kMax; k++) p.push((p[k - 1]! * (k - 1 + r) * (1 - q)) / k);
  return p;
}
/** Smallest k with P(Y ≤ k) ≥ level (the quantile of a count). */
function pmfQuantile(pmf: readonly number[], level: number): number {
  let c = 0;
  for (let k = 0; k < pmf.length; k++) {
    c += pmf[k]!;
    if (c >= level - 1e-12) return k;
  }
  return pmf.length - 1;
}
function draw(pmf: readonly number[], u: number): number {
  let c = 0;
  for (let k = 0; k < pmf.length; k++) {
    c += pmf[k]!;
    if (u < c) return k;
  }
  return pmf.length - 1;
}
function normals(seed: number): () => number {
  const rnd = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(Math.max(rnd(), 1e-12))) * Math.cos(2 * Math.PI * rnd());
}

interface CountMember {
  readonly pmf: number[];
  readonly mean: number;
}
const poisson = (lambda: number): CountMember => ({ pmf: poissonPmf(lambda, 200), mean: lambda });
const negBin = (mu: number, r: number): CountMember => ({ pmf: negBinPmf(mu, r, 400), mean: mu });

/** The forecast a perfect quantile model gives: the exact quantiles (and, with `withMean`, the mean). */
function exactPath(m: CountMember, steps: number, withMean: boolean): MemberPath {
  const values = LEVELS.map((l) => pmfQuantile(m.pmf, l));
  const marginal = marginalOf({ levels: LEVELS, values, ...(withMean ? { mean: m.mean } : {}) });
  return { steps: Array.from({ length: steps }, () => marginal) };
}

/** Share of `actuals` inside [p10, p90] of the total. */
function coverage(actuals: readonly number[], lo: number, hi: number): number {
  return actuals.filter((y) => y >= lo && y <= hi).length / actuals.length;
}

describe('distribution: one member', () => {
  test('the normal CDF and quantile invert each other', () => {
    for (const p of [1e-6, 0.01, 0.1, 0.5, 0.9, 0.975, 0.999999]) {
      assert.ok(Math.abs(normalCdf(normalQuantile(p)) - p) < 1e-6 * Math.max(1, p * 100), `p ${p}`);
    }
    assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-5);
  });

  test('a stored mean sets the upper tail, and the marginal has that mean', () => {
    const m = marginalOf({ levels: LEVELS, values: [0, 0, 0], mean: 0.3 });
    assert.ok(Math.abs(marginalMean(m) - 0.3) < 1e-9);
    assert.equal(marginalQuantile(m, 0.5), 0);
    assert.ok(marginalQuantile(m, 0.99) > 0, 'an all-zero median series still sells in its tail');
    const flat = marginalOf({ levels: LEVELS, values: [2, 4, 10], mean: 8 });
    assert.ok(Math.abs(marginalMean(flat) - 8) < 1e-9);
    assert.ok(marginalQuantile(flat, 0.99) > 10);
    assert.equal(marginalQuantile(flat, 0.5), 4);
    assert.ok(Math.abs(marginalQuantile(flat, 0.3) - 3) < 1e-12);
  });

  test('without a mean the tails continue the spread; units never go below 0', () => {
    const m = marginalOf({ levels: LEVELS, values: [1, 4, 10] });
    assert.ok(marginalQuantile(m, 0.99) > 10);
    assert.ok(marginalQuantile(m, 0.01) >= 0);
    assert.ok(marginalQuantile(m, 0.05) < 1);
    const money = marginalOf({ levels: LEVELS, values: [-5, 0, 5] }, Number.NEGATIVE_INFINITY);
    assert.ok(marginalQuantile(money, 0.01) < -5);
  });

  test('a p10 a hair below a tiny p50 has a finite mean (its lower tail scale underflows)', () => {
    // Seen on M5 (HOBBIES_2_126_WI_2): p10 0.0044050, p50 0.0044149, p90 0.70. The lower tail's
    // scale is 6e-6, so the floor is reached at u* = 0.1·e^−711, a subnormal number: its mean came
    // out Infinity, the mean lift made it NaN, and every total it was in was NaN.
    const values = [0.004404985168360121, 0.0044149470759821475, 0.7049247425089782];
    const m = marginalOf({ levels: LEVELS, values });
    const mean = marginalMean(m);
    assert.ok(Number.isFinite(mean), `mean ${mean}`);
    // Within the tail's contribution (at most 0.1 × its scale) of the mean with a flat lower tail.
    const flat = marginalMean({ ...m, lowerScale: 0 });
    assert.ok(Math.abs(mean - flat) <= 0.1 * m.lowerScale + 1e-15, `${mean} vs ${flat}`);
    const withMean = marginalOf({ levels: LEVELS, values, mean: 0.2 });
    assert.ok(Math.abs(marginalMean(withMean) - 0.2) < 1e-9);
  });

  test('the CDF range of a point mass spans it', () => {
    const m = marginalOf({ levels: LEVELS, values: [0, 0, 3] });
    const [lo, hi] = marginalCdfRange(m, 0);
    assert.ok(lo < 1e-6 && Math.abs(hi - 0.5) < 1e-6, `${lo} ${hi}`);
    const [a, b] = marginalCdfRange(m, 1.5);
    assert.ok(Math.abs(a - 0.7) < 1e-6 && Math.abs(b - 0.7) < 1e-6);
  });

  test('a single member is exact; a comonotonic total adds quantiles', () => {
    const m = marginalOf({ levels: LEVELS, values: [2, 4, 10] });
    assert.deepEqual(totalQuantiles([{ steps: [m] }], 1, [0.1, 0.5, 0.9], INDEPENDENT), [2, 4, 10]);
    assert.deepEqual(totalQuantiles([{ steps: [m] }, { steps: [m] }], 1, [0.1, 0.9], 'comonotonic'), [4, 20]);
  });

  test('a return does not make unit quantiles negative', () => {
    const f: QuantileForecast = {
      seriesId: 'x',
      dates: ['2024-01-01', '2024-01-02'],
      quantiles: LEVELS,
      values: [Float64Array.of(-2.94, 0), Float64Array.of(0.5, 1), Float64Array.of(3, 4)],
    };
    const [units] = nonNegativeForecasts([f]);
    for (const row of units!.values) for (const v of row) assert.ok(v >= 0);
    assert.equal(units!.values[0]![0], 0);
    const [money] = nonNegativeForecasts([f], true);
    assert.equal(money!.values[0]![0], -2.94);
  });
});

describe('distribution: totals of simulated series with a known sum', () => {
  const seed = 20261206;

  test('40 independent Poisson series: the total has the mean and the quantiles of Poisson(Σλ)', () => {
    const rnd = mulberry32(seed);
    const members = Array.from({ length: 40 }, () => poisson(0.5 + 7.5 * rnd()));
    const lambda = members.reduce((a, m) => a + m.mean, 0);
    const paths = members.map((m) => exactPath(m, 1, true));
    const { total } = sampleTotals(paths, 1, INDEPENDENT, { samples: 4000, seed: 1 });
    const mean = total.reduce((a, b) => a + b, 0) / total.length;
    assert.ok(Math.abs(mean / lambda - 1) < 0.02, `mean ${mean} vs ${lambda}`);
    const [p10, p90] = totalQuantiles(paths, 1, [0.1, 0.9], INDEPENDENT, { samples: 4000, seed: 1 });
    const exact = poissonPmf(lambda, 1000);
    const e10 = pmfQuantile(exact, 0.1);
    const e90 = pmfQuantile(exact, 0.9);
    assert.ok(Math.abs(p10! - e10) <= 0.03 * lambda, `p10 ${p10} vs ${e10}`);
    assert.ok(Math.abs(p90! - e90) <= 0.03 * lambda, `p90 ${p90} vs ${e90}`);
    // 400 days of actual totals: the 80 % interval holds 75–85 % of them.
    const u = mulberry32(seed + 1);
    const actuals = Array.from({ length: 400 }, () => members.reduce((a, m) => a + draw(m.pmf, u()), 0));
    const cov = coverage(actuals, p10!, p90!);
    assert.ok(cov >= 0.75 && cov <= 0.85, `coverage ${cov}`);
    // Summing medians (what a naive total does) is far off the mean of the sum.
    const sumMedians = members.reduce((a, m) => a + pmfQuantile(m.pmf, 0.5), 0);
    assert.ok(sumMedians < lambda);
  });

  test('200 intermittent series (negative binomial), fitted on validation: the total is right where summed medians are 0', () => {
    const rnd = mulberry32(seed + 2);
    const members = Array.from({ length: 200 }, () => negBin(0.1 + 0.5 * rnd(), 0.2 + 0.6 * rnd()));
    const mu = members.reduce((a, m) => a + m.mean, 0);
    assert.equal(
      members.reduce((a, m) => a + pmfQuantile(m.pmf, 0.5), 0),
      0,
    );
    // History (84 days) and two validation windows of 28 days, then 10 test windows: i.i.d. days.
    const H = 28;
    const u = mulberry32(seed + 3);
    const days = 84 + 12 * H;
    const values = members.map((m) => Float64Array.from({ length: days }, () => draw(m.pmf, u())));
    const quantiles = members.map((m) => LEVELS.map((l) => pmfQuantile(m.pmf, l)));
    const window = (cut: number): ValidationWindow => ({
      panel: panelOf(values.map((v) => v.slice(0, cut))),
      actuals: new Map(values.map((v, i) => [`s${i}`, v.slice(cut, cut + H)])),
      forecasts: quantiles.map((q, i) => flatForecast(`s${i}`, q, cut, H)),
    });
    const model = fitDistribution([window(84), window(84 + H)], { seed: 1 });
    const hits: boolean[] = [];
    let meanSum = 0;
    let actualSum = 0;
    for (let w = 2; w < 12; w++) {
      const cut = 84 + w * H;
      const panel = panelOf(values.map((v) => v.slice(0, cut)));
      const fc = withMeans(
        quantiles.map((q, i) => flatForecast(`s${i}`, q, cut, H)),
        panel,
        model,
      );
      const paths = fc.map((f) => ({
        steps: f.dates.map((_, t) =>
          marginalOf({ levels: LEVELS, values: f.values.map((r) => r[t]!), mean: f.mean![t]! }),
        ),
      }));
      const { byStep } = sampleTotals(paths, H, model.dependence, { samples: 1000, seed: w });
      for (let t = 0; t < H; t++) {
        const actual = values.reduce((a, v) => a + v[cut + t]!, 0);
        const sorted = byStep[t]!.toSorted((a, b) => a - b);
        hits.push(actual >= sorted[100]! && actual <= sorted[900]!);
        meanSum += sorted.reduce((a, b) => a + b, 0) / sorted.length;
        actualSum += actual;
      }
    }
    assert.ok(Math.abs(meanSum / (10 * H) / mu - 1) < 0.05, `mean ${meanSum / (10 * H)} vs ${mu}`);
    assert.ok(Math.abs(meanSum / actualSum - 1) < 0.05, `mean ${meanSum} vs sold ${actualSum}`);
    const cov = hits.filter(Boolean).length / hits.length;
    assert.ok(cov >= 0.75 && cov <= 0.85, `coverage ${cov}, spread ${model.dependence.spread}`);
  });
});

/** A daily panel of series s0, s1, … from 2024-01-01, with the static attributes `statics(i)` gives. */
function panelOf(targets: readonly Float64Array[], statics?: (i: number) => Record<string, string>): Panel {
  return {
    freq: 'D',
    series: targets.map((target, i) => ({
      id: `s${i}`,
      start: '2024-01-01',
      target,
      covariates: {},
      statics: statics?.(i) ?? {},
    })),
    covariateNames: [],
    knownInAdvance: [],
    staticNames: statics && targets.length > 0 ? Object.keys(statics(0)) : [],
  };
}

function flatForecast(id: string, q: readonly number[], from: number, h: number): QuantileForecast {
  return {
    seriesId: id,
    dates: gridDates('2024-01-01', from, h, 'D'),
    quantiles: LEVELS,
    values: q.map((v) => new Float64Array(h).fill(v)),
  };
}

/**
 * The window of H days after grid point `cut` of `values` (series s0, s1, …): its history panel,
 * what sold, and flat forecasts of each series' `quantiles`.
 */
function flatWindow(
  values: readonly Float64Array[],
  quantiles: readonly (readonly number[])[],
  cut: number,
  H: number,
  statics?: (i: number) => Record<string, string>,
): ValidationWindow {
  return {
    panel: panelOf(
      values.map((v) => v.slice(0, cut)),
      statics,
    ),
    actuals: new Map(values.map((v, i) => [`s${i}`, v.slice(cut, cut + H)])),
    forecasts: values.map((_, i) => flatForecast(`s${i}`, quantiles[i]!, cut, H)),
  };
}

/** The paths of series `idx` of a window's forecasts (with means), as the API sums them. */
function pathsOf(forecasts: readonly QuantileForecast[], idx: readonly number[]): MemberPath[] {
  return idx.map((i) => ({
    steps: forecasts[i]!.dates.map((_, t) =>
      marginalOf({ levels: LEVELS, values: forecasts[i]!.values.map((r) => r[t]!), mean: forecasts[i]!.mean![t]! }),
    ),
  }));
}

/**
 * Whether each day's total of `paths` and each 7-day week's held what sold (`actual`, by day)
 * inside its sampled 10–90 % interval (400 samples; seeds `seed + t` and `seed + 100 + k`). As the
 * API sums them: a day's total from that day's members, a week's from its 7 days.
 */
function totalHits(
  paths: readonly MemberPath[],
  actual: readonly number[],
  dependence: DependenceModel,
  seed: number,
  options: { kind?: string } = {},
): { days: boolean[]; weeks: boolean[] } {
  const days: boolean[] = [];
  const weeks: boolean[] = [];
  for (let t = 0; t < actual.length; t++) {
    const day = paths.map((p) => ({ steps: [p.steps[t]] }));
    const s = sampleTotals(day, 1, dependence, { samples: 400, seed: seed + t, ...options }).total.toSorted(
      (a, b) => a - b,
    );
    days.push(actual[t]! >= s[40]! && actual[t]! <= s[360]!);
  }
  for (let k = 0; k + 7 <= actual.length; k += 7) {
    const week = paths.map((p) => ({ steps: p.steps.slice(k, k + 7) }));
    const s = sampleTotals(week, 7, dependence, { samples: 400, seed: seed + 100 + k, ...options }).total.toSorted(
      (a, b) => a - b,
    );
    let y = 0;
    for (let t = k; t < k + 7; t++) y += actual[t]!;
    weeks.push(y >= s[40]! && y <= s[360]!);
  }
  return { days, weeks };
}

/**
 * A panel of `n` series whose days share a common shock: y_{i,t} ~ Poisson(λ_i · exp(σF_t − σ²/2)),
 * F_t ~ N(0, 1) (AR(1) with `phi` across days): correlated series whose marginal mean is λ_i.
 */
function correlatedPanel(n: number, days: number, sigma: number, phi: number, seed: number) {
  const rnd = mulberry32(seed);
  const z = normals(seed + 1);
  const lambdas = Array.from({ length: n }, () => 1 + 6 * rnd());
  const shock = new Float64Array(days);
  for (let t = 0; t < days; t++) shock[t] = t === 0 ? z() : phi * shock[t - 1]! + Math.sqrt(1 - phi * phi) * z();
  const values = lambdas.map((l) =>
    Float64Array.from(shock, (f) => {
      const rate = l * Math.exp(sigma * f - (sigma * sigma) / 2);
      return draw(poissonPmf(rate, Math.ceil(rate * 6 + 30)), rnd());
    }),
  );
  return { lambdas, values };
}

/** The marginal quantiles of the mixed Poisson above (by simulation, many draws). */
function mixedQuantiles(lambda: number, sigma: number, seed: number): number[] {
  const rnd = mulberry32(seed);
  const z = normals(seed + 7);
  const draws = Array.from({ length: 4000 }, () => {
    const rate = lambda * Math.exp(sigma * z() - (sigma * sigma) / 2);
    return draw(poissonPmf(rate, Math.ceil(rate * 6 + 30)), rnd());
  }).toSorted((a, b) => a - b);
  return LEVELS.map((l) => draws[Math.min(draws.length - 1, Math.floor(l * draws.length))]!);
}

const share = (x: boolean[]): number => x.filter(Boolean).length / x.length;
/** The size class (SPREAD_SIZE_CLASSES) of a total of `members` series, as the tests name it. */
const classOf = (members: number): string => (members >= 50 ? '50+' : members >= 10 ? '10-49' : '2-9');

describe('distribution: correlated members, dependence fitted on validation', () => {
  test('a common shock is estimated and the daily and weekly totals cover 75–85 %', () => {
    const n = 60;
    const H = 28;
    const sigma = 0.25;
    const phi = 0.5;
    const history = 56;
    // One panel: 6 validation windows of H after `history` days, then 12 test windows. (Three
    // windows, 84 days of one AR(1) shock, estimate φ_common too noisily for weekly totals.)
    const validationWindows = 6;
    const windowsCount = validationWindows + 12;
    const { lambdas, values } = correlatedPanel(n, history + windowsCount * H, sigma, phi, 42);
    const quantiles = lambdas.map((l, i) => mixedQuantiles(l, sigma, 100 + i));
    const windowAt = (w: number): ValidationWindow => flatWindow(values, quantiles, history + w * H, H);
    const model = fitDistribution(
      Array.from({ length: validationWindows }, (_, i) => windowAt(i)),
      { seed: 1 },
    );
    assert.ok(model.dependence.rho > 0.05, `rho ${model.dependence.rho}`);
    assert.ok(model.dependence.phiCommon > 0.2, `phi ${model.dependence.phiCommon}`);
    // Test windows: the total of all series, by day and by 7-day week.
    const dayHits: boolean[] = [];
    const weekHits: boolean[] = [];
    const independentHits: boolean[] = [];
    let sampledMean = 0;
    const trueMean = lambdas.reduce((a, b) => a + b, 0) * H * (windowsCount - validationWindows);
    for (let w = validationWindows; w < windowsCount; w++) {
      const cut = history + w * H;
      // The product's path: the fitted mean model on each series' history, then the marginals.
      const testWindow = windowAt(w);
      const fc = withMeans(testWindow.forecasts, testWindow.panel, model);
      const paths = pathsOf(
        fc,
        fc.map((_, i) => i),
      );
      const dep: DependenceModel = model.dependence;
      const daily = sampleTotals(paths, H, dep, { samples: 800, seed: w });
      const indep = sampleTotals(paths, H, INDEPENDENT, { samples: 800, seed: w });
      for (let t = 0; t < H; t++) {
        const actual = values.reduce((a, v) => a + v[cut + t]!, 0);
        const s = daily.byStep[t]!.toSorted((a, b) => a - b);
        dayHits.push(actual >= s[80]! && actual <= s[720]!);
        const si = indep.byStep[t]!.toSorted((a, b) => a - b);
        independentHits.push(actual >= si[80]! && actual <= si[720]!);
        sampledMean += s.reduce((a, b) => a + b, 0) / s.length;
      }
      for (let k = 0; k + 7 <= H; k += 7) {
        const week = paths.map((p) => ({ steps: p.steps.slice(k, k + 7) }));
        const sums = sampleTotals(week, 7, dep, { samples: 800, seed: 1000 + w * 10 + k }).total.toSorted(
          (a, b) => a - b,
        );
        let actual = 0;
        for (let t = k; t < k + 7; t++) actual += values.reduce((a, v) => a + v[cut + t]!, 0);
        weekHits.push(actual >= sums[80]! && actual <= sums[720]!);
      }
    }
    assert.ok(Math.abs(sampledMean / trueMean - 1) < 0.05, `mean ${sampledMean} vs ${trueMean}`);
    const note = `daily ${share(dayHits)}, weekly ${share(weekHits)}, ${JSON.stringify(model.dependence)}`;
    assert.ok(share(dayHits) >= 0.75 && share(dayHits) <= 0.85, note);
    assert.ok(share(weekHits) >= 0.7 && share(weekHits) <= 0.9, note);
    assert.ok(share(independentHits) < 0.6, `independent coverage ${share(independentHits)}`);
  });
});

describe('distribution: group totals of every size, by day and by week', () => {
  test('members whose intervals are too wide: κ per size class keeps small and large totals at 75–85 %', () => {
    // Groups of 4, 12 and 72 series (size classes 2–9, 10–49, 50–249) under one common shock.
    const sizes = [4, 4, 4, 4, 12, 12, 12, 72];
    const n = sizes.reduce((a, b) => a + b, 0);
    const groupOf = sizes.flatMap((size, g) => Array.from({ length: size }, () => `g${g}`));
    const H = 28;
    const sigma = 0.2;
    const phi = 0.3;
    const history = 56;
    const validationWindows = 6;
    const windowsCount = validationWindows + 12;
    const { lambdas, values } = correlatedPanel(n, history + windowsCount * H, sigma, phi, 7);
    // Each member's 10–90 % interval 40 % wider than the truth, around the true median (what a
    // conservatively calibrated model gives): small totals come out too wide.
    const quantiles = lambdas.map((l, i) => {
      const [q10, q50, q90] = mixedQuantiles(l, sigma, 300 + i) as [number, number, number];
      return [Math.max(0, q50 - 1.4 * (q50 - q10)), q50, q50 + 1.4 * (q90 - q50)];
    });
    const windowAt = (w: number): ValidationWindow =>
      flatWindow(values, quantiles, history + w * H, H, (i) => ({ store: groupOf[i]! }));
    const model = fitDistribution(
      Array.from({ length: validationWindows }, (_window, w) => windowAt(w)),
      { seed: 3 },
    );
    const bySize = model.dependence.spreadBySize ?? [];
    assert.deepEqual(
      bySize.map((c) => `${c.minSeries}${c.multiStep ? '+' : ''}`),
      ['2', '10', '50', '2+', '10+', '50+'],
      JSON.stringify(model.dependence),
    );
    const { spreadBySize: _classes, ...oneSpread } = model.dependence;
    // Test windows: every group and the total of all series, by day and by 7-day week.
    const groups = [...sizes.map((_, g) => `g${g}`), 'all'];
    const hits = { size: new Map<string, boolean[]>(), one: new Map<string, boolean[]>() };
    const record = (which: 'size' | 'one', key: string, hit: boolean): void => {
      const list = hits[which].get(key) ?? [];
      list.push(hit);
      hits[which].set(key, list);
    };
    for (let w = validationWindows; w < windowsCount; w++) {
      const cut = history + w * H;
      const testWindow = windowAt(w);
      const fc = withMeans(testWindow.forecasts, testWindow.panel, model);
      for (const g of groups) {
        const idx = values.map((_, i) => i).filter((i) => g === 'all' || groupOf[i] === g);
        const paths = pathsOf(fc, idx);
        const actual = Array.from({ length: H }, (_, t) => idx.reduce((a, i) => a + values[i]![cut + t]!, 0));
        for (const [which, dep] of [
          ['size', model.dependence],
          ['one', oneSpread],
        ] as const) {
          const { days, weeks } = totalHits(paths, actual, dep, 7919 * w + g.length + idx.length);
          for (const hit of days) record(which, `${classOf(idx.length)}|day`, hit);
          for (const hit of weeks) record(which, `${classOf(idx.length)}|week`, hit);
        }
      }
    }
    const report = (which: 'size' | 'one'): string =>
      [...hits[which]].map(([k, v]) => `${k} ${share(v).toFixed(3)} (${v.length})`).join(', ');
    const note = `by size: ${report('size')}; one κ: ${report('one')}; ${JSON.stringify(model.dependence)}`;
    for (const size of ['2-9', '10-49', '50+']) {
      // 28 × 12 days per group (1,344 small-group days, 672 large): 75–85 %; weeks are 7 times
      // fewer (96–192), hence 70–90 % as for the all-series weeks above.
      const day = share(hits.size.get(`${size}|day`)!);
      const week = share(hits.size.get(`${size}|week`)!);
      assert.ok(day >= 0.75 && day <= 0.85, `${size} days: ${note}`);
      assert.ok(week >= 0.7 && week <= 0.9, `${size} weeks: ${note}`);
    }
    // One κ for every total: the small groups' days come out too wide (their members' own
    // intervals set their spread), which the size classes correct.
    assert.ok(share(hits.one.get('2-9|day')!) > 0.85, `one κ: ${note}`);
  });
});

describe('distribution: groups of two attributes that move differently', () => {
  test("a store's series share a shock, a department's do not: κ per kind keeps both at 75–85 % where one κ per size class cannot", () => {
    // 8 stores × 8 departments: every group of either attribute has 8 series (one size class).
    // y ~ Poisson(λ · exp(σ·F_store,t − σ²/2)), F AR(1) per store, nothing shared by a department.
    const stores = 8;
    const depts = 8;
    const n = stores * depts;
    const H = 28;
    const sigma = 0.35;
    const phi = 0.3;
    const history = 56;
    const validationWindows = 6;
    const windowsCount = validationWindows + 12;
    const days = history + windowsCount * H;
    const rnd = mulberry32(11);
    const z = normals(12);
    const lambdas = Array.from({ length: n }, () => 2 + 8 * rnd());
    const shocks = Array.from({ length: stores }, () => {
      const f = new Float64Array(days);
      for (let t = 0; t < days; t++) f[t] = t === 0 ? z() : phi * f[t - 1]! + Math.sqrt(1 - phi * phi) * z();
      return f;
    });
    const storeOf = (i: number): number => Math.floor(i / depts);
    const deptOf = (i: number): number => i % depts;
    const values = lambdas.map((l, i) =>
      Float64Array.from(shocks[storeOf(i)]!, (f) => {
        const rate = l * Math.exp(sigma * f - (sigma * sigma) / 2);
        return draw(poissonPmf(rate, Math.ceil(rate * 6 + 30)), rnd());
      }),
    );
    // The exact marginal quantiles: every miss of a total is the dependence's.
    const quantiles = lambdas.map((l, i) => mixedQuantiles(l, sigma, 500 + i));
    const windowAt = (w: number): ValidationWindow =>
      flatWindow(values, quantiles, history + w * H, H, (i) => ({ store: `S${storeOf(i)}`, dept: `D${deptOf(i)}` }));
    const model = fitDistribution(
      Array.from({ length: validationWindows }, (_window, w) => windowAt(w)),
      { seed: 5 },
    );
    const byKind = model.dependence.spreadByKind ?? [];
    const kappa = (kind: string, multiStep: boolean): number =>
      byKind.find((c) => c.kind === kind && c.multiStep === multiStep)?.spread ?? Number.NaN;
    const note0 = JSON.stringify(model.dependence);
    // A store's total needs a wider spread than one factor shared by all 64 series gives it; a
    // department's (8 independent stores) a narrower one.
    assert.ok(kappa('store', false) > kappa('dept', false) + 0.3, note0);
    const hits = new Map<string, boolean[]>();
    const record = (key: string, hit: boolean): void => {
      const list = hits.get(key) ?? [];
      list.push(hit);
      hits.set(key, list);
    };
    for (let w = validationWindows; w < windowsCount; w++) {
      const cut = history + w * H;
      const testWindow = windowAt(w);
      const fc = withMeans(testWindow.forecasts, testWindow.panel, model);
      for (const [kind, count, member] of [
        ['store', stores, storeOf],
        ['dept', depts, deptOf],
      ] as const) {
        for (let g = 0; g < count; g++) {
          const idx = values.map((_, i) => i).filter((i) => member(i) === g);
          const paths = pathsOf(fc, idx);
          const actual = Array.from({ length: H }, (_, t) => idx.reduce((a, i) => a + values[i]![cut + t]!, 0));
          for (const [how, options] of [
            ['kind', { kind }],
            ['size', {}],
          ] as const) {
            const seed = 104_729 * w + 31 * g + kind.length;
            const held = totalHits(paths, actual, model.dependence, seed, options);
            for (const hit of held.days) record(`${kind}|${how}|day`, hit);
            for (const hit of held.weeks) record(`${kind}|${how}|week`, hit);
          }
        }
      }
    }
    const note = `${[...hits].map(([k, v]) => `${k} ${share(v).toFixed(3)} (${v.length})`).join(', ')}; ${note0}`;
    // 8 groups × 28 days × 12 windows = 2,688 days per kind, 384 weeks.
    for (const kind of ['store', 'dept']) {
      const day = share(hits.get(`${kind}|kind|day`)!);
      const week = share(hits.get(`${kind}|kind|week`)!);
      assert.ok(day >= 0.75 && day <= 0.85, `${kind} days: ${note}`);
      assert.ok(week >= 0.7 && week <= 0.9, `${kind} weeks: ${note}`);
    }
    // One κ for the size class: the stores' days too narrow, the departments' too wide.
    assert.ok(share(hits.get('store|size|day')!) < 0.75, note);
    assert.ok(share(hits.get('dept|size|day')!) > 0.85, note);
  });
});

/** Grid point t of a daily panel from Monday 2024-01-01 is a Saturday. */
const saturday = (t: number): boolean => t % 7 === 5;

describe('distribution: structural zeros in the validation windows', () => {
  test('a closed day is known, not forecast: its mean is 0 in the fit, it scores no total, and a week holding it still counts', () => {
    // 30 series that never sell on a Saturday (the demo shop), Poisson on the other days.
    const n = 30;
    const H = 28;
    const start = '2024-01-01'; // a Monday
    const days = 56 + 3 * H;
    const rnd = mulberry32(3);
    const lambdas = Array.from({ length: n }, () => 2 + 6 * rnd());
    const values = lambdas.map((l) =>
      Float64Array.from({ length: days }, (_, t) => (saturday(t) ? 0 : draw(poissonPmf(l, 60), rnd()))),
    );
    const dates = gridDates(start, 0, days, 'D');
    const closed = new Set(dates.filter((_, t) => saturday(t)));
    const windowAt = (w: number): ValidationWindow => {
      const cut = 56 + w * H;
      return {
        panel: panelOf(values.map((v) => v.slice(0, cut))),
        actuals: new Map(values.map((v, i) => [`s${i}`, v.slice(cut, cut + H)])),
        // Finished as a run finishes them: exact Poisson quantiles, 0 on the closed days.
        forecasts: lambdas.map((l, i) => ({
          seriesId: `s${i}`,
          dates: gridDates(start, cut, H, 'D'),
          quantiles: LEVELS,
          values: LEVELS.map((level) =>
            Float64Array.from({ length: H }, (_, t) => (saturday(cut + t) ? 0 : pmfQuantile(poissonPmf(l, 60), level))),
          ),
        })),
        skip: (_id, date) => closed.has(date),
      };
    };
    const windows = [windowAt(0), windowAt(1)];
    // A mean model that leans on the recent level (β > 0), as fitted models often do.
    const model = {
      version: 1 as const,
      meanLift: { pooled: { alpha: 0.8, beta: 0.3 }, byClass: {} },
      dependence: INDEPENDENT,
      points: 0,
    };
    const plain = withMeans(windows[0]!.forecasts, windows[0]!.panel, model);
    const means = windowMeans(windows[0]!, model);
    const sat = windows[0]!.forecasts[0]!.dates.findIndex((d) => closed.has(d));
    assert.ok(plain[0]!.mean![sat]! > 1, `withMeans alone gives a closed day β·h: ${plain[0]!.mean![sat]}`);
    assert.equal(means[0]!.mean![sat], 0);
    assert.equal(means[0]!.mean![sat + 1], plain[0]!.mean![sat + 1]);
    // Totals over all series: one score per open day (24 of 28 a window), and 4 weeks a window.
    const scores = spreadScores(windows, model, { means: windows.map((w) => windowMeans(w, model)) });
    assert.equal(scores.filter((x) => x.kind === 'all' && !x.multiStep).length, 2 * 24);
    assert.equal(scores.filter((x) => x.kind === 'all' && x.multiStep).length, 2 * 4);
    // Every 7-day block holds a Saturday: one series' own κ is still fitted from them.
    const fitted = fitDistribution(windows, { seed: 1 });
    assert.ok(fitted.dependence.ownSpread !== undefined, JSON.stringify(fitted.dependence));
  });
});
