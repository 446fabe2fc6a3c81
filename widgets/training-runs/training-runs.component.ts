import { Task, TaskStatus } from '@lit/task';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { baseStyles } from '../internal/base.styles.js';
import { BaseWidget } from '../internal/base-widget.js';
import { GraphQLRequestError } from '../internal/graphql-client.js';
import {
  isActiveRun,
  isEmbedToken,
  mergeRun,
  progressFraction,
  runChanged,
  runPhase,
  type TrainingRunView,
} from './run-state.js';
import {
  CANCEL_TRAINING_RUN_MUTATION,
  START_TRAINING_RUN_MUTATION,
  TRAINING_RUNS_QUERY,
  TRAINING_RUN_UPDATED_SUBSCRIPTION,
  type CancelTrainingRunResult,
  type StartTrainingRunResult,
  type TrainingRunUpdatedResult,
  type TrainingRunsQueryResult,
} from './training-runs.queries.js';
import { trainingRunsStyles } from './training-runs.styles.js';

/**
 * Training runs of a dataset with status, a live progress bar (graphql-ws subscription
 * `trainingRunUpdated`, polling when the subscription is unavailable), accuracy metrics and each
 * run's things to know (`warnings`, folded under their count); start
 * and cancel buttons while the token allows them (they disappear once the API answers FORBIDDEN).
 *
 * @summary Training runs with live progress, start and cancel.
 * @status stable
 * @since 0.1.0
 *
 * @fires fq-load - Runs arrived. `detail: { kind: 'runs', count }`.
 * @fires fq-error - A request failed. `detail: { code, message }`.
 * @fires fq-run-start - The user started a run and the API accepted it. `detail: { runId }`.
 * @fires fq-run-cancel - The user cancelled a run and the API accepted it. `detail: { runId }`.
 * @fires fq-run-update - A run changed status or progress. `detail: { runId, status, fraction }`.
 *
 * @csspart base - The wrapper.
 * @csspart table - The runs table.
 * @csspart progress - Each progress bar.
 * @csspart start-button - The start button.
 * @csspart cancel-button - Each cancel button.
 * @csspart state - Loading, empty and error panels.
 * @csspart error - The error panel.
 * @csspart warnings - Each run's things to know (TrainingRun.warnings), folded under a count.
 *
 * @cssproperty --accent-color - Progress bars and the start button.
 * @cssproperty --success-color - Succeeded badge.
 * @cssproperty --danger-color - Failed badge and errors.
 * @cssproperty --background-color - Widget background.
 * @cssproperty --text-color - Text colour.
 */
export class FqTrainingRuns extends BaseWidget {
  static override styles = [baseStyles, trainingRunsStyles];

  /** Horizon of runs started from the widget, in periods, 1–365 (default 28). */
  @property({ type: Number }) horizon = 28;

  /** Model of runs started from the widget (`AUTO`, `MLP`, `LSTM`, …). */
  @property() model = 'AUTO';

  /** How many runs to list, 1–50 (default 10). */
  @property({ type: Number }) limit = 10;

  /** Polling period in milliseconds when the subscription is unavailable (default 3000). */
  @property({ type: Number, attribute: 'poll-interval' }) pollInterval = 3000;

  /** Never open a WebSocket; poll instead. */
  @property({ type: Boolean, attribute: 'no-subscription' }) noSubscription = false;

  /** Hides start and cancel (for tokens known to be read-only). */
  @property({ type: Boolean, attribute: 'read-only', reflect: true }) readOnly = false;

  @state() private runs: TrainingRunView[] | null = null;
  @state() private forbidden = false;
  @state() private mutationError: GraphQLRequestError | null = null;
  @state() private busy = false;
  /** The run whose cancel button asks for confirmation. */
  @state() private confirmingCancel: string | null = null;

  private subscriptions = new Map<string, () => void>();
  private subscriptionFailed = false;
  private pollTimer: ReturnType<typeof setTimeout> | null = null;

  private readonly runsTask = new Task(this, {
    task: async ([datasetId, limit], { signal }): Promise<TrainingRunView[] | null> => {
      if (!datasetId) return null;
      try {
        const runs = await this.fetchRuns(datasetId, limit, signal);
        this.updateComplete.then(() => this.emit('fq-load', { kind: 'runs', count: runs.length }));
        return runs;
      } catch (error) {
        if (!signal.aborted) this.reportError(error);
        throw error;
      }
    },
    args: () => [this.datasetId, this.limit, this.endpoint, this.token, this.fetchImpl] as const,
    onComplete: (runs) => {
      this.runs = runs;
    },
  });

  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // Another token (an admin key after an embed token): it may be allowed what the last was not.
    if (changed.has('token') && changed.get('token') !== undefined) {
      this.forbidden = false;
      this.mutationError = null;
    }
  }

  override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    this.syncLiveUpdates();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopLiveUpdates();
  }

  private async fetchRuns(datasetId: string, limit: number, signal?: AbortSignal): Promise<TrainingRunView[]> {
    const result = await this.client.request<TrainingRunsQueryResult>(
      TRAINING_RUNS_QUERY,
      { datasetId, first: Math.min(50, Math.max(1, limit)) },
      signal,
    );
    return result.trainingRuns.edges.map((edge) => edge.node);
  }

  private applyUpdate(update: TrainingRunView): void {
    const before = this.runs?.find((run) => run.id === update.id);
    this.runs = mergeRun(this.runs ?? [], update);
    if (runChanged(before, update)) {
      this.emit('fq-run-update', {
        runId: update.id,
        datasetId: this.datasetId,
        status: update.status,
        fraction: update.progress?.fraction ?? null,
      });
    }
  }

  /** Opens a subscription per active run, or polls when subscriptions are off or failed. */
  private syncLiveUpdates(): void {
    const active = (this.runs ?? []).filter(isActiveRun);
    for (const [runId, close] of this.subscriptions) {
      if (!active.some((run) => run.id === runId)) {
        close();
        this.subscriptions.delete(runId);
      }
    }
    if (active.length === 0 || !this.isConnected) {
      this.stopPolling();
      return;
    }
    if (this.noSubscription || this.subscriptionFailed) {
      this.schedulePoll();
      return;
    }
    for (const run of active) {
      if (this.subscriptions.has(run.id)) continue;
      const close = this.client.subscribe<TrainingRunUpdatedResult>(
        TRAINING_RUN_UPDATED_SUBSCRIPTION,
        { id: run.id },
        {
          next: (data) => this.applyUpdate(data.trainingRunUpdated),
          error: () => {
            this.subscriptionFailed = true;
            for (const closeOne of this.subscriptions.values()) closeOne();
            this.subscriptions.clear();
            this.schedulePoll();
          },
          complete: () => {
            this.subscriptions.delete(run.id);
          },
        },
      );
      this.subscriptions.set(run.id, close);
    }
  }

  private schedulePoll(): void {
    if (this.pollTimer !== null) return;
    this.pollTimer = setTimeout(
      () => {
        this.pollTimer = null;
        void this.poll();
      },
      Math.max(250, this.pollInterval),
    );
  }

  private async poll(): Promise<void> {
    if (!this.isConnected || !this.datasetId) return;
    try {
      const runs = await this.fetchRuns(this.datasetId, this.limit);
      for (const run of runs.slice().toReversed()) this.applyUpdate(run);
    } catch {
      // A failed poll is retried on the next tick; the table keeps the last known state.
    }
    if (!(this.runs ?? []).some(isActiveRun)) this.stopPolling();
    else this.schedulePoll();
  }

  private stopPolling(): void {
    if (this.pollTimer !== null) clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }

  private stopLiveUpdates(): void {
    this.stopPolling();
    for (const close of this.subscriptions.values()) close();
    this.subscriptions.clear();
  }

  private handleMutationError(error: unknown): void {
    const mapped =
      error instanceof GraphQLRequestError ? error : new GraphQLRequestError(String(error), 'INTERNAL_SERVER_ERROR');
    this.reportError(mapped);
    if (mapped.code === 'FORBIDDEN') {
      this.forbidden = true;
      this.mutationError = null;
    } else this.mutationError = mapped;
  }

  /** Starts a run with this widget's `horizon` and `model`. */
  async startRun(): Promise<void> {
    if (!this.datasetId || this.busy) return;
    this.busy = true;
    this.mutationError = null;
    try {
      const result = await this.client.request<StartTrainingRunResult>(START_TRAINING_RUN_MUTATION, {
        input: { datasetId: this.datasetId, horizon: this.horizon, model: this.model },
      });
      this.applyUpdate(result.startTrainingRun);
      this.emit('fq-run-start', { runId: result.startTrainingRun.id });
    } catch (error) {
      this.handleMutationError(error);
    } finally {
      this.busy = false;
    }
  }

  /** Cancels a queued or running run. */
  async cancelRun(runId: string): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.mutationError = null;
    try {
      const result = await this.client.request<CancelTrainingRunResult>(CANCEL_TRAINING_RUN_MUTATION, { id: runId });
      this.applyUpdate(result.cancelTrainingRun);
      this.emit('fq-run-cancel', { runId });
    } catch (error) {
      this.handleMutationError(error);
    } finally {
      this.busy = false;
    }
  }

  private get mayMutate(): boolean {
    return !this.readOnly && !this.forbidden && !isEmbedToken(this.token);
  }

  /** Why start and cancel are not offered, when the token says so (not for `read-only`, the host's choice). */
  private readOnlyNote(): string | null {
    if (this.forbidden) return this.messages.forbiddenNote;
    if (!this.readOnly && isEmbedToken(this.token)) return this.messages.readOnlyNote;
    return null;
  }

  private modelText(run: TrainingRunView): string {
    const chosen = run.chosenModel?.toUpperCase();
    if (run.model === 'AUTO' && chosen) return this.messages.autoChose(chosen);
    return chosen ?? run.model ?? '–';
  }

  private progressText(run: TrainingRunView, percent: string): string {
    const messages = this.messages;
    const phase = runPhase(run);
    const parts = [percent];
    if (phase) parts.push(messages.phases[phase]);
    if (phase === 'training' && run.progress?.epoch)
      parts.push(messages.epochOf(run.progress.epoch, run.progress.epochs ?? null));
    const eta = run.progress?.eta;
    if (phase && typeof eta === 'number' && eta > 0) {
      parts.push(messages.secondsLeft(this.formatters().duration(eta)));
    }
    return parts.join(' · ');
  }

  private renderRun(run: TrainingRunView): TemplateResult {
    const messages = this.messages;
    const format = this.formatters();
    const fraction = progressFraction(run);
    const percent = format.percent(fraction);
    const statusText = messages.statuses[run.status] ?? run.status;
    return html`<tr data-run-id=${run.id} data-status=${run.status}>
      <td data-label=${messages.status}><span class="badge" data-status=${run.status}>${statusText}</span></td>
      <td data-label=${messages.model}>${this.modelText(run)}</td>
      <td data-label=${messages.started}>
        ${run.startedAt ? format.dateTime(run.startedAt) : run.createdAt ? format.dateTime(run.createdAt) : '–'}
      </td>
      <td class="progress-cell" data-label=${messages.progress}>
        <div class="progress">
          <div
            class="progress-track"
            part="progress"
            role="progressbar"
            aria-label=${`${messages.progress} ${run.id}`}
            aria-valuemin="0"
            aria-valuemax="100"
            aria-valuenow=${Math.round(fraction * 100)}
          >
            <div class="progress-fill" style="width:${(fraction * 100).toFixed(1)}%"></div>
          </div>
          <span class="muted">${this.progressText(run, percent)}</span>
        </div>
        ${
          run.error
            ? html`<div class=${run.status === 'CANCELLED' ? 'muted' : 'error-text'}>${run.error}</div>`
            : nothing
        }
        ${
          run.warnings && run.warnings.length > 0
            ? html`<details class="warnings" part="warnings">
                <summary>${messages.runWarnings(run.warnings.length)}</summary>
                <ul>
                  ${run.warnings.map((w) => html`<li>${w}</li>`)}
                </ul>
              </details>`
            : nothing
        }
      </td>
      <td data-label=${messages.metrics}>
        ${
          run.metrics
            ? html`MASE ${run.metrics.mase?.toFixed(3) ?? '–'} · WAPE
              ${run.metrics.wape === null ? '–' : format.percent(run.metrics.wape)}`
            : '–'
        }
      </td>
      ${
        this.mayMutate
          ? html`<td>
              ${
                !isActiveRun(run)
                  ? nothing
                  : this.confirmingCancel === run.id
                    ? html`<span class="confirm" role="group" aria-label=${messages.confirmCancel(run.id)}>
                        <span>${messages.confirmCancel(run.id)}</span>
                        <button
                          type="button"
                          part="confirm-cancel-button"
                          data-variant="danger"
                          ?disabled=${this.busy}
                          @click=${() => {
                            this.confirmingCancel = null;
                            void this.cancelRun(run.id);
                          }}
                        >
                          ${messages.cancelRun}
                        </button>
                        <button type="button" part="keep-button" @click=${() => (this.confirmingCancel = null)}>
                          ${messages.keepRunning}
                        </button>
                      </span>`
                    : html`<button
                        type="button"
                        part="cancel-button"
                        ?disabled=${this.busy}
                        aria-label=${`${messages.cancelRun} ${run.id}`}
                        @click=${() => (this.confirmingCancel = run.id)}
                      >
                        ${messages.cancelRun}
                      </button>`
              }
            </td>`
          : nothing
      }
    </tr>`;
  }

  private renderRuns(runs: readonly TrainingRunView[]): TemplateResult {
    const messages = this.messages;
    if (runs.length === 0) return this.renderEmpty(messages.noRuns);
    return html`<table part="table">
      <thead>
        <tr>
          <th scope="col">${messages.status}</th>
          <th scope="col">${messages.model}</th>
          <th scope="col">${messages.started}</th>
          <th scope="col">${messages.progress}</th>
          <th scope="col">${messages.metrics}</th>
          ${this.mayMutate ? html`<th scope="col"><span class="sr-only">${messages.cancelRun}</span></th>` : nothing}
        </tr>
      </thead>
      <tbody>
        ${runs.map((run) => this.renderRun(run))}
      </tbody>
    </table>`;
  }

  override render(): TemplateResult {
    const messages = this.messages;
    const runs = this.runs ?? this.runsTask.value ?? null;
    let body: TemplateResult;
    if (!this.datasetId) body = this.renderEmpty(messages.missingDataset);
    else if (this.runsTask.status === TaskStatus.ERROR) {
      body = this.renderError(this.runsTask.error, () => void this.runsTask.run(), messages.runsErrorTitle);
    } else if (!runs) body = this.renderLoading();
    else body = this.renderRuns(runs);
    return html`<section part="base" aria-labelledby="title">
      <div class="toolbar">
        <h2 id="title">${messages.runsTitle}</h2>
        ${
          this.mayMutate && this.datasetId && this.runsTask.status === TaskStatus.COMPLETE
            ? html`<button
                type="button"
                part="start-button"
                data-variant="primary"
                ?disabled=${this.busy}
                @click=${() => this.startRun()}
              >
                ${messages.startRun}
              </button>`
            : nothing
        }
      </div>
      ${this.readOnlyNote() ? html`<p class="note" part="read-only-note" role="status">${this.readOnlyNote()}</p>` : nothing}
      ${this.mutationError ? this.renderError(this.mutationError, () => (this.mutationError = null), messages.runsErrorTitle) : nothing}
      ${body}
    </section>`;
  }
}
