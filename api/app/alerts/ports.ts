/**
 * Ports of the alert and webhook use-cases (issue 18 item 3). Adapters implement them from below:
 * - `AlertStore`, `WebhookStore`: `api/db/alerts.repository.ts`;
 * - `WebhookTransport`: `api/http/webhook-transport.ts` (HTTP(S) POST with an address guard);
 * - `AlertEventBus`: an in-process pub/sub (`api/plugin/alerts.ts`), fed across processes on
 *   PostgreSQL by `api/queue/notify.ts`;
 * - `ArrivalsHub`: `createArrivalsHub` below (pure), emitted by the import and sync use-cases.
 * Nothing here imports knex, GraphQL or a transport.
 */
import {
  ALERT_DIRECTIONS,
  ALERT_KINDS,
  ALERT_SEVERITIES,
  type AlertDirection,
  type AlertKind,
  type AlertSeverity,
  type BreachPoint,
} from '../../forecasting/alerts.js';
import type { PageSlice } from '../ports.js';

// The engine's vocabulary of alerts, for the adapters above the core.
export { ALERT_DIRECTIONS, ALERT_KINDS, ALERT_SEVERITIES };
export type { AlertDirection, AlertKind, AlertSeverity, BreachPoint };

export const AlertStatus = { OPEN: 'OPEN', ACKNOWLEDGED: 'ACKNOWLEDGED' } as const;
export type AlertStatus = (typeof AlertStatus)[keyof typeof AlertStatus];

export interface AlertRecord {
  readonly id: number;
  readonly tenantId: number;
  readonly datasetId: number;
  readonly seriesId: number;
  readonly seriesKey: string;
  /** The run whose forecast the actuals were compared with (or whose plan predicts the stock-out). */
  readonly runId: number;
  readonly kind: AlertKind;
  /** ABOVE or BELOW the band; null for a stock-out. */
  readonly direction: AlertDirection | null;
  readonly severity: AlertSeverity;
  readonly status: AlertStatus;
  readonly fromDate: string;
  readonly toDate: string;
  /** The worst point's actual and band (a stock-out: units on hand, and the demand quantiles over the lead time). */
  readonly actual: number | null;
  readonly p10: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly points: readonly BreachPoint[];
  /** A stock-out's probability before the next delivery; null for the other kinds. */
  readonly probability: number | null;
  readonly message: string;
  readonly acknowledgedAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewAlert {
  readonly datasetId: number;
  readonly seriesId: number;
  readonly runId: number;
  readonly kind: AlertKind;
  readonly direction: AlertDirection | null;
  readonly severity: AlertSeverity;
  readonly fromDate: string;
  readonly toDate: string;
  readonly actual: number | null;
  readonly p10: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly points: readonly BreachPoint[];
  readonly probability: number | null;
  readonly message: string;
}

export interface AlertFilter {
  readonly datasetIds?: readonly number[] | undefined;
  readonly status?: AlertStatus | undefined;
}

export interface AlertStore {
  /**
   * Records a breach once: a new alert when no alert of the same series, kind and direction
   * overlaps its dates (`{raised: true}`); otherwise the overlapping alert is widened to cover
   * them and kept (`{raised: false}`): a re-import or re-sync of the same days raises nothing.
   * Atomic against a concurrent writer of the same breach.
   */
  record(tenantId: number, alert: NewAlert): Promise<{ alert: AlertRecord; raised: boolean }>;
  get(tenantId: number, id: number): Promise<AlertRecord | undefined>;
  /** Newest first (by creation, then id). */
  list(tenantId: number, filter: AlertFilter, page: PageSlice): Promise<{ items: AlertRecord[]; totalCount: number }>;
  /** Sets ACKNOWLEDGED (first time only); returns the alert, or undefined when there is none. */
  acknowledge(tenantId: number, id: number, at: Date): Promise<AlertRecord | undefined>;
}

// Webhooks

export interface WebhookRecord {
  readonly id: number;
  readonly tenantId: number;
  readonly url: string;
  /** The HMAC-SHA256 key the bodies are signed with. Never shown again after creation. */
  readonly secret: string;
  readonly createdAt: Date;
}

export const DeliveryStatus = { PENDING: 'PENDING', DELIVERED: 'DELIVERED', FAILED: 'FAILED' } as const;
export type DeliveryStatus = (typeof DeliveryStatus)[keyof typeof DeliveryStatus];

export interface DeliveryRecord {
  readonly id: number;
  readonly tenantId: number;
  readonly webhookId: number;
  readonly alertId: number | null;
  readonly event: string;
  /** The exact body POSTed (and signed). */
  readonly payload: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date | null;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly deliveredAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface WebhookStore {
  create(tenantId: number, webhook: { url: string; secret: string }): Promise<WebhookRecord>;
  list(tenantId: number): Promise<WebhookRecord[]>;
  get(tenantId: number, id: number): Promise<WebhookRecord | undefined>;
  /** Deletes a webhook (its pending deliveries stop; the log stays until the webhook is gone). */
  delete(tenantId: number, id: number): Promise<boolean>;
  /** One PENDING delivery of `payload` per webhook of the tenant, at most one per webhook and alert. */
  enqueue(tenantId: number, alertId: number, event: string, payload: string, now: Date): Promise<number>;
  /**
   * Claims up to `limit` PENDING deliveries due at `now` (any tenant), moving their next attempt
   * to `now + leaseMs` so that no other process claims them meanwhile; with their webhook.
   */
  claimDue(
    now: Date,
    leaseMs: number,
    limit: number,
  ): Promise<Array<{ delivery: DeliveryRecord; webhook: WebhookRecord }>>;
  /** Records an attempt's outcome. */
  settle(
    tenantId: number,
    id: number,
    outcome: {
      status: DeliveryStatus;
      attempts: number;
      nextAttemptAt: Date | null;
      statusCode: number | null;
      error: string | null;
      deliveredAt: Date | null;
    },
  ): Promise<void>;
  deliveries(
    tenantId: number,
    filter: { webhookId?: number | undefined; status?: DeliveryStatus | undefined },
    page: PageSlice,
  ): Promise<{ items: DeliveryRecord[]; totalCount: number }>;
}

/** The answer of one POST: an HTTP status, or an error before one arrived (refused address, timeout, network). */
export type PostOutcome = { readonly status: number } | { readonly error: string };

export interface WebhookTransport {
  /**
   * Why `url` may not be called (scheme, or an address outside what is allowed: private,
   * loopback, link-local… unless allowed); null when it may. Resolves host names.
   */
  refusal(url: URL): Promise<string | null>;
  /** POSTs `body`; the address guard applies again at connect time (DNS may have changed). */
  post(url: URL, headers: Readonly<Record<string, string>>, body: string, timeoutMs: number): Promise<PostOutcome>;
}

/** The topic alerts are published on (what `alertRaised` follows). */
export const ALERT_RAISED = 'ALERT_RAISED';

export interface AlertEventBus {
  publish(topic: typeof ALERT_RAISED, tenantId: number, alert: AlertRecord): void;
  subscribe(
    topic: typeof ALERT_RAISED,
    tenantId: number,
  ): AsyncIterableIterator<AlertRecord> & { return?(): Promise<IteratorResult<AlertRecord>> };
}

// Arrivals: new actuals, after an import or a sync

/**
 * Something an alert depends on changed: new actuals (`import`, `sync`: every check), a new
 * SUCCEEDED run (`run`: every check against its band and plan), or stock levels or policy
 * (`stock`: predicted stock-outs only).
 */
export interface ActualsArrived {
  readonly tenantId: number;
  readonly datasetId: number;
  readonly cause: 'import' | 'sync' | 'run' | 'stock';
}

export type ArrivalsListener = (event: ActualsArrived) => Promise<void>;

/**
 * Where the import and sync use-cases announce that a dataset's actuals changed, and where the
 * alert use-case listens. `emit` waits for the listeners; a listener's failure is reported to
 * `onError` and never fails the import that already committed.
 */
export interface ArrivalsHub {
  on(listener: ArrivalsListener): () => void;
  emit(event: ActualsArrived): Promise<void>;
  /**
   * Resolves when no emit is in flight: a check fired without waiting (a run's success, through the
   * run bus) still reads the database, so whoever closes it, or counts its statements, waits here.
   */
  idle(): Promise<void>;
}

export function createArrivalsHub(onError: (e: unknown, event: ActualsArrived) => void = () => {}): ArrivalsHub {
  const listeners = new Set<ArrivalsListener>();
  const inFlight = new Set<Promise<void>>();
  const run = async (event: ActualsArrived): Promise<void> => {
    for (const l of Array.from(listeners)) {
      try {
        await l(event);
      } catch (e) {
        onError(e, event);
      }
    }
  };
  return {
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async emit(event) {
      const p = run(event);
      inFlight.add(p);
      try {
        await p;
      } finally {
        inFlight.delete(p);
      }
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled(Array.from(inFlight));
    },
  };
}

/** Predicted stock-outs of a dataset (the stock plan of issue 18 item 1), behind a port until it lands. */
export interface StockOutSource {
  /** Series whose stock-out probability before the next delivery is at least `minProbability`. */
  predictedStockOuts(
    tenantId: number,
    datasetId: number,
    minProbability: number,
  ): Promise<
    Array<{
      readonly seriesId: number;
      readonly runId: number;
      /** The day the plan looks from, and the next delivery's day. */
      readonly fromDate: string;
      readonly toDate: string;
      readonly probability: number;
      readonly onHand: number | null;
    }>
  >;
}
