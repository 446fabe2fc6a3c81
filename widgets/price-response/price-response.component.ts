import { Task, TaskStatus } from '@lit/task';
import ApexCharts from 'apexcharts';
import { html, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { baseStyles } from '../internal/base.styles.js';
import { BaseWidget, type LinkedSelection } from '../internal/base-widget.js';
import { buildPriceResponseOptions, modelCurve, percentChangesFor, type CurvePoint } from './price-response-data.js';
import { priceResponseMessagesFor, type PriceResponseMessages } from './price-response.messages.js';
import {
  PRICE_HISTORY_QUERY,
  PRICE_RESPONSE_QUERY,
  type PriceHistoryQueryResult,
  type PriceHistoryResult,
  type PriceResponseQueryResult,
} from './price-response.queries.js';
import { priceResponseStyles } from './price-response.styles.js';
import { keepTooltipOnInnerMoves } from '../internal/chart-pointer.js';

interface PriceResponseData {
  readonly history: PriceHistoryResult;
  readonly curve: readonly CurvePoint[];
  /** `model`: the trained model's `priceResponse`; `history`: medians of past days (no run, or the model cannot answer). */
  readonly source: 'model' | 'history';
  readonly warnings: readonly string[];
}

/**
 * A product's price against its units sold, day by day (promotion days marked), with the response
 * curve: the trained model's expected units at other prices (`priceResponse`, the scenario
 * use-case), or, before a model exists, the median units of past days at each price.
 *
 * @summary Price against units: history scatter and the response curve.
 * @status experimental
 * @since 0.2.0
 *
 * @fires fq-load - Data arrived and was drawn. `detail: { kind: 'price-response', count }` (days).
 * @fires fq-error - A request failed. `detail: { code, message }`.
 *
 * @csspart base - The wrapper.
 * @csspart chart - The chart region.
 * @csspart note - Where the curve comes from.
 * @csspart state - Loading, empty and error panels.
 * @csspart error - The error panel.
 *
 * @cssproperty --chart-height - Height of the chart (default 360px).
 * @cssproperty --actual-color - Days.
 * @cssproperty --promotion-color - Promotion days.
 * @cssproperty --accent-color - The response curve.
 * @cssproperty --text-color - Text colour.
 * @cssproperty --muted-color - Axes.
 */
export class FqPriceResponse extends BaseWidget {
  static override styles = [baseStyles, priceResponseStyles];

  /** Series id of the product (required: prices are per product). */
  @property() series = '';

  private chart: ApexCharts | null = null;
  private drawn: PriceResponseData | null = null;
  private drawnKey = '';

  private readonly priceTask = new Task(this, {
    task: async ([datasetId, series], { signal }): Promise<PriceResponseData | null> => {
      if (!datasetId || !series) return null;
      try {
        const { priceHistory: history } = await this.client.request<PriceHistoryQueryResult>(
          PRICE_HISTORY_QUERY,
          { datasetId, seriesId: series },
          signal,
        );
        let data: PriceResponseData = {
          history,
          curve: history.historyCurve.map((bin) => ({ price: bin.price, units: bin.units })),
          source: 'history',
          warnings: [],
        };
        if (history.forecastDays !== null && history.currentPrice !== null) {
          try {
            const { priceResponse } = await this.client.request<PriceResponseQueryResult>(
              PRICE_RESPONSE_QUERY,
              {
                datasetId,
                seriesId: series,
                covariate: history.covariate,
                percentChanges: percentChangesFor(
                  history.points.map((p) => p.price),
                  history.currentPrice,
                ),
              },
              signal,
            );
            const curve = modelCurve(priceResponse.points, history.currentPrice, history.forecastDays);
            if (curve.length > 0) data = { history, curve, source: 'model', warnings: priceResponse.warnings };
          } catch (error) {
            // The model cannot answer (e.g. it never saw the price): the history's curve stays.
            if (signal.aborted) throw error;
          }
        }
        this.updateComplete.then(() => this.emit('fq-load', { kind: 'price-response', count: history.points.length }));
        return data;
      } catch (error) {
        if (!signal.aborted) this.reportError(error);
        throw error;
      }
    },
    args: () => [this.datasetId, this.series, this.endpoint, this.token, this.fetchImpl] as const,
  });

  private get priceMessages(): PriceResponseMessages {
    return priceResponseMessagesFor(this.locale);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.chart?.destroy();
    this.chart = null;
    this.drawn = null;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const data = this.priceTask.value;
    const container = this.renderRoot.querySelector<HTMLElement>('.chart-canvas');
    if (!data || !container || data.history.points.length === 0) {
      this.chart?.destroy();
      this.chart = null;
      this.drawn = null;
      return;
    }
    const key = `${this.locale}|${this.currency}|${this.resolvedTheme}`;
    if (this.drawn === data && this.drawnKey === key && this.chart) return;
    const m = this.priceMessages;
    const format = this.formatters();
    const colors = this.cssVariables({
      '--actual-color': '#111827',
      '--promotion-color': '#7c3aed',
      '--accent-color': '#2563eb',
      '--text-color': '#1f2937',
      '--muted-color': '#4b5563',
      '--border-color': '#d1d5db',
      '--chart-height': '360px',
    });
    const height = Number.parseFloat(colors['--chart-height']);
    const options = buildPriceResponseOptions({
      points: data.history.points,
      curve: data.curve,
      palette: {
        point: colors['--actual-color'],
        promotion: colors['--promotion-color'],
        curve: colors['--accent-color'],
        text: colors['--text-color'],
        muted: colors['--muted-color'],
        border: colors['--border-color'],
      },
      labels: {
        days: m.days,
        promotionDays: m.promotionDays,
        curve: data.source === 'model' ? m.modelCurve : m.historyCurve,
        price: m.price,
        units: m.unitsPerDay,
      },
      formatPrice: (value) => format.money(value),
      formatUnits: (value) => format.value(value),
      height: Number.isFinite(height) && height > 80 ? height : 360,
    });
    this.chart?.destroy();
    keepTooltipOnInnerMoves(container);
    this.chart = new ApexCharts(container, options);
    void this.chart.render();
    this.drawn = data;
    this.drawnKey = key;
  }

  // A run of this dataset succeeded: the model's curve replaces what is drawn.
  protected override onRunSucceeded(): void {
    void this.priceTask.run();
  }

  // `linked`: a product picked elsewhere on the page; a group total has no single price.
  protected override onLinkedSelection(selection: LinkedSelection): void {
    this.series = selection.seriesId ?? '';
  }

  private renderData(data: PriceResponseData): TemplateResult {
    const m = this.priceMessages;
    if (data.history.points.length === 0) return this.renderEmpty(m.noPrice);
    const format = this.formatters();
    return html`<div
        class="chart"
        part="chart"
        role="img"
        aria-label=${m.chartLabel(this.series, format.integer(data.history.points.length))}
      >
        <div class="chart-canvas"></div>
      </div>
      <p class="note" part="note" data-source=${data.source}>
        ${data.source === 'model' ? m.fromModel(format.money(data.history.currentPrice ?? 0)) : m.fromHistory}
      </p>
      ${data.warnings.map((warning) => html`<p class="warning" role="note">${warning}</p>`)}
      <table class="sr-only">
        <caption>
          ${data.source === 'model' ? m.modelCurve : m.historyCurve}
        </caption>
        <thead>
          <tr>
            <th scope="col">${m.price}</th>
            <th scope="col">${m.unitsPerDay}</th>
          </tr>
        </thead>
        <tbody>
          ${data.curve.map(
            (point) =>
              html`<tr>
                <td>${format.money(point.price)}</td>
                <td>${format.value(point.units)}</td>
              </tr>`,
          )}
        </tbody>
      </table>`;
  }

  override render(): TemplateResult {
    const m = this.priceMessages;
    const value = this.priceTask.value;
    let body: TemplateResult;
    if (!this.datasetId) body = this.renderEmpty(this.messages.missingDataset);
    else if (!this.series) body = this.renderEmpty(m.pickSeries);
    else if (this.priceTask.status === TaskStatus.ERROR) {
      body = this.renderError(this.priceTask.error, () => void this.priceTask.run(), m.errorTitle);
    } else if (!value) body = this.renderLoading();
    else body = this.renderData(value);
    return html`<section part="base" aria-labelledby="title">
      <h2 id="title">${this.series ? m.title(this.series) : m.title('—')}</h2>
      ${body}
    </section>`;
  }
}
