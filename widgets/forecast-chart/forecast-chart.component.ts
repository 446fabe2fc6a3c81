import { Task, TaskStatus } from '@lit/task';
import ApexCharts from 'apexcharts';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { baseStyles } from '../internal/base.styles.js';
import { BaseWidget, type LinkedSelection } from '../internal/base-widget.js';
import type { Bucket } from '../internal/i18n.js';
import type { DriverEffectRow } from '../explanation/explanation-summary.js';
import { EXPLANATION_QUERY, type ExplanationQueryResult } from '../explanation/explanation.queries.js';
import { buildForecastChartOptions, isForecastRow, type ForecastChartPalette } from './build-options.js';
import { toCsv } from './csv.js';
import { displayedRange } from './events-range.js';
import { localizeLabel } from '../internal/event-labels.js';
import {
  CALENDAR_EVENTS_QUERY,
  FORECAST_QUERY,
  SALES_HISTORY_QUERY,
  SERIES_SEARCH_QUERY,
  type CalendarEventsQueryResult,
  type ForecastQueryResult,
  type ForecastQueryVariables,
  type SalesHistoryQueryResult,
  type SeriesSearchQueryResult,
  type SeriesSummary,
} from './forecast-chart.queries.js';
import { forecastChartStyles } from './forecast-chart.styles.js';
import { whyLine } from './why.js';
import {
  DEFAULT_MAX_POINTS,
  toForecastChartData,
  type CalendarEvent,
  type ForecastChartData,
  type ForecastPoint,
} from './to-apex-series.js';
import { keepTooltipOnInnerMoves } from '../internal/chart-pointer.js';

/** What the forecast task delivers. */
interface ForecastResult {
  readonly points: readonly ForecastPoint[];
  /** First forecast day, from the API (a WEEK/MONTH bucket straddling it starts earlier). */
  readonly forecastStart: string | null;
  /** The run the forecast comes from (null: history only): the run whose points are explained. */
  readonly runId: string | null;
  readonly events: readonly CalendarEvent[];
  readonly subject: string;
  /** No succeeded run yet: `points` are the sales history alone (`salesHistory`). */
  readonly historyOnly: boolean;
}

/** The API answers `calendarEvents` over at most 1,098 days: longer ranges are asked in windows. */
const EVENTS_WINDOW_DAYS = 1000;
const DAY_MS = 86_400_000;

const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Rounds a CSV value to 4 decimals (forecasts are not that precise; 15 digits read as noise). */
function csvNumber(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value * 10_000) / 10_000 : null;
}

const BUCKET_DAYS: Readonly<Record<Bucket, number>> = { DAY: 1, WEEK: 7, MONTH: 30 };

/** Days of the bucket starting on `date`: a partial bucket is listed as "(days/length)". */
function bucketDays(date: string, bucket: Bucket): number {
  if (bucket !== 'MONTH') return BUCKET_DAYS[bucket];
  return new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)), 0)).getUTCDate();
}

/**
 * Sales history and forecast of one series or a group total: actuals, the p50 forecast and the
 * p10–p90 band, with holidays, promotions, zoom, a series picker, buckets and export.
 *
 * @summary Actuals, forecast and likely range of a product, a store or the whole shop.
 * @status stable
 * @since 0.1.0
 *
 * @fires fq-load - Data arrived and the chart was drawn. `detail: { kind: 'forecast', count }`.
 * @fires fq-error - A request failed; the widget shows an error state. `detail: { code, message }`.
 * @fires fq-series-change - The user picked another series or a group total. `detail: { seriesId, groupBy }`;
 *   widgets of the page with `linked` follow it.
 * @fires fq-bucket-change - The user switched day/week/month. `detail: { bucket }`.
 * @fires fq-range-change - The user zoomed or panned. `detail: { from, to }` (ISO dates).
 * @fires fq-point-select - The keyboard cursor reached a forecast point of one series. `detail: { seriesId, date }`.
 * @fires fq-export - The user exported the chart. `detail: { format, fileName }`.
 *
 * @csspart base - The wrapper of everything.
 * @csspart header - Title and export buttons.
 * @csspart controls - The series picker, view and bucket controls.
 * @csspart chart - The chart region.
 * @csspart state - Loading, empty and error panels.
 * @csspart error - The error panel.
 * @csspart table - The visually hidden data table.
 *
 * @cssproperty --chart-height - Height of the chart area (default 360px).
 * @cssproperty --actual-color - Line colour of actual sales.
 * @cssproperty --accent-color - Line colour of the p50 forecast, and focus rings.
 * @cssproperty --band-color - Fill of the p10–p90 band.
 * @cssproperty --holiday-color - Holiday markers.
 * @cssproperty --promotion-color - Promotion bands.
 * @cssproperty --background-color - Widget background.
 * @cssproperty --text-color - Text colour.
 * @cssproperty --muted-color - Secondary text and axes.
 * @cssproperty --border-color - Borders and grid.
 * @cssproperty --font-family - Font stack.
 * @cssproperty --radius - Corner radius.
 */
export class FqForecastChart extends BaseWidget {
  static override styles = [baseStyles, forecastChartStyles];

  /** Series id to show; empty shows the total of all series (unless `group-by` is set). */
  @property() series = '';

  /** Group total instead of one series: `attribute=value`, e.g. `store=CA_1`. */
  @property({ attribute: 'group-by' }) groupBy = '';

  /** Time bucket: `DAY`, `WEEK` or `MONTH`. */
  @property() bucket: Bucket = 'DAY';

  /** First date shown, ISO `YYYY-MM-DD`; empty for the whole history. */
  @property() from = '';

  /** Last date shown, ISO `YYYY-MM-DD`; empty through the end of the forecast. */
  @property() to = '';

  /** Points drawn before LTTB downsampling starts, 100–10000 (default 2000). */
  @property({ type: Number, attribute: 'max-points' }) maxPoints = DEFAULT_MAX_POINTS;

  /** Hides the series picker, view and bucket controls (export stays). */
  @property({ type: Boolean, attribute: 'no-picker', reflect: true }) noPicker = false;

  @state() private searchText = '';

  /** The result whose hidden data table is rendered: set one frame after its chart was drawn. */
  @state() private tableResult: ForecastResult | null = null;

  /** Whether the data table is shown on screen ("Show as table"); otherwise it is for screen readers. */
  @state() private tableVisible = false;

  /** The shown x range (epoch ms) after zoom or pan; null = everything. */
  @state() private zoomRange: { min: number; max: number } | null = null;

  /** Index (in the drawn rows) of the point read out by keyboard; null until an arrow key. */
  @state() private cursor: number | null = null;

  /** Bumped when an explanation arrives, so the keyboard readout names its drivers. */
  @state() private explanationsArrived = 0;

  /**
   * Explanations of forecast points (`explainForecast`), keyed by run, series and date: the
   * effects, null when there is none (or it could not be fetched), 'pending' while asked. Nothing
   * is fetched before the first hover or keyboard cursor on a forecast point.
   */
  private readonly explanations = new Map<string, readonly DriverEffectRow[] | null | 'pending'>();

  private chart: ApexCharts | null = null;
  private chartContainer: HTMLElement | null = null;
  private appliedResult: ForecastResult | null = null;
  private appliedKey = '';
  private appliedAnnotationsKey = '';
  private chartData: ForecastChartData | null = null;
  private chartDataSource: { result: ForecastResult; maxPoints: number } | null = null;
  private pendingChart: Promise<void> = Promise.resolve();
  private knownSeries = new Map<string, SeriesSummary>();
  private appliedLocale = '';
  /** The range the widget last asked ApexCharts to show (its `zoomed` event echoes it). */
  private programmaticZoom: { min: number; max: number } | null = null;

  private readonly forecastTask = new Task(this, {
    task: async ([datasetId, seriesId, groupBy, bucket, from, to], { signal }): Promise<ForecastResult | null> => {
      if (!datasetId) return null;
      const variables: ForecastQueryVariables = {
        datasetId,
        seriesId: groupBy ? null : seriesId || null,
        groupBy: groupBy || null,
        bucket,
        from: from || null,
        to: to || null,
      };
      const client = this.client;
      try {
        const forecast = await client.request<ForecastQueryResult, ForecastQueryVariables>(
          FORECAST_QUERY,
          variables,
          signal,
        );
        // No succeeded run yet: the sales history alone, not an empty chart.
        const historyOnly = forecast.forecast === null;
        const points = historyOnly
          ? (
              await client.request<SalesHistoryQueryResult, ForecastQueryVariables>(
                SALES_HISTORY_QUERY,
                variables,
                signal,
              )
            ).salesHistory
          : (forecast.forecast?.points ?? []);
        const events = await this.loadEvents(datasetId, variables.seriesId ?? null, points, bucket, signal);
        return {
          points,
          forecastStart: forecast.forecast?.forecastStart ?? null,
          runId: forecast.forecast?.runId ?? null,
          events,
          subject: this.subjectLabel(seriesId, groupBy),
          historyOnly,
        };
      } catch (error) {
        if (!signal.aborted) this.reportError(error);
        throw error;
      }
    },
    args: () =>
      [
        this.datasetId,
        this.series,
        this.groupBy,
        this.bucket,
        this.from,
        this.to,
        this.endpoint,
        this.token,
        this.fetchImpl,
      ] as const,
  });

  /**
   * Holidays and promotions over the dates the chart shows. Annotations are extras: when they
   * cannot be loaded the chart is still drawn, and the problem is logged as a console warning.
   */
  private async loadEvents(
    datasetId: string,
    seriesId: string | null,
    points: readonly ForecastPoint[],
    bucket: Bucket,
    signal: AbortSignal,
  ): Promise<readonly CalendarEvent[]> {
    const range = displayedRange(points, bucket);
    if (!range) return [];
    try {
      const windows: { from: string; to: string }[] = [];
      const last = Date.parse(`${range.to}T00:00:00Z`);
      for (let start = Date.parse(`${range.from}T00:00:00Z`); start <= last; start += EVENTS_WINDOW_DAYS * DAY_MS) {
        const end = Math.min(last, start + (EVENTS_WINDOW_DAYS - 1) * DAY_MS);
        windows.push({
          from: new Date(start).toISOString().slice(0, 10),
          to: new Date(end).toISOString().slice(0, 10),
        });
      }
      const results = await Promise.all(
        windows.map((window) =>
          this.client.request<CalendarEventsQueryResult>(
            CALENDAR_EVENTS_QUERY,
            { datasetId, seriesId, from: window.from, to: window.to },
            signal,
          ),
        ),
      );
      return results.flatMap((result) => result.calendarEvents ?? []);
    } catch (error) {
      if (signal.aborted) throw error;
      console.warn(
        `<fq-forecast-chart>: holidays and promotions for ${range.from}..${range.to} could not be loaded; the chart is drawn without them.`,
        error,
      );
      return [];
    }
  }

  private readonly seriesTask = new Task(this, {
    task: async ([datasetId, search, noPicker], { signal }): Promise<readonly SeriesSummary[]> => {
      if (!datasetId || noPicker) return [];
      if (search) await new Promise((resolve) => setTimeout(resolve, 200));
      signal.throwIfAborted();
      const result = await this.client.request<SeriesSearchQueryResult>(
        SERIES_SEARCH_QUERY,
        { datasetId, search: search || null, first: 50 },
        signal,
      );
      const found = result.series.edges.map((edge) => edge.node);
      for (const item of found) this.knownSeries.set(item.id, item);
      return found;
    },
    args: () => [this.datasetId, this.searchText, this.noPicker, this.endpoint, this.token, this.fetchImpl] as const,
  });

  /** Resolves when the chart has applied the latest data or options (for tests and benchmarks). */
  get chartUpdateComplete(): Promise<void> {
    return this.updateComplete.then(() => this.pendingChart);
  }

  override firstUpdated(): void {
    this.chartContainer = this.renderRoot.querySelector<HTMLElement>('.chart-canvas');
  }

  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const result = this.forecastTask.value ?? null;
    if (!result) return;
    const source = this.chartDataSource;
    if (source?.result !== result || source.maxPoints !== this.maxPoints) {
      this.chartData = toForecastChartData(result.points, {
        maxPoints: this.maxPoints,
        forecastStart: result.forecastStart,
      });
      this.chartDataSource = { result, maxPoints: this.maxPoints };
    }
  }

  override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const result = this.forecastTask.value ?? null;
    if (!result || result.points.length === 0 || !this.chartContainer) return;
    const key = [this.localeTag, this.resolvedTheme, this.currency, this.bucket, this.maxPoints].join('|');
    if (result === this.appliedResult && key === this.appliedKey) return;
    this.applyChart(result, key);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.chart?.destroy();
    this.chart = null;
    this.appliedLocale = '';
    this.appliedResult = null;
    this.appliedKey = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Re-attached after a move in the DOM: the chart was destroyed, draw it again.
    if (this.hasUpdated) this.requestUpdate();
  }

  // A run of this dataset succeeded: its forecast replaces what is drawn.
  protected override onRunSucceeded(): void {
    void this.forecastTask.run();
  }

  // `linked`: another widget of the page picked a series or a group total.
  protected override onLinkedSelection(selection: LinkedSelection): void {
    this.series = selection.seriesId ?? '';
    this.groupBy = selection.seriesId ? '' : (selection.groupBy ?? '');
  }

  private applyChart(result: ForecastResult, key: string): void {
    const data =
      this.chartData ??
      toForecastChartData(result.points, {
        maxPoints: this.maxPoints,
        forecastStart: result.forecastStart,
      });
    const style = this.chartStyle();
    const format = this.formatters(this.bucket);
    const events = result.events.map((event) => ({ ...event, label: localizeLabel(event.label, this.localeTag) }));
    const options = buildForecastChartOptions({
      data,
      events,
      labels: this.messages,
      axisDates: this.messages.axisDates,
      palette: style.palette,
      mode: this.resolvedTheme,
      locale: this.localeTag,
      height: style.height,
      fontFamily: style.fontFamily,
      bucketDays: BUCKET_DAYS[this.bucket] ?? 1,
      formatValue: format.value,
      formatAxis: format.axis,
      formatDate: format.date,
      explanationFor: this.explainable(result) ? (date) => this.whyFor(date) : undefined,
      onZoom: (from, to) => {
        // zoomX() of the widget's own buttons and keys reports back here: already announced.
        const own = this.programmaticZoom;
        if (
          own &&
          from !== null &&
          to !== null &&
          Math.abs(own.min - from) < DAY_MS &&
          Math.abs(own.max - to) < DAY_MS
        ) {
          return;
        }
        const full = this.fullRange();
        const whole = from === null || to === null || (full !== null && from <= full.min && to >= full.max);
        this.zoomRange = whole ? null : { min: from, max: to };
        this.emit('fq-range-change', {
          from: whole ? null : new Date(from).toISOString().slice(0, 10),
          to: whole ? null : new Date(to).toISOString().slice(0, 10),
        });
      },
    });
    // The tooltip's function changes with explainability: a run succeeding needs new options, not only data.
    const annotationsKey = `${key}|${JSON.stringify(options.annotations)}|${result.subject}|${this.explainable(result)}`;
    const onlyData = this.chart !== null && key === this.appliedKey && annotationsKey === this.appliedAnnotationsKey;
    this.appliedResult = result;
    this.appliedKey = key;
    this.appliedAnnotationsKey = annotationsKey;
    const container = this.chartContainer!;
    let work: Promise<unknown>;
    // ApexCharts keeps its first locale's month names on update: a new locale gets a new chart.
    if (this.chart && this.appliedLocale !== this.localeTag) {
      this.chart.destroy();
      this.chart = null;
    }
    this.appliedLocale = this.localeTag;
    if (result !== this.tableResult) {
      this.zoomRange = null;
      this.cursor = null;
    }
    if (!this.chart) {
      keepTooltipOnInnerMoves(container);
      this.chart = new ApexCharts(container, options);
      work = this.chart.render();
    } else if (onlyData) {
      work = this.chart.updateSeries(options.series ?? []);
    } else {
      work = this.chart.updateOptions(options, true, false);
    }
    this.pendingChart = work.then(
      async () => {
        this.emit('fq-load', { kind: 'forecast', count: result.points.length });
        // The screen-reader table follows once the chart frame is out, so it never delays the chart.
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
        if (this.appliedResult === result) {
          this.tableResult = result;
          await this.updateComplete;
        }
      },
      (error: unknown) => {
        this.reportError(error);
      },
    );
  }

  /** Whether the shown points can be explained: one series' forecast, by day (not a total, group or history). */
  private explainable(result: ForecastResult | null | undefined = this.forecastTask.value): boolean {
    return !!result && !result.historyOnly && !!this.series && !this.groupBy && this.bucket === 'DAY';
  }

  /**
   * The "Why: …" line of a forecast point when its explanation is known; otherwise undefined, and
   * the first ask fetches it (the tooltip and the readout are patched when it arrives).
   */
  private whyFor(date: string): string | undefined {
    const result = this.forecastTask.value;
    if (!result || !this.explainable(result)) return undefined;
    const effects = result.runId ? this.explanations.get(`${result.runId}|${this.series}|${date}`) : undefined;
    if (effects === undefined) {
      void this.explain(result, this.series, date);
      return undefined;
    }
    if (effects === null || effects === 'pending') return undefined;
    const format = this.formatters();
    return whyLine(effects, this.localeTag, (value) => format.value(value)) ?? undefined;
  }

  /** Fetches the explanation of one forecast point once; a failure leaves the tooltip as it was. */
  private async explain(result: ForecastResult, series: string, date: string): Promise<void> {
    const runId = result.runId;
    if (!runId) return;
    const key = `${runId}|${series}|${date}`;
    if (this.explanations.has(key)) return;
    this.explanations.set(key, 'pending');
    let effects: readonly DriverEffectRow[] | null = null;
    try {
      const answer = await this.client.request<ExplanationQueryResult>(EXPLANATION_QUERY, {
        runId,
        seriesId: series,
        date,
      });
      effects = answer.explainForecast?.effects ?? null;
    } catch {
      // No explanation (an old run, an unreachable server): the tooltip stays as it was.
    }
    this.explanations.set(key, effects);
    if (!effects || this.forecastTask.value !== result || this.series !== series) return;
    const line = this.whyFor(date);
    const slot = this.chartContainer?.querySelector<HTMLElement>(`.fq-tooltip-why[data-date="${date}"]`);
    if (slot && line) slot.textContent = line;
    this.explanationsArrived += 1;
  }

  /** Colours, font and height from the host's custom properties, in one style read. */
  private chartStyle(): { palette: ForecastChartPalette; fontFamily: string; height: number } {
    const dark = this.resolvedTheme === 'dark';
    const values = this.cssVariables({
      '--actual-color': dark ? '#f9fafb' : '#111827',
      '--accent-color': dark ? '#60a5fa' : '#2563eb',
      '--band-color': dark ? '#1e40af' : '#93c5fd',
      '--holiday-color': '#b45309',
      '--promotion-color': '#7c3aed',
      '--text-color': dark ? '#f3f4f6' : '#1f2937',
      '--muted-color': dark ? '#cbd5e1' : '#4b5563',
      '--border-color': dark ? '#374151' : '#d1d5db',
      '--background-color': dark ? '#111827' : '#ffffff',
      '--font-family': 'system-ui, sans-serif',
      '--chart-height': '360px',
    });
    const pixels = Number.parseFloat(values['--chart-height']);
    return {
      palette: {
        actual: values['--actual-color'],
        forecast: values['--accent-color'],
        band: values['--band-color'],
        holiday: values['--holiday-color'],
        promotion: values['--promotion-color'],
        text: values['--text-color'],
        muted: values['--muted-color'],
        border: values['--border-color'],
        background: values['--background-color'],
      },
      fontFamily: values['--font-family'],
      height: Number.isFinite(pixels) && pixels > 80 ? pixels : 360,
    };
  }

  private subjectLabel(seriesId: string, groupBy: string): string {
    if (groupBy) return this.groupText(groupBy);
    return seriesId || this.messages.allSeries;
  }

  /** `store=CA_1` as "store CA_1" (the attribute's name in the locale's words when known: "门店 CA_1"). */
  private groupText(group: string): string {
    const [name = '', ...rest] = group.split('=');
    return [localizeLabel(name, this.localeTag), ...rest].join(' ');
  }

  private pickSeries(value: string): void {
    if (value.startsWith('group:')) {
      this.groupBy = value.slice('group:'.length);
      this.emit('fq-series-change', { seriesId: null, groupBy: this.groupBy });
    } else if (value === 'all') {
      this.groupBy = '';
      this.series = '';
      this.emit('fq-series-change', { seriesId: null, groupBy: null });
    } else {
      this.groupBy = '';
      this.series = value;
      this.emit('fq-series-change', { seriesId: value, groupBy: null });
    }
  }

  private onSeriesSelect(event: Event): void {
    const value = (event.target as HTMLSelectElement).value;
    if (value) this.pickSeries(value);
  }

  private onViewSelect(event: Event): void {
    const value = (event.target as HTMLSelectElement).value;
    if (value === 'series') this.pickSeries(this.series || this.seriesTask.value?.[0]?.id || 'all');
    else this.pickSeries(value);
  }

  private onBucketSelect(event: Event): void {
    this.bucket = (event.target as HTMLSelectElement).value as Bucket;
    this.emit('fq-bucket-change', { bucket: this.bucket });
  }

  private onSearchInput(event: Event): void {
    this.searchText = (event.target as HTMLInputElement).value.trim();
  }

  private fileBaseName(): string {
    const subject = (this.groupBy || this.series || 'all').replace(/[^\w.-]+/g, '_');
    return `forecast-${subject}-${this.bucket.toLowerCase()}`;
  }

  private download(href: string, fileName: string): void {
    const link = document.createElement('a');
    link.href = href;
    link.download = fileName;
    link.hidden = true;
    this.renderRoot.appendChild(link);
    link.click();
    link.remove();
  }

  /** Exports the full (not downsampled) data as CSV, or the drawn chart as PNG or SVG. */
  async exportAs(format: 'csv' | 'png' | 'svg'): Promise<void> {
    const result = this.forecastTask.value;
    if (!result) return;
    const fileName = `${this.fileBaseName()}.${format}`;
    if (format === 'csv') {
      const subject = this.groupBy || this.series || 'all';
      // What the chart shows: the zoomed range when zoomed, every point otherwise.
      const range = this.zoomRange;
      const shown = range
        ? result.points.filter((point) => {
            const x = Date.parse(`${point.date.slice(0, 10)}T00:00:00Z`);
            return x >= range.min && x <= range.max;
          })
        : result.points;
      const rows = [
        ['series', 'date', 'actual', 'sold_so_far', 'p10', 'p50', 'p90'],
        ...shown.map((point) => [
          subject,
          point.date,
          csvNumber(point.actual),
          point.actual === null ? csvNumber(point.actualToDate) : null,
          csvNumber(point.p10),
          csvNumber(point.p50),
          csvNumber(point.p90),
        ]),
      ];
      const url = URL.createObjectURL(new Blob([toCsv(rows)], { type: 'text/csv;charset=utf-8' }));
      this.download(url, fileName);
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } else if (this.chart) {
      await this.pendingChart;
      if (format === 'png') {
        // The picture names what it shows: title and dates, drawn into the chart for the export.
        const chart = this.chart;
        await chart.updateOptions(
          {
            title: { text: this.messages.chartTitle(result.subject), style: { fontSize: '14px' } },
            subtitle: { text: this.shownRangeText(result) },
          },
          false,
          false,
        );
        try {
          const uri = await chart.dataURI({ scale: 2 });
          if ('imgURI' in uri) this.download(uri.imgURI, fileName);
        } finally {
          await chart.updateOptions({ title: { text: undefined }, subtitle: { text: undefined } }, false, false);
        }
      } else {
        const chartWithSvg = this.chart as unknown as { getSvgString(scale?: number): Promise<string> };
        const svg = await chartWithSvg.getSvgString(1);
        const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml;charset=utf-8' }));
        this.download(url, fileName);
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      }
    }
    this.emit('fq-export', { format, fileName });
  }

  /** The dates shown, as text ("1 Sep 2025 – 27 Jan 2026"): the zoomed range or every point. */
  private shownRangeText(result: ForecastResult): string {
    const format = this.formatters(this.bucket);
    const first = result.points[0]?.date;
    const last = result.points.at(-1)?.date;
    if (!first || !last) return '';
    const from = this.zoomRange ? iso(this.zoomRange.min) : first;
    const to = this.zoomRange ? iso(this.zoomRange.max) : last;
    return this.messages.chartZoomRange(format.date(from), format.date(to));
  }

  /** The full x range of the drawn rows (epoch ms). */
  private fullRange(): { min: number; max: number } | null {
    const rows = this.chartData?.rows;
    const first = rows?.[0]?.x;
    const last = rows?.at(-1)?.x;
    return first === undefined || last === undefined || last <= first ? null : { min: first, max: last };
  }

  /** Zooms around the middle of the shown range: factor < 1 zooms in, > 1 out. */
  zoomBy(factor: number): void {
    const full = this.fullRange();
    if (!full || !this.chart) return;
    const current = this.zoomRange ?? full;
    const middle = (current.min + current.max) / 2;
    const minWidth = Math.max(DAY_MS * 3, (full.max - full.min) / 500);
    const half = Math.min(full.max - full.min, Math.max(minWidth, (current.max - current.min) * factor)) / 2;
    let min = middle - half;
    let max = middle + half;
    if (min < full.min) [min, max] = [full.min, full.min + 2 * half];
    if (max > full.max) [min, max] = [full.max - 2 * half, full.max];
    this.applyZoom({ min: Math.max(full.min, min), max: Math.min(full.max, max) });
  }

  /** Moves the shown range by a fraction of its width: negative is earlier. */
  panBy(fraction: number): void {
    const full = this.fullRange();
    if (!full || !this.chart) return;
    const current = this.zoomRange ?? full;
    const width = current.max - current.min;
    const shift = Math.max(full.min - current.min, Math.min(full.max - current.max, width * fraction));
    this.applyZoom({ min: current.min + shift, max: current.max + shift });
  }

  /** Shows everything again. */
  resetZoom(): void {
    const full = this.fullRange();
    if (!full || !this.chart) return;
    this.applyZoom(null);
  }

  private applyZoom(range: { min: number; max: number } | null): void {
    const full = this.fullRange();
    if (!full || !this.chart) return;
    const isFull = range === null || (range.min <= full.min && range.max >= full.max);
    this.zoomRange = isFull ? null : range;
    const shown = this.zoomRange ?? full;
    this.programmaticZoom = shown;
    this.chart.zoomX(shown.min, shown.max);
    this.emit('fq-range-change', {
      from: this.zoomRange ? new Date(shown.min).toISOString().slice(0, 10) : null,
      to: this.zoomRange ? new Date(shown.max).toISOString().slice(0, 10) : null,
    });
  }

  /** Keys on the focused chart: arrows read points, Shift+arrows pan, + and − zoom, 0 or Home resets. */
  private onChartKeydown(event: KeyboardEvent): void {
    const rows = this.chartData?.rows ?? [];
    if (rows.length === 0) return;
    const range = this.zoomRange ?? this.fullRange();
    const visible = rows
      .map((row, index) => ({ row, index }))
      .filter(({ row }) => !range || (row.x >= range.min && row.x <= range.max));
    const key = event.key;
    if ((key === 'ArrowLeft' || key === 'ArrowRight') && event.shiftKey) this.panBy(key === 'ArrowLeft' ? -0.25 : 0.25);
    else if (key === 'ArrowLeft' || key === 'ArrowRight') {
      const step = key === 'ArrowLeft' ? -1 : 1;
      const position = visible.findIndex(({ index }) => index === this.cursor);
      const next = position < 0 ? (step > 0 ? 0 : visible.length - 1) : position + step;
      const target = visible[Math.max(0, Math.min(visible.length - 1, next))];
      if (target) {
        this.cursor = target.index;
        // A forecast point of one series: `<fq-explanation linked>` explains it.
        if (this.series && isForecastRow(target.row)) {
          this.emit('fq-point-select', { seriesId: this.series, date: target.row.date });
          // Its explanation joins the readout once fetched (a total or group has none).
          this.whyFor(target.row.date);
        }
      }
    } else if (key === '+' || key === '=') this.zoomBy(0.5);
    else if (key === '-' || key === '_') this.zoomBy(2);
    else if (key === '0' || key === 'Home') this.resetZoom();
    else if (key === 'Escape') this.cursor = null;
    else return;
    event.preventDefault();
  }

  /** The values of the point under the keyboard cursor, as the tooltip would show them. */
  private renderReadout(): TemplateResult | typeof nothing {
    const row = this.cursor === null ? undefined : this.chartData?.rows[this.cursor];
    if (!row) return html`<p class="readout muted" part="readout">${this.messages.chartKeyboardHelp}</p>`;
    const format = this.formatters(this.bucket);
    const messages = this.messages;
    const events = (this.forecastTask.value?.events ?? [])
      .filter((event) => event.date.slice(0, 10) === row.date)
      .map(
        (event) =>
          `${event.kind === 'PROMOTION' ? messages.promotion : messages.holiday}: ${localizeLabel(event.label, this.localeTag)}`,
      );
    const parts = [
      row.actual !== null ? `${messages.actual} ${format.value(row.actual)}` : '',
      row.soldSoFar !== null ? `${messages.soldSoFar} ${format.value(row.soldSoFar)}` : '',
      row.p50 !== null ? `${messages.forecast} ${format.value(row.p50)}` : '',
      row.p10 !== null && row.p90 !== null
        ? `${messages.interval} ${format.value(row.p10)} – ${format.value(row.p90)}`
        : '',
      ...events,
      isForecastRow(row) ? (this.whyFor(row.date) ?? '') : '',
    ].filter(Boolean);
    return html`<p class="readout" part="readout" role="status" aria-live="polite">
      <strong>${format.date(row.date)}</strong> · ${parts.join(' · ')}
    </p>`;
  }

  /** Zoom, pan, reset and the table toggle: buttons anyone can reach by keyboard. */
  private renderChartTools(hasData: boolean): TemplateResult {
    const messages = this.messages;
    return html`<div class="chart-tools" part="chart-tools" role="toolbar" aria-label=${messages.chartKeyboardLabel}>
      <button type="button" part="zoom-in" ?disabled=${!hasData} @click=${() => this.zoomBy(0.5)}>
        <span aria-hidden="true">+</span> ${messages.zoomIn}
      </button>
      <button type="button" part="zoom-out" ?disabled=${!hasData || !this.zoomRange} @click=${() => this.zoomBy(2)}>
        <span aria-hidden="true">−</span> ${messages.zoomOut}
      </button>
      <button type="button" part="pan-left" ?disabled=${!hasData || !this.zoomRange} @click=${() => this.panBy(-0.25)}>
        <span aria-hidden="true">←</span> ${messages.panLeft}
      </button>
      <button type="button" part="pan-right" ?disabled=${!hasData || !this.zoomRange} @click=${() => this.panBy(0.25)}>
        ${messages.panRight} <span aria-hidden="true">→</span>
      </button>
      <button type="button" part="reset-zoom" ?disabled=${!hasData || !this.zoomRange} @click=${() => this.resetZoom()}>
        ${messages.resetZoom}
      </button>
      <button
        type="button"
        part="table-toggle"
        aria-pressed=${this.tableVisible ? 'true' : 'false'}
        ?disabled=${!hasData}
        @click=${() => (this.tableVisible = !this.tableVisible)}
      >
        ${messages.showTable}
      </button>
    </div>`;
  }

  private renderPicker(): TemplateResult | typeof nothing {
    if (this.noPicker) return nothing;
    const messages = this.messages;
    const found = this.seriesTask.value ?? [];
    // Before the search answers, the current series is still shown (by id) in the picker.
    const current = this.series
      ? (this.knownSeries.get(this.series) ?? { id: this.series, attributes: [] })
      : undefined;
    const options = current && !found.some((item) => item.id === current.id) ? [current, ...found] : found;
    const viewValue = this.groupBy ? `group:${this.groupBy}` : this.series ? 'series' : 'all';
    const groups = (current?.attributes ?? []).map((attribute) => `${attribute.name}=${attribute.value}`);
    if (this.groupBy && !groups.includes(this.groupBy)) groups.push(this.groupBy);
    return html`
      <label>
        <span class="sr-only">${messages.searchSeries}</span>
        <input
          type="search"
          part="search"
          placeholder=${messages.searchSeries}
          .value=${this.searchText}
          @input=${this.onSearchInput}
        />
      </label>
      <label>
        ${messages.series}
        <select part="series-select" @change=${this.onSeriesSelect} .value=${this.series}>
          ${this.series ? nothing : html`<option value="" selected>—</option>`}
          ${options.map(
            (item) =>
              html`<option value=${item.id} ?selected=${item.id === this.series}>
                ${item.id}${item.attributes.length ? ` · ${item.attributes.map((a) => a.value).join(' · ')}` : ''}
              </option>`,
          )}
          ${options.length === 0 && this.searchText ? html`<option disabled>${messages.noSeriesMatch}</option>` : nothing}
        </select>
      </label>
      <label>
        ${messages.view}
        <select part="view-select" @change=${this.onViewSelect}>
          <option value="series" ?selected=${viewValue === 'series'}>${messages.singleSeries}</option>
          ${groups.map(
            (group) =>
              html`<option value=${`group:${group}`} ?selected=${viewValue === `group:${group}`}>
                ${messages.totalBy(this.groupText(group))}
              </option>`,
          )}
          <option value="all" ?selected=${viewValue === 'all'}>${messages.totalAll}</option>
        </select>
      </label>
      <label>
        ${messages.bucket}
        <select part="bucket-select" @change=${this.onBucketSelect}>
          ${(['DAY', 'WEEK', 'MONTH'] as const).map(
            (bucket) =>
              html`<option value=${bucket} ?selected=${bucket === this.bucket}>${messages.buckets[bucket]}</option>`,
          )}
        </select>
      </label>
    `;
  }

  private renderTable(result: ForecastResult): TemplateResult | typeof nothing {
    const data = this.chartData;
    if (!data || this.chartDataSource?.result !== result || this.tableResult !== result) return nothing;
    const format = this.formatters(this.bucket);
    const messages = this.messages;
    return html`<table
      class=${this.tableVisible ? 'data-table' : 'sr-only'}
      part="table"
      tabindex=${this.tableVisible ? '0' : '-1'}
    >
      <caption>
        ${messages.tableCaption(result.subject, data.rows.length)}
      </caption>
      <thead>
        <tr>
          <th scope="col">${messages.date}</th>
          <th scope="col">${messages.actual}</th>
          <th scope="col">${messages.forecast}</th>
          <th scope="col">${messages.interval}</th>
        </tr>
      </thead>
      <tbody>
        ${data.rows.map(
          (row) =>
            html`<tr>
              <th scope="row">
                ${format.date(row.date)}${row.partial && row.days !== null ? ` (${row.days}/${bucketDays(row.date, this.bucket)})` : ''}
              </th>
              <td>
                ${
                  row.actual === null && row.soldSoFar !== null
                    ? `${messages.soldSoFar} ${format.value(row.soldSoFar)}`
                    : format.value(row.actual)
                }
              </td>
              <td>${format.value(row.p50)}</td>
              <td>
                ${row.p10 === null || row.p90 === null ? '–' : `${format.value(row.p10)} – ${format.value(row.p90)}`}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  override render(): TemplateResult {
    const messages = this.messages;
    const result = this.forecastTask.value;
    const status = this.forecastTask.status;
    let regionState: 'initial' | 'loading' | 'error' | 'empty' | 'complete' = 'complete';
    let overlay: TemplateResult | typeof nothing = nothing;
    if (!this.datasetId) {
      regionState = 'error';
      overlay = this.renderEmpty(messages.missingDataset);
    } else if (status === TaskStatus.ERROR) {
      regionState = 'error';
      overlay = this.renderError(this.forecastTask.error, () => void this.forecastTask.run());
    } else if (!result) {
      regionState = 'initial';
      overlay = this.renderLoading();
    } else if (result.points.length === 0) {
      regionState = 'empty';
      overlay = status === TaskStatus.PENDING ? this.renderLoading() : this.renderEmpty();
    }
    const busy = status === TaskStatus.PENDING && result;
    const subject = result?.subject ?? this.subjectLabel(this.series, this.groupBy);
    return html`
      <section part="base" class="base" aria-labelledby="title">
        <div class="header" part="header">
          <h2 id="title">${messages.chartTitle(subject)}</h2>
          <span class="export" role="group" aria-label=${messages.exportLabel}>
            <button
              type="button"
              part="export-csv"
              ?disabled=${!result?.points.length}
              @click=${() => this.exportAs('csv')}
            >
              CSV
            </button>
            <button
              type="button"
              part="export-png"
              ?disabled=${!result?.points.length}
              @click=${() => this.exportAs('png')}
            >
              PNG
            </button>
            <button
              type="button"
              part="export-svg"
              ?disabled=${!result?.points.length}
              @click=${() => this.exportAs('svg')}
            >
              SVG
            </button>
          </span>
        </div>
        ${this.noPicker ? nothing : html`<div class="controls" part="controls">${this.renderPicker()}</div>`}
        <div class="busy" role="status" aria-live="polite">${busy ? messages.loading : ''}</div>
        ${this.renderChartTools(regionState === 'complete')}
        <div
          class="chart-region"
          part="chart"
          data-state=${regionState}
          tabindex=${regionState === 'complete' ? '0' : '-1'}
          role="group"
          aria-label=${messages.chartKeyboardLabel}
          @keydown=${this.onChartKeydown}
        >
          <div class="chart-canvas" aria-hidden="true"></div>
          ${overlay === nothing ? nothing : html`<div class="overlay">${overlay}</div>`}
        </div>
        ${regionState === 'complete' ? this.renderReadout() : nothing}
        ${
          result?.historyOnly && regionState === 'complete'
            ? html`<p class="note" part="history-note" role="status">${messages.noForecastYet}</p>`
            : nothing
        }
        ${
          this.chartData?.downsampled && regionState === 'complete'
            ? html`<p class="note">
                ${messages.downsampled(
                  this.formatters().integer(this.chartData.rows.length),
                  this.formatters().integer(this.chartData.totalPoints),
                )}
              </p>`
            : nothing
        }
        ${result && regionState === 'complete' ? this.renderTable(result) : nothing}
      </section>
    `;
  }
}
