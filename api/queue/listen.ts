/**
 * One PostgreSQL LISTEN on its own connection, reconnecting after a drop (a failed reconnect
 * schedules the next, so the listener never stays dead after PostgreSQL comes back). The run
 * bridge (queue/notify.ts) and the alert bridge (queue/alert-notify.ts) are each one channel.
 */
import { Client } from 'pg';
import { PG_CONNECT_TIMEOUT_MS } from '../db/knex.js';

export interface ChannelListener {
  close(): Promise<void>;
}

export interface ChannelOptions {
  readonly connectionString: string;
  readonly channel: string;
  /** `application_name` of the connection (what `pg_stat_activity` shows). */
  readonly applicationName: string;
  /** What the logs call this listener, e.g. "run update listener". */
  readonly name: string;
  readonly onPayload: (payload: string) => void;
  readonly logger: { warn(object: object, message: string): void };
}

export async function listenChannel(options: ChannelOptions): Promise<ChannelListener> {
  const { connectionString, channel, applicationName, name, onPayload, logger } = options;
  let closed = false;
  let client: Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  // One retry pending at most.
  const scheduleRetry = (): void => {
    if (closed) return;
    if (retry) clearTimeout(retry);
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch((e: unknown) => {
        logger.warn({ err: e }, `${name} could not reconnect; trying again`);
        scheduleRetry();
      });
    }, 1000);
  };

  const connect = async (): Promise<void> => {
    const c = new Client({
      connectionString,
      application_name: applicationName,
      connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    });
    c.on('notification', (m) => onPayload(m.payload ?? ''));
    c.on('error', (e) => {
      logger.warn({ err: e }, `${name} lost its connection; reconnecting`);
      void c.end().catch(() => {});
      if (client === c) client = undefined;
      scheduleRetry();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
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
