import { Task, TaskStatus } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { baseStyles } from '../internal/base.styles.js';
import { BaseWidget, type LinkedSelection } from '../internal/base-widget.js';
import { localizeLabel } from '../internal/event-labels.js';
import { resolveRun } from '../internal/latest-run.js';
import { FEATURE_IMPORTANCE_QUERY, type FeatureImportanceQueryResult } from './feature-importance.queries.js';
import { featureImportanceStyles } from './feature-importance.styles.js';
import { rankDrivers, type RankedDriver } from './rank-drivers.js';

/**
 * What the forecast depends on, in words a shop owner uses ("Weekday pattern", "Promotions",
 * "Price", "Christmas"), ranked as bars.
 *
 * @summary Ranked drivers of the forecast, as bars.
 * @status stable
 * @since 0.1.0
 *
 * @fires fq-load - Drivers arrived and were drawn. `detail: { kind: 'importance', count }`.
 * @fires fq-error - A request failed. `detail: { code, message }`.
 *
 * @csspart base - The wrapper.
 * @csspart list - The ranked list.
 * @csspart bar - Each bar.
 * @csspart state - Loading, empty and error panels.
 * @csspart error - The error panel.
 *
 * @cssproperty --accent-color - Bar colour.
 * @cssproperty --surface-color - Bar track colour.
 * @cssproperty --background-color - Widget background.
 * @cssproperty --text-color - Text colour.
 * @cssproperty --muted-color - Secondary text.
 */
export class FqFeatureImportance extends BaseWidget {
  static override styles = [baseStyles, featureImportanceStyles];

  /** Training run id; empty uses the dataset's latest succeeded run. */
  @property({ attribute: 'run-id' }) runId = '';

  /** Series id for per-series drivers; empty for the whole dataset. */
  @property() series = '';

  /** How many drivers to show, 1–50 (default 8). */
  @property({ type: Number }) limit = 8;

  private readonly importanceTask = new Task(this, {
    task: async ([datasetId, runId, series, limit], { signal }): Promise<RankedDriver[] | null> => {
      if (!datasetId && !runId) return null;
      try {
        const run = await resolveRun(this.client, datasetId, runId, signal);
        if (!run.runId) return [];
        const result = await this.client.request<FeatureImportanceQueryResult>(
          FEATURE_IMPORTANCE_QUERY,
          { runId: run.runId, seriesId: series || null },
          signal,
        );
        const drivers = rankDrivers(result.featureImportance, Math.min(50, Math.max(1, limit)));
        this.updateComplete.then(() => this.emit('fq-load', { kind: 'importance', count: drivers.length }));
        return drivers;
      } catch (error) {
        if (!signal.aborted) this.reportError(error);
        throw error;
      }
    },
    args: () =>
      [this.datasetId, this.runId, this.series, this.limit, this.endpoint, this.token, this.fetchImpl] as const,
  });

  private renderDrivers(drivers: readonly RankedDriver[]): TemplateResult {
    if (drivers.length === 0) return this.renderEmpty();
    const format = this.formatters();
    return html`<ol part="list" aria-label=${this.messages.importanceCaption}>
      ${drivers.map(
        (driver) =>
          html`<li>
            <span class="label">${localizeLabel(driver.label, this.locale)}</span>
            <span class="track" aria-hidden="true"
              ><span class="bar" part="bar" style="width:${(driver.width * 100).toFixed(1)}%"></span
            ></span>
            <span class="share"
              ><span class="sr-only">${this.messages.importanceShare}: </span>${format.percent(driver.share)}</span
            >
          </li>`,
      )}
    </ol>`;
  }

  // A run of this dataset succeeded: its results replace the ones shown.
  protected override onRunSucceeded(): void {
    void this.importanceTask.run();
  }

  // `linked`: a series picked elsewhere on the page shows its drivers; a group total, the dataset's.
  protected override onLinkedSelection(selection: LinkedSelection): void {
    this.series = selection.seriesId ?? '';
  }

  override render(): TemplateResult {
    const messages = this.messages;
    const value = this.importanceTask.value;
    let body: TemplateResult;
    if (!this.datasetId && !this.runId) body = this.renderEmpty(messages.missingDataset);
    else if (this.importanceTask.status === TaskStatus.ERROR) {
      body = this.renderError(
        this.importanceTask.error,
        () => void this.importanceTask.run(),
        messages.importanceErrorTitle,
      );
    } else if (!value) body = this.renderLoading();
    else body = this.renderDrivers(value);
    return html`<section part="base" aria-labelledby="title">
      <h2 id="title">${messages.importanceTitle}</h2>
      ${value?.length ? html`<p class="caption">${messages.importanceCaption}</p>` : nothing} ${body}
    </section>`;
  }
}
