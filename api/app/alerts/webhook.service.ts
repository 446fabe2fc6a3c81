/**
 * Webhooks (issue 18 item 3): a tenant registers URLs; every alert raised for that tenant is
 * POSTed to each of them as JSON, signed with HMAC-SHA256, retried with exponential backoff, and
 * logged (`webhook_deliveries`). A delivery is created from the alert's own tenant's webhooks and
 * nothing else (`WebhookStore.enqueue` takes the tenant), so an alert never reaches another
 * tenant's URL.
 *
 * Signature: `X-ForecastQL-Signature: sha256=<hex>` where `<hex>` is
 * HMAC-SHA256(secret, `${X-ForecastQL-Timestamp}.${raw body}`) (the README shows how to verify it).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { ErrorCode, DomainError, ForbiddenError, NotFoundError, UserInputError } from '../../errors/index.js';
import { toPageRequest, type Page } from '../common/cursor.js';
import { parseRowId } from '../common/ids.js';
import { Role, type AccessScope } from '../scope.js';
import {
  DeliveryStatus,
  type AlertRecord,
  type DeliveryRecord,
  type WebhookRecord,
  type WebhookStore,
  type WebhookTransport,
} from './ports.js';

export const WEBHOOK_EVENT_ALERT_RAISED = 'alert.raised';
export const SIGNATURE_HEADER = 'X-ForecastQL-Signature';
export const TIMESTAMP_HEADER = 'X-ForecastQL-Timestamp';
export const EVENT_HEADER = 'X-ForecastQL-Event';
export const DELIVERY_HEADER = 'X-ForecastQL-Delivery';
export const MAX_WEBHOOKS_PER_TENANT = 20;
export const MAX_WEBHOOK_URL = 2048;
const MIN_SECRET = 16;
const MAX_SECRET = 256;

/** A webhook URL refused: not http(s), malformed, or an address outside what is allowed. */
export class WebhookUrlError extends DomainError {
  override readonly name = 'WebhookUrlError';
  constructor(url: string, why: string) {
    super(ErrorCode.WEBHOOK_URL_REFUSED, `Webhook URL "${url}" is refused: ${why}`, { field: 'url', value: url });
  }
}

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`). */
export function signWebhookBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The JSON body of an alert's delivery (the same bytes on every attempt). */
export function alertPayload(alert: AlertRecord): string {
  return JSON.stringify({
    event: WEBHOOK_EVENT_ALERT_RAISED,
    alert: {
      id: String(alert.id),
      datasetId: String(alert.datasetId),
      seriesId: alert.seriesKey,
      runId: String(alert.runId),
      kind: alert.kind,
      direction: alert.direction,
      severity: alert.severity,
      from: alert.fromDate,
      to: alert.toDate,
      actual: alert.actual,
      p10: alert.p10,
      p50: alert.p50,
      p90: alert.p90,
      probability: alert.probability,
      points: alert.points,
      message: alert.message,
      createdAt: alert.createdAt.toISOString(),
    },
  });
}

/** Validates a URL's form (not its address): absolute http(s), no credentials, bounded length. */
export function parseWebhookUrl(text: string): URL {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_WEBHOOK_URL) {
    throw new WebhookUrlError(
      trimmed.slice(0, 80),
      `give an absolute http:// or https:// URL of 1 to ${MAX_WEBHOOK_URL} characters.`,
    );
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new WebhookUrlError(
      trimmed,
      'it is not an absolute URL; give one such as https://shop.example.com/hooks/forecastql.',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WebhookUrlError(trimmed, `only http:// and https:// URLs are called, not ${url.protocol}//.`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new WebhookUrlError(
      trimmed,
      'it carries a user name or password; drop them and verify the X-ForecastQL-Signature header instead.',
    );
  }
  return url;
}

export interface CreatedWebhook {
  readonly webhook: WebhookRecord;
  /** The signing secret: the one given, or a generated one. Shown only here. */
  readonly secret: string;
}

/** Webhooks of one access scope (admin only). */
export class WebhookService {
  constructor(
    private readonly scope: AccessScope,
    private readonly store: WebhookStore,
    private readonly transport: WebhookTransport,
  ) {}

  private requireAdmin(what: string): void {
    if (this.scope.role !== Role.ADMIN) {
      throw new ForbiddenError(`This credential is read-only: it cannot ${what}. Use an admin API key.`);
    }
  }

  /** Registers a URL; refuses a non-http(s) URL and, unless allowed, a private address (WEBHOOK_URL_REFUSED). */
  async create(urlText: string, secret?: string | null): Promise<CreatedWebhook> {
    this.requireAdmin('create webhooks');
    const url = parseWebhookUrl(urlText);
    const refusal = await this.transport.refusal(url);
    if (refusal !== null) throw new WebhookUrlError(url.href, refusal);
    let key = secret ?? undefined;
    if (key !== undefined && (key.length < MIN_SECRET || key.length > MAX_SECRET)) {
      throw new UserInputError(
        `The webhook secret has ${key.length} characters; give ${MIN_SECRET} to ${MAX_SECRET}, or omit it and ForecastQL generates one.`,
        { field: 'secret' },
      );
    }
    key ??= randomBytes(32).toString('base64url');
    const existing = await this.store.list(this.scope.tenantId);
    if (existing.length >= MAX_WEBHOOKS_PER_TENANT) {
      throw new UserInputError(
        `This tenant has ${existing.length} webhooks, the most allowed; delete one with deleteWebhook first.`,
        { field: 'url' },
      );
    }
    const webhook = await this.store.create(this.scope.tenantId, { url: url.href, secret: key });
    return { webhook, secret: key };
  }

  async list(): Promise<WebhookRecord[]> {
    this.requireAdmin('read webhooks');
    return this.store.list(this.scope.tenantId);
  }

  /** Deletes a webhook; returns its id (NOT_FOUND when there is none). */
  async delete(id: string): Promise<string> {
    this.requireAdmin('delete webhooks');
    const rowId = parseRowId('Webhook', id);
    if (!(await this.store.delete(this.scope.tenantId, rowId))) throw new NotFoundError('Webhook', id);
    return id;
  }

  /** The delivery log, newest first. */
  async deliveries(args: {
    webhookId?: string | null | undefined;
    status?: DeliveryStatus | null | undefined;
    first?: number | null | undefined;
    after?: string | null | undefined;
  }): Promise<Page<DeliveryRecord>> {
    this.requireAdmin('read webhook deliveries');
    const page = toPageRequest(args.first, args.after);
    let webhookId: number | undefined;
    if (args.webhookId !== null && args.webhookId !== undefined) {
      webhookId = parseRowId('Webhook', args.webhookId);
      if (!(await this.store.get(this.scope.tenantId, webhookId))) throw new NotFoundError('Webhook', args.webhookId);
    }
    const { items, totalCount } = await this.store.deliveries(
      this.scope.tenantId,
      { webhookId, status: args.status ?? undefined },
      page,
    );
    return { items, totalCount, offset: page.offset };
  }
}

export interface DispatcherOptions {
  /** First retry after this many ms; each further one waits twice as long (default 30 s). */
  readonly backoffMs: number;
  /** Longest wait between attempts (default 1 h). */
  readonly maxBackoffMs: number;
  /** Attempts before a delivery is FAILED (default 8: about 1 h of retries at the defaults). */
  readonly maxAttempts: number;
  /** Time one POST may take (default 10 s). */
  readonly timeoutMs: number;
  /** How often due retries are looked for (default 5 s). */
  readonly pollMs: number;
}

export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = {
  backoffMs: 30_000,
  maxBackoffMs: 3_600_000,
  maxAttempts: 8,
  timeoutMs: 10_000,
  pollMs: 5_000,
};

/** The wait after attempt `attempts` (1-based) failed: backoff × 2^(attempts − 1), capped. */
export function retryDelayMs(attempts: number, options: Pick<DispatcherOptions, 'backoffMs' | 'maxBackoffMs'>): number {
  return Math.min(options.maxBackoffMs, options.backoffMs * 2 ** Math.max(0, attempts - 1));
}

/**
 * Sends queued deliveries: at once after an alert is queued (`enqueueAlert`), and every `pollMs`
 * for the retries that are due (`start`). Deliveries are claimed in the store, so several
 * processes may run a dispatcher on one database.
 */
export class WebhookDispatcher {
  private readonly options: DispatcherOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;
  /** After `stop()`: alerts are still queued in the store, but nothing is sent until `start()`. */
  private stopped = false;

  constructor(
    private readonly store: WebhookStore,
    private readonly transport: WebhookTransport,
    options: Partial<DispatcherOptions> = {},
    private readonly onError: (e: unknown) => void = () => {},
  ) {
    this.options = { ...DEFAULT_DISPATCHER_OPTIONS, ...options };
  }

  /** Queues an alert to every webhook of its own tenant and starts sending. */
  async enqueueAlert(alert: AlertRecord): Promise<void> {
    const queued = await this.store.enqueue(
      alert.tenantId,
      alert.id,
      WEBHOOK_EVENT_ALERT_RAISED,
      alertPayload(alert),
      new Date(),
    );
    if (queued > 0) this.kick();
  }

  /**
   * Sends what is due now, in the background; nothing once stopped (an alert queued while the host
   * shuts down stays PENDING for the next start, and no query reaches a database being closed).
   */
  kick(): void {
    if (this.stopped) return;
    void this.deliverDue().catch(this.onError);
  }

  /** Sends every delivery due now (one pass at a time; a call during a pass makes it go round again). */
  deliverDue(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let sent = 0;
      do {
        this.again = false;
        for (;;) {
          const due = await this.store.claimDue(new Date(), this.options.timeoutMs + 5_000, 20);
          if (due.length === 0) break;
          await Promise.all(due.map(async ({ delivery, webhook }) => this.attempt(delivery, webhook)));
          sent += due.length;
        }
      } while (this.again);
      return sent;
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Resolves when no pass is running. */
  async whenIdle(): Promise<void> {
    while (this.running) await this.running.catch(() => 0);
  }

  private async attempt(delivery: DeliveryRecord, webhook: WebhookRecord): Promise<void> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'ForecastQL-Webhooks/1',
      [EVENT_HEADER]: delivery.event,
      [DELIVERY_HEADER]: String(delivery.id),
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signWebhookBody(webhook.secret, timestamp, delivery.payload),
    };
    const outcome = await this.transport
      .post(new URL(webhook.url), headers, delivery.payload, this.options.timeoutMs)
      .catch((e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }));
    const attempts = delivery.attempts + 1;
    const now = Date.now();
    const ok = 'status' in outcome && outcome.status >= 200 && outcome.status < 300;
    const statusCode = 'status' in outcome ? outcome.status : null;
    const error = ok ? null : 'error' in outcome ? outcome.error : `HTTP ${outcome.status}`;
    const last = attempts >= this.options.maxAttempts;
    await this.store.settle(delivery.tenantId, delivery.id, {
      status: ok ? DeliveryStatus.DELIVERED : last ? DeliveryStatus.FAILED : DeliveryStatus.PENDING,
      attempts,
      nextAttemptAt: ok || last ? null : new Date(now + retryDelayMs(attempts, this.options)),
      statusCode,
      error,
      deliveredAt: ok ? new Date(now) : null,
    });
  }

  /** Looks for due retries every `pollMs` (the timer does not keep the process alive). */
  start(): void {
    this.stopped = false;
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), this.options.pollMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.whenIdle();
  }
}
