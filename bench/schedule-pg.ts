/**
 * How reliable pg-boss's cron is at minute granularity with several server processes:
 * `npx tsx bench/schedule-pg.ts [--minutes 5] [--processes 3]`.
 * Starts N pg-boss instances on one fresh PostgreSQL database (TEST_PG_URL, default
 * postgres://postgres@127.0.0.1:5432/test), each configured as `forecastql serve` configures its
 * source schedules (api/queue/source-schedule.ts: the `source-schedule-tick` queue, cron
 * `* * * * *`), each working the queue. Every delivered tick is recorded with the process that
 * got it; prints, per minute, how many ticks arrived (goal: exactly one, never two processes for
 * one minute) and how late after the minute's start.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import pino from 'pino';
import { loadQueueConfig } from '../api/config/env.js';
import { createKnex } from '../api/db/knex.js';
import { startBoss } from '../api/queue/boss.js';
import { scheduleSourceTicks, SOURCE_TICK_QUEUE } from '../api/queue/source-schedule.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const minutes = flag('--minutes', 5);
const processes = flag('--processes', 3);
const base = process.env['TEST_PG_URL'] || 'postgres://postgres@127.0.0.1:5432/test';
const name = `fq_bench_schedule_${randomBytes(4).toString('hex')}`;
const admin = createKnex({ client: 'pg', connectionString: base });
await admin.raw(`CREATE DATABASE ${name}`);
const url = new URL(base);
url.pathname = `/${name}`;
const logger = pino({ level: 'warn' });
const queue = loadQueueConfig({});
const ticks: Array<{ at: number; process: number }> = [];
const bosses = [];
try {
  for (let p = 0; p < processes; p++) {
    const boss = await startBoss({
      connectionString: url.toString(),
      logger,
      supervise: p === 0,
      queue,
      schedules: true,
    });
    await scheduleSourceTicks(boss, async () => {
      ticks.push({ at: Date.now(), process: p });
    });
    bosses.push(boss);
  }
  const start = Date.now();
  process.stderr.write(
    `${processes} processes working ${SOURCE_TICK_QUEUE} for ${minutes} min from ${new Date(start).toISOString()}\n`,
  );
  await new Promise((r) => setTimeout(r, minutes * 60_000));
  const byMinute = new Map<number, Array<{ at: number; process: number }>>();
  for (const t of ticks) {
    const m = Math.floor(t.at / 60_000);
    byMinute.set(m, [...(byMinute.get(m) ?? []), t]);
  }
  const firstFull = Math.ceil(start / 60_000);
  const lastFull = Math.floor((start + minutes * 60_000) / 60_000) - 1;
  console.log(`| minute (UTC) | ticks | processes | seconds after the minute |`);
  console.log(`|---|---|---|---|`);
  let missed = 0;
  let doubled = 0;
  const lateness: number[] = [];
  for (let m = firstFull; m <= lastFull; m++) {
    const got = byMinute.get(m) ?? [];
    if (got.length === 0) missed++;
    if (got.length > 1) doubled++;
    for (const t of got) lateness.push((t.at - m * 60_000) / 1000);
    console.log(
      `| ${new Date(m * 60_000).toISOString().slice(11, 16)} | ${got.length} | ${got.map((t) => t.process).join(',')} | ${got.map((t) => ((t.at - m * 60_000) / 1000).toFixed(1)).join(', ')} |`,
    );
  }
  console.log(
    `\nwhole minutes ${lastFull - firstFull + 1}, missed ${missed}, doubled ${doubled}, lateness max ${Math.max(...lateness).toFixed(1)} s, median ${lateness.toSorted((a, b) => a - b)[Math.floor(lateness.length / 2)]?.toFixed(1)} s; load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
} finally {
  for (const b of bosses) await b.stop({ graceful: false, wait: true, timeout: 2000 }).catch(() => {});
  await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.destroy();
}
