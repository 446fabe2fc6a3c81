import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildScenarioChartOptions, scenarioDirection } from './scenario-chart.js';
import type { ScenarioResultData } from './scenario.queries.js';

const side = (p50: number) => ({ p10: p50 - 2, p50, p90: p50 + 3, mean: p50 + 0.5, revenue: null });
const result: ScenarioResultData = {
  runId: '1',
  seriesCount: 1,
  priceCovariate: 'price',
  warnings: [],
  points: [
    { date: '2024-01-01', baseline: side(10), scenario: side(12), difference: 2 },
    { date: '2024-01-08', baseline: side(11), scenario: side(14), difference: 3 },
  ],
  totals: {
    baselineUnits: 22,
    scenarioUnits: 27,
    differenceUnits: 5,
    differencePercent: 22.7,
    baselineRevenue: null,
    scenarioRevenue: null,
    differenceRevenue: null,
  },
};

const input = {
  result,
  labels: { baseline: 'Now', scenario: 'What if', baselineRange: 'Now 10–90 %', scenarioRange: 'What if 10–90 %' },
  palette: { baseline: '#777', scenario: '#06c', text: '#111', muted: '#666', border: '#ddd' },
  mode: 'light' as const,
  locale: 'en',
  height: 300,
  fontFamily: 'sans-serif',
  formatValue: (v: number | null) => String(v),
};

test('the chart draws both medians as lines and both 10–90 % bands as ranges, by date', () => {
  const o = buildScenarioChartOptions(input);
  const series = o.series as { name: string; type: string; data: { x: number; y: unknown }[] }[];
  assert.deepEqual(
    series.map((s) => [s.name, s.type]),
    [
      ['Now 10–90 %', 'rangeArea'],
      ['What if 10–90 %', 'rangeArea'],
      ['Now', 'line'],
      ['What if', 'line'],
    ],
  );
  assert.deepEqual(series[1]!.data[0], { x: Date.UTC(2024, 0, 1), y: [10, 15] });
  assert.deepEqual(
    series[3]!.data.map((d) => d.y),
    [12, 14],
  );
  assert.notEqual(buildScenarioChartOptions(input), o, 'a fresh object per call');
});

test('the direction of a scenario: up, down, or flat within half a per cent', () => {
  assert.equal(scenarioDirection(result.totals), 'up');
  assert.equal(scenarioDirection({ ...result.totals, differencePercent: -3 }), 'down');
  assert.equal(scenarioDirection({ ...result.totals, differencePercent: 0.2 }), 'flat');
  assert.equal(scenarioDirection({ ...result.totals, differencePercent: null }), 'flat');
});
