/**
 * The PostgreSQL side of source schedules: every serving process registers the same pg-boss cron
 * schedule (idempotent) and works the tick queue; a tick job reaches exactly one of them. (How
 * punctual the cron is over many minutes is measured in bench/schedule-pg.ts, not asserted here.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type PgBoss from 'pg-boss';
import { pino } from 'pino';
import { loadQueueConfig } from '../../api/config/env.js';
import { startBoss } from '../../api/queue/boss.js';
import { scheduleSourceTicks, SOURCE_TICK_CRON, SOURCE_TICK_QUEUE } from '../../api/queue/source-schedule.js';
import { createEmptyDatabase, TEST_PG_URL } from '../helpers/dbs.js';

test('pg-boss source schedule', { skip: TEST_PG_URL ? false : 'TEST_PG_URL is not set' }, async (t) => {
  let drop: (() => Promise<void>) | undefined;
  const bosses: PgBoss[] = [];
  try {
    const db = await createEmptyDatabase('postgres');
    drop = db.drop;
    const connectionString = (db.config as { connectionString: string }).connectionString;
    const got: Array<{ process: number; jobId: string }> = [];
    let sent = '';
    let delivered!: () => void;
    const first = new Promise<void>((resolve) => {
      delivered = resolve;
    });
    for (const p of [0, 1]) {
      const boss = await startBoss({
        connectionString,
        logger: pino({ level: 'silent' }),
        supervise: false,
        queue: loadQueueConfig({}),
        schedules: true,
      });
      bosses.push(boss);
      await scheduleSourceTicks(boss, async (jobId) => {
        got.push({ process: p, jobId });
        if (jobId === sent) delivered();
      });
    }
    await t.test('both processes registered one schedule, every minute', async () => {
      const schedules = await bosses[0]!.getSchedules();
      assert.deepEqual(
        schedules.map((s) => [s.name, s.cron]),
        [[SOURCE_TICK_QUEUE, SOURCE_TICK_CRON]],
      );
    });
    await t.test('a tick job is worked by exactly one process', async () => {
      sent = (await bosses[0]!.send(SOURCE_TICK_QUEUE, {}))!;
      await first;
      // Both workers poll every 2 s; give the other one several polls to (wrongly) get it too.
      await new Promise((r) => setTimeout(r, 5000));
      assert.equal(got.filter((g) => g.jobId === sent).length, 1, JSON.stringify(got));
      // The cron's own ticks (one a minute) may arrive meanwhile: each to one process only.
      assert.equal(new Set(got.map((g) => g.jobId)).size, got.length, JSON.stringify(got));
    });
  } finally {
    for (const b of bosses) await b.stop({ graceful: false, wait: true, timeout: 2000 }).catch(() => {});
    await drop?.();
  }
});
