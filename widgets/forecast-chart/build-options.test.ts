import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  apexLocale,
  buildAnnotations,
  buildForecastChartOptions,
  escapeHtml,
  tooltipHtml,
  type ForecastChartOptionsInput,
  type TooltipContext,
} from './build-options.js';
import { toForecastChartData, type ForecastPoint } from './to-apex-series.js';

const POINTS: ForecastPoint[] = [
  { date: '2025-12-29', actual: 10, p10: null, p50: null, p90: null },
  { date: '2025-12-30', actual: 12, p10: null, p50: null, p90: null },
  { date: '2025-12-31', actual: 14, p10: 14, p50: 14, p90: 14 },
  { date: '2026-01-01', actual: null, p10: 9, p50: 13, p90: 18 },
  { date: '2026-01-02', actual: null, p10: 8, p50: 12, p90: 19 },
  { date: '2026-01-03', actual: null, p10: 7, p50: 11, p90: 20 },
];

function input(overrides: Partial<ForecastChartOptionsInput> = {}): ForecastChartOptionsInput {
  return {
    data: toForecastChartData(POINTS),
    events: [
      { date: '2026-01-01', kind: 'HOLIDAY', label: "New Year's <Day>" },
      { date: '2025-12-29', kind: 'PROMOTION', label: 'Sale' },
      { date: '2025-12-30', kind: 'PROMOTION', label: 'Sale' },
      { date: '2024-01-01', kind: 'HOLIDAY', label: 'Out of range' },
    ],
    labels: {
      actual: 'Actual',
      forecast: 'Forecast',
      interval: 'Range',
      forecastStart: 'Forecast starts',
      holiday: 'Holiday',
      promotion: 'Promotion',
    },
    palette: {
      actual: '#111',
      forecast: '#22f',
      band: '#9cf',
      holiday: '#b50',
      promotion: '#70e',
      text: '#222',
      muted: '#555',
      border: '#ddd',
      background: '#fff',
    },
    mode: 'light',
    locale: 'en',
    height: 360,
    fontFamily: 'system-ui',
    bucketDays: 1,
    formatValue: (value) => (value === null ? '–' : value.toFixed(1)),
    formatAxis: (value) => String(value),
    formatDate: (date) => `D:${date}`,
    ...overrides,
  };
}

describe('buildForecastChartOptions', () => {
  test('draws band, actual and p50 in one combo chart, in that order, with matching colours', () => {
    const options = buildForecastChartOptions(input());
    // A line chart with one rangeArea series: only the band goes through ApexCharts' range parsing.
    assert.equal(options.chart?.type, 'line');
    const series = options.series as { name: string; type: string; data: { x: number; y: unknown }[] }[];
    assert.deepEqual(
      series.map((item) => [item.name, item.type]),
      [
        ['Range', 'rangeArea'],
        ['Actual', 'line'],
        ['Forecast', 'line'],
      ],
    );
    // The band starts on the first row with an empty point, like the lines (see toApexSeries).
    assert.deepEqual(
      series[0]!.data.map((point) => point.y),
      [
        [null, null],
        [14, 14],
        [9, 18],
        [8, 19],
        [7, 20],
      ],
    );
    assert.deepEqual(
      series.map((item) => item.data[0]!.x),
      [0, 1, 2].map(() => series[1]!.data[0]!.x),
    );
    assert.equal(series[1]!.data.length, 6);
    assert.deepEqual(options.colors, ['#9cf', '#111', '#22f']);
    assert.deepEqual(options.stroke?.dashArray, [0, 0, 6]);
  });

  test('drops the band when there is no interval', () => {
    const noInterval = POINTS.map((point) => ({ ...point, p10: null, p90: null }));
    const options = buildForecastChartOptions(input({ data: toForecastChartData(noInterval) }));
    const series = options.series as { name: string }[];
    assert.deepEqual(
      series.map((item) => item.name),
      ['Actual', 'Forecast'],
    );
    assert.deepEqual(options.colors, ['#111', '#22f']);
  });

  test('enables x zoom (drag) without ApexCharts’ toolbar: the widget draws keyboard-operable buttons', () => {
    const options = buildForecastChartOptions(input());
    assert.equal(options.chart?.zoom?.enabled, true);
    assert.equal(options.chart?.zoom?.type, 'x');
    assert.equal(options.chart?.toolbar?.show, false);
  });

  test('a forecast of one drawn point (a MONTH bucket) gets a marker; a long one does not', () => {
    const base = input();
    const month = toForecastChartData([
      { date: '2025-09-01', actual: 880, p10: null, p50: null, p90: null },
      { date: '2025-10-01', actual: 900, p10: null, p50: null, p90: null },
      { date: '2025-11-01', actual: 950, p10: null, p50: null, p90: null },
      { date: '2025-12-01', actual: null, actualToDate: 600, p10: 800, p50: 1000, p90: 1200 },
    ]);
    const sizes = buildForecastChartOptions({ ...base, data: month }).markers?.size as number[];
    assert.deepEqual(sizes, [0, 0, 5]);
    assert.deepEqual(buildForecastChartOptions(base).markers?.size, [0, 0, 0]);
  });

  test('the tooltip of a bucket straddling the forecast start shows what was sold so far', () => {
    const data = toForecastChartData([
      { date: '2025-12-01', actual: null, actualToDate: 1948, p10: 2800, p50: 3100, p90: 3500 },
    ]);
    const html = tooltipHtml(data.rows[0]!, {
      ...input(),
      data,
      labels: { ...input().labels, soldSoFar: 'Sold so far' },
    });
    assert.match(html, /Sold so far<\/span><b class="fq-tooltip-value">[^<]*1948/);
    assert.match(html, /3100/);
  });

  test('an all-zero series gets a 0–1 axis, not a 0–0.5 one', () => {
    const zero = toForecastChartData([
      { date: '2025-12-01', actual: 0, p10: null, p50: null, p90: null },
      { date: '2025-12-02', actual: 0, p10: null, p50: null, p90: null },
    ]);
    const yaxis = buildForecastChartOptions({ ...input(), data: zero }).yaxis as { max?: number };
    assert.equal(yaxis.max, 1);
    assert.equal((buildForecastChartOptions(input()).yaxis as { max?: number }).max, undefined);
  });

  test('x-axis dates use the locale’s formats', () => {
    const options = buildForecastChartOptions({
      ...input(),
      axisDates: { year: 'yyyy年', month: 'yyyy年M月', day: 'M月d日' },
    });
    assert.deepEqual(options.xaxis?.labels?.datetimeFormatter, {
      year: 'yyyy年',
      month: 'yyyy年M月',
      day: 'M月d日',
      hour: 'HH:mm',
    });
  });

  test('reports zoom ranges through onZoom', () => {
    const calls: [number | null, number | null][] = [];
    const options = buildForecastChartOptions(input({ onZoom: (from, to) => calls.push([from, to]) }));
    const zoomed = options.chart?.events?.zoomed as (
      chart: unknown,
      range: { xaxis: { min: number; max: number } },
    ) => void;
    zoomed({}, { xaxis: { min: 1, max: 2 } });
    assert.deepEqual(calls, [[1, 2]]);
  });

  test('never mutates its input', () => {
    const value = input();
    const before = JSON.stringify(value);
    buildForecastChartOptions(value);
    assert.equal(JSON.stringify(value), before);
  });

  test('uses the locale’s month names', () => {
    const locale = apexLocale('zh-CN');
    assert.equal(locale.name, 'zh-cn');
    assert.equal(locale.options?.months?.[0], '一月');
    assert.equal(apexLocale('en').options?.shortDays?.[0], 'Sun');
  });
});

describe('buildAnnotations', () => {
  test('marks the forecast start, in-range holidays and merged promotion days', () => {
    const annotations = buildAnnotations(input());
    const start = annotations.find((annotation) => annotation.label?.text === 'Forecast starts');
    assert.equal(start?.x, Date.UTC(2026, 0, 1));
    const holidays = annotations.filter((annotation) => annotation.borderColor === '#b50');
    assert.equal(holidays.length, 1, 'the 2024 holiday outside the data is dropped');
    const promotions = annotations.filter((annotation) => annotation.fillColor === '#70e');
    assert.equal(promotions.length, 1, 'two consecutive promotion days make one band');
    assert.equal(promotions[0]!.x, Date.UTC(2025, 11, 29));
    assert.ok((promotions[0]!.x2 as number) > Date.UTC(2025, 11, 30));
  });

  test('a holiday on the first forecast day has its label at the bottom, clear of the marker label', () => {
    const annotations = buildAnnotations(
      input({
        events: [
          { date: '2026-01-01', kind: 'HOLIDAY', label: "New Year's Day" },
          { date: '2025-12-29', kind: 'HOLIDAY', label: 'Far enough' },
        ],
      }),
    );
    const start = annotations.find((annotation) => annotation.borderWidth === 2);
    assert.equal(start?.x, Date.UTC(2026, 0, 1));
    assert.equal(start?.label?.text, 'Forecast starts');
    assert.equal(start?.label?.position ?? 'top', 'top');
    const onStart = annotations.find((annotation) => annotation.borderColor === '#b50' && annotation.x === start?.x);
    assert.equal(onStart?.label?.text, "New Year's Day");
    assert.equal(onStart?.label?.position, 'bottom', 'not at the top, where the marker label is');
    const far = annotations.find((annotation) => annotation.x === Date.UTC(2025, 11, 29));
    assert.equal(far?.label?.text, 'Far enough');
    assert.equal(far?.label?.position, undefined, 'other holiday labels stay at the top');
  });

  test('respects the annotation budget but always keeps the forecast start', () => {
    const events = Array.from({ length: 400 }, (_, index) => ({
      date: index % 2 ? '2025-12-30' : '2026-01-02',
      kind: 'HOLIDAY',
      label: `H${index}`,
    }));
    const annotations = buildAnnotations(input({ events, maxAnnotations: 20 }));
    assert.equal(annotations.length, 21);
    assert.equal(annotations.at(-1)?.label?.text, 'Forecast starts');
  });
});

describe('tooltipHtml', () => {
  test('lists every value of the row and the day’s events, escaped', () => {
    const value = input();
    const row = value.data.rows.find((item) => item.date === '2026-01-01')!;
    const markup = tooltipHtml(row, value);
    assert.match(markup, /D:2026-01-01/);
    assert.match(markup, /Forecast<\/span><b class="fq-tooltip-value">13\.0/);
    assert.match(markup, /Range<\/span><b class="fq-tooltip-value">9\.0 – 18\.0/);
    assert.match(markup, /Holiday: New Year&#39;s &#60;Day&#62;/);
    assert.doesNotMatch(markup, /Actual/);
  });

  test('is what the ApexCharts custom tooltip returns, resolving the band’s index through its x', () => {
    const value = input();
    const options = buildForecastChartOptions(value);
    const custom = options.tooltip?.custom as (context: TooltipContext) => string;
    assert.match(custom({ seriesIndex: 1, dataPointIndex: 0 }), /Actual<\/span><b class="fq-tooltip-value">10\.0/);
    // Index 1 of the band (series 0) is 2026-01-01, not the second row of the chart.
    const seriesX = [[Date.UTC(2025, 11, 31), Date.UTC(2026, 0, 1)], value.data.rows.map((row) => row.x)];
    assert.match(custom({ seriesIndex: 0, dataPointIndex: 1, w: { globals: { seriesX } } }), /D:2026-01-01/);
    assert.equal(custom({ seriesIndex: 1, dataPointIndex: 99 }), '');
  });

  test('a forecast point gets its explanation line, escaped; history points are never asked', () => {
    const asked: string[] = [];
    const value = input({
      explanationFor: (date) => {
        asked.push(date);
        return date === '2026-01-01' ? 'Why: <Black Friday> +38, Price +12, Weekday pattern \u22125' : undefined;
      },
    });
    const rows = value.data.rows;
    const forecast = tooltipHtml(
      rows.find((row) => row.date === '2026-01-01')!,
      value,
    );
    assert.match(
      forecast,
      /<div class="fq-tooltip-why" data-date="2026-01-01">Why: &#60;Black Friday&#62; \+38, Price \+12, Weekday pattern \u22125<\/div><\/div>$/,
    );
    // Not known yet: an empty slot the component fills when explainForecast answers.
    const later = tooltipHtml(
      rows.find((row) => row.date === '2026-01-02')!,
      value,
    );
    assert.match(later, /<div class="fq-tooltip-why" data-date="2026-01-02"><\/div>/);
    // History (an actual, even with a p50 on the last day) has no slot and is not asked for.
    for (const date of ['2025-12-29', '2025-12-31']) {
      assert.doesNotMatch(
        tooltipHtml(
          rows.find((row) => row.date === date)!,
          value,
        ),
        /fq-tooltip-why/,
      );
    }
    assert.deepEqual(asked, ['2026-01-01', '2026-01-02']);
    // Without the hook (a total, a group, no run) no forecast point gets a slot.
    assert.doesNotMatch(
      tooltipHtml(
        rows.find((row) => row.date === '2026-01-01')!,
        input(),
      ),
      /fq-tooltip-why/,
    );
  });

  test('the ApexCharts tooltip asks the hook of the hovered forecast point', () => {
    const asked: string[] = [];
    const value = input({ explanationFor: (date) => (asked.push(date), 'Why: Price +12') });
    const custom = buildForecastChartOptions(value).tooltip?.custom as (context: TooltipContext) => string;
    const index = value.data.rows.findIndex((row) => row.date === '2026-01-03');
    assert.match(custom({ seriesIndex: 1, dataPointIndex: index }), /Why: Price \+12/);
    assert.deepEqual(asked, ['2026-01-03']);
  });

  test('escapeHtml escapes markup characters', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });
});
