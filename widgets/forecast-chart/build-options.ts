import type { ApexOptions } from 'apexcharts';
import {
  dateToEpoch,
  toApexSeries,
  type CalendarEvent,
  type ChartRow,
  type ForecastChartData,
} from './to-apex-series.js';

/** Literal colours (SVG attributes cannot read CSS variables), read from the host's custom properties. */
export interface ForecastChartPalette {
  readonly actual: string;
  readonly forecast: string;
  readonly band: string;
  readonly holiday: string;
  readonly promotion: string;
  readonly text: string;
  readonly muted: string;
  readonly border: string;
  readonly background: string;
}

/** Texts shown in the chart, already translated. */
export interface ForecastChartLabels {
  readonly actual: string;
  readonly forecast: string;
  readonly interval: string;
  readonly forecastStart: string;
  readonly holiday: string;
  readonly promotion: string;
  /** Label of what was sold so far in a bucket straddling the forecast start. */
  readonly soldSoFar?: string;
}

/** Everything the chart depends on; the builder derives a fresh ApexCharts options object from it. */
export interface ForecastChartOptionsInput {
  readonly data: ForecastChartData;
  readonly events: readonly CalendarEvent[];
  readonly labels: ForecastChartLabels;
  readonly palette: ForecastChartPalette;
  readonly mode: 'light' | 'dark';
  /** BCP 47 tag for month and day names on the time axis. */
  readonly locale: string;
  readonly height: number | string;
  readonly fontFamily: string;
  /** Length of one bucket in days (1, 7, ~30): promotion days closer than this merge into one band. */
  readonly bucketDays: number;
  readonly formatValue: (value: number | null) => string;
  readonly formatAxis: (value: number) => string;
  readonly formatDate: (isoDate: string) => string;
  /** Called when the user zooms or pans (epoch ms), or resets (nulls). */
  readonly onZoom?: ((from: number | null, to: number | null) => void) | undefined;
  /** At most this many holiday/promotion annotations are drawn (the tooltip still names them all). */
  readonly maxAnnotations?: number;
  /** ApexCharts datetime formats of the x-axis labels, per locale ("M月d日" for zh-CN). */
  readonly axisDates?: { readonly year: string; readonly month: string; readonly day: string };
  /**
   * The explanation of a forecast point ("Why: Black Friday +38, Price +12"), asked for each
   * forecast point the tooltip shows; `undefined` while none is known yet (the component fetches
   * it on this first ask and patches the open tooltip's `.fq-tooltip-why` when it arrives). Leave
   * it out where no point can be explained (totals, groups, no run): no slot is drawn then.
   */
  readonly explanationFor?: ((date: string) => string | undefined) | undefined;
}

const DAY_MS = 86_400_000;

/**
 * An annotation without a label. Horizontal on purpose: ApexCharts measures and rotates every
 * vertical label, empty or not, with a forced layout each (the main cost of a chart with many
 * holidays and promotions).
 */
const UNLABELLED = { text: '', orientation: 'horizontal' } as const;

/** HTML-escapes a text for the tooltip's markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** An ApexCharts locale built from Intl, so any BCP 47 tag gets its month and day names. */
export function apexLocale(tag: string): NonNullable<NonNullable<ApexOptions['chart']>['locales']>[number] {
  const monthLong = new Intl.DateTimeFormat(tag, { month: 'long', timeZone: 'UTC' });
  const monthShort = new Intl.DateTimeFormat(tag, { month: 'short', timeZone: 'UTC' });
  const dayLong = new Intl.DateTimeFormat(tag, { weekday: 'long', timeZone: 'UTC' });
  const dayShort = new Intl.DateTimeFormat(tag, { weekday: 'short', timeZone: 'UTC' });
  const months = Array.from({ length: 12 }, (_, month) => new Date(Date.UTC(2024, month, 1)));
  // 2024-01-07 was a Sunday; ApexCharts lists days from Sunday.
  const days = Array.from({ length: 7 }, (_, day) => new Date(Date.UTC(2024, 0, 7 + day)));
  return {
    name: tag.toLowerCase(),
    options: {
      months: months.map((date) => monthLong.format(date)),
      shortMonths: months.map((date) => monthShort.format(date)),
      days: days.map((date) => dayLong.format(date)),
      shortDays: days.map((date) => dayShort.format(date)),
    },
  };
}

/** X-axis annotations: the forecast start, holiday lines and merged promotion bands. */
export function buildAnnotations(input: ForecastChartOptionsInput): XAxisAnnotations[] {
  const { data, events, labels, palette } = input;
  const annotations: XAxisAnnotations[] = [];
  const first = data.rows[0]?.x;
  const last = data.rows.at(-1)?.x;
  if (first === undefined || last === undefined) return annotations;
  const inRange = events
    .map((event) => ({ ...event, x: safeEpoch(event.date) }))
    .filter((event): event is CalendarEvent & { x: number } => event.x !== null && event.x >= first && event.x <= last)
    .toSorted((a, b) => a.x - b.x);
  const holidays = inRange.filter((event) => event.kind === 'HOLIDAY');
  const promotions = inRange.filter((event) => event.kind === 'PROMOTION');
  const budget = input.maxAnnotations ?? 150;
  // Label holidays only where their labels cannot collide; the tooltip names every one.
  const minLabelGap = (last - first) / 40;
  let lastLabelled = Number.NEGATIVE_INFINITY;
  // A holiday label next to the forecast start would sit under the marker's label (both at the
  // top of their lines): it goes to the bottom of its line instead.
  const start = data.forecastStart;
  for (const holiday of holidays.slice(0, budget)) {
    const labelled = holidays.length <= 24 && holiday.x - lastLabelled >= minLabelGap;
    if (labelled) lastLabelled = holiday.x;
    const besideStart = start !== null && Math.abs(holiday.x - start) < minLabelGap;
    annotations.push({
      x: holiday.x,
      borderColor: palette.holiday,
      strokeDashArray: 4,
      label: labelled
        ? {
            text: holiday.label,
            orientation: 'vertical',
            ...(besideStart ? { position: 'bottom', textAnchor: 'start' } : {}),
            borderColor: palette.holiday,
            style: { color: palette.background, background: palette.holiday, fontSize: '10px' },
          }
        : UNLABELLED,
    });
  }
  const maxGap = Math.max(1, input.bucketDays) * DAY_MS * 1.5;
  const bands: { x: number; x2: number }[] = [];
  for (const promotion of promotions) {
    const current = bands.at(-1);
    if (current && promotion.x - current.x2 <= maxGap) current.x2 = promotion.x;
    else bands.push({ x: promotion.x, x2: promotion.x });
  }
  for (const band of bands.slice(0, Math.max(0, budget - annotations.length))) {
    annotations.push({
      x: band.x,
      x2: band.x2 + Math.max(1, input.bucketDays) * DAY_MS * 0.9,
      fillColor: palette.promotion,
      opacity: 0.14,
      borderColor: palette.promotion,
      strokeDashArray: 0,
      label: UNLABELLED,
    });
  }
  if (data.forecastStart !== null) {
    annotations.push({
      x: data.forecastStart,
      borderColor: palette.text,
      strokeDashArray: 0,
      borderWidth: 2,
      label: {
        text: labels.forecastStart,
        orientation: 'horizontal',
        position: 'top',
        // The forecast sits at the right end: draw the label to the left of the line so it is never clipped.
        textAnchor: 'end',
        borderColor: palette.text,
        style: { color: palette.background, background: palette.text, fontSize: '11px' },
      },
    });
  }
  return annotations;
}

function safeEpoch(date: string): number | null {
  try {
    return dateToEpoch(date);
  } catch {
    return null;
  }
}

/** The tooltip's markup for one row: date, actual, p50, p10–p90 and any holiday or promotion that day. */
export function tooltipHtml(row: ChartRow, input: ForecastChartOptionsInput): string {
  const { labels, palette } = input;
  const line = (color: string, label: string, value: string): string =>
    `<div class="fq-tooltip-row"><span class="fq-tooltip-swatch" style="background:${color}"></span>` +
    `<span class="fq-tooltip-label">${escapeHtml(label)}</span><b class="fq-tooltip-value">${escapeHtml(value)}</b></div>`;
  const parts = [
    `<div class="fq-tooltip"><div class="fq-tooltip-title">${escapeHtml(input.formatDate(row.date))}</div>`,
  ];
  if (row.actual !== null) parts.push(line(palette.actual, labels.actual, input.formatValue(row.actual)));
  if (row.soldSoFar !== null) {
    parts.push(line(palette.actual, labels.soldSoFar ?? labels.actual, input.formatValue(row.soldSoFar)));
  }
  if (row.p50 !== null) parts.push(line(palette.forecast, labels.forecast, input.formatValue(row.p50)));
  if (row.p10 !== null && row.p90 !== null) {
    parts.push(line(palette.band, labels.interval, `${input.formatValue(row.p10)} – ${input.formatValue(row.p90)}`));
  }
  for (const event of input.events) {
    if (event.date.slice(0, 10) !== row.date) continue;
    const kind = event.kind === 'PROMOTION' ? labels.promotion : labels.holiday;
    parts.push(`<div class="fq-tooltip-event">${escapeHtml(kind)}: ${escapeHtml(event.label)}</div>`);
  }
  // A forecast point (not history): its explanation, or an empty slot the component fills once fetched.
  if (input.explanationFor && isForecastRow(row)) {
    const why = input.explanationFor(row.date) ?? '';
    parts.push(`<div class="fq-tooltip-why" data-date="${escapeHtml(row.date)}">${escapeHtml(why)}</div>`);
  }
  parts.push('</div>');
  return parts.join('');
}

/** A point of the forecast proper: a p50 and no actual yet (the points `fq-point-select` names). */
export function isForecastRow(row: ChartRow): boolean {
  return row.p50 !== null && row.actual === null;
}

/** What ApexCharts passes to a custom tooltip (the parts used here). */
export interface TooltipContext {
  readonly seriesIndex: number;
  readonly dataPointIndex: number;
  readonly w?: { readonly globals?: { readonly seriesX?: readonly (readonly number[])[] } };
}

/** The row under the cursor: by the hovered series' x value, else by position in the aligned lines. */
export function tooltipRow(
  context: TooltipContext,
  rows: readonly ChartRow[],
  rowsByX: ReadonlyMap<number, ChartRow>,
): ChartRow | undefined {
  const x = context.w?.globals?.seriesX?.[context.seriesIndex]?.[context.dataPointIndex];
  return (x === undefined ? undefined : rowsByX.get(x)) ?? rows[context.dataPointIndex];
}

/**
 * Builds a fresh ApexCharts options object for the forecast chart: a rangeArea band (p10–p90), the
 * actuals and the dashed p50 line in one combo chart, a forecast-start marker, holiday and promotion
 * annotations, x-zoom and pan, and a tooltip with every value. Pure: no DOM, never mutates input.
 *
 * @example
 * ```ts
 * const options = buildForecastChartOptions({ data, events, labels, palette, mode: 'light', ... });
 * new ApexCharts(container, options).render();
 * ```
 */
export function buildForecastChartOptions(input: ForecastChartOptionsInput): ApexOptions {
  const { data, labels, palette } = input;
  const series = toApexSeries(data);
  const withBand = data.hasInterval;
  const locale = apexLocale(input.locale);
  const apexSeries: ApexAxisChartSeries = [
    ...(withBand
      ? [{ name: labels.interval, type: 'rangeArea', data: series.band as unknown as { x: number; y: number[] }[] }]
      : []),
    { name: labels.actual, type: 'line', data: series.actual },
    { name: labels.forecast, type: 'line', data: series.p50 },
  ];
  const colors = [...(withBand ? [palette.band] : []), palette.actual, palette.forecast];
  const onZoom = input.onZoom;
  // A forecast of one or two drawn points (a MONTH bucket) is no visible line: mark its points.
  const drawnForecast = series.p50.filter((point) => point.y !== null).length;
  const forecastMarker = drawnForecast > 0 && drawnForecast <= 2 ? 5 : 0;
  const drawnActual = series.actual.filter((point) => point.y !== null).length;
  const actualMarker = drawnActual > 0 && drawnActual <= 2 ? 5 : 0;
  // An all-zero series would get an axis of 0–0.5 with the band's noise as a wiggle: show 0–1.
  const highest = data.rows.reduce((max, row) => Math.max(max, row.actual ?? 0, row.p90 ?? 0, row.p50 ?? 0), 0);
  // The band is shorter than the lines, so tooltip indices are resolved through x, not position.
  const rowsByX = new Map(data.rows.map((row) => [row.x, row]));
  return {
    series: apexSeries,
    chart: {
      // 'line', not 'rangeArea': with a rangeArea chart type ApexCharts 4.7 parses EVERY series as
      // range data with a quadratic de-duplication; as a combo only the band series takes that path.
      type: 'line',
      height: input.height,
      fontFamily: input.fontFamily,
      foreColor: palette.muted,
      background: 'transparent',
      animations: { enabled: false },
      redrawOnParentResize: true,
      parentHeightOffset: 0,
      locales: [locale],
      defaultLocale: locale.name,
      zoom: { enabled: true, type: 'x', autoScaleYaxis: false },
      // The widget draws its own zoom, pan and reset buttons (keyboard-operable, translated);
      // dragging across the chart still zooms.
      toolbar: { show: false, autoSelected: 'zoom' },
      events: onZoom
        ? {
            zoomed: (_chart: unknown, range: { xaxis?: { min?: number; max?: number } }) =>
              onZoom(range.xaxis?.min ?? null, range.xaxis?.max ?? null),
            scrolled: (_chart: unknown, range: { xaxis?: { min?: number; max?: number } }) =>
              onZoom(range.xaxis?.min ?? null, range.xaxis?.max ?? null),
          }
        : {},
    },
    colors,
    fill: { opacity: withBand ? [0.4, 1, 1] : [1, 1] },
    stroke: {
      curve: 'straight',
      width: withBand ? [0, 2, 2] : [2, 2],
      dashArray: withBand ? [0, 0, 6] : [0, 6],
    },
    markers: {
      size: withBand ? [0, actualMarker, forecastMarker] : [actualMarker, forecastMarker],
      hover: { size: 4 },
    },
    dataLabels: { enabled: false },
    legend: {
      show: true,
      position: 'top',
      horizontalAlign: 'left',
      labels: { colors: palette.text },
      markers: { strokeWidth: 0 },
    },
    // On a narrow chart the top legend runs under the zoom toolbar (top right): move it below.
    responsive: [{ breakpoint: 640, options: { legend: { position: 'bottom', horizontalAlign: 'left' } } }],
    grid: { borderColor: palette.border, strokeDashArray: 3 },
    theme: { mode: input.mode },
    xaxis: {
      type: 'datetime',
      labels: {
        datetimeUTC: true,
        style: { colors: palette.muted },
        ...(input.axisDates ? { datetimeFormatter: { ...input.axisDates, hour: 'HH:mm' } } : {}),
      },
      axisBorder: { color: palette.border },
      axisTicks: { color: palette.border },
      tooltip: { enabled: false },
    },
    yaxis: {
      min: 0,
      ...(highest <= 0 ? { max: 1, tickAmount: 2 } : {}),
      forceNiceScale: true,
      labels: { formatter: (value: number) => input.formatAxis(value), style: { colors: [palette.muted] } },
    },
    annotations: { xaxis: buildAnnotations(input) },
    tooltip: {
      enabled: true,
      shared: true,
      intersect: false,
      followCursor: false,
      theme: input.mode,
      custom: (context: TooltipContext) => {
        const row = tooltipRow(context, data.rows, rowsByX);
        return row ? tooltipHtml(row, input) : '';
      },
    },
    noData: { text: '' },
  };
}
