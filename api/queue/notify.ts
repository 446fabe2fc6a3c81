/**
 * Run changes across processes: a worker (or API instance) that changes a run sends
 * `NOTIFY forecastql_run_updated, 'tenantId:runId'`; every API instance LISTENs and publishes the
 * run, read back from the database, on its own event bus, so the `trainingRunUpdated`
 * subscription works whichever process trains the run.
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { createRunStore } from '../db/runs.repository.js';
import { RUN_UPDATED, type RunEventBus } from '../training/events.js';
import { listenChannel, type ChannelListener } from './listen.js';

export const RUN_CHANNEL = 'forecastql_run_updated';

export async function notifyRunUpdated(knex: Knex, tenantId: number, runId: number): Promise<void> {
  await knex.raw('select pg_notify(?, ?)', [RUN_CHANNEL, `${tenantId}:${runId}`]);
}

export type RunListener = ChannelListener;

/** LISTENs on its own connection (reconnecting after a drop) and publishes changed runs on `bus`. */
export async function listenRunUpdates(
  connectionString: string,
  knex: Knex,
  bus: RunEventBus,
  logger: Logger,
): Promise<RunListener> {
  const runs = createRunStore(knex);
  return listenChannel({
    connectionString,
    channel: RUN_CHANNEL,
    applicationName: 'forecastql-listen',
    name: 'run update listener',
    logger,
    onPayload: (payload) => {
      const [tenant, run] = payload.split(':').map(Number);
      if (!Number.isInteger(tenant) || !Number.isInteger(run)) return;
      void runs
        .get(tenant!, run!)
        .then((record) => {
          if (record) bus.publish(RUN_UPDATED, record.id, record);
        })
        .catch((e: unknown) => logger.warn({ err: e, runId: run }, 'could not read an updated training run'));
    },
  });
}
