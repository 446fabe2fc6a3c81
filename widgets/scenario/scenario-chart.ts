import type { ApexOptions } from 'apexcharts';
import { apexLocale } from '../forecast-chart/build-options.js';
import type { ScenarioResultData, ScenarioTotalsResult } from './scenario.queries.js';

/** Literal colours (SVG attributes cannot read CSS variables), read from the host's custom properties. */
export interface ScenarioChartPalette {
  readonly baseline: string;
  readonly scenario: string;
  readonly text: string;
  readonly muted: string;
  readonly border: string;
}

/** Texts drawn in the chart, already translated. */
export interface ScenarioChartLabels {
  readonly baseline: string;
  readonly scenario: string;
  readonly baselineRange: string;
  readonly scenarioRange: string;
}

export interface ScenarioChartInput {
  readonly result: ScenarioResultData;
  readonly labels: ScenarioChartLabels;
  readonly palette: ScenarioChartPalette;
  readonly mode: 'light' | 'dark';
  readonly locale: string;
  readonly height: number | string;
  readonly fontFamily: string;
  readonly formatValue: (value: number | null) => string;
}

const epoch = (date: string): number => Date.parse(`${date}T00:00:00Z`);

/**
 * ApexCharts options for a scenario: the baseline and the scenario median as lines, each with its
 * 10–90 % band (range areas), on a time axis. Pure: a fresh object per call, never mutated.
 */
export function buildScenarioChartOptions(input: ScenarioChartInput): ApexOptions {
  const { result, labels, palette } = input;
  const band = (side: 'baseline' | 'scenario') =>
    result.points.map((p) => ({ x: epoch(p.date), y: [p[side].p10, p[side].p90] }));
  const line = (side: 'baseline' | 'scenario') => result.points.map((p) => ({ x: epoch(p.date), y: p[side].p50 }));
  const locale = apexLocale(input.locale);
  return {
    chart: {
      type: 'rangeArea',
      height: input.height,
      fontFamily: input.fontFamily,
      foreColor: palette.text,
      background: 'transparent',
      animations: { enabled: false },
      toolbar: { show: false },
      zoom: { enabled: false },
      locales: [locale],
      defaultLocale: locale.name,
    },
    theme: { mode: input.mode },
    series: [
      { name: labels.baselineRange, type: 'rangeArea', data: band('baseline') },
      { name: labels.scenarioRange, type: 'rangeArea', data: band('scenario') },
      { name: labels.baseline, type: 'line', data: line('baseline') },
      { name: labels.scenario, type: 'line', data: line('scenario') },
    ],
    colors: [palette.baseline, palette.scenario, palette.baseline, palette.scenario],
    fill: { opacity: [0.15, 0.2, 1, 1] },
    stroke: { curve: 'straight', width: [0, 0, 2, 3], dashArray: [0, 0, 5, 0] },
    markers: { size: [0, 0, 3, 4], hover: { sizeOffset: 2 } },
    dataLabels: { enabled: false },
    legend: { show: true, position: 'top', horizontalAlign: 'left', labels: { colors: palette.text } },
    grid: { borderColor: palette.border },
    xaxis: { type: 'datetime', labels: { datetimeUTC: true, style: { colors: palette.muted } } },
    yaxis: { min: 0, labels: { formatter: (v: number) => input.formatValue(v), style: { colors: [palette.muted] } } },
    tooltip: { shared: true, x: { format: 'yyyy-MM-dd' }, y: { formatter: (v: number) => input.formatValue(v) } },
  };
}

/** Which way a scenario moved the units: what the summary says and colours. */
export type ScenarioDirection = 'up' | 'down' | 'flat';

/** Up, down or flat (within half a per cent of the baseline). */
export function scenarioDirection(totals: ScenarioTotalsResult): ScenarioDirection {
  const pct = totals.differencePercent ?? 0;
  if (Math.abs(pct) < 0.5) return 'flat';
  return pct > 0 ? 'up' : 'down';
}
