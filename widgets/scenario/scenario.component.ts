import { Task, TaskStatus } from '@lit/task';
import ApexCharts from 'apexcharts';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { SERIES_SEARCH_QUERY, type SeriesSearchQueryResult } from '../forecast-chart/forecast-chart.queries.js';
import { baseStyles } from '../internal/base.styles.js';
import { BaseWidget, type LinkedSelection } from '../internal/base-widget.js';
import { buildScenarioChartOptions, scenarioDirection } from './scenario-chart.js';
import { scenarioMessagesFor, type ScenarioMessages } from './scenario.messages.js';
import {
  SCENARIO_QUERY,
  type ScenarioQueryResult,
  type ScenarioQueryVariables,
  type ScenarioResultData,
} from './scenario.queries.js';
import { scenarioStyles } from './scenario.styles.js';
import { keepTooltipOnInnerMoves } from '../internal/chart-pointer.js';

/** Largest change the slider offers, in % either way. */
const SLIDER_LIMIT = 50;

/**
 * What-if for a product (or a group total): move its price or promotion by a percentage over the
 * forecast weeks and see the forecast as planned and with the change, each with its likely range,
 * and the difference in units and revenue. Answered by the dataset's latest trained model, without
 * retraining and without writing anything (`scenario` query).
 *
 * @summary Move a price or promotion and see both forecasts and the difference.
 * @status experimental
 * @since 0.2.0
 *
 * @fires fq-scenario-change - The user moved the change. `detail: { covariate, percentChange }`.
 * @fires fq-series-change - The user picked another product. `detail: { seriesId, groupBy: null }`.
 * @fires fq-load - The scenario arrived and was drawn. `detail: { kind: 'scenario', count }` (points).
 * @fires fq-error - A request failed. `detail: { code, message }`.
 *
 * @csspart base - The wrapper.
 * @csspart controls - The product, covariate and change controls.
 * @csspart summary - The sentence with the difference.
 * @csspart chart - The chart.
 * @csspart warnings - What the model says to know (extrapolation, clipped dates).
 * @csspart state - Loading, empty and error panels.
 * @csspart error - The error panel.
 *
 * @cssproperty --baseline-color - The forecast as planned.
 * @cssproperty --accent-color - The forecast with the change.
 * @cssproperty --success-color - A rise.
 * @cssproperty --danger-color - A fall.
 * @cssproperty --chart-height - Height of the chart (default 320px).
 * @cssproperty --background-color - Widget background.
 * @cssproperty --text-color - Text colour.
 * @cssproperty --muted-color - Secondary text.
 */
export class FqScenario extends BaseWidget {
  static override styles = [baseStyles, scenarioStyles];

  /** Series id of the product; empty shows the group total of `group-by`, or asks to pick one. */
  @property() series = '';

  /** A group total instead of one product: `attribute=value`, e.g. `store=CA_1`, or `all`. */
  @property({ attribute: 'group-by' }) groupBy = '';

  /** The covariate moved (one the model reads for future dates), e.g. `price` or `promo`. */
  @property() covariate = 'price';

  /** Covariates offered in the picker, comma-separated (default: `covariate` only). */
  @property() covariates = '';

  /** The change in %, −50 to 50 (−10 = a 10 % cut). */
  @property({ type: Number, attribute: 'percent-change' }) percentChange = -10;

  private chart: ApexCharts | null = null;
  private chartContainer: HTMLElement | null = null;
  private appliedResult: ScenarioResultData | null = null;
  private appliedKey = '';
  private pendingChart: Promise<unknown> = Promise.resolve();

  private readonly scenarioTask = new Task(this, {
    task: async ([datasetId, series, groupBy, covariate, percentChange], { signal }) => {
      if (!datasetId || (!series && !groupBy)) return null;
      try {
        const result = await this.client.request<ScenarioQueryResult, ScenarioQueryVariables>(
          SCENARIO_QUERY,
          {
            datasetId,
            seriesId: series || null,
            groupBy: series ? null : groupBy,
            changes: [{ covariate, percentChange: clampChange(percentChange) }],
          },
          signal,
        );
        return result.scenario;
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
        this.covariate,
        this.percentChange,
        this.endpoint,
        this.token,
        this.fetchImpl,
      ] as const,
  });

  private readonly seriesTask = new Task(this, {
    task: async ([datasetId], { signal }) => {
      if (!datasetId) return [];
      const result = await this.client.request<SeriesSearchQueryResult>(
        SERIES_SEARCH_QUERY,
        { datasetId, search: null, first: 50 },
        signal,
      );
      return result.series.edges.map((e) => e.node.id);
    },
    args: () => [this.datasetId, this.endpoint, this.token, this.fetchImpl] as const,
  });

  /** Resolves when the chart has applied the latest scenario (for tests). */
  get chartUpdateComplete(): Promise<void> {
    return this.updateComplete.then(() => this.pendingChart).then(() => undefined);
  }

  private get scenarioMessages(): ScenarioMessages {
    return scenarioMessagesFor(this.locale);
  }

  private onSeriesInput(event: Event): void {
    const value = (event.target as HTMLInputElement).value.trim();
    if (value === this.series) return;
    this.series = value;
    this.emit('fq-series-change', { seriesId: value || null, groupBy: null });
  }

  private onCovariateInput(event: Event): void {
    this.covariate = (event.target as HTMLSelectElement).value;
    this.emit('fq-scenario-change', { covariate: this.covariate, percentChange: this.percentChange });
  }

  private onChangeInput(event: Event): void {
    this.percentChange = clampChange(Number((event.target as HTMLInputElement).value));
    this.emit('fq-scenario-change', { covariate: this.covariate, percentChange: this.percentChange });
  }

  protected override onLinkedSelection(selection: LinkedSelection): void {
    this.series = selection.seriesId ?? '';
    this.groupBy = selection.seriesId ? '' : (selection.groupBy ?? '');
  }

  protected override onRunSucceeded(): void {
    void this.scenarioTask.run();
  }

  override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const container = this.renderRoot.querySelector<HTMLElement>('.chart-canvas');
    if (container !== this.chartContainer) {
      // The chart's element left the DOM (an error or empty state in between): draw it anew.
      this.chart?.destroy();
      this.chart = null;
      this.chartContainer = container;
    }
    const result = this.scenarioTask.value ?? null;
    if (!result || !this.chartContainer) return;
    const key = [this.localeTag, this.resolvedTheme, this.currency].join('|');
    if (result === this.appliedResult && key === this.appliedKey && this.chart) return;
    this.applyChart(result, key);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.chart?.destroy();
    this.chart = null;
    this.appliedResult = null;
  }

  private applyChart(result: ScenarioResultData, key: string): void {
    const m = this.scenarioMessages;
    const dark = this.resolvedTheme === 'dark';
    const css = this.cssVariables({
      '--baseline-color': dark ? '#9ca3af' : '#6b7280',
      '--accent-color': dark ? '#60a5fa' : '#2563eb',
      '--text-color': dark ? '#f3f4f6' : '#1f2937',
      '--muted-color': dark ? '#cbd5e1' : '#4b5563',
      '--border-color': dark ? '#374151' : '#d1d5db',
      '--font-family': 'system-ui, sans-serif',
      '--chart-height': '320px',
    });
    const pixels = Number.parseFloat(css['--chart-height']);
    const format = this.formatters();
    const options = buildScenarioChartOptions({
      result,
      labels: {
        baseline: m.baseline,
        scenario: m.scenario,
        baselineRange: m.range(m.baseline),
        scenarioRange: m.range(m.scenario),
      },
      palette: {
        baseline: css['--baseline-color'],
        scenario: css['--accent-color'],
        text: css['--text-color'],
        muted: css['--muted-color'],
        border: css['--border-color'],
      },
      mode: dark ? 'dark' : 'light',
      locale: this.localeTag,
      height: Number.isFinite(pixels) && pixels > 80 ? pixels : 320,
      fontFamily: css['--font-family'],
      formatValue: (v) => format.value(v),
    });
    const sameChart = this.chart !== null && key === this.appliedKey;
    this.appliedResult = result;
    this.appliedKey = key;
    let work: Promise<unknown>;
    if (this.chart && !sameChart) {
      this.chart.destroy();
      this.chart = null;
    }
    if (!this.chart) {
      keepTooltipOnInnerMoves(this.chartContainer!);
      this.chart = new ApexCharts(this.chartContainer!, options);
      work = this.chart.render();
    } else {
      work = this.chart.updateSeries(options.series ?? []);
    }
    this.pendingChart = work.then(
      () => this.emit('fq-load', { kind: 'scenario', count: result.points.length }),
      () => undefined,
    );
  }

  private renderControls(): TemplateResult {
    const m = this.scenarioMessages;
    const offered = [...new Set([this.covariate, ...this.covariates.split(',').map((c) => c.trim())])].filter(Boolean);
    const ids = this.seriesTask.value ?? [];
    const percent = this.formatters().percent(clampChange(this.percentChange) / 100);
    return html`<div class="controls" part="controls">
      <label
        >${m.series}
        <input
          type="text"
          list="series-options"
          .value=${this.series}
          placeholder=${m.seriesHint}
          @change=${this.onSeriesInput}
        />
        <datalist id="series-options">${ids.map((id) => html`<option value=${id}></option>`)}</datalist>
      </label>
      <label
        >${m.covariate}
        <select @change=${this.onCovariateInput}>
          ${offered.map((c) => html`<option value=${c} ?selected=${c === this.covariate}>${c}</option>`)}
        </select>
      </label>
      <label
        >${m.change} <output>${m.changeValue(signed(percent, this.percentChange))}</output>
        <input
          type="range"
          min=${-SLIDER_LIMIT}
          max=${SLIDER_LIMIT}
          step="5"
          .value=${String(clampChange(this.percentChange))}
          aria-valuetext=${signed(percent, this.percentChange)}
          @change=${this.onChangeInput}
        />
      </label>
    </div>`;
  }

  private renderResult(result: ScenarioResultData): TemplateResult {
    const m = this.scenarioMessages;
    const format = this.formatters();
    const t = result.totals;
    const direction = scenarioDirection(t);
    const units = `${t.differenceUnits >= 0 ? '+' : ''}${format.value(t.differenceUnits)}`;
    const unitsPercent =
      t.differencePercent === null ? '–' : signed(format.percent(t.differencePercent / 100), t.differencePercent);
    const changePercent = signed(format.percent(clampChange(this.percentChange) / 100), this.percentChange);
    return html`<p class="summary" part="summary" data-direction=${direction} role="status">
        ${m.summary(this.covariate, changePercent, units, unitsPercent)}
        ${
          t.differenceRevenue === null
            ? nothing
            : m.revenueSummary(`${t.differenceRevenue >= 0 ? '+' : ''}${format.money(t.differenceRevenue)}`)
        }
      </p>
      <div class="chart-canvas" part="chart" aria-hidden="true"></div>
      <table class="sr-only">
        <caption>
          ${m.tableCaption}
        </caption>
        <thead>
          <tr>
            <th scope="col">${m.date}</th>
            <th scope="col">${m.baseline}</th>
            <th scope="col">${m.scenario}</th>
            <th scope="col">${m.difference}</th>
          </tr>
        </thead>
        <tbody>
          ${result.points.map(
            (p) =>
              html`<tr>
                <th scope="row">${format.date(p.date)}</th>
                <td>${format.value(p.baseline.p50)}</td>
                <td>${format.value(p.scenario.p50)}</td>
                <td>${format.value(p.difference)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${
        result.warnings.length
          ? html`<ul class="warnings" part="warnings" aria-label=${m.warnings}>
              ${result.warnings.map((w) => html`<li>${w}</li>`)}
            </ul>`
          : nothing
      }`;
  }

  override render(): TemplateResult {
    const m = this.scenarioMessages;
    let body: TemplateResult;
    if (!this.datasetId) body = this.renderEmpty(this.messages.missingDataset);
    else if (!this.series && !this.groupBy) body = this.renderEmpty(m.noSeries);
    else if (this.scenarioTask.status === TaskStatus.ERROR) {
      body = this.renderError(this.scenarioTask.error, () => void this.scenarioTask.run(), m.errorTitle);
    } else if (!this.scenarioTask.value) body = this.renderLoading();
    // While a new change is answered the last answer stays (the chart updates in place).
    else body = this.renderResult(this.scenarioTask.value);
    return html`<section part="base" aria-labelledby="title">
      <h2 id="title">${m.title}</h2>
      ${this.renderControls()} ${body}
    </section>`;
  }
}

/** A change within the slider's range, 0 for anything that is not a number. */
function clampChange(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.max(-SLIDER_LIMIT, Math.min(SLIDER_LIMIT, value));
}

/** A formatted percentage with its sign ("+10%", "−10%"). */
function signed(formatted: string, value: number): string {
  return value > 0 && !formatted.startsWith('+') ? `+${formatted}` : formatted;
}
