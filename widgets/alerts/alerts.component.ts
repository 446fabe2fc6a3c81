import { Task, TaskStatus } from '@lit/task';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { baseStyles } from '../internal/base.styles.js';
import { BaseWidget } from '../internal/base-widget.js';
import { GraphQLRequestError } from '../internal/graphql-client.js';
import { mergeAlert, parseStatus } from './alert-list.js';
import { alertsMessagesFor, type AlertsMessages } from './alerts.messages.js';
import {
  ACKNOWLEDGE_ALERT_MUTATION,
  ALERT_RAISED_SUBSCRIPTION,
  ALERTS_QUERY,
  type AcknowledgeAlertResult,
  type AlertNode,
  type AlertRaisedResult,
  type AlertsQueryResult,
  type AlertsQueryVariables,
} from './alerts.queries.js';
import { alertsStyles } from './alerts.styles.js';

/** What the widget shows: the open count (the badge) and the listed alerts, newest first. */
interface AlertsData {
  readonly openCount: number;
  readonly alerts: readonly AlertNode[];
}

/**
 * Alerts raised when sales leave the forecast's p10–p90 band (one day far out, or a run of days on
 * one side) or when the stock plan predicts a stock-out: a badge with the count of open alerts and
 * a list with the series, the kind, the dates, the actual against the band and the severity. New
 * alerts arrive live (graphql-ws subscription `alertRaised`, polling when the subscription is
 * unavailable); a key that may write can acknowledge them. Clicking an alert's series selects it
 * for `linked` widgets of the page.
 *
 * @summary Alert badge and list: sales outside the forecast and predicted stock-outs, live.
 * @status experimental
 * @since 0.2.0
 *
 * @fires fq-load - The alerts arrived and were drawn. `detail: { kind: 'alerts', count }` (alerts listed).
 * @fires fq-error - A request failed. `detail: { code, message }`.
 * @fires fq-series-change - The user picked an alert's series. `detail: { seriesId, groupBy: null }`.
 * @fires fq-alert-raised - A new alert arrived live. `detail: { alertId, seriesId, kind, severity }`.
 * @fires fq-alert-acknowledge - An alert was acknowledged. `detail: { alertId }`.
 *
 * @csspart base - The wrapper.
 * @csspart badge - The count of open alerts.
 * @csspart list - The list of alerts.
 * @csspart alert - Each alert.
 * @csspart severity - The severity of an alert.
 * @csspart acknowledge - The acknowledge button.
 * @csspart state - Loading, empty and error panels.
 * @csspart error - The error panel.
 *
 * @cssproperty --danger-color - Border of the badge and of a critical alert.
 * @cssproperty --success-color - Border of the badge when nothing is open.
 * @cssproperty --accent-color - Border of a warning.
 * @cssproperty --surface-color - Rule lines.
 * @cssproperty --background-color - Widget background.
 * @cssproperty --text-color - Text colour.
 * @cssproperty --muted-color - Secondary text and acknowledged alerts.
 */
export class FqAlerts extends BaseWidget {
  static override styles = [baseStyles, alertsStyles];

  /** Which alerts to list: `open` (default), `acknowledged` or `all`. The badge always counts open ones. */
  @property() status = 'open';

  /** Alerts listed, 1–100 (default 20). */
  @property({ type: Number }) limit = 20;

  /** Polling period in milliseconds when the subscription is unavailable (default 30000). */
  @property({ type: Number, attribute: 'poll-interval' }) pollInterval = 30_000;

  /** Never open a WebSocket; poll instead. */
  @property({ type: Boolean, attribute: 'no-subscription' }) noSubscription = false;

  /** Hides the acknowledge buttons (for tokens known to be read-only). */
  @property({ type: Boolean, attribute: 'read-only', reflect: true }) readOnly = false;

  @state() private data: AlertsData | null = null;
  /** The key was refused an acknowledgement: buttons hidden, a notice says why. */
  @state() private forbidden = false;
  @state() private mutationError: GraphQLRequestError | null = null;
  @state() private busy: string | null = null;

  private closeSubscription: (() => void) | null = null;
  private subscribedTo: string | null = null;
  private subscriptionFailed = false;
  private pollTimer: ReturnType<typeof setTimeout> | null = null;

  private readonly alertsTask = new Task(this, {
    task: async ([datasetId, status, limit], { signal }): Promise<AlertsData | null> => {
      if (!datasetId) return null;
      try {
        const data = await this.fetchAlerts(datasetId, status, limit, signal);
        this.updateComplete.then(() => this.emit('fq-load', { kind: 'alerts', count: data.alerts.length }));
        return data;
      } catch (error) {
        if (!signal.aborted) this.reportError(error);
        throw error;
      }
    },
    args: () => [this.datasetId, this.status, this.limit, this.endpoint, this.token, this.fetchImpl] as const,
    onComplete: (data) => {
      this.data = data;
    },
  });

  private get alertMessages(): AlertsMessages {
    return alertsMessagesFor(this.locale);
  }

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

  private async fetchAlerts(
    datasetId: string,
    status: string,
    limit: number,
    signal?: AbortSignal,
  ): Promise<AlertsData> {
    const result = await this.client.request<AlertsQueryResult, AlertsQueryVariables>(
      ALERTS_QUERY,
      { datasetId, status: parseStatus(status), first: Math.min(100, Math.max(1, Math.round(limit) || 20)) },
      signal,
    );
    return { openCount: result.open.totalCount, alerts: result.alerts.nodes };
  }

  private applyAlert(alert: AlertNode, raised: boolean): void {
    const current = this.data ?? { openCount: 0, alerts: [] };
    const known = current.alerts.some((item) => item.id === alert.id);
    const merged = mergeAlert(current.alerts, alert, parseStatus(this.status));
    this.data = {
      openCount: Math.max(0, current.openCount + merged.openDelta),
      alerts: merged.alerts.slice(0, Math.max(1, this.limit)),
    };
    if (raised && !known) {
      this.emit('fq-alert-raised', {
        alertId: alert.id,
        seriesId: alert.seriesId,
        kind: alert.kind,
        severity: alert.severity,
      });
    }
  }

  /** Follows `alertRaised` for the dataset, or polls when subscriptions are off or failed. */
  private syncLiveUpdates(): void {
    const datasetId = this.datasetId;
    if (!datasetId || !this.isConnected || this.data === null) {
      this.stopLiveUpdates();
      return;
    }
    if (this.noSubscription || this.subscriptionFailed) {
      this.closeLiveSubscription();
      this.schedulePoll();
      return;
    }
    if (this.closeSubscription && this.subscribedTo === `${datasetId}|${this.resolvedEndpoint}|${this.token}`) return;
    this.closeLiveSubscription();
    this.subscribedTo = `${datasetId}|${this.resolvedEndpoint}|${this.token}`;
    this.closeSubscription = this.client.subscribe<AlertRaisedResult>(
      ALERT_RAISED_SUBSCRIPTION,
      { datasetId },
      {
        next: (data) => this.applyAlert(data.alertRaised, true),
        error: () => {
          this.subscriptionFailed = true;
          this.closeLiveSubscription();
          this.schedulePoll();
        },
        complete: () => {
          this.closeSubscription = null;
          this.subscribedTo = null;
        },
      },
    );
  }

  private closeLiveSubscription(): void {
    this.closeSubscription?.();
    this.closeSubscription = null;
    this.subscribedTo = null;
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
    const datasetId = this.datasetId;
    if (!this.isConnected || !datasetId) return;
    try {
      const fresh = await this.fetchAlerts(datasetId, this.status, this.limit);
      const seen = new Set((this.data?.alerts ?? []).map((alert) => alert.id));
      this.data = fresh;
      for (const alert of fresh.alerts.toReversed()) {
        if (!seen.has(alert.id) && alert.status === 'OPEN') {
          this.emit('fq-alert-raised', {
            alertId: alert.id,
            seriesId: alert.seriesId,
            kind: alert.kind,
            severity: alert.severity,
          });
        }
      }
    } catch {
      // A failed poll is retried on the next tick; the list keeps the last known state.
    }
    this.schedulePoll();
  }

  private stopPolling(): void {
    if (this.pollTimer !== null) clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }

  private stopLiveUpdates(): void {
    this.stopPolling();
    this.closeLiveSubscription();
  }

  /** Marks an alert ACKNOWLEDGED; a read-only key (FORBIDDEN) hides the buttons and says why. */
  async acknowledge(alertId: string): Promise<void> {
    if (this.busy !== null) return;
    this.busy = alertId;
    this.mutationError = null;
    try {
      const result = await this.client.request<AcknowledgeAlertResult>(ACKNOWLEDGE_ALERT_MUTATION, { id: alertId });
      this.applyAlert(result.acknowledgeAlert, false);
      this.emit('fq-alert-acknowledge', { alertId });
    } catch (error) {
      const mapped =
        error instanceof GraphQLRequestError ? error : new GraphQLRequestError(String(error), 'INTERNAL_SERVER_ERROR');
      this.reportError(mapped);
      if (mapped.code === 'FORBIDDEN') {
        this.forbidden = true;
        this.mutationError = null;
      } else this.mutationError = mapped;
    } finally {
      this.busy = null;
    }
  }

  private pick(alert: AlertNode): void {
    this.emit('fq-series-change', { seriesId: alert.seriesId, groupBy: null });
  }

  private renderAlert(alert: AlertNode): TemplateResult {
    const m = this.alertMessages;
    const format = this.formatters();
    const band =
      alert.kind === 'STOCK_OUT'
        ? alert.probability === null
          ? nothing
          : m.stockoutRisk(format.percent(alert.probability))
        : alert.actual !== null && alert.p10 !== null && alert.p90 !== null
          ? m.actualVsBand(format.value(alert.actual), format.value(alert.p10), format.value(alert.p90))
          : nothing;
    const canAcknowledge = alert.status === 'OPEN' && !this.readOnly && !this.forbidden;
    return html`<li part="alert" data-id=${alert.id} data-kind=${alert.kind} data-status=${alert.status}>
      <div>
        <button type="button" class="series" title=${m.showSeries(alert.seriesId)} @click=${() => this.pick(alert)}>
          ${alert.seriesId}</button
        ><span class="severity" part="severity" data-severity=${alert.severity}>${m.severity[alert.severity]}</span>
        <p class="detail">
          ${m.kind[alert.kind]}${alert.direction ? html`, ${m.direction[alert.direction]}` : nothing} ·
          ${m.dates(format.date(alert.from), format.date(alert.to))}
        </p>
        <p class="detail muted">${band}</p>
      </div>
      ${
        canAcknowledge
          ? html`<button
              type="button"
              class="ack"
              part="acknowledge"
              aria-label=${m.acknowledgeLabel(alert.seriesId)}
              ?disabled=${this.busy !== null}
              @click=${() => void this.acknowledge(alert.id)}
            >
              ${m.acknowledge}
            </button>`
          : alert.status === 'ACKNOWLEDGED'
            ? html`<span class="muted">${m.acknowledged}</span>`
            : nothing
      }
    </li>`;
  }

  override render(): TemplateResult {
    const m = this.alertMessages;
    const format = this.formatters();
    let body: TemplateResult;
    const data = this.data;
    if (!this.datasetId) body = this.renderEmpty(this.messages.missingDataset);
    else if (this.alertsTask.status === TaskStatus.ERROR && data === null) {
      body = this.renderError(this.alertsTask.error, () => void this.alertsTask.run(), m.errorTitle);
    } else if (data === null) body = this.renderLoading();
    else if (data.alerts.length === 0) body = this.renderEmpty(m.empty);
    else {
      body = html`<ul part="list">
        ${data.alerts.map((alert) => this.renderAlert(alert))}
      </ul>`;
    }
    const open = data?.openCount ?? null;
    return html`<section part="base" aria-labelledby="title">
      <header>
        <h2 id="title">${m.title}</h2>
        ${
          open === null
            ? nothing
            : html`<span class="count" part="badge" role="status" data-count=${open}
                >${m.openCount(format.integer(open))}</span
              >`
        }
      </header>
      ${this.forbidden ? html`<p class="notice" role="note">${m.forbidden}</p>` : nothing}
      ${this.mutationError ? html`<p class="notice" role="alert">${this.mutationError.message}</p>` : nothing} ${body}
    </section>`;
  }
}
