/**
 * The engine on data no shop should have but some will: scales of 1e-7 and 1e10, all zeros, a
 * constant, one spike, heavy tails, half the days missing, 10 points, returns, a money dataset
 * below zero, extreme quantile levels. Whatever `auto` chooses, every series gets a forecast whose
 * quantiles and means are finite, ordered by level and (units) never negative, and the total of all
 * series over the horizon is finite and ordered. A NaN or an Infinity here would reach a stored run,
 * a chart and a stock plan (the subnormal p50 of 237648e was found this way).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { aggregateQuantiles, Dependence } from '../../api/app/forecasts/quantile-aggregation.js';
import { buildPanel } from '../../api/forecasting/frames.js';
import { runForecastPipeline } from '../../api/forecasting/pipeline.js';
import { mulberry32 } from '../../api/forecasting/random.js';
import type { Frequency, RawSeries } from '../../api/forecasting/types.js';
import { generateRawSeries } from '../fixtures/forecasting/generate.js';
import { AUTO_WITHOUT_DEEP } from '../fixtures/forecasting/level-shift.js';
import { datedMembers } from '../fixtures/forecasting/members.js';

const base = (freq: Frequency, nSeries = 6, length?: number): RawSeries[] =>
  generateRawSeries({ nSeries, freq, seed: 1, promo: true, ...(length === undefined ? {} : { length }) });
const map = (raw: RawSeries[], f: (v: number, t: number, s: number) => number | null): RawSeries[] =>
  raw.map((s, i) => ({ ...s, values: s.values.map((v, t) => (v === null ? null : f(v, t, i))) }));

interface Case {
  readonly name: string;
  readonly raw: RawSeries[];
  readonly freq: Frequency;
  readonly horizon: number;
  readonly allowNegative?: boolean;
  readonly quantiles?: number[];
}

const random = mulberry32(9);
const CASES: Case[] = [
  { name: 'sales of 1e-7 units', raw: map(base('D'), (v) => v * 1e-7), freq: 'D', horizon: 14 },
  { name: 'sales of 1e10 units', raw: map(base('D'), (v) => v * 1e10), freq: 'D', horizon: 14 },
  { name: 'all zeros', raw: map(base('D'), () => 0), freq: 'D', horizon: 14 },
  { name: 'a constant', raw: map(base('D'), () => 5), freq: 'D', horizon: 14 },
  { name: 'one spike in zeros', raw: map(base('D'), (_v, t) => (t === 50 ? 1000 : 0)), freq: 'D', horizon: 14 },
  {
    name: 'Pareto tails',
    raw: map(base('D'), () => Math.floor(1 / Math.pow(random(), 1.5)) - 1),
    freq: 'D',
    horizon: 14,
  },
  {
    name: 'rare large lumps',
    raw: map(base('D'), () => (random() < 0.03 ? Math.round(random() * 500) : 0)),
    freq: 'D',
    horizon: 14,
  },
  { name: 'half the days missing', raw: map(base('D'), (v) => (random() < 0.5 ? null : v)), freq: 'D', horizon: 14 },
  { name: '10 days of history', raw: base('D', 4, 10), freq: 'D', horizon: 14 },
  { name: '20 weeks of history', raw: base('W', 4, 20), freq: 'W', horizon: 8 },
  { name: 'one series', raw: base('D', 1, 200), freq: 'D', horizon: 28 },
  {
    name: 'money below zero',
    raw: map(base('D'), (v) => v - 10),
    freq: 'D',
    horizon: 14,
    allowNegative: true,
  },
  { name: 'units with returns', raw: map(base('D'), (v, t) => (t % 17 === 0 ? -3 : v)), freq: 'D', horizon: 14 },
  {
    name: 'levels 0.01 to 0.99',
    raw: base('D'),
    freq: 'D',
    horizon: 14,
    quantiles: [0.01, 0.05, 0.5, 0.95, 0.99],
  },
  {
    name: 'zero series beside huge ones',
    raw: map(base('D'), (v, _t, s) => (s < 3 ? 0 : v * 1e6)),
    freq: 'D',
    horizon: 14,
  },
  {
    name: 'sales fading to zero',
    raw: map(base('D', 6, 200), (v, t) => Math.max(0, v * (1 - t / 150))),
    freq: 'D',
    horizon: 28,
  },
  {
    name: 'a hundredfold jump in the last 14 days',
    raw: map(base('D', 6, 200), (v, t) => (t > 185 ? v * 100 : v)),
    freq: 'D',
    horizon: 28,
  },
];

describe('the engine on pathological panels', () => {
  for (const c of CASES) {
    test(`${c.name}: finite, ordered${c.allowNegative ? '' : ', non-negative'} forecasts and total`, async () => {
      const panel = buildPanel(c.raw, c.freq);
      const levels = c.quantiles ?? [0.1, 0.5, 0.9];
      const r = await runForecastPipeline(panel, {
        model: 'auto',
        horizon: c.horizon,
        quantiles: levels,
        seed: 3,
        candidates: AUTO_WITHOUT_DEEP,
        ...(c.allowNegative ? { allowNegative: true } : {}),
      });
      assert.deepEqual(
        r.forecasts.map((f) => f.seriesId).toSorted(),
        c.raw.map((s) => s.id).toSorted(),
        'every series has a forecast',
      );
      let lowest = Number.POSITIVE_INFINITY;
      for (const f of r.forecasts) {
        assert.deepEqual(f.quantiles, levels);
        assert.equal(f.dates.length, c.horizon);
        for (let t = 0; t < c.horizon; t++) {
          const column = f.values.map((row) => row[t]!);
          const where = `${f.seriesId} ${f.dates[t]}: ${column.join(', ')}`;
          assert.ok(
            column.every((v) => Number.isFinite(v)),
            `finite quantiles (${where})`,
          );
          for (let k = 1; k < column.length; k++)
            assert.ok(column[k]! >= column[k - 1]!, `ordered by level (${where})`);
          lowest = Math.min(lowest, column[0]!);
          if (f.mean) {
            assert.ok(Number.isFinite(f.mean[t]!), `finite mean (${where}; mean ${f.mean[t]})`);
            if (!c.allowNegative) assert.ok(f.mean[t]! >= 0, `mean ≥ 0 (${where}; mean ${f.mean[t]})`);
          }
        }
      }
      if (c.allowNegative) assert.ok(lowest < 0, `money below zero keeps a negative p10 (${lowest})`);
      else assert.ok(lowest >= 0, `units are never negative (lowest ${lowest})`);
      const members = datedMembers(r.forecasts);
      const total = aggregateQuantiles(members, [0.1, 0.5, 0.9], {
        dependence: Dependence.FITTED,
        fitted: r.distribution?.dependence,
      });
      assert.ok(
        total.every((v) => Number.isFinite(v)),
        `finite total (${total.join(', ')})`,
      );
      assert.ok(total[0]! <= total[1]! && total[1]! <= total[2]!, `ordered total (${total.join(', ')})`);
      if (!c.allowNegative) assert.ok(total[0]! >= 0, `a total of units is never negative (${total.join(', ')})`);
    });
  }
});
