/**
 * Per-point explanations (explain.ts) on the synthetic store × brand panel with two planted
 * drivers: sales 2.5 × in the week of Black Friday every year, and an own-price elasticity of −2.
 * One series gets a 20 % price cut in the Black Friday week of its forecast: its explanation must
 * name both, raising the forecast, and agree with the model's global permutation ranking.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { initBackend } from '../../api/forecasting/backend.js';
import { createDeepForecaster } from '../../api/forecasting/deep/index.js';
import { explainPoint, neutralValue } from '../../api/forecasting/explain.js';
import { calendarFeatures } from '../../api/forecasting/features.js';
import { gridDates, rollingOriginSplit } from '../../api/forecasting/frames.js';
import { permutationImportance } from '../../api/forecasting/pipeline.js';
import type { GlobalForecaster, Panel, SeriesFrame } from '../../api/forecasting/types.js';
import { pricePanel } from '../fixtures/forecasting/price-panel.js';

const H = 4;
// 148 weeks from 2021-01-04: the forecast weeks (2023-11-06 … 2023-11-27) hold Black Friday's.
const pp = pricePanel({
  stores: 10,
  brands: 6,
  weeks: 148,
  future: H,
  seed: 1,
  elasticity: -2,
  deal: 0,
  dealElasticity: 0,
  display: 0,
  cross: 0,
});
const first = pp.panel.series[0]!;
const allDates = gridDates(first.start, 0, first.target.length + H, 'W');
const block = calendarFeatures(allDates, 'W');
const bfCol = block.names.indexOf('black_friday');
const isBf = allDates.map((_, i) => block.values[i * block.names.length + bfCol] === 1);
const bfFuture = isBf.findIndex((b, i) => b && i >= first.target.length);
const target = first.id;
const panel: Panel = {
  ...pp.panel,
  series: pp.panel.series.map((s): SeriesFrame => {
    const y = Float64Array.from(s.target, (v, t) => (isBf[t] ? Math.round(v * 2.5) : v));
    if (s.id !== target) return { ...s, target: y };
    // The target series: its regular price on the forecast weeks, 20 % off in Black Friday's.
    const reg = pp.regular.get(s.id)!;
    const price = Float64Array.from(s.covariates.price!);
    for (let t = s.target.length; t < price.length; t++) price[t] = t === bfFuture ? reg[t]! * 0.8 : reg[t]!;
    return { ...s, target: y, covariates: { ...s.covariates, price } };
  }),
};
const bfDate = allDates[bfFuture]!;
const make = (): GlobalForecaster => createDeepForecaster('mlp', { windows: 3000, hidden: 32, epochs: 12, seed: 1 });
const fit = { horizon: H, quantiles: [0.1, 0.5, 0.9], seed: 1 };

describe('explainPoint', () => {
  before(async () => {
    await initBackend('wasm');
  });

  test('names the planted holiday and the price cut, both raising the forecast', async () => {
    assert.ok(bfFuture >= first.target.length, 'Black Friday is a forecast week');
    const m = make();
    try {
      await m.fit(panel, fit);
      const r = await explainPoint(m, panel, target, bfDate, { inputs: undefined });
      const effect = (f: string): number => r.effects.find((e) => e.feature === f)?.effect ?? Number.NaN;
      const text = r.effects.map((e) => `${e.feature} ${e.effect.toFixed(1)}`).join(', ');
      process.stdout.write(`# ${target} on ${bfDate}: forecast ${r.forecast.toFixed(1)}; ${text}\n`);
      assert.equal(r.date, bfDate);
      // Weekly data: Thanksgiving, Black Friday and Cyber Monday fall in one week, and the model
      // cannot tell them apart (the same weeks in every year); their effects together are the planted one.
      const week = effect('holiday:black_friday') + effect('holiday:thanksgiving') + effect('holiday:cyber_monday');
      assert.ok(effect('holiday:black_friday') > 0, `Black Friday raises it: ${text}`);
      assert.ok(week > 0.15 * r.forecast, `the Black Friday week raises it: ${text}`);
      assert.ok(effect('covariate:price') > 0.05 * r.forecast, `the price cut raises it: ${text}`);
      const price = r.effects.find((e) => e.feature === 'covariate:price')!;
      assert.ok(price.value! < price.neutral!, 'the price on the date is below its neutral (usual) value');
      assert.equal(price.label, 'Price');
      const top = r.effects.slice(0, 4).map((e) => e.feature);
      assert.ok(top.includes('holiday:black_friday') && top.includes('covariate:price'), `top 4: ${top.join(', ')}`);

      // A week without a holiday or a cut: the Black Friday effect is small there.
      const quiet = allDates[first.target.length]!;
      const q = await explainPoint(m, panel, target, quiet, { inputs: undefined });
      const bfQuiet = q.effects.find((e) => e.feature === 'holiday:black_friday')!.effect;
      assert.ok(Math.abs(bfQuiet) < effect('holiday:black_friday') / 3, `off Black Friday: ${bfQuiet}`);

      await assert.rejects(() => explainPoint(m, panel, target, '1999-01-04', { inputs: undefined }), /forecast date/);
    } finally {
      m.dispose();
    }
  });

  test("agrees with the model's global ranking: groups it finds important move points, the others hardly", async () => {
    const window = rollingOriginSplit(panel, H, 1).windows.at(-1)!;
    const global = await permutationImportance(make, window, fit, 3);
    const m = make();
    try {
      await m.fit(panel, fit);
      // Mean |effect| per group over 12 series and the forecast weeks without a holiday (the
      // global window, the last weeks of history, has none either).
      const sums = new Map<string, number>();
      for (const s of panel.series.slice(0, 12)) {
        for (let h = 0; h < H; h++) {
          if (isBf[s.target.length + h]) continue;
          const r = await explainPoint(m, panel, s.id, allDates[s.target.length + h]!, { inputs: undefined });
          for (const e of r.effects) sums.set(e.feature, (sums.get(e.feature) ?? 0) + Math.abs(e.effect));
        }
      }
      const local = [...sums].toSorted((a, b) => b[1] - a[1]).map(([f]) => f);
      const important = global.dataset.filter((e) => e.importance >= 0.05).map((e) => e.feature);
      const negligible = global.dataset.filter((e) => e.importance < 0.005).map((e) => e.feature);
      process.stdout.write(
        `# global ${global.dataset.map((e) => `${e.feature} ${(e.importance * 100).toFixed(1)}%`).join(', ')}\n# local ${local.join(', ')}\n`,
      );
      assert.ok(important.length > 0);
      for (const f of important) {
        for (const g of negligible) {
          if (!sums.has(g) || !sums.has(f)) continue;
          assert.ok(sums.get(f)! > sums.get(g)!, `${f} moves points more than ${g}`);
        }
      }
    } finally {
      m.dispose();
    }
  });

  test('the neutral value of a 0/1 flag is 0, of a price its median', () => {
    const s = panel.series[1]!;
    assert.equal(neutralValue(s, 'deal'), 0);
    const hist = Array.from(s.covariates.price!.subarray(0, s.target.length)).toSorted((a, b) => a - b);
    const mid = hist.length >> 1;
    const med = hist.length % 2 ? hist[mid]! : (hist[mid - 1]! + hist[mid]!) / 2;
    assert.equal(neutralValue(s, 'price'), med);
  });
});
