/**
 * A data source's schedule (ARCHITECTURE §11), pure: how often it syncs (`syncEvery`) and when a
 * training run follows (`retrainWhen`: enough new daily rows, enough new days, or every N hours).
 * Parsing and validation of what the doors send, and the two decisions a scheduler tick takes:
 * is a sync due, is a retrain due. No I/O; the scheduler (scheduler.ts) acts on the answers.
 */
import { UserInputError } from '../../errors/index.js';
import { createLocalDay, dayOfIso } from './daily.js';
import type { DataSourceRecord, SourceSchedule } from './ports.js';

/** The finest schedule: the PostgreSQL cron and the in-process timer both tick once a minute. */
export const MIN_SYNC_MINUTES = 1;
export const MAX_SYNC_MINUTES = 7 * 24 * 60;
export const MAX_RETRAIN_MINUTES = 90 * 24 * 60;

export const NO_SCHEDULE: SourceSchedule = {
  syncEveryMinutes: null,
  retrainAfterRows: null,
  retrainAfterDays: null,
  retrainEveryMinutes: null,
};

/** When to retrain; every field null (or the whole thing null): never on its own. */
export interface RetrainWhenInput {
  /** After syncs brought at least this many daily rows (series × day) on new days. */
  readonly newRows?: number | null | undefined;
  /** After the newest synced day moved on by at least this many days. */
  readonly newDays?: number | null | undefined;
  /** Every so often whatever arrived: a duration, e.g. `24h`, `7d`. */
  readonly every?: string | null | undefined;
}

/**
 * A change of schedule: a field left out keeps its value, `null` clears it. `syncEvery` is a
 * duration (`15m`, `2h`, `1d`, or whole minutes) or `off`; `retrainWhen` replaces the whole
 * retrain policy (null: never).
 */
export interface ScheduleChange {
  readonly syncEvery?: string | number | null | undefined;
  readonly retrainWhen?: RetrainWhenInput | null | undefined;
}

const DURATION = /^\s*(\d+)\s*(m|min|mins|minutes?|h|hours?|d|days?)?\s*$/i;

/** Minutes of a duration text (`15m`, `2h`, `1d`, `90`), or null for `off`/`never`/empty. */
export function parseDuration(field: string, value: string | number, max: number): number | null {
  if (typeof value === 'string' && /^\s*(off|never|none)?\s*$/i.test(value)) return null;
  const m = typeof value === 'number' ? [String(value), String(value), 'm'] : DURATION.exec(value);
  const n = m ? Number(m[1]) : Number.NaN;
  const unit = (m?.[2] ?? 'm').toLowerCase()[0];
  const minutes = unit === 'd' ? n * 1440 : unit === 'h' ? n * 60 : n;
  if (!Number.isInteger(minutes) || minutes < MIN_SYNC_MINUTES || minutes > max) {
    throw new UserInputError(
      `${field} "${value}" is not a duration from 1 minute to ${max / 1440} days. Use e.g. 15m, 2h or 1d (or off).`,
      { field, value },
    );
  }
  return minutes;
}

function count(field: string, value: number | null | undefined, max: number): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new UserInputError(`${field} ${value} must be a whole number from 1 to ${max}.`, { field, value });
  }
  return value;
}

/** The retrain policy of a `retrainWhen` (validated). */
export function parseRetrainWhen(when: RetrainWhenInput | null): Omit<SourceSchedule, 'syncEveryMinutes'> {
  if (when === null) return { retrainAfterRows: null, retrainAfterDays: null, retrainEveryMinutes: null };
  return {
    retrainAfterRows: count('retrainWhen.newRows', when.newRows, 1e9),
    retrainAfterDays: count('retrainWhen.newDays', when.newDays, 3660),
    retrainEveryMinutes:
      when.every === null || when.every === undefined
        ? null
        : parseDuration('retrainWhen.every', when.every, MAX_RETRAIN_MINUTES),
  };
}

/**
 * The command line's `--retrain-when`: `never`, or a comma-separated list of `rows:N`, `days:N`
 * and `every:DURATION` (any one of them triggers a retrain), e.g. `rows:500,every:7d`.
 */
export function parseRetrainWhenText(text: string): RetrainWhenInput | null {
  const t = text.trim();
  if (/^(never|off|none)$/i.test(t)) return null;
  const out: { newRows?: number; newDays?: number; every?: string } = {};
  for (const part of t.split(',')) {
    const [key, value = ''] = part.split(':').map((x) => x.trim());
    const k = (key ?? '').toLowerCase();
    if ((k === 'rows' || k === 'days') && /^\d+$/.test(value)) {
      out[k === 'rows' ? 'newRows' : 'newDays'] = Number(value);
    } else if (k === 'every' && value !== '') out.every = value;
    else {
      throw new UserInputError(
        `--retrain-when "${text}" is not understood at "${part.trim()}". Use never, or a list of rows:N, days:N and every:DURATION, e.g. rows:500,every:7d.`,
        { field: 'retrainWhen', value: text },
      );
    }
  }
  return out;
}

/** Applies a change to a schedule (validated; what it leaves out stays). */
export function applyScheduleChange(current: SourceSchedule, change: ScheduleChange): SourceSchedule {
  const syncEveryMinutes =
    change.syncEvery === undefined
      ? current.syncEveryMinutes
      : change.syncEvery === null
        ? null
        : parseDuration('syncEvery', change.syncEvery, MAX_SYNC_MINUTES);
  const retrain =
    change.retrainWhen === undefined
      ? {
          retrainAfterRows: current.retrainAfterRows,
          retrainAfterDays: current.retrainAfterDays,
          retrainEveryMinutes: current.retrainEveryMinutes,
        }
      : parseRetrainWhen(change.retrainWhen);
  return { syncEveryMinutes, ...retrain };
}

export function hasRetrainPolicy(s: SourceSchedule): boolean {
  return s.retrainAfterRows !== null || s.retrainAfterDays !== null || s.retrainEveryMinutes !== null;
}

/** When the next scheduled sync is due (ms), or null without a sync schedule. */
export function nextSyncAt(source: DataSourceRecord): number | null {
  const every = source.schedule.syncEveryMinutes;
  if (every === null) return null;
  if (!source.lastSync) return source.createdAt.getTime();
  return Date.parse(source.lastSync.startedAt) + every * 60_000;
}

/** Whether a source's schedule says a sync is due at `now` (ms). */
export function isSyncDue(source: DataSourceRecord, now: number): boolean {
  const next = nextSyncAt(source);
  return next !== null && now >= next;
}

export type RetrainReason = 'newRows' | 'newDays' | 'schedule';

/** The newest synced day (shop time zone), from the watermark; null before the first sync. */
export function newestSyncedDay(source: DataSourceRecord): number | null {
  return source.watermark === null ? null : createLocalDay(source.timezone)(source.watermark);
}

/**
 * Why a retrain is due at `now`, or null. Nothing is due before a successful sync brought data.
 * `newRows`: the daily rows on new days since the last retrain reached the threshold; `newDays`:
 * the newest synced day is at least that many days after the one the last retrain saw;
 * `schedule`: the last retrain is that old (or there was none).
 */
export function retrainDue(source: DataSourceRecord, now: number): RetrainReason | null {
  const s = source.schedule;
  const newest = newestSyncedDay(source);
  if (newest === null) return null;
  if (s.retrainAfterRows !== null && source.retrain.rowsSince >= s.retrainAfterRows) return 'newRows';
  if (s.retrainAfterDays !== null) {
    const through = source.retrain.through === null ? null : dayOfIso(source.retrain.through);
    if (through === null || newest - through >= s.retrainAfterDays) return 'newDays';
  }
  if (s.retrainEveryMinutes !== null) {
    const at = source.retrain.at === null ? null : Date.parse(source.retrain.at);
    if (at === null || now - at >= s.retrainEveryMinutes * 60_000) return 'schedule';
  }
  return null;
}

/** A sync still running reports at least this often; an older report is a sync that died. */
export const PROGRESS_STALE_MS = 15 * 60_000;
