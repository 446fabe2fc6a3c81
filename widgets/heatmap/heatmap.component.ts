import { Task, TaskStatus } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { FeatureImportanceQueryResult } from '../feature-importance/feature-importance.queries.js';
import type {
  ForecastQueryResult,
  ForecastQueryVariables,
  SalesHistoryQueryResult,
} from '../forecast-chart/forecast-chart.queries.js';
import { baseStyles } from '../internal/base.styles.js';
import { BaseWidget, type LinkedSelection } from '../internal/base-widget.js';
import { localizeLabel } from '../internal/event-labels.js';
import { resolveRun } from '../internal/latest-run.js';
import { cellColors, driverGrid, weekdayGrid, type DriverGrid, type WeekdayGrid } from './heatmap-data.js';
import { heatmapMessagesFor, type HeatmapMessages } from './heatmap.messages.js';
import {
  FEATURE_IMPORTANCE_QUERY,
  FORECAST_QUERY,
  HEATMAP_SERIES_QUERY,
  SALES_HISTORY_QUERY,
  type HeatmapSeriesQueryResult,
} from './heatmap.queries.js';
import { heatmapStyles } from './heatmap.styles.js';

/** Values of the `kind` attribute. */
export const HEATMAP_KINDS = ['weekday', 'drivers'] as const;
export type HeatmapKind = (typeof HEATMAP_KINDS)[number];

type HeatmapData =
  | { readonly kind: 'weekday'; readonly grid: WeekdayGrid }
  | { readonly kind: 'drivers'; readonly grid: DriverGrid; readonly total: number };

/**
 * Two heatmaps a shop owner and an analyst read at a glance. `kind="weekday"` (default): units per
 * day as weekday rows × week columns, the history's actuals and then the forecast's median (dashed
 * cells), for the whole shop, a group or one product: where a week is busy and what is coming.
 * `kind="drivers"`: products × drivers, each cell the share of that product's forecast a driver
 * explains (the run's stored importance). A table underneath, so screen readers read rows and
 * columns by their headers.
 *
 * @summary Weekday × week sales and forecast, or product × driver importance, as a heatmap.
 * @status experimental
 * @since 0.2.0
 *
 * @fires fq-load - Data arrived and was drawn. `detail: { kind: 'heatmap', count }` (cells with a value).
 * @fires fq-error - A request failed. `detail: { code, message }`.
 * @fires fq-series-change - The user picked a product's row (drivers). `detail: { seriesId, groupBy: null }`.
 *
 * @csspart base - The wrapper.
 * @csspart table - The heatmap table.
 * @csspart cell - Each cell with a value.
 * @csspart legend - The colour scale.
 * @csspart state - Loading, empty and error panels.
 * @csspart error - The error panel.
 *
 * @cssproperty --heat-low-color - Colour of the lowest value (hex).
 * @cssproperty --heat-high-color - Colour of the highest value (hex).
 * @cssproperty --background-color - Widget background.
 * @cssproperty --text-color - Text colour.
 * @cssproperty --muted-color - Secondary text.
 */
export class FqHeatmap extends BaseWidget {
  static override styles = [baseStyles, heatmapStyles];

  /** `weekday` (weekday × week of sales and forecast) or `drivers` (product × driver importance). */
  @property({ reflect: true }) kind: HeatmapKind = 'weekday';

  /** Series id (weekday kind); empty for the whole dataset or the `group-by` group. */
  @property() series = '';

  /** A group: `attribute=value`, e.g. `store=CA_1` (weekday: its total; drivers: its products). */
  @property({ attribute: 'group-by' }) groupBy = '';

  /** Week columns of the weekday kind, 1–52 (default 12), ending with the forecast's last week. */
  @property({ type: Number }) weeks = 12;

  /** Product rows of the drivers kind, 1–50 (default 8), and as many driver columns. */
  @property({ type: Number }) limit = 8;

  /** Training run id (drivers kind); empty uses the dataset's latest succeeded run. */
  @property({ attribute: 'run-id' }) runId = '';

  private readonly heatmapTask = new Task(this, {
    task: async ([datasetId, kind, series, groupBy, weeks, limit, runId], { signal }): Promise<HeatmapData | null> => {
      if (!datasetId) return null;
      try {
        const data =
          kind === 'drivers'
            ? await this.loadDrivers(
                datasetId,
                groupBy,
                runId,
                Math.min(50, Math.max(1, Math.round(limit) || 8)),
                signal,
              )
            : await this.loadWeekdays(
                datasetId,
                series,
                groupBy,
                Math.min(52, Math.max(1, Math.round(weeks) || 12)),
                signal,
              );
        const count =
          data.kind === 'weekday'
            ? data.grid.rows.flat().filter((cell) => cell.value !== null).length
            : data.grid.rows.flatMap((row) => row.shares).filter((share) => share !== null).length;
        this.updateComplete.then(() => this.emit('fq-load', { kind: 'heatmap', count }));
        return data;
      } catch (error) {
        if (!signal.aborted) this.reportError(error);
        throw error;
      }
    },
    args: () =>
      [
        this.datasetId,
        this.kind,
        this.series,
        this.groupBy,
        this.weeks,
        this.limit,
        this.runId,
        this.endpoint,
        this.token,
        this.fetchImpl,
      ] as const,
  });

  private async loadWeekdays(
    datasetId: string,
    series: string,
    groupBy: string,
    weeks: number,
    signal: AbortSignal,
  ): Promise<HeatmapData> {
    const variables: ForecastQueryVariables = {
      datasetId,
      seriesId: series || null,
      groupBy: series ? null : groupBy || null,
      bucket: 'DAY',
    };
    const forecast = await this.client.request<ForecastQueryResult, ForecastQueryVariables>(
      FORECAST_QUERY,
      variables,
      signal,
    );
    const points = forecast.forecast
      ? forecast.forecast.points
      : (
          await this.client.request<SalesHistoryQueryResult, ForecastQueryVariables>(
            SALES_HISTORY_QUERY,
            variables,
            signal,
          )
        ).salesHistory;
    return { kind: 'weekday', grid: weekdayGrid(points, weeks) };
  }

  private async loadDrivers(
    datasetId: string,
    groupBy: string,
    runId: string,
    limit: number,
    signal: AbortSignal,
  ): Promise<HeatmapData> {
    const [name, value] = groupBy.split('=');
    const where = name && value ? [{ name: name.trim(), value: value.trim() }] : null;
    const [run, list] = await Promise.all([
      resolveRun(this.client, datasetId, runId, signal),
      this.client.request<HeatmapSeriesQueryResult>(HEATMAP_SERIES_QUERY, { datasetId, where, first: limit }, signal),
    ]);
    if (!run.runId) return { kind: 'drivers', grid: { columns: [], rows: [], max: 0 }, total: 0 };
    const ids = list.series.edges.map((edge) => edge.node.id);
    const answers = await Promise.all(
      ids.map((seriesId) =>
        this.client.request<FeatureImportanceQueryResult>(
          FEATURE_IMPORTANCE_QUERY,
          { runId: run.runId, seriesId },
          signal,
        ),
      ),
    );
    return {
      kind: 'drivers',
      grid: driverGrid(
        ids.map((seriesId, index) => ({ seriesId, drivers: answers[index]!.featureImportance })),
        limit,
      ),
      total: list.series.totalCount,
    };
  }

  private get heatMessages(): HeatmapMessages {
    return heatmapMessagesFor(this.locale);
  }

  private subject(): string {
    if (this.series) return this.series;
    if (this.groupBy && this.groupBy !== 'all') {
      const [name = '', ...rest] = this.groupBy.split('=');
      return [localizeLabel(name, this.localeTag), ...rest].join(' ');
    }
    return this.heatMessages.allSeries;
  }

  private colors(): { low: string; high: string } {
    const values = this.cssVariables({ '--heat-low-color': '#eff6ff', '--heat-high-color': '#1d4ed8' });
    return { low: values['--heat-low-color'], high: values['--heat-high-color'] };
  }

  private renderLegend(low: string, high: string, forecast: boolean): TemplateResult {
    const m = this.heatMessages;
    return html`<div class="legend" part="legend" aria-hidden="true">
      <span>${m.low}</span><span class="ramp" style="background:linear-gradient(to right, ${low}, ${high})"></span
      ><span>${m.high}</span>
      ${forecast ? html`<span class="swatch-forecast"></span><span>${m.forecast}</span>` : nothing}
    </div>`;
  }

  private renderWeekdays(grid: WeekdayGrid): TemplateResult {
    if (grid.weeks.length === 0) return this.renderEmpty();
    const m = this.heatMessages;
    const format = this.formatters();
    const { low, high } = this.colors();
    const weekdayName = new Intl.DateTimeFormat(this.localeTag, { weekday: 'short', timeZone: 'UTC' });
    const weekLabel = new Intl.DateTimeFormat(this.localeTag, { month: 'short', day: 'numeric', timeZone: 'UTC' });
    return html`<p class="caption">${m.weekdayCaption}</p>
      <div class="scroll" tabindex="0" role="region" aria-label=${m.weekdayTitle(this.subject())}>
        <table part="table">
          <thead>
            <tr>
              <th scope="col"><span class="sr-only">${m.weekday}</span></th>
              ${grid.weeks.map(
                (monday, index) =>
                  html`<th scope="col" ?data-forecast=${grid.forecastWeeks[index]}>
                    <span class="sr-only">${m.weekOf} </span>${weekLabel.format(new Date(`${monday}T00:00:00Z`))}
                  </th>`,
              )}
            </tr>
          </thead>
          <tbody>
            ${grid.rows.map(
              (row) =>
                html`<tr>
                  <th scope="row">${weekdayName.format(new Date(`${row[0]!.date}T00:00:00Z`))}</th>
                  ${row.map((cell) => {
                    if (cell.value === null) {
                      return html`<td data-kind="none" data-date=${cell.date}>
                        <span aria-hidden="true">·</span><span class="sr-only">${m.noData}</span>
                      </td>`;
                    }
                    const colors = cellColors(cell.value, grid.min, grid.max, low, high);
                    return html`<td
                      part="cell"
                      data-kind=${cell.kind}
                      data-date=${cell.date}
                      data-value=${cell.value}
                      style="background:${colors.background};color:${colors.text}"
                      title="${format.date(cell.date)}: ${format.value(cell.value)} (${
                        cell.kind === 'forecast' ? m.forecast : m.actual
                      })"
                    >
                      ${format.axis(cell.value)}${
                        cell.kind === 'forecast' ? html`<span class="sr-only"> (${m.forecast})</span>` : nothing
                      }
                    </td>`;
                  })}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${this.renderLegend(low, high, grid.forecastWeeks.some(Boolean))}`;
  }

  private pickRow(seriesId: string): void {
    this.series = seriesId;
    this.emit('fq-series-change', { seriesId, groupBy: null });
  }

  private renderDrivers(grid: DriverGrid, total: number): TemplateResult {
    if (grid.rows.length === 0 || grid.columns.length === 0) return this.renderEmpty();
    const m = this.heatMessages;
    const format = this.formatters();
    const { low, high } = this.colors();
    return html`<p class="caption">${m.driversCaption(format.integer(grid.rows.length), format.integer(total))}</p>
      <div class="scroll" tabindex="0" role="region" aria-label=${m.driversTitle}>
        <table part="table">
          <thead>
            <tr>
              <th scope="col">${m.series}</th>
              ${grid.columns.map((column) => html`<th scope="col">${localizeLabel(column.label, this.localeTag)}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${grid.rows.map(
              (row) =>
                html`<tr aria-current=${row.seriesId === this.series ? 'true' : 'false'} data-series=${row.seriesId}>
                  <th scope="row">
                    <button type="button" class="row-pick" @click=${() => this.pickRow(row.seriesId)}>
                      ${row.seriesId}
                    </button>
                  </th>
                  ${row.shares.map((share) => {
                    if (share === null) {
                      return html`<td data-kind="none">
                        <span aria-hidden="true">·</span><span class="sr-only">${m.noData}</span>
                      </td>`;
                    }
                    const colors = cellColors(share, 0, grid.max, low, high);
                    return html`<td
                      part="cell"
                      data-value=${share}
                      style="background:${colors.background};color:${colors.text}"
                    >
                      ${format.percent(share)}
                    </td>`;
                  })}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${this.renderLegend(low, high, false)}`;
  }

  // A run of this dataset succeeded: its forecast and drivers replace what is drawn.
  protected override onRunSucceeded(): void {
    void this.heatmapTask.run();
  }

  // `linked`: another widget of the page picked a series or a group total.
  protected override onLinkedSelection(selection: LinkedSelection): void {
    this.series = selection.seriesId ?? '';
    if (this.kind === 'weekday' || !selection.seriesId)
      this.groupBy = selection.seriesId ? '' : (selection.groupBy ?? '');
  }

  override render(): TemplateResult {
    const m = this.heatMessages;
    const value = this.heatmapTask.value;
    let body: TemplateResult;
    if (!this.datasetId) body = this.renderEmpty(this.messages.missingDataset);
    else if (this.heatmapTask.status === TaskStatus.ERROR) {
      body = this.renderError(this.heatmapTask.error, () => void this.heatmapTask.run(), m.errorTitle);
    } else if (!value) body = this.renderLoading();
    else
      body = value.kind === 'weekday' ? this.renderWeekdays(value.grid) : this.renderDrivers(value.grid, value.total);
    const title = this.kind === 'drivers' ? m.driversTitle : m.weekdayTitle(this.subject());
    return html`<section part="base" aria-labelledby="title">
      <h2 id="title">${title}</h2>
      ${body}
    </section>`;
  }
}
