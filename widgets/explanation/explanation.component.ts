import { Task, TaskStatus } from '@lit/task';
import { html, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { baseStyles } from '../internal/base.styles.js';
import { BaseWidget, type LinkedSelection } from '../internal/base-widget.js';
import type { FqPointSelectEvent } from '../internal/events/fq-point-select.js';
import { resolveRun } from '../internal/latest-run.js';
import { driverPhrases } from './explanation-summary.js';
import { explanationMessagesFor, type ExplanationMessages } from './explanation.messages.js';
import { EXPLANATION_QUERY, type ExplanationQueryResult, type ExplanationResult } from './explanation.queries.js';
import { explanationStyles } from './explanation.styles.js';

/**
 * Why one forecast point is what it is: each driver group's contribution in units, with its sign
 * ("Black Friday +38, Price +12, Weekday pattern −5"), from `explainForecast` (occlusion on the
 * run's stored model). With `linked`, it follows the page: a series picked in another widget
 * (`fq-series-change`) and a forecast point picked on the chart (`fq-point-select`).
 *
 * @summary What moved one forecast point, in units, with sign.
 * @status experimental
 * @since 0.2.0
 *
 * @fires fq-load - The explanation arrived and was drawn. `detail: { kind: 'explanation', count }`.
 * @fires fq-error - A request failed. `detail: { code, message }`.
 *
 * @csspart base - The wrapper.
 * @csspart forecast - The forecast explained.
 * @csspart list - The drivers, largest effect first.
 * @csspart driver - One driver.
 * @csspart state - Loading, empty and error panels.
 * @csspart error - The error panel.
 *
 * @cssproperty --success-color - An effect that raised the forecast.
 * @cssproperty --danger-color - An effect that lowered it.
 * @cssproperty --background-color - Widget background.
 * @cssproperty --text-color - Text colour.
 * @cssproperty --muted-color - Secondary text.
 */
export class FqExplanation extends BaseWidget {
  static override styles = [baseStyles, explanationStyles];

  /** Series id of the point. */
  @property() series = '';

  /** Forecast date of the point (YYYY-MM-DD). */
  @property() date = '';

  /** Training run id; empty uses the dataset's latest succeeded run. */
  @property({ attribute: 'run-id' }) runId = '';

  private readonly onPointSelect = (event: Event): void => {
    if (!this.linked) return;
    const detail = (event as FqPointSelectEvent).detail;
    if (!detail?.seriesId || !detail.date) return;
    this.series = detail.seriesId;
    this.date = detail.date;
  };

  override connectedCallback(): void {
    super.connectedCallback();
    globalThis.document?.addEventListener('fq-point-select', this.onPointSelect);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    globalThis.document?.removeEventListener('fq-point-select', this.onPointSelect);
  }

  private readonly explanationTask = new Task(this, {
    task: async ([datasetId, runId, series, date], { signal }): Promise<ExplanationResult | null> => {
      if ((!datasetId && !runId) || !series || !date) return null;
      try {
        const run = await resolveRun(this.client, datasetId, runId, signal);
        if (!run.runId) return null;
        const result = await this.client.request<ExplanationQueryResult>(
          EXPLANATION_QUERY,
          { runId: run.runId, seriesId: series, date },
          signal,
        );
        const explanation = result.explainForecast;
        this.updateComplete.then(() =>
          this.emit('fq-load', { kind: 'explanation', count: explanation?.effects.length ?? 0 }),
        );
        return explanation;
      } catch (error) {
        if (!signal.aborted) this.reportError(error);
        throw error;
      }
    },
    args: () =>
      [this.datasetId, this.runId, this.series, this.date, this.endpoint, this.token, this.fetchImpl] as const,
  });

  private get explanationMessages(): ExplanationMessages {
    return explanationMessagesFor(this.locale);
  }

  private renderExplanation(data: ExplanationResult): TemplateResult {
    const m = this.explanationMessages;
    const format = this.formatters();
    const phrases = driverPhrases(data.effects, (v) => format.value(Math.round(v)));
    return html`
      <p class="forecast" part="forecast">
        ${m.forecast(format.value(data.forecast), data.measure === 'mean' ? m.mean : m.median)}
      </p>
      ${
        phrases.length === 0
          ? html`<p>${m.noDrivers}</p>`
          : html`<ul part="list" aria-label=${m.listLabel}>
              ${phrases.map(
                (p) =>
                  html`<li part="driver" data-feature=${p.feature} data-direction=${p.direction}>
                    <span class="label">${p.label}</span>
                    <span class="amount" aria-hidden="true">${p.signed}</span>
                    <span class="sr-only"
                      >${
                        p.direction === 'up'
                          ? m.raised(p.signed.slice(1))
                          : p.direction === 'down'
                            ? m.lowered(p.signed.slice(1))
                            : m.noEffect
                      }</span
                    >
                  </li>`,
              )}
            </ul>`
      }
      <p class="basis">${m.basis(data.model)}</p>
    `;
  }

  // A run of this dataset succeeded: explain the point with its model.
  protected override onRunSucceeded(): void {
    void this.explanationTask.run();
  }

  // `linked`: another widget of the page picked a series (a group total has no point to explain).
  protected override onLinkedSelection(selection: LinkedSelection): void {
    if (selection.seriesId) this.series = selection.seriesId;
  }

  override render(): TemplateResult {
    const m = this.explanationMessages;
    const value = this.explanationTask.value;
    let body: TemplateResult;
    if (!this.datasetId && !this.runId) body = this.renderEmpty(this.messages.missingDataset);
    else if (!this.series || !this.date) body = this.renderEmpty(m.pickPoint);
    else if (this.explanationTask.status === TaskStatus.ERROR) {
      body = this.renderError(this.explanationTask.error, () => void this.explanationTask.run(), m.errorTitle);
    } else if (this.explanationTask.status === TaskStatus.PENDING || value === undefined) body = this.renderLoading();
    else if (value === null) body = this.renderEmpty(m.noRun);
    else body = this.renderExplanation(value);
    const subject = this.series && this.date ? m.subject(this.series, this.formatters().date(this.date)) : '';
    return html`<section part="base" aria-labelledby="title">
      <h2 id="title">${m.title} ${subject ? html`<span class="subject">${subject}</span>` : ''}</h2>
      ${body}
    </section>`;
  }
}
