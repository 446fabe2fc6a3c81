/**
 * Where the totals' κ goes wrong (issue 13, totals): per dataset, origin and kind of total
 * (attribute × step or 7-step block), the κ its own validation totals would ask for, the κ the
 * test window's totals ask for, and the κ the run serves them (its size class's): so whether a
 * miss is a kind mixed with others in its size class (validation and test agree on the kind, not
 * with the class) or windows unlike the test (validation and test disagree).
 *
 *   npx tsx bench/totals-kinds.ts --cache DIR    (DIR written by bench/accuracy-totals.ts --cache)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
import {
  fitDistribution,
  kindKey,
  spreadFor,
  spreadOfScores,
  spreadScores,
  type DistributionModel,
  type SpreadScore,
} from '../api/forecasting/distribution.js';
import { candidateValidationWindows, finishForecasts } from '../api/forecasting/pipeline.js';

const args = process.argv.slice(2);
const dir = args[args.indexOf('--cache') + 1]!;

/** The 80 % point of scores. */
function q80(scores: readonly number[]): number {
  const s = scores.toSorted((a, b) => a - b);
  return s[Math.max(0, Math.ceil(0.8 * s.length) - 1)] ?? Number.NaN;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Share of test scores within the κ served to each. */
const cover = (test: readonly number[], kappa: readonly number[]): string =>
  (test.filter((r, i) => r <= kappa[i]!).length / test.length).toFixed(3);

for (const file of readdirSync(dir).filter((f) => f.endsWith('.v8'))) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const { captured } = deserialize(readFileSync(`${dir}/${file}`)) as { captured: any[] };
  const byKind = new Map<
    string,
    { val: number[]; test: number[]; served: number[]; byKind: number[]; cross: number[]; n: number }
  >();
  for (const o of captured) {
    if (!o.chosen) continue;
    const windows = candidateValidationWindows(o.chosen, o.calibration);
    const dist: DistributionModel = fitDistribution(windows, { seed: 42 });
    const { rho, phiCommon, phiOwn } = dist.dependence;
    const unit: DistributionModel = { ...dist, dependence: { rho, phiCommon, phiOwn } };
    const val = spreadScores(windows, unit);
    const after = finishForecasts(o.unfinished, o.window.panel, dist);
    const test = spreadScores([{ panel: o.window.panel, actuals: o.window.actuals, forecasts: after }], unit, {
      means: [after],
    });
    // Cross-fitted: each validation window scored under the model fitted on the other(s).
    const cross: SpreadScore[] = [];
    if (windows.length > 1) {
      windows.forEach((w, i) => {
        const others = windows.filter((_, j) => j !== i);
        const d = fitDistribution(others, { seed: 42 });
        const u: DistributionModel = {
          ...d,
          dependence: { rho: d.dependence.rho, phiCommon: d.dependence.phiCommon, phiOwn: d.dependence.phiOwn },
        };
        cross.push(...spreadScores([w], u));
      });
    }
    const crossSpread = spreadOfScores(cross);
    const crossDependence = { ...dist.dependence, spread: crossSpread.spread, spreadBySize: crossSpread.bySize };
    const add = (xs: readonly SpreadScore[], key: 'val' | 'test'): void => {
      for (const x of xs) {
        const k = kindKey(x);
        let e = byKind.get(k);
        if (!e) byKind.set(k, (e = { val: [], test: [], served: [], byKind: [], cross: [], n: 0 }));
        e[key].push(x.r);
        if (key === 'test') {
          e.served.push(spreadFor(dist.dependence, x.size, x.multiStep ? 7 : 1));
          e.byKind.push(spreadFor(dist.dependence, x.size, x.multiStep ? 7 : 1, x.kind));
          e.cross.push(spreadFor(crossDependence, x.size, x.multiStep ? 7 : 1));
          e.n = x.size;
        }
      }
    };
    add(val, 'val');
    add(test, 'test');
    process.stdout.write(
      `${file} origin ${o.origin}: rho ${rho.toFixed(3)} phiC ${phiCommon.toFixed(2)} phiO ${phiOwn.toFixed(2)} kappa ${JSON.stringify(dist.dependence.spreadBySize?.map((c) => [c.minSeries, c.multiStep ? 'wk' : 'd', +c.spread.toFixed(2)]))} cross ${JSON.stringify(crossSpread.bySize.map((c) => [c.minSeries, c.multiStep ? 'wk' : 'd', +c.spread.toFixed(2)]))}\n`,
    );
  }
  process.stdout.write(
    `| ${file} kind | validation scores | κ validation asks | κ test asks | κ by size class | cov80 | κ by kind | cov80 | κ cross-fitted | cov80 |\n`,
  );
  for (const [k, e] of byKind) {
    process.stdout.write(
      `| ${k} | ${e.val.length} | ${q80(e.val).toFixed(2)} | ${q80(e.test).toFixed(2)} | ${mean(e.served).toFixed(2)} | ${cover(e.test, e.served)} | ${mean(e.byKind).toFixed(2)} | ${cover(e.test, e.byKind)} | ${mean(e.cross).toFixed(2)} | ${cover(e.test, e.cross)} |\n`,
    );
  }
}
