/**
 * `alertRaised` across processes on PostgreSQL (issue 18): a process that raises an alert sends
 * `NOTIFY forecastql_alert_raised, 'origin:tenantId:alertId'`; every process LISTENs and, for an
 * alert raised by ANOTHER process (`origin` differs), reads it back from the database and
 * publishes it on its own in-process alert bus, so a subscriber connected to process B hears an
 * alert that an import on process A raised. Webhooks are not sent again: only the raising
 * process sends them.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { AlertRecord, AlertStore } from '../app/alerts/ports.js';
import type { DatabaseConfig } from '../config/env.js';
import { listenChannel, type ChannelListener } from './listen.js';

export const ALERT_CHANNEL = 'forecastql_alert_raised';

/** This process's origin id (an alert it raised comes back to it through LISTEN too). */
export function alertOrigin(): string {
  return randomUUID();
}

export async function notifyAlertRaised(knex: Knex, origin: string, alert: AlertRecord): Promise<void> {
  await knex.raw('select pg_notify(?, ?)', [ALERT_CHANNEL, `${origin}:${alert.tenantId}:${alert.id}`]);
}

export type AlertListener = ChannelListener;

/**
 * LISTENs on its own connection (reconnecting after a drop) and hands every alert raised by
 * another origin to `deliver` (the local bus's publish).
 */
export async function listenAlertsRaised(options: {
  readonly connectionString: string;
  readonly origin: string;
  readonly alerts: Pick<AlertStore, 'get'>;
  readonly deliver: (alert: AlertRecord) => void;
  readonly logger: { warn(object: object, message: string): void };
}): Promise<AlertListener> {
  const { connectionString, origin, alerts, deliver, logger } = options;
  return listenChannel({
    connectionString,
    channel: ALERT_CHANNEL,
    applicationName: 'forecastql-alerts',
    name: 'alert listener',
    logger,
    onPayload: (payload) => {
      const [from, tenant, id] = payload.split(':');
      if (from === origin) return;
      const tenantId = Number(tenant);
      const alertId = Number(id);
      if (!Number.isInteger(tenantId) || !Number.isInteger(alertId)) return;
      void alerts
        .get(tenantId, alertId)
        .then((alert) => {
          if (alert) deliver(alert);
        })
        .catch((e: unknown) => logger.warn({ err: e, alertId }, 'could not read an alert raised by another process'));
    },
  });
}

/** What the bridge needs of a process's alerting (the front door's `Alerting` has it; queue/ may not import plugin/). */
export interface AlertBridgeTarget {
  readonly alerts: Pick<AlertStore, 'get'>;
  announceTo(announce: (alert: AlertRecord) => void): void;
  receive(alert: AlertRecord): void;
}

/**
 * The bridge of one process on PostgreSQL (the server's, and the tests'): every alert raised here
 * is NOTIFYed with this process's origin, and alerts raised by other processes are published on
 * this process's `alertRaised` bus. Undefined on SQLite (one process owns the file).
 */
export async function startAlertBridge(
  database: DatabaseConfig,
  knex: Knex,
  alerting: AlertBridgeTarget,
  logger: { warn(object: object, message: string): void },
): Promise<AlertListener | undefined> {
  if (database.client !== 'pg') return undefined;
  const origin = alertOrigin();
  const listener = await listenAlertsRaised({
    connectionString: database.connectionString,
    origin,
    alerts: alerting.alerts,
    deliver: (alert) => alerting.receive(alert),
    logger,
  });
  alerting.announceTo((alert) => {
    notifyAlertRaised(knex, origin, alert).catch((e: unknown) =>
      logger.warn({ err: e, alertId: alert.id }, 'could not announce an alert to other processes'),
    );
  });
  return listener;
}
