/**
 * Alerts and webhooks bound to their adapters on one database (composition for the server, the
 * plugin API and the CLI): the alert and webhook stores (api/db), the HTTP transport with its
 * address guard (api/http), an in-process alert bus, the arrivals hub that the import and sync
 * use-cases emit on, and the detector listening on it.
 */
import { createPubSub } from '@graphql-yoga/subscription';
import type { Knex } from 'knex';
import { AlertDetector } from '../app/alerts/alert.service.js';
import {
  ALERT_RAISED,
  createArrivalsHub,
  type AlertEventBus,
  type AlertRecord,
  type AlertStore,
  type ArrivalsHub,
  type StockOutSource,
  type WebhookStore,
  type WebhookTransport,
} from '../app/alerts/ports.js';
import { WebhookDispatcher, type DispatcherOptions } from '../app/alerts/webhook.service.js';
import type { ForecastStore, RunStore } from '../app/ports.js';
import { loadWebhookConfig, type WebhookConfig } from '../config/env.js';
import { createAlertsRepository, createWebhooksRepository } from '../db/alerts.repository.js';
import { createWebhookTransport } from '../http/webhook-transport.js';

export interface Alerting {
  /** Where imports and syncs announce new actuals (the detector listens). */
  readonly arrivals: ArrivalsHub;
  readonly alerts: AlertStore;
  readonly webhooks: WebhookStore;
  readonly transport: WebhookTransport;
  /** What `alertRaised` follows; in-process (fed across processes on PostgreSQL by queue/notify.ts). */
  readonly bus: AlertEventBus;
  readonly detector: AlertDetector;
  readonly dispatcher: WebhookDispatcher;
  /** Wires the stock plan's predicted stock-outs in (issue 18 item 1). */
  useStockOuts(source: StockOutSource): void;
  /** Also announces every alert raised here to other processes (PostgreSQL NOTIFY: queue/alert-notify.ts). */
  announceTo(announce: (alert: AlertRecord) => void): void;
  /** Publishes an alert another process raised on this process's bus only (no webhook, no announcement). */
  receive(alert: AlertRecord): void;
}

export interface AlertingOptions {
  /** Webhook settings; default: read from the environment (`loadWebhookConfig`). */
  readonly webhooks?: Partial<WebhookConfig> & { readonly pollMs?: number; readonly maxBackoffMs?: number };
  /** Where a failed alert check or delivery pass is reported (it never fails the import). */
  readonly onError?: (e: unknown, what: string) => void;
  /** Called with every alert raised in this process (e.g. NOTIFY other processes). */
  readonly onRaised?: (alert: AlertRecord) => void;
}

export function createAlertBus(): AlertEventBus {
  return createPubSub<Record<typeof ALERT_RAISED, [tenantId: number, alert: AlertRecord]>>();
}

const warn = (e: unknown, what: string): void => {
  process.emitWarning(`${what}: ${e instanceof Error ? e.message : String(e)}`);
};

export function createAlerting(
  knex: Knex,
  stores: { readonly runs: RunStore; readonly forecasts: ForecastStore },
  options: AlertingOptions = {},
): Alerting {
  const config = { ...loadWebhookConfig(), ...options.webhooks };
  const onError = options.onError ?? warn;
  const transport = createWebhookTransport({ allowPrivate: config.allowPrivate });
  const webhooks = createWebhooksRepository(knex);
  const alerts = createAlertsRepository(knex);
  const localBus = createAlertBus();
  const announcers: Array<(alert: AlertRecord) => void> = options.onRaised ? [options.onRaised] : [];
  const bus: AlertEventBus = {
    publish(topic, tenantId, alert) {
      localBus.publish(topic, tenantId, alert);
      for (const announce of announcers) announce(alert);
    },
    subscribe: (topic, tenantId) => localBus.subscribe(topic, tenantId),
  };
  const dispatcherOptions: Partial<DispatcherOptions> = {
    backoffMs: config.backoffMs,
    maxAttempts: config.maxAttempts,
    timeoutMs: config.timeoutMs,
    ...(config.pollMs === undefined ? {} : { pollMs: config.pollMs }),
    ...(config.maxBackoffMs === undefined ? {} : { maxBackoffMs: config.maxBackoffMs }),
  };
  const dispatcher = new WebhookDispatcher(webhooks, transport, dispatcherOptions, (e) =>
    onError(e, 'webhook delivery pass failed'),
  );
  let stockOuts: StockOutSource | undefined;
  const detector = new AlertDetector({
    alerts,
    runs: stores.runs,
    forecasts: stores.forecasts,
    bus,
    dispatcher,
    stockOuts: {
      predictedStockOuts: async (tenantId, datasetId, minProbability) =>
        stockOuts ? stockOuts.predictedStockOuts(tenantId, datasetId, minProbability) : [],
    },
  });
  const arrivals = createArrivalsHub((e, event) =>
    onError(e, `alert check of dataset ${event.datasetId} after an ${event.cause} failed`),
  );
  arrivals.on(detector.onArrival);
  return {
    arrivals,
    alerts,
    webhooks,
    transport,
    bus,
    detector,
    dispatcher,
    useStockOuts(source) {
      stockOuts = source;
    },
    announceTo(announce) {
      announcers.push(announce);
    },
    receive(alert) {
      localBus.publish(ALERT_RAISED, alert.tenantId, alert);
    },
  };
}
