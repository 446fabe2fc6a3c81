/**
 * Run changes across processes: a worker (or API instance) that changes a run sends
 * `NOTIFY forecastql_run_updated, 'tenantId:runId'`; every API instance LISTENs and publishes the
 * run, read back from the database, on its own event bus, so the `trainingRunUpdated`
 * subscription works whichever process trains the run.
 */
import type { Knex } from 'knex';
import { Client, type Notification } from 'pg';
import type { Logger } from 'pino';
import { PG_CONNECT_TIMEOUT_MS } from '../db/knex.js';
import { createRunStore } from '../db/runs.repository.js';
import { RUN_UPDATED, type RunEventBus } from '../training/events.js';

export const RUN_CHANNEL = 'forecastql_run_updated';

export async function notifyRunUpdated(knex: Knex, tenantId: number, runId: number): Promise<void> {
  await knex.raw('select pg_notify(?, ?)', [RUN_CHANNEL, `${tenantId}:${runId}`]);
}

export interface RunListener {
  close(): Promise<void>;
}

/** LISTENs on its own connection (reconnecting after a drop) and publishes changed runs on `bus`. */
export async function listenRunUpdates(
  connectionString: string,
  knex: Knex,
  bus: RunEventBus,
  logger: Logger,
): Promise<RunListener> {
  const runs = createRunStore(knex);
  let closed = false;
  let client: Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const onNotification = (m: Notification): void => {
    const [tenant, run] = (m.payload ?? '').split(':').map(Number);
    if (!Number.isInteger(tenant) || !Number.isInteger(run)) return;
    void runs
      .get(tenant!, run!)
      .then((record) => {
        if (record) bus.publish(RUN_UPDATED, record.id, record);
      })
      .catch((e: unknown) => logger.warn({ err: e, runId: run }, 'could not read an updated training run'));
  };

  // One retry pending at most; a failed reconnect schedules the next, so the listener never
  // stays dead after PostgreSQL comes back.
  const scheduleRetry = (): void => {
    if (closed) return;
    if (retry) clearTimeout(retry);
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch((e: unknown) => {
        logger.warn({ err: e }, 'run update listener could not reconnect; trying again');
        scheduleRetry();
      });
    }, 1000);
  };

  const connect = async (): Promise<void> => {
    const c = new Client({
      connectionString,
      application_name: 'forecastql-listen',
      connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    });
    c.on('notification', onNotification);
    c.on('error', (e) => {
      logger.warn({ err: e }, 'run update listener lost its connection; reconnecting');
      void c.end().catch(() => {});
      if (client === c) client = undefined;
      scheduleRetry();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${RUN_CHANNEL}`);
    } catch (e) {
      void c.end().catch(() => {});
      throw e;
    }
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
  };
  await connect();

  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
