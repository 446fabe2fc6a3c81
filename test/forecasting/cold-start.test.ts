import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { coldStartForecasts, covariateEffects, SHORT_HISTORY } from '../../api/forecasting/cold-start.js';
import { addSteps, buildPanel } from '../../api/forecasting/frames.js';
import { runForecastPipeline } from '../../api/forecasting/pipeline.js';
import type { QuantileForecast, RawSeries } from '../../api/forecasting/types.js';

const Q = [0.1, 0.5, 0.9];
/** A Monday: day 0 of every series below. */
const T0 = '2024-01-01';

/** A deterministic pseudo-random stream in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A raw daily series from day `from` (offset from T0) to day `to` (exclusive), values from `f`
 * (null: a future row with covariates only), a price from `price`, static attributes.
 */
function raw(
  id: string,
  statics: Record<string, string>,
  from: number,
  to: number,
  f: (age: number, day: number) => number | null,
  price?: (day: number) => number,
): RawSeries {
  const dates: string[] = [];
  const values: (number | null)[] = [];
  const prices: (number | null)[] = [];
  for (let d = from; d < to; d++) {
    dates.push(addSteps(T0, d, 'D'));
    values.push(f(d - from, d));
    prices.push(price ? price(d) : 1);
  }
  return { id, statics, dates, values, covariates: { price: prices } };
}

const saturday = (day: number): boolean => day % 7 === 5;

/** Snacks launched mid-data ramp up to ~40 a day; drinks have sold ~200 a day all along; nothing sells on Saturdays. */
function launchPanel(extra: RawSeries[] = []) {
  const r = rng(7);
  const series: RawSeries[] = [];
  for (let k = 0; k < 4; k++) {
    series.push(raw('drink-' + k, { category: 'drinks' }, 0, 120, (_a, d) => (saturday(d) ? 0 : 180 + 40 * r())));
  }
  for (let k = 0; k < 5; k++) {
    const start = 30 + 15 * k;
    series.push(
      raw('snack-' + k, { category: 'snacks' }, start, 120, (age, d) =>
        saturday(d) ? 0 : Math.round(40 * Math.min(1, (age + 1) / 14) * (0.8 + 0.4 * r())),
      ),
    );
  }
  return buildPanel([...series, ...extra], 'D');
}

function p50(f: QuantileForecast): Float64Array {
  return f.values[f.quantiles.indexOf(0.5)]!;
}

/**
 * Six items whose sales are 50 · price^-2 (weekly price changes: a within-series elasticity of
 * -2), and two launches planned at price 1 and 1.3; `asGiven` maps each price to its column.
 */
function elasticityPanel(asGiven: (price: number) => number = (p) => p) {
  const r = rng(3);
  const series: RawSeries[] = [];
  for (let k = 0; k < 6; k++) {
    const price = (d: number) => 1 + 0.3 * (((Math.floor(d / 7) + k) % 3) - 1);
    series.push(
      raw(
        'item-' + k,
        { category: 'c' },
        10 * k,
        150,
        (_a, d) => Math.round(50 * price(d) ** -2 * (0.9 + 0.2 * r())),
        (d) => asGiven(price(d)),
      ),
    );
  }
  const cheap = raw(
    'new-cheap',
    { category: 'c' },
    150,
    164,
    () => null,
    () => asGiven(1),
  );
  const dear = raw(
    'new-dear',
    { category: 'c' },
    150,
    164,
    () => null,
    () => asGiven(1.3),
  );
  return buildPanel([...series, cheap, dear], 'D');
}

/** The two launches' 14-day p50 sums, dear over cheap. */
function dearOverCheap(out: { forecasts: readonly QuantileForecast[] }): number {
  const sum = (id: string) => p50(out.forecasts.find((f) => f.seriesId === id)!).reduce((a, b) => a + b, 0);
  return sum('new-dear') / sum('new-cheap');
}

describe('cold start: new series', () => {
  test("a launch with only future rows is forecast from its group's launch curve, with a warning naming it", () => {
    const launch = raw('snack-new', { category: 'snacks' }, 120, 134, () => null);
    const panel = launchPanel([launch]);
    assert.deepEqual(
      panel.newSeries?.map((s) => s.id),
      ['snack-new'],
      'kept beside the series, not dropped',
    );
    assert.ok(!panel.series.some((s) => s.id === 'snack-new'));
    const r = coldStartForecasts(panel, [], { horizon: 14, quantiles: Q });
    const f = r.forecasts.find((x) => x.seriesId === 'snack-new');
    assert.ok(f, 'forecast');
    assert.equal(f.dates[0], addSteps(T0, 120, 'D'), 'from its first planned row');
    assert.equal(f.dates.length, 14);
    const mid = p50(f);
    // The first days ramp up (launch curve), later days sit near the snacks' ~40, far below drinks' ~200.
    const weekdays = [...mid].filter((_, t) => !saturday(120 + t));
    assert.ok(weekdays[0]! < weekdays.at(-1)!, `ramps up: ${[...mid].map((v) => v.toFixed(1)).join(' ')}`);
    assert.ok(weekdays.at(-1)! > 25 && weekdays.at(-1)! < 60, `near the snacks' level: ${weekdays.at(-1)}`);
    for (let t = 0; t < 14; t++) {
      assert.ok(f.values[0]![t]! <= f.values[1]![t]! && f.values[1]![t]! <= f.values[2]![t]!, 'quantiles ordered');
      assert.ok(f.values[0]![t]! >= 0);
      if (saturday(120 + t)) assert.equal(f.values[2]![t], 0, 'a day the group never sells stays 0');
    }
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0]!, /"snack-new"/);
    assert.match(r.warnings[0]!, /no sales history/);
    assert.match(r.warnings[0]!, /launch curve of 5 series/);
    assert.match(r.warnings[0]!, /category=snacks/);
  });

  test("a planned price above the peers' lowers the forecast by the elasticity fitted on the panel", () => {
    const panel = elasticityPanel();
    const beta = covariateEffects(panel).get('price')!;
    assert.ok(beta > -2.4 && beta < -1.6, `elasticity ${beta}`);
    const out = coldStartForecasts(panel, [], { horizon: 14, quantiles: Q });
    const ratio = dearOverCheap(out);
    // 1.3^-2 = 0.59; log1p on counts of ~50 pulls it a little towards 1.
    assert.ok(ratio > 0.5 && ratio < 0.7, `ratio ${ratio}`);
    assert.match(out.warnings[0]!, /adjusted for its planned price/);
  });

  test('prices given as logs in a column named plainly "price" (a third below 0) give the same response', () => {
    const prices = elasticityPanel();
    const logs = elasticityPanel(Math.log);
    assert.equal(covariateEffects(logs).get('price'), covariateEffects(prices).get('price'));
    const ratio = dearOverCheap(coldStartForecasts(logs, [], { horizon: 14, quantiles: Q }));
    assert.equal(ratio, dearOverCheap(coldStartForecasts(prices, [], { horizon: 14, quantiles: Q })));
    assert.ok(ratio > 0.5 && ratio < 0.7, `ratio ${ratio}`);
  });

  test('without matching attributes every series is a peer, and a group without launches gives its recent level', () => {
    const launch = raw('other', { category: 'unknown' }, 120, 127, () => null);
    const r = coldStartForecasts(launchPanel([launch]), [], { horizon: 7, quantiles: Q });
    assert.match(
      r.warnings[0]!,
      /"other" from the launch curve of 5 series that started later in the data \(all series\)/,
    );
    const drinksOnly = buildPanel(
      [
        raw('d1', { category: 'drinks' }, 0, 60, () => 10),
        raw('d2', { category: 'drinks' }, 0, 60, () => 20),
        raw('d3', { category: 'drinks' }, 120 - 120, 60, () => 30),
        raw('d-new', { category: 'drinks' }, 60, 67, () => null),
      ],
      'D',
    );
    const s = coldStartForecasts(drinksOnly, [], { horizon: 7, quantiles: Q });
    const f = s.forecasts.find((x) => x.seriesId === 'd-new')!;
    assert.deepEqual(
      [...p50(f)],
      Array.from({ length: 7 }, () => 20),
    );
    assert.match(s.warnings[0]!, /recent sales of 3 series \(category=drinks\)/);
  });
});

describe('cold start: short series', () => {
  test("a 2-point series is named in the warnings and its forecast blends in its peers' curve", () => {
    const two = raw('snack-short', { category: 'snacks' }, 118, 120, () => 30);
    const panel = launchPanel([two]);
    const model: QuantileForecast[] = panel.series.map((s) => ({
      seriesId: s.id,
      dates: Array.from({ length: 7 }, (_, t) => addSteps(s.start, s.target.length + t, 'D')),
      quantiles: Q,
      values: Q.map(() => new Float64Array(7).fill(1000)),
    }));
    const r = coldStartForecasts(panel, model, { horizon: 7, quantiles: Q });
    assert.equal(r.forecasts.length, panel.series.length, 'one forecast per series, none dropped');
    const f = r.forecasts.find((x) => x.seriesId === 'snack-short')!;
    const w = 2 / SHORT_HISTORY.D;
    for (const v of p50(f)) assert.ok(v < 1000 * w + 100 && v >= 1000 * w, `blended: ${v}`);
    const other = r.forecasts.find((x) => x.seriesId === 'snack-0')!;
    assert.deepEqual(
      [...p50(other)],
      Array.from({ length: 7 }, () => 1000),
      "a long series keeps the model's forecast",
    );
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0]!, /"snack-short" \(2 points\)/);
    assert.match(r.warnings[0]!, /too short for any model/);
  });

  test('the pipeline forecasts launches and names short series (one hook, any model)', async () => {
    const panel = launchPanel([
      raw('snack-new', { category: 'snacks' }, 120, 134, () => null),
      raw('snack-short', { category: 'snacks' }, 118, 120, () => 30),
    ]);
    const r = await runForecastPipeline(panel, {
      model: 'snaive',
      horizon: 7,
      quantiles: Q,
      seed: 0,
      importance: false,
    });
    const ids = r.forecasts.map((f) => f.seriesId);
    assert.ok(ids.includes('snack-new') && ids.includes('snack-short'), ids.join(', '));
    assert.equal(ids.length, panel.series.length + 1);
    assert.ok(
      r.warnings.some((w) => w.includes('"snack-new"') && w.includes('no sales history')),
      r.warnings.join('\n'),
    );
    assert.ok(
      r.warnings.some((w) => w.includes('"snack-short" (2 points)')),
      r.warnings.join('\n'),
    );
  });
});
