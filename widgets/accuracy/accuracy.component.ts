import { Task, TaskStatus } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { baseStyles } from '../internal/base.styles.js';
import { BaseWidget, type LinkedSelection } from '../internal/base-widget.js';
import { resolveRun } from '../internal/latest-run.js';
import { NOMINAL_COVERAGE, compareWithSeasonalNaive, type BacktestResult } from './accuracy-summary.js';
import { accuracyMessagesFor, type AccuracyMessages } from './accuracy.messages.js';
import { BACKTEST_QUERY, type BacktestQueryResult, type BacktestQueryVariables } from './accuracy.queries.js';
import { accuracyStyles } from './accuracy.styles.js';

interface AccuracyData {
  readonly backtest: BacktestResult | null;
  readonly frequency: string | null;
  /** The series asked for ('' for none). */
  readonly series: string;
  /** That series' own backtest, or null when none was asked or the run did not score it. */
  readonly own: BacktestResult | null;
}

/**
 * Backtest accuracy in plain words against the seasonal-naive baseline ("32 % more accurate than
 * last year's same week") and how often the likely range held the actual sales: of the whole
 * dataset, or of one series (`series`, or the page's selection when `linked`) on its own
 * validation windows, with the dataset's figure and a note when the run did not score that series.
 *
 * @summary Forecast accuracy against "same time last season", and interval coverage.
 * @status stable
 * @since 0.1.0
 *
 * @fires fq-load - The backtest arrived and was drawn. `detail: { kind: 'backtest', count }` (`kind: 'series-backtest'` for one series' own scores).
 * @fires fq-error - A request failed. `detail: { code, message }`.
 *
 * @csspart base - The wrapper.
 * @csspart headline - The plain-words comparison.
 * @csspart coverage - The coverage sentence and meter.
 * @csspart table - The per-model table.
 * @csspart note - Why the dataset's figure is shown for a selected series.
 * @csspart state - Loading, empty and error panels.
 * @csspart error - The error panel.
 *
 * @cssproperty --success-color - Headline colour when better than the baseline.
 * @cssproperty --danger-color - Headline colour when worse.
 * @cssproperty --accent-color - Coverage meter.
 * @cssproperty --background-color - Widget background.
 * @cssproperty --text-color - Text colour.
 */
export class FqAccuracy extends BaseWidget {
  static override styles = [baseStyles, accuracyStyles];

  /** Training run id; empty uses the dataset's latest succeeded run. */
  @property({ attribute: 'run-id' }) runId = '';

  /** Series id for one product's accuracy (on its own validation windows); empty for the whole dataset. */
  @property() series = '';

  /** Hides the per-model table below the sentence. */
  @property({ type: Boolean, attribute: 'no-table', reflect: true }) noTable = false;

  private readonly backtestTask = new Task(this, {
    task: async ([datasetId, runId, series], { signal }): Promise<AccuracyData | null> => {
      if (!datasetId && !runId) return null;
      try {
        const run = await resolveRun(this.client, datasetId, runId, signal);
        if (!run.runId) return { backtest: null, frequency: run.frequency, series, own: null };
        const variables: BacktestQueryVariables = { runId: run.runId, seriesId: series || null, withSeries: !!series };
        const result = await this.client.request<BacktestQueryResult>(BACKTEST_QUERY, { ...variables }, signal);
        const own = series && result.seriesBacktest?.models.length ? result.seriesBacktest : null;
        const shown = own ?? result.backtest;
        this.updateComplete.then(() =>
          this.emit('fq-load', { kind: own ? 'series-backtest' : 'backtest', count: shown?.models.length ?? 0 }),
        );
        return { backtest: result.backtest, frequency: run.frequency, series, own };
      } catch (error) {
        if (!signal.aborted) this.reportError(error);
        throw error;
      }
    },
    args: () => [this.datasetId, this.runId, this.series, this.endpoint, this.token, this.fetchImpl] as const,
  });

  private get accuracyMessages(): AccuracyMessages {
    return accuracyMessagesFor(this.locale);
  }

  private renderAccuracy(data: AccuracyData): TemplateResult {
    const messages = this.messages;
    const backtest = data.own ?? data.backtest;
    const comparison = compareWithSeasonalNaive(backtest);
    if (!backtest || !comparison) return this.renderEmpty(messages.noBacktest);
    const format = this.formatters();
    const baselineWords =
      messages.baselineByFrequency[data.frequency ?? 'UNKNOWN'] ?? messages.baselineByFrequency['UNKNOWN']!;
    const percent = format.percent(Math.abs(comparison.improvement));
    const headline =
      comparison.direction === 'better'
        ? messages.moreAccurate(percent, baselineWords)
        : comparison.direction === 'worse'
          ? messages.lessAccurate(percent, baselineWords)
          : messages.asAccurate(baselineWords);
    const coverage = comparison.coverage;
    return html`
      ${
        data.series && !data.own
          ? html`<p class="note" part="note">${this.accuracyMessages.seriesFallback(data.series)}</p>`
          : nothing
      }
      <p class="headline" part="headline" data-direction=${comparison.direction}>${headline}</p>
      <p class="basis">
        ${messages.accuracyBasis(comparison.metric, format.integer(backtest.horizon), format.integer(backtest.origins))}
      </p>
      ${
        coverage === null
          ? nothing
          : html`<div part="coverage">
              <p class="coverage">${messages.coverage(format.percent(coverage), format.percent(NOMINAL_COVERAGE))}</p>
              <div class="coverage-meter" aria-hidden="true">
                <div class="coverage-fill" style="width:${(Math.min(1, coverage) * 100).toFixed(1)}%"></div>
                <div class="coverage-target" style="left:${NOMINAL_COVERAGE * 100}%"></div>
              </div>
            </div>`
      }
      ${
        this.noTable
          ? nothing
          : html`<table part="table">
              <thead>
                <tr>
                  <th scope="col">${messages.model}</th>
                  <th scope="col">MASE</th>
                  <th scope="col">WAPE</th>
                  <th scope="col">p10–p90</th>
                </tr>
              </thead>
              <tbody>
                ${backtest.models.map(
                  (row) =>
                    html`<tr>
                      <th scope="row">${row.model}</th>
                      <td>${row.mase === null ? '–' : row.mase.toFixed(3)}</td>
                      <td>${row.wape === null ? '–' : format.percent(row.wape)}</td>
                      <td>${row.coverage === null ? '–' : format.percent(row.coverage)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    `;
  }

  // A run of this dataset succeeded: its results replace the ones shown.
  protected override onRunSucceeded(): void {
    void this.backtestTask.run();
  }

  // `linked`: another widget of the page picked a series (a group total has no accuracy of its own:
  // the dataset's is shown).
  protected override onLinkedSelection(selection: LinkedSelection): void {
    this.series = selection.seriesId ?? '';
  }

  override render(): TemplateResult {
    const messages = this.messages;
    const value = this.backtestTask.value;
    const scope = value?.own ? 'series' : 'dataset';
    const subject = value?.own ? this.accuracyMessages.subject(value.series) : '';
    let body: TemplateResult;
    if (!this.datasetId && !this.runId) body = this.renderEmpty(messages.missingDataset);
    else if (this.backtestTask.status === TaskStatus.ERROR) {
      body = this.renderError(this.backtestTask.error, () => void this.backtestTask.run(), messages.accuracyErrorTitle);
    } else if (!value) body = this.renderLoading();
    else body = this.renderAccuracy(value);
    return html`<section part="base" aria-labelledby="title" data-scope=${scope}>
      <h2 id="title">${messages.accuracyTitle} ${subject ? html`<span class="subject">${subject}</span>` : nothing}</h2>
      ${body}
    </section>`;
  }
}
