/**
 * Scheduled syncs (ARCHITECTURE §11): every source with `syncEveryMinutes` is synced when its last
 * sync is that old, and a training run is started after a sync that brought at least
 * `retrainAfterRows` daily rows on new days. A retrain is an ordinary training run (the `Retrainer`
 * port starts it through the run use-case), so it shows in `trainingRuns` and the widgets.
 * Several serving processes may tick at once: a source is claimed first (`DataSourceStore.claim`,
 * an atomic compare-and-set), so each due sync runs once.
 */
import type { DataSourceRecord, DataSourceStore } from './ports.js';
import type { DataSourceService, SyncResult } from './source.service.js';

export interface Retrainer {
  /** Starts an ordinary training run of the dataset; returns its id. */
  retrain(tenantId: number, datasetId: number): Promise<string>;
}

export interface TickReport {
  readonly source: string;
  readonly tenantId: number;
  readonly result?: SyncResult;
  readonly error?: unknown;
  readonly runId?: string;
}

/** Whether a source's schedule says it is due at `now` (ms). */
export function isDue(source: DataSourceRecord, now: number): boolean {
  const every = source.schedule.syncEveryMinutes;
  if (every === null) return false;
  if (!source.lastSync) return true;
  return now - Date.parse(source.lastSync.startedAt) >= every * 60_000;
}

export class SourceScheduler {
  private running: Promise<TickReport[]> | undefined;

  constructor(
    private readonly store: DataSourceStore,
    private readonly sources: (tenantId: number) => DataSourceService,
    private readonly retrainer: Retrainer,
  ) {}

  /** Syncs the due sources (one tick at a time in this process); a failure of one does not stop the others. */
  tick(now = Date.now()): Promise<TickReport[]> {
    this.running ??= this.run(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(now: number): Promise<TickReport[]> {
    const reports: TickReport[] = [];
    for (const s of await this.store.scheduled()) {
      if (!isDue(s, now)) continue;
      if (!(await this.store.claim(s.tenantId, s.id, s.lastSync?.startedAt ?? null))) continue;
      try {
        const result = await this.sources(s.tenantId).sync(s.tenantId, s.name);
        const threshold = s.schedule.retrainAfterRows;
        let runId: string | undefined;
        if (threshold !== null && result.newRows >= threshold) {
          runId = await this.retrainer.retrain(s.tenantId, s.datasetId);
        }
        reports.push({ source: s.name, tenantId: s.tenantId, result, ...(runId ? { runId } : {}) });
      } catch (error) {
        reports.push({ source: s.name, tenantId: s.tenantId, error });
      }
    }
    return reports;
  }
}
