import { Task, TaskStatus } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { baseStyles } from '../internal/base.styles.js';
import { BaseWidget, type LinkedSelection } from '../internal/base-widget.js';
import { localizeLabel } from '../internal/event-labels.js';
import { kpiCards, type HeadlineResult, type KpiCard, type KpiComparison } from './kpi-cards.js';
import { kpiMessagesFor, weeksText, type KpiMessages } from './kpis.messages.js';
import { HEADLINE_QUERY, type HeadlineQueryResult, type HeadlineQueryVariables } from './kpis.queries.js';
import { kpisStyles } from './kpis.styles.js';

/** What the task resolves to: the headline, or null while the dataset has no succeeded run. */
interface KpiData {
  readonly headline: HeadlineResult | null;
}

/**
 * Headline numbers a shop owner opens the day with: the next weeks of units, and revenue where a
 * price is known, each with its likely range, against the same period last year and the period
 * just before. For the whole shop, a group (`group-by="store=CA_1"`) or one product (`series`).
 *
 * @summary Next weeks of units and revenue, with their range, against last year.
 * @status experimental
 * @since 0.2.0
 *
 * @fires fq-load - The numbers arrived and were drawn. `detail: { kind: 'headline', count }` (cards drawn).
 * @fires fq-error - A request failed. `detail: { code, message }`.
 *
 * @csspart base - The wrapper.
 * @csspart cards - The row of cards.
 * @csspart card - Each card (units, revenue).
 * @csspart value - The median forecast of a card.
 * @csspart range - The likely range of a card.
 * @csspart comparison - Each comparison line.
 * @csspart state - Loading, empty and error panels.
 * @csspart error - The error panel.
 *
 * @cssproperty --success-color - A rise.
 * @cssproperty --danger-color - A fall.
 * @cssproperty --surface-color - Card background.
 * @cssproperty --background-color - Widget background.
 * @cssproperty --text-color - Text colour.
 * @cssproperty --muted-color - Secondary text.
 */
export class FqKpis extends BaseWidget {
  static override styles = [baseStyles, kpisStyles];

  /** Series id for one product's numbers; empty for the whole dataset (or the `group-by` group). */
  @property() series = '';

  /** A group instead of the whole dataset: `attribute=value`, e.g. `store=CA_1`. */
  @property({ attribute: 'group-by' }) groupBy = '';

  /** Weeks of forecast summed, 1–52 (default 4). */
  @property({ type: Number }) weeks = 4;

  /** Training run id; empty uses the dataset's latest succeeded run. */
  @property({ attribute: 'run-id' }) runId = '';

  private readonly headlineTask = new Task(this, {
    task: async ([datasetId, series, groupBy, weeks, runId], { signal }): Promise<KpiData | null> => {
      if (!datasetId) return null;
      try {
        const result = await this.client.request<HeadlineQueryResult, HeadlineQueryVariables>(
          HEADLINE_QUERY,
          {
            datasetId,
            seriesId: series || null,
            groupBy: series ? null : groupBy || null,
            runId: runId || null,
            weeks: Math.min(52, Math.max(1, Math.round(weeks) || 4)),
          },
          signal,
        );
        const count = result.headline ? kpiCards(result.headline).length : 0;
        this.updateComplete.then(() => this.emit('fq-load', { kind: 'headline', count }));
        return { headline: result.headline };
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
        this.weeks,
        this.runId,
        this.endpoint,
        this.token,
        this.fetchImpl,
      ] as const,
  });

  private get kpiMessages(): KpiMessages {
    return kpiMessagesFor(this.locale);
  }

  private subject(): string {
    if (this.series) return this.series;
    if (this.groupBy && this.groupBy !== 'all') {
      const [name = '', ...rest] = this.groupBy.split('=');
      return [localizeLabel(name, this.localeTag), ...rest].join(' ');
    }
    return this.kpiMessages.allSeries;
  }

  private renderComparison(card: KpiCard, comparison: KpiComparison): TemplateResult {
    const m = this.kpiMessages;
    const format = this.formatters();
    const amount = (value: number) => (card.measure === 'revenue' ? format.money(value) : format.value(value));
    const arrow = comparison.direction === 'up' ? '▲' : comparison.direction === 'down' ? '▼' : '■';
    const words = comparison.direction === 'up' ? m.up : comparison.direction === 'down' ? m.down : m.flat;
    const percent = format.percent(Math.abs(comparison.change));
    return html`<li part="comparison" data-direction=${comparison.direction} data-against=${comparison.against}>
      <span class="change"
        ><span aria-hidden="true">${arrow}</span>
        <span class="sr-only">${words}</span>${comparison.direction === 'flat' ? m.flat : percent}</span
      >
      <span class="against">${comparison.against === 'lastYear' ? m.vsLastYear : m.vsLastPeriod}</span>
      <span class="was"
        >${m.was(amount(comparison.reference))}
        <span class="dates">(${m.period(format.date(comparison.period.from), format.date(comparison.period.to))})</span
        >${comparison.partial ? html` <em>${m.partial}</em>` : nothing}</span
      >
    </li>`;
  }

  private renderCard(card: KpiCard): TemplateResult {
    const m = this.kpiMessages;
    const format = this.formatters();
    const amount = (value: number) => (card.measure === 'revenue' ? format.money(value) : format.value(value));
    const label = card.measure === 'revenue' ? m.revenue : m.units;
    return html`<article part="card" class="card" data-measure=${card.measure} aria-label=${label}>
      <h3>${label}</h3>
      <p class="value" part="value">${amount(card.p50)}</p>
      <p class="range" part="range">${m.likelyRange(amount(card.p10), amount(card.p90))}</p>
      ${
        card.comparisons.length
          ? html`<ul>
              ${card.comparisons.map((c) => this.renderComparison(card, c))}
            </ul>`
          : nothing
      }
      ${
        card.priced
          ? html`<p class="note">${m.priced(format.integer(card.priced.count), format.integer(card.priced.of))}</p>`
          : nothing
      }
    </article>`;
  }

  private renderHeadline(data: KpiData): TemplateResult {
    if (!data.headline) return this.renderEmpty(this.kpiMessages.noForecast);
    const format = this.formatters();
    const h = data.headline;
    return html`<p class="period">${this.kpiMessages.period(format.date(h.next.from), format.date(h.next.to))}</p>
      <div class="cards" part="cards">${kpiCards(h).map((card) => this.renderCard(card))}</div>`;
  }

  // A run of this dataset succeeded: the numbers of its forecast replace the ones shown.
  protected override onRunSucceeded(): void {
    void this.headlineTask.run();
  }

  // `linked`: another widget of the page picked a series or a group total.
  protected override onLinkedSelection(selection: LinkedSelection): void {
    this.series = selection.seriesId ?? '';
    this.groupBy = selection.seriesId ? '' : (selection.groupBy ?? '');
  }

  override render(): TemplateResult {
    const m = this.kpiMessages;
    const value = this.headlineTask.value;
    let body: TemplateResult;
    if (!this.datasetId) body = this.renderEmpty(this.messages.missingDataset);
    else if (this.headlineTask.status === TaskStatus.ERROR) {
      body = this.renderError(this.headlineTask.error, () => void this.headlineTask.run(), m.errorTitle);
    } else if (!value) body = this.renderLoading();
    else body = this.renderHeadline(value);
    const weeks = value?.headline?.weeks ?? this.weeks;
    return html`<section part="base" aria-labelledby="title">
      <h2 id="title">
        ${m.title(weeksText(this.locale, weeks))} <span class="subject">${m.subject(this.subject())}</span>
      </h2>
      ${body}
    </section>`;
  }
}
