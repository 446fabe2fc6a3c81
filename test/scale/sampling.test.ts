/**
 * `auto`'s validation sample of a large panel (api/forecasting/sampling.ts): deterministic,
 * independent of the panel's order, stratified by demand class × volume quartile, the whole
 * panel when it is small; and a pipeline run on a panel above the limit still forecasts every
 * series (validated on the sample).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runForecastPipeline } from '../../api/forecasting/pipeline.js';
import { mulberry32 } from '../../api/forecasting/random.js';
import { sampleStrata, validationSample, VALIDATION_MAX_SERIES } from '../../api/forecasting/sampling.js';
import type { Panel, SeriesFrame } from '../../api/forecasting/types.js';

/** `n` daily series of `days`: a mix of smooth, intermittent, low and high volume. */
function panelOf(n: number, days: number, seed = 7): Panel {
  const random = mulberry32(seed);
  const series: SeriesFrame[] = [];
  for (let i = 0; i < n; i++) {
    const level = 0.2 + 40 * random() ** 3;
    const zeros = random() < 0.5 ? 0.7 : 0.05;
    const target = Float64Array.from({ length: days }, (_, t) =>
      random() < zeros ? 0 : Math.round(level * (1 + 0.3 * Math.sin((2 * Math.PI * t) / 7)) * (0.5 + random())),
    );
    series.push({ id: `s${String(i).padStart(5, '0')}`, start: '2024-01-01', target, covariates: {}, statics: {} });
  }
  return { freq: 'D', series, covariateNames: [], knownInAdvance: [], staticNames: [] };
}

const ids = (p: Panel): string[] => p.series.map((s) => s.id);

test('a panel at or under the limit is validated whole', () => {
  const panel = panelOf(50, 60);
  assert.equal(validationSample(panel, 1, 50), panel, 'at the limit: the same panel');
  assert.equal(validationSample(panel, 1), panel, `under VALIDATION_MAX_SERIES (${VALIDATION_MAX_SERIES})`);
});

test('the sample is deterministic, in the panel order, and independent of that order', () => {
  const panel = panelOf(2000, 60);
  const a = validationSample(panel, 3, 300);
  assert.equal(a.series.length, 300, 'exactly maxSeries series');
  assert.deepEqual(ids(validationSample(panel, 3, 300)), ids(a), 'same inputs, same sample');
  assert.deepEqual(ids(a), ids(a).toSorted(), 'kept in the panel order');
  const reversed = { ...panel, series: panel.series.toReversed() };
  assert.deepEqual(
    ids(validationSample(reversed, 3, 300)).toSorted(),
    ids(a),
    'the order of the panel does not matter',
  );
  const other = validationSample(panel, 4, 300);
  assert.notDeepEqual(ids(other), ids(a), 'another seed draws another sample');
});

test('every stratum gets its proportional share (within one series)', () => {
  const panel = panelOf(2000, 60);
  const strata = sampleStrata(panel);
  const sample = new Set(ids(validationSample(panel, 3, 300)));
  const count = new Map<string, { all: number; kept: number }>();
  panel.series.forEach((s, i) => {
    const c = count.get(strata[i]!) ?? { all: 0, kept: 0 };
    c.all++;
    if (sample.has(s.id)) c.kept++;
    count.set(strata[i]!, c);
  });
  assert.ok(count.size >= 4, `the test panel spans several strata (${[...count.keys()].join(', ')})`);
  for (const [k, c] of count) {
    const share = (c.all * 300) / 2000;
    assert.ok(Math.abs(c.kept - share) < 1, `stratum ${k}: ${c.kept} kept for a share of ${share.toFixed(2)}`);
  }
});

test('a panel over the limit is validated on the sample and every series is forecast', async () => {
  const n = VALIDATION_MAX_SERIES + 40;
  const panel = panelOf(n, 40);
  const r = await runForecastPipeline(panel, {
    model: 'auto',
    horizon: 7,
    quantiles: [0.1, 0.5, 0.9],
    seed: 1,
    candidates: ['snaive', 'naive'],
  });
  assert.equal(r.forecasts.length, n, 'one forecast per series of the whole panel');
  assert.deepEqual(new Set(r.forecasts.map((f) => f.seriesId)), new Set(ids(panel)), 'every series forecast');
  assert.ok(
    r.warnings.some((w) => w.includes(`sample of ${VALIDATION_MAX_SERIES} of ${n} series`)),
    `the run says it validated on a sample (${r.warnings.join(' | ')})`,
  );
  assert.ok(
    r.seriesImportance.size <= VALIDATION_MAX_SERIES,
    `importance is measured on the sample (${r.seriesImportance.size} series)`,
  );
});
