/**
 * Data sources' schedules on PostgreSQL through pg-boss (ARCHITECTURE §11): one cron schedule,
 * `* * * * *`, on the `source-schedule-tick` queue. pg-boss's timekeeper sends one job a minute
 * for the whole cluster (one process wins the cron check; the send is a singleton per minute),
 * and whichever serving process fetches it runs a scheduler tick: the due sources are synced (each
 * claimed first, so a second tick elsewhere skips it) and the due retrains started. Measured in
 * bench/schedule-pg.ts (bench/RESULTS.md "Source schedules on pg-boss").
 */
import type PgBoss from 'pg-boss';

export const SOURCE_TICK_QUEUE = 'source-schedule-tick';
/** Every minute: the finest a source's schedule goes. */
export const SOURCE_TICK_CRON = '* * * * *';
/** A tick may sync large sources; its job is not handed to another process before this. */
const TICK_EXPIRE_SECONDS = 3600;

/**
 * Creates the tick queue and its cron schedule (idempotent: every serving process calls it at
 * start-up) and works the queue with `tick`. Returns the worker's id (for `offWork`).
 */
export async function scheduleSourceTicks(boss: PgBoss, tick: (jobId: string) => Promise<unknown>): Promise<string> {
  if (!(await boss.getQueue(SOURCE_TICK_QUEUE))) {
    try {
      await boss.createQueue(SOURCE_TICK_QUEUE, { name: SOURCE_TICK_QUEUE, policy: 'standard' });
    } catch (e) {
      // Another process created it at the same moment.
      if (!(await boss.getQueue(SOURCE_TICK_QUEUE))) throw e;
    }
  }
  await boss.schedule(
    SOURCE_TICK_QUEUE,
    SOURCE_TICK_CRON,
    {},
    {
      tz: 'UTC',
      retryLimit: 0,
      expireInSeconds: TICK_EXPIRE_SECONDS,
    },
  );
  return boss.work(SOURCE_TICK_QUEUE, { pollingIntervalSeconds: 2, batchSize: 1 }, async ([job]) => {
    await tick(job?.id ?? '');
  });
}
