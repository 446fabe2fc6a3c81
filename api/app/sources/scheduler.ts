/**
 * Scheduled syncs and retrains (ARCHITECTURE §11). A tick (once a minute: pg-boss's cron on
 * PostgreSQL, a timer in the serving process on SQLite) syncs every source whose `syncEvery` says
 * it is due, then starts a training run for every source whose `retrainWhen` says so (enough new
 * daily rows or new days since the last retrain, or its time). A retrain is an ordinary training
 * run (the `Retrainer` port starts it through the run use-case), so it shows in `trainingRuns` and
 * the widgets. Several serving processes may tick at once: a sync and a retrain are each claimed
 * first (`DataSourceStore.claim` / `claimRetrain`, atomic compare-and-sets), so each runs once.
 */
import type { DataSourceRecord, DataSourceStore } from './ports.js';
import { hasRetrainPolicy, isSyncDue, newestSyncedDay, retrainDue, type RetrainReason } from './schedule.js';
import type { DataSourceService, SyncResult } from './source.service.js';
import { isoOfDay } from './daily.js';

export interface Retrainer {
  /** Starts an ordinary training run of the dataset; returns its id. */
  retrain(tenantId: number, datasetId: number): Promise<string>;
}

export interface TickReport {
  readonly source: string;
  readonly tenantId: number;
  /** The sync this tick ran, if one was due. */
  readonly result?: SyncResult;
  /** Why the sync or the retrain failed. */
  readonly error?: unknown;
  /** The training run this tick started, and why. */
  readonly runId?: string;
  readonly retrainReason?: RetrainReason;
}

/** Whether a source's schedule says a sync is due at `now` (ms). */
export const isDue = isSyncDue;

export class SourceScheduler {
  private running: Promise<TickReport[]> | undefined;

  constructor(
    private readonly store: DataSourceStore,
    private readonly sources: (tenantId: number) => DataSourceService,
    private readonly retrainer: Retrainer,
  ) {}

  /** Syncs the due sources and starts the due retrains (one tick at a time in this process); a failure of one does not stop the others. */
  tick(now = Date.now()): Promise<TickReport[]> {
    this.running ??= this.run(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(now: number): Promise<TickReport[]> {
    const reports: TickReport[] = [];
    for (const s of await this.store.scheduled()) {
      let report: TickReport | undefined;
      if (isSyncDue(s, now) && (await this.store.claim(s.tenantId, s.id, s.lastSync?.startedAt ?? null))) {
        try {
          report = {
            source: s.name,
            tenantId: s.tenantId,
            result: await this.sources(s.tenantId).sync(s.tenantId, s.name),
          };
        } catch (error) {
          reports.push({ source: s.name, tenantId: s.tenantId, error });
          continue;
        }
      }
      if (hasRetrainPolicy(s.schedule)) {
        try {
          const retrained = await this.retrainIfDue(s, now);
          if (retrained) report = { ...report, source: s.name, tenantId: s.tenantId, ...retrained };
        } catch (error) {
          report = { ...report, source: s.name, tenantId: s.tenantId, error };
        }
      }
      if (report) reports.push(report);
    }
    return reports;
  }

  /** Starts a retrain when one is due and this process claims it. */
  private async retrainIfDue(
    before: DataSourceRecord,
    now: number,
  ): Promise<{ runId: string; retrainReason: RetrainReason } | undefined> {
    // Read again: a sync just now (here or elsewhere) moved the counts.
    const s = await this.store.get(before.tenantId, before.id);
    if (!s) return undefined;
    const reason = retrainDue(s, now);
    if (reason === null) return undefined;
    const newest = newestSyncedDay(s);
    const through = newest === null ? null : isoOfDay(newest);
    if (!(await this.store.claimRetrain(s.tenantId, s.id, s.retrain.at, through, s.retrain.rowsSince))) {
      return undefined;
    }
    const runId = await this.retrainer.retrain(s.tenantId, s.datasetId);
    await this.store.recordRetrain(s.tenantId, s.id, Number(runId));
    return { runId, retrainReason: reason };
  }
}
