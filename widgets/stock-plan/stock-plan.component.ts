import { Task, TaskStatus } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { baseStyles } from '../internal/base.styles.js';
import { BaseWidget } from '../internal/base-widget.js';
import { stockPlanMessagesFor, type StockPlanMessages } from './stock-plan.messages.js';
import {
  STOCK_PLAN_QUERY,
  type StockPlanOrder,
  type StockPlanQueryResult,
  type StockPlanQueryVariables,
} from './stock-plan.queries.js';
import { stockPlanStyles } from './stock-plan.styles.js';
import { parseOrder, SORTABLE_COLUMNS, toStockRows, type SortableColumn, type StockRow } from './stock-rows.js';

/** What the task resolves to: the plan's rows, or null while the dataset has no succeeded run. */
interface StockPlanData {
  readonly totalCount: number;
  readonly rows: readonly StockRow[] | null;
}

/**
 * Products to reorder, most urgent first: stock on hand, days of cover, the risk of a stock-out
 * before an order placed now arrives, and the suggested order (the API's `stockPlan`, from the
 * forecast distribution). Column headers sort; picking a row selects that product for `linked`
 * widgets of the page.
 *
 * @summary Products to reorder, sortable, with days of cover and the suggested order.
 * @status experimental
 * @since 0.2.0
 *
 * @fires fq-load - The plan arrived and was drawn. `detail: { kind: 'stock-plan', count }` (rows drawn).
 * @fires fq-error - A request failed. `detail: { code, message }`.
 * @fires fq-series-change - The user picked a product (or a group). `detail: { seriesId, groupBy }`.
 *
 * @csspart base - The wrapper.
 * @csspart table - The table of products.
 * @csspart row - Each product's row.
 * @csspart badge - The urgency badge of a row.
 * @csspart state - Loading, empty and error panels.
 * @csspart error - The error panel.
 *
 * @cssproperty --danger-color - Border of a critical badge.
 * @cssproperty --success-color - Border of an enough-stock badge.
 * @cssproperty --accent-color - Border of an order-due badge.
 * @cssproperty --surface-color - Row hover and rule lines.
 * @cssproperty --background-color - Widget background.
 * @cssproperty --text-color - Text colour.
 * @cssproperty --muted-color - Secondary text.
 */
export class FqStockPlan extends BaseWidget {
  static override styles = [baseStyles, stockPlanStyles];

  /** An attribute to pool stock per value (`store`), or `attribute=value` to filter; empty for every product. */
  @property({ attribute: 'group-by' }) groupBy = '';

  /** Target cycle service level for every row, in (0, 1); empty (0) uses each product's or the dataset's. */
  @property({ type: Number, attribute: 'service-level' }) serviceLevel = 0;

  /** Sort: URGENCY (default), DAYS_OF_COVER_ASC, STOCKOUT_PROBABILITY_DESC, SUGGESTED_ORDER_DESC or SERIES_ASC. */
  @property({ attribute: 'order-by' }) orderBy = 'URGENCY';

  /** Rows shown, 1–250 (default 20). */
  @property({ type: Number }) rows = 20;

  private readonly planTask = new Task(this, {
    task: async ([datasetId, groupBy, serviceLevel, orderBy, rows], { signal }): Promise<StockPlanData | null> => {
      if (!datasetId) return null;
      try {
        const result = await this.client.request<StockPlanQueryResult, StockPlanQueryVariables>(
          STOCK_PLAN_QUERY,
          {
            datasetId,
            groupBy: groupBy || null,
            serviceLevel: serviceLevel > 0 && serviceLevel < 1 ? serviceLevel : null,
            orderBy: parseOrder(orderBy),
            first: Math.min(250, Math.max(1, Math.round(rows) || 20)),
          },
          signal,
        );
        const plan = toStockRows(result.stockPlan.nodes);
        this.updateComplete.then(() => this.emit('fq-load', { kind: 'stock-plan', count: plan.length }));
        return { totalCount: result.stockPlan.totalCount, rows: plan };
      } catch (error) {
        if (!signal.aborted && noRun(error)) return { totalCount: 0, rows: null };
        if (!signal.aborted) this.reportError(error);
        throw error;
      }
    },
    args: () =>
      [
        this.datasetId,
        this.groupBy,
        this.serviceLevel,
        this.orderBy,
        this.rows,
        this.endpoint,
        this.token,
        this.fetchImpl,
      ] as const,
  });

  private get planMessages(): StockPlanMessages {
    return stockPlanMessagesFor(this.locale);
  }

  private sortBy(column: SortableColumn): void {
    const order: StockPlanOrder = SORTABLE_COLUMNS[column];
    this.orderBy = parseOrder(this.orderBy) === order ? 'URGENCY' : order;
  }

  private pick(row: StockRow): void {
    this.emit('fq-series-change', { seriesId: row.seriesId, groupBy: row.groupBy });
  }

  private header(label: string, column?: SortableColumn): TemplateResult {
    if (!column) return html`<th scope="col">${label}</th>`;
    const active = parseOrder(this.orderBy) === SORTABLE_COLUMNS[column];
    const direction = SORTABLE_COLUMNS[column].endsWith('_DESC') ? 'descending' : 'ascending';
    return html`<th scope="col" aria-sort=${active ? direction : 'none'}>
      <button type="button" title=${this.planMessages.sortBy(label)} @click=${() => this.sortBy(column)}>
        ${label}
      </button>
    </th>`;
  }

  private renderRow(row: StockRow): TemplateResult {
    const m = this.planMessages;
    const format = this.formatters();
    const n = row.node;
    const cover =
      n.onHand === null
        ? html`<span class="muted">–</span>`
        : n.daysOfCover === null
          ? html`<span class="muted">${m.noDemand}</span>`
          : m.days(format.value(Math.round(n.daysOfCover * 10) / 10));
    return html`<tr
      part="row"
      tabindex="0"
      data-key=${row.key}
      data-urgency=${row.urgency}
      @click=${() => this.pick(row)}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          this.pick(row);
        }
      }}
    >
      <th scope="row">
        ${row.key}<span class="badge" part="badge" data-urgency=${row.urgency}>${m.urgency[row.urgency]}</span>
      </th>
      <td>
        ${n.onHand === null ? html`<span class="muted">${m.noStock}</span>` : format.value(n.onHand)}
        ${n.onOrder ? html`<br /><span class="muted">${m.onOrder(format.value(n.onOrder))}</span>` : nothing}
      </td>
      <td>${cover}</td>
      <td>
        ${n.stockoutProbability === null ? html`<span class="muted">–</span>` : format.percent(n.stockoutProbability)}
      </td>
      <td>${format.integer(n.reorderPoint)}</td>
      <td>${format.integer(n.orderUpTo)}</td>
      <td class="order">
        ${n.suggestedOrder === null ? html`<span class="muted">–</span>` : format.integer(n.suggestedOrder)}
      </td>
    </tr>`;
  }

  private renderPlan(data: StockPlanData): TemplateResult {
    const m = this.planMessages;
    if (data.rows === null) return this.renderEmpty(m.noForecast);
    if (data.rows.length === 0) return this.renderEmpty(m.empty);
    const format = this.formatters();
    const level = data.rows[0]!.node.serviceLevel;
    return html`<p class="caption">${m.caption(format.integer(data.totalCount), format.percent(level))}</p>
      <table part="table">
        <thead>
          <tr>
            ${this.header(m.product, 'series')} ${this.header(m.onHand)} ${this.header(m.daysOfCover, 'daysOfCover')}
            ${this.header(m.stockout, 'stockoutProbability')} ${this.header(m.reorderPoint)} ${this.header(m.orderUpTo)}
            ${this.header(m.suggestedOrder, 'suggestedOrder')}
          </tr>
        </thead>
        <tbody>
          ${data.rows.map((row) => this.renderRow(row))}
        </tbody>
      </table>`;
  }

  // A run of this dataset succeeded: its forecast replaces the plan shown.
  protected override onRunSucceeded(): void {
    void this.planTask.run();
  }

  override render(): TemplateResult {
    const m = this.planMessages;
    let body: TemplateResult;
    if (!this.datasetId) body = this.renderEmpty(this.messages.missingDataset);
    else if (this.planTask.status === TaskStatus.ERROR) {
      body = this.renderError(this.planTask.error, () => void this.planTask.run(), m.errorTitle);
    } else if (!this.planTask.value) body = this.renderLoading();
    else body = this.renderPlan(this.planTask.value);
    return html`<section part="base" aria-labelledby="title">
      <h2 id="title">${m.title}</h2>
      ${body}
    </section>`;
  }
}

/** The API's NOT_FOUND for a dataset that has no succeeded run yet (not an error to show). */
function noRun(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return e?.code === 'NOT_FOUND' && typeof e.message === 'string' && /no succeeded training run/.test(e.message);
}
