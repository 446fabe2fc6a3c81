/**
 * `alerts`, `webhooks` and `webhook_deliveries` (migration 20261207213600): the `AlertStore` and
 * `WebhookStore` ports of api/app/alerts. Every query names the tenant, except `claimDue`, which
 * the delivery worker runs for all tenants and which hands each delivery back with its own
 * tenant's webhook (joined on the delivery's webhook_id and tenant_id).
 */
import type { Knex } from 'knex';
import type {
  AlertRecord,
  AlertStore,
  BreachPoint,
  DeliveryRecord,
  NewAlert,
  WebhookRecord,
  WebhookStore,
} from '../app/alerts/ports.js';
import type { TimestampValue } from './tables.js';
import { parseJsonColumn, toDate, toNumber } from './values.js';

type Row = Record<string, unknown>;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : toNumber(v));
const SEVERITY_RANK: Record<string, number> = { WARNING: 1, CRITICAL: 2 };

function toAlert(r: Row): AlertRecord {
  return {
    id: toNumber(r['id']),
    tenantId: toNumber(r['tenant_id']),
    datasetId: toNumber(r['dataset_id']),
    seriesId: toNumber(r['series_id']),
    seriesKey: String(r['series_key'] ?? ''),
    runId: toNumber(r['run_id']),
    kind: String(r['kind']) as AlertRecord['kind'],
    direction: r['direction'] === '' || r['direction'] === null ? null : (String(r['direction']) as 'ABOVE' | 'BELOW'),
    severity: String(r['severity']) as AlertRecord['severity'],
    status: String(r['status']) as AlertRecord['status'],
    fromDate: String(r['from_date']),
    toDate: String(r['to_date']),
    actual: num(r['actual']),
    p10: num(r['p10']),
    p50: num(r['p50']),
    p90: num(r['p90']),
    probability: num(r['probability']),
    points: parseJsonColumn<BreachPoint[]>(r['points'], []),
    message: String(r['message']),
    acknowledgedAt: toDate(r['acknowledged_at'] as TimestampValue | null),
    createdAt: toDate(r['created_at'] as TimestampValue),
    updatedAt: toDate(r['updated_at'] as TimestampValue),
  };
}

function toWebhook(r: Row): WebhookRecord {
  return {
    id: toNumber(r['id']),
    tenantId: toNumber(r['tenant_id']),
    url: String(r['url']),
    secret: String(r['secret']),
    createdAt: toDate(r['created_at'] as TimestampValue),
  };
}

function toDelivery(r: Row): DeliveryRecord {
  return {
    id: toNumber(r['id']),
    tenantId: toNumber(r['tenant_id']),
    webhookId: toNumber(r['webhook_id']),
    alertId: num(r['alert_id']),
    event: String(r['event']),
    payload: String(r['payload']),
    status: String(r['status']) as DeliveryRecord['status'],
    attempts: toNumber(r['attempts']),
    nextAttemptAt: toDate(r['next_attempt_at'] as TimestampValue | null),
    lastStatusCode: num(r['last_status_code']),
    lastError: r['last_error'] === null || r['last_error'] === undefined ? null : String(r['last_error']),
    deliveredAt: toDate(r['delivered_at'] as TimestampValue | null),
    createdAt: toDate(r['created_at'] as TimestampValue),
    updatedAt: toDate(r['updated_at'] as TimestampValue),
  };
}

/** Points of two overlapping records of one breach: by date, the newer reading of a day winning. */
function mergePoints(old: readonly BreachPoint[], fresh: readonly BreachPoint[]): BreachPoint[] {
  const byDate = new Map<string, BreachPoint>();
  for (const p of old) byDate.set(p.date, p);
  for (const p of fresh) byDate.set(p.date, p);
  return [...byDate.values()].toSorted((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

export function createAlertsRepository(knex: Knex): AlertStore {
  const withKey = () =>
    knex('alerts as a').join('series as s', 's.id', 'a.series_id').select('a.*', { series_key: 's.key' });

  const get = async (tenantId: number, id: number): Promise<AlertRecord | undefined> => {
    const row = (await withKey().where({ 'a.tenant_id': tenantId, 'a.id': id }).first()) as Row | undefined;
    return row ? toAlert(row) : undefined;
  };

  return {
    get,

    async record(tenantId, alert: NewAlert) {
      const direction = alert.direction ?? '';
      const overlapping = (await knex('alerts')
        .where({ tenant_id: tenantId, series_id: alert.seriesId, kind: alert.kind, direction })
        .andWhere('from_date', '<=', alert.toDate)
        .andWhere('to_date', '>=', alert.fromDate)
        .orderBy('id')
        .first()) as Row | undefined;
      const now = new Date();
      if (overlapping) {
        const id = toNumber(overlapping['id']);
        const from = String(overlapping['from_date']);
        const to = String(overlapping['to_date']);
        const widened = alert.fromDate < from || alert.toDate > to;
        const severity =
          (SEVERITY_RANK[alert.severity] ?? 0) > (SEVERITY_RANK[String(overlapping['severity'])] ?? 0)
            ? alert.severity
            : String(overlapping['severity']);
        const points = mergePoints(parseJsonColumn<BreachPoint[]>(overlapping['points'], []), alert.points);
        const unchanged =
          !widened &&
          severity === String(overlapping['severity']) &&
          JSON.stringify(points) === JSON.stringify(parseJsonColumn<BreachPoint[]>(overlapping['points'], []));
        if (!unchanged) {
          await knex('alerts')
            .where({ tenant_id: tenantId, id })
            .update({
              // Widening `from_date` is safe: no other alert of this breach key overlaps this one.
              from_date: alert.fromDate < from ? alert.fromDate : from,
              to_date: alert.toDate > to ? alert.toDate : to,
              severity,
              points: JSON.stringify(points),
              ...(widened
                ? {
                    actual: alert.actual,
                    p10: alert.p10,
                    p50: alert.p50,
                    p90: alert.p90,
                    probability: alert.probability,
                    message: alert.message,
                  }
                : {}),
              updated_at: now,
            });
        }
        return { alert: (await get(tenantId, id))!, raised: false };
      }
      const inserted = (await knex('alerts')
        .insert({
          tenant_id: tenantId,
          dataset_id: alert.datasetId,
          series_id: alert.seriesId,
          run_id: alert.runId,
          kind: alert.kind,
          direction,
          severity: alert.severity,
          status: 'OPEN',
          from_date: alert.fromDate,
          to_date: alert.toDate,
          actual: alert.actual,
          p10: alert.p10,
          p50: alert.p50,
          p90: alert.p90,
          probability: alert.probability,
          points: JSON.stringify(alert.points),
          message: alert.message,
          created_at: now,
          updated_at: now,
        })
        // A concurrent writer of the same breach got there first: then this one raised nothing.
        .onConflict(['tenant_id', 'series_id', 'kind', 'direction', 'from_date'])
        .ignore()
        .returning('id')) as Array<{ id: number } | number>;
      if (inserted.length === 0) {
        const row = (await knex('alerts')
          .where({ tenant_id: tenantId, series_id: alert.seriesId, kind: alert.kind, direction })
          .andWhere('from_date', alert.fromDate)
          .first('id')) as Row | undefined;
        return { alert: (await get(tenantId, toNumber(row?.['id'])))!, raised: false };
      }
      const first = inserted[0]!;
      const id = typeof first === 'object' ? toNumber(first.id) : toNumber(first);
      return { alert: (await get(tenantId, id))!, raised: true };
    },

    async list(tenantId, filter, page) {
      const base = () => {
        const q = knex('alerts as a').where('a.tenant_id', tenantId);
        if (filter.datasetIds !== undefined) q.whereIn('a.dataset_id', [...filter.datasetIds]);
        if (filter.status !== undefined) q.andWhere('a.status', filter.status);
        return q;
      };
      const [count] = (await base().count({ n: '*' })) as Row[];
      const rows = (await base()
        .join('series as s', 's.id', 'a.series_id')
        .select('a.*', { series_key: 's.key' })
        .orderBy('a.id', 'desc')
        .offset(page.offset)
        .limit(page.limit)) as Row[];
      return { items: rows.map(toAlert), totalCount: toNumber(count?.['n'] ?? 0) };
    },

    async acknowledge(tenantId, id, at) {
      await knex('alerts')
        .where({ tenant_id: tenantId, id, status: 'OPEN' })
        .update({ status: 'ACKNOWLEDGED', acknowledged_at: at, updated_at: at });
      return get(tenantId, id);
    },
  };
}

export function createWebhooksRepository(knex: Knex): WebhookStore {
  return {
    async create(tenantId, webhook) {
      const now = new Date();
      const [inserted] = (await knex('webhooks')
        .insert({ tenant_id: tenantId, url: webhook.url, secret: webhook.secret, created_at: now, updated_at: now })
        .returning('id')) as Array<{ id: number } | number>;
      const id = typeof inserted === 'object' ? toNumber(inserted.id) : toNumber(inserted);
      return { id, tenantId, url: webhook.url, secret: webhook.secret, createdAt: now };
    },

    async list(tenantId) {
      return ((await knex('webhooks').where({ tenant_id: tenantId }).orderBy('id')) as Row[]).map(toWebhook);
    },

    async get(tenantId, id) {
      const row = (await knex('webhooks').where({ tenant_id: tenantId, id }).first()) as Row | undefined;
      return row ? toWebhook(row) : undefined;
    },

    async delete(tenantId, id) {
      return knex.transaction(async (trx) => {
        await trx('webhook_deliveries').where({ tenant_id: tenantId, webhook_id: id }).delete();
        return (await trx('webhooks').where({ tenant_id: tenantId, id }).delete()) > 0;
      });
    },

    async enqueue(tenantId, alertId, event, payload, now) {
      // Only the alert's own tenant's webhooks: the tenant filter is the isolation between shops.
      const hooks = (await knex('webhooks').where({ tenant_id: tenantId }).select('id')) as Row[];
      if (hooks.length === 0) return 0;
      const inserted = (await knex('webhook_deliveries')
        .insert(
          hooks.map((h) => ({
            tenant_id: tenantId,
            webhook_id: toNumber(h['id']),
            alert_id: alertId,
            event,
            payload,
            status: 'PENDING',
            attempts: 0,
            next_attempt_at: now,
            created_at: now,
            updated_at: now,
          })),
        )
        .onConflict(['webhook_id', 'alert_id'])
        .ignore()
        .returning('id')) as unknown[];
      return inserted.length;
    },

    async claimDue(now, leaseMs, limit) {
      const due = (await knex('webhook_deliveries')
        .where({ status: 'PENDING' })
        .andWhere('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)) as Row[];
      const claimed: Array<{ delivery: DeliveryRecord; webhook: WebhookRecord }> = [];
      const lease = new Date(now.getTime() + leaseMs);
      for (const row of due) {
        const n = await knex('webhook_deliveries')
          .where({ id: row['id'], status: 'PENDING', attempts: row['attempts'] })
          .andWhere('next_attempt_at', '<=', now)
          .update({ next_attempt_at: lease, updated_at: now });
        if (n === 0) continue; // another process claimed it
        const hook = (await knex('webhooks').where({ id: row['webhook_id'], tenant_id: row['tenant_id'] }).first()) as
          Row | undefined;
        if (!hook) continue;
        claimed.push({ delivery: toDelivery({ ...row, next_attempt_at: lease }), webhook: toWebhook(hook) });
      }
      return claimed;
    },

    async settle(tenantId, id, o) {
      await knex('webhook_deliveries')
        .where({ tenant_id: tenantId, id })
        .update({
          status: o.status,
          attempts: o.attempts,
          next_attempt_at: o.nextAttemptAt,
          last_status_code: o.statusCode,
          last_error: o.error === null ? null : o.error.slice(0, 500),
          delivered_at: o.deliveredAt,
          updated_at: new Date(),
        });
    },

    async deliveries(tenantId, filter, page) {
      const base = () => {
        const q = knex('webhook_deliveries').where({ tenant_id: tenantId });
        if (filter.webhookId !== undefined) q.andWhere('webhook_id', filter.webhookId);
        if (filter.status !== undefined) q.andWhere('status', filter.status);
        return q;
      };
      const [count] = (await base().count({ n: '*' })) as Row[];
      const rows = (await base().orderBy('id', 'desc').offset(page.offset).limit(page.limit)) as Row[];
      return { items: rows.map(toDelivery), totalCount: toNumber(count?.['n'] ?? 0) };
    },
  };
}
