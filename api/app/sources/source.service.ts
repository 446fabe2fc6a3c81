/**
 * Data sources (ARCHITECTURE §11): create, test (a dry run), sync (incremental, transactional),
 * list. A sync reads the source's rows from a trailing window before its watermark (the newest
 * order the last sync saw) — orders change status and refunds arrive days later — turns them
 * into daily rows in the shop's time zone and replaces the dataset's rows of that window in one
 * transaction together with the new watermark. Storage, drivers and the import path are ports.
 */
import { ErrorCode, NotFoundError, SourceError, UserInputError, DomainError } from '../../errors/index.js';
import { createDailyAggregator, dayOfIso, isoOfDay, isTimeZone, createLocalDay, localDayStart } from './daily.js';
import { scopeDataSources, type AccessScope } from '../scope.js';
import {
  SOURCE_KINDS,
  type DailySeries,
  type DailySink,
  type DataSourceRecord,
  type DataSourceStore,
  type LastSync,
  type NewDataSource,
  type SourceKind,
  type SourceReaderFactory,
  type SourceRow,
  type SyncPhase,
  type SyncProgress,
} from './ports.js';
import {
  applyScheduleChange,
  NO_SCHEDULE,
  newestSyncedDay,
  PROGRESS_STALE_MS,
  type RetrainWhenInput,
  type ScheduleChange,
} from './schedule.js';

export const DEFAULT_REREAD_DAYS = 14;
export const DEFAULT_ROW_LIMIT = 50_000_000;
export const DEFAULT_STATEMENT_TIMEOUT_SECONDS = 300;
export const DEFAULT_WOO_STATUSES = ['wc-completed', 'wc-processing'] as const;
/** Rows a dry run shows. */
export const SAMPLE_ROWS = 10;
const BATCH_ROWS = 5000;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const SOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

export interface CreateDataSourceInput {
  readonly name: string;
  readonly kind: string;
  readonly urlEnv?: string | null | undefined;
  readonly urlFile?: string | null | undefined;
  readonly query?: string | null | undefined;
  readonly prefix?: string | null | undefined;
  readonly timezone?: string | null | undefined;
  readonly dataset: string;
  readonly statuses?: readonly string[] | null | undefined;
  readonly variations?: string | null | undefined;
  readonly configurable?: string | null | undefined;
  readonly refunds?: string | null | undefined;
  readonly rereadDays?: number | null | undefined;
  readonly rowLimit?: number | null | undefined;
  readonly statementTimeoutSeconds?: number | null | undefined;
  /** Sync every N minutes (older spelling of `syncEvery`). */
  readonly syncEveryMinutes?: number | null | undefined;
  /** Retrain after this many new daily rows (older spelling of `retrainWhen.newRows`). */
  readonly retrainAfterRows?: number | null | undefined;
  /** A duration (`15m`, `2h`, `1d`) or `off`. */
  readonly syncEvery?: string | null | undefined;
  readonly retrainWhen?: RetrainWhenInput | null | undefined;
}

/** How often a running sync writes its progress where other processes can read it. */
const PROGRESS_EVERY_MS = 1000;

/**
 * The completion point of a successful sync (after its transaction committed): which dataset
 * changed and which days. What follows a sync (alerts, caches) listens here (`onSynced`).
 */
export interface SourceSyncedEvent {
  readonly tenantId: number;
  readonly sourceId: number;
  readonly source: string;
  readonly datasetId: number;
  /** First day the sync replaced (shop time zone, ISO); null: all of it (a full sync). */
  readonly windowFrom: string | null;
  /** Last day with an order line read; null when none. */
  readonly windowTo: string | null;
  readonly full: boolean;
  /** Whether stored rows changed (a repeated sync of unchanged orders: false). */
  readonly changed: boolean;
  readonly newRows: number;
  readonly rowsDeleted: number;
}

export interface SyncOptions {
  readonly full?: boolean;
  readonly onProgress?: (p: SyncProgress) => void;
  readonly signal?: AbortSignal;
}

export interface SyncResult extends LastSync {
  readonly source: string;
  readonly datasetId: number;
  /** Whether the dataset's stored rows changed (a repeated sync of unchanged orders: false). */
  readonly changed: boolean;
}

export interface SourceTestResult {
  readonly source: string;
  readonly columns: readonly string[];
  readonly shape: 'lines' | 'daily';
  readonly sample: readonly SourceRow[];
  readonly linesRead: number;
  readonly seriesCount: number;
  readonly frequency: 'D' | 'W' | 'M';
  readonly firstDate: string | null;
  readonly lastDate: string | null;
  readonly windowFrom: string | null;
}

function choice<T extends string>(
  field: string,
  value: string | null | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === null || value === undefined || value === '') return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UserInputError(`${field} "${value}" is not one of ${allowed.join(', ')}.`, { field, value });
}

function positiveInt(
  field: string,
  value: number | null | undefined,
  fallback: number | null,
  max: number,
): number | null {
  if (value === null || value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new UserInputError(`${field} ${value} must be a whole number from 1 to ${max}.`, { field, value });
  }
  return value;
}

/** Validates a new source's settings (pure): every refusal names the value and the fix. */
export function validateNewSource(input: CreateDataSourceInput): NewDataSource {
  const name = input.name.trim();
  if (!SOURCE_NAME.test(name)) {
    throw new UserInputError(
      `Source name "${input.name}" is not usable. Use 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit, e.g. "shop".`,
      { field: 'name' },
    );
  }
  const kind = choice<SourceKind>('--kind', input.kind, SOURCE_KINDS, 'generic');
  if (input.kind === undefined || input.kind === '') {
    throw new UserInputError(`Give the source's kind: --kind ${SOURCE_KINDS.join('|')}.`, { field: 'kind' });
  }
  const env = input.urlEnv?.trim() || undefined;
  const file = input.urlFile?.trim() || undefined;
  if ((env === undefined) === (file === undefined)) {
    throw new UserInputError(
      'Give the connection by reference, exactly one of --url-env VAR (an environment variable holding the URL, e.g. mysql://user:pass@host:3306/shop) or a URL file. ForecastQL never stores the URL or its password.',
      { field: 'urlEnv' },
    );
  }
  if (env !== undefined && !ENV_NAME.test(env)) {
    throw new UserInputError(
      `--url-env "${env}" is not an environment variable name. Give the variable's name, e.g. SHOP_DB_URL, not the URL itself.`,
      { field: 'urlEnv' },
    );
  }
  if (file !== undefined && !file.startsWith('/')) {
    throw new UserInputError(`The URL file "${file}" must be an absolute path, e.g. /run/secrets/shop-db-url.`, {
      field: 'urlFile',
    });
  }
  const query = input.query?.trim() || null;
  if (kind === 'generic' && query === null) {
    throw new UserInputError(
      'A generic source needs a query (--query FILE.sql): a SELECT returning series_id, ordered_at (or date), quantity, and optionally unit_price, store, channel, country, category.',
      { field: 'query' },
    );
  }
  if (kind !== 'generic' && query !== null) {
    throw new UserInputError(`The ${kind} preset writes its own query: leave out --query, or use --kind generic.`, {
      field: 'query',
    });
  }
  if (query !== null && !/^\s*(select|with)\b/i.test(query)) {
    throw new UserInputError('The query must be one SELECT (or WITH … SELECT) statement.', { field: 'query' });
  }
  const timezone = input.timezone?.trim() || 'UTC';
  if (!isTimeZone(timezone)) {
    throw new UserInputError(`--timezone "${timezone}" is not an IANA time zone. Use e.g. Europe/London or UTC.`, {
      field: 'timezone',
    });
  }
  const prefix = input.prefix ?? (kind === 'woocommerce' ? 'wp_' : '');
  if (!/^[A-Za-z0-9_]{0,32}$/.test(prefix)) {
    throw new UserInputError(`--prefix "${prefix}" may only hold letters, digits and '_', e.g. wp_.`, {
      field: 'prefix',
    });
  }
  const statuses =
    input.statuses && input.statuses.length > 0
      ? input.statuses
          .map((s) => s.trim())
          .filter((s) => s !== '')
          // WooCommerce stores statuses as wc-completed; accept "completed" too.
          .map((s) => (kind === 'woocommerce' && !s.startsWith('wc-') ? `wc-${s}` : s))
      : kind === 'woocommerce'
        ? [...DEFAULT_WOO_STATUSES]
        : [];
  const retrainWhen =
    input.retrainWhen === undefined || input.retrainWhen === null
      ? input.retrainAfterRows === undefined || input.retrainAfterRows === null
        ? input.retrainWhen
        : { newRows: input.retrainAfterRows }
      : { newRows: input.retrainAfterRows, ...input.retrainWhen };
  const schedule = applyScheduleChange(NO_SCHEDULE, {
    syncEvery: input.syncEvery ?? input.syncEveryMinutes ?? undefined,
    retrainWhen: retrainWhen ?? undefined,
  });
  return {
    name,
    kind,
    datasetName: input.dataset,
    connection: env !== undefined ? { env } : { file: file! },
    query,
    prefix,
    timezone,
    statuses,
    variations: choice('variations', input.variations, ['own', 'rollup'] as const, 'own'),
    configurable: choice('configurable', input.configurable, ['child', 'parent'] as const, 'child'),
    refunds: choice('refunds', input.refunds, ['net', 'ignore'] as const, 'net'),
    rereadDays: positiveInt('rereadDays', input.rereadDays, DEFAULT_REREAD_DAYS, 3660)!,
    rowLimit: positiveInt('rowLimit', input.rowLimit, DEFAULT_ROW_LIMIT, 1e10)!,
    statementTimeoutSeconds: positiveInt(
      'statementTimeoutSeconds',
      input.statementTimeoutSeconds,
      DEFAULT_STATEMENT_TIMEOUT_SECONDS,
      86_400,
    )!,
    schedule,
  };
}

/** D, W or M from the median step between a series' consecutive days (order lines: always D). */
export function detectFrequency(series: readonly DailySeries[]): 'D' | 'W' | 'M' {
  const steps = new Map<number, number>();
  for (const s of series) {
    for (let i = 1; i < s.days.length; i++) {
      const step = s.days[i]! - s.days[i - 1]!;
      steps.set(step, (steps.get(step) ?? 0) + 1);
    }
  }
  let total = 0;
  for (const c of steps.values()) total += c;
  if (total === 0) return 'D';
  let seen = 0;
  for (const step of [...steps.keys()].toSorted((a, b) => a - b)) {
    seen += steps.get(step)!;
    if (seen * 2 >= total) return step >= 28 ? 'M' : step >= 7 ? 'W' : 'D';
  }
  return 'D';
}

/** Daily rows on days after `lastDay` (all rows when null). */
function newRowsAfter(series: readonly DailySeries[], lastDay: number | null): number {
  const after = lastDay ?? Number.NEGATIVE_INFINITY;
  let n = 0;
  for (const s of series) for (const d of s.days) if (d > after) n++;
  return n;
}

/** A running sync's progress, kept where every process can read it (throttled, never failing the sync). */
class ProgressReporter {
  private pending: Promise<void> = Promise.resolve();
  private lastWrite = 0;
  private current: SyncProgress;

  constructor(
    private readonly store: DataSourceStore,
    private readonly tenantId: number,
    private readonly sourceId: number,
    full: boolean,
    startedAt: string,
    private readonly listener: ((p: SyncProgress) => void) | undefined,
    private readonly everyMs: number,
  ) {
    this.current = { phase: 'connecting', linesRead: 0, full, startedAt, updatedAt: startedAt };
    this.write();
  }

  report(phase: SyncPhase, linesRead: number): void {
    const phaseChanged = phase !== this.current.phase;
    this.current = { ...this.current, phase, linesRead, updatedAt: new Date().toISOString() };
    this.listener?.(this.current);
    if (phaseChanged || Date.now() - this.lastWrite >= this.everyMs) this.write();
  }

  /** Waits for the reports under way (before the sync's transaction, which clears the progress). */
  settled(): Promise<void> {
    return this.pending;
  }

  private write(): void {
    this.lastWrite = Date.now();
    const p = this.current;
    this.pending = this.pending.then(() =>
      this.store.saveProgress(this.tenantId, this.sourceId, p).catch(() => undefined),
    );
  }
}

/** A running sync's progress, or null when none runs (a report older than PROGRESS_STALE_MS is a sync that died). */
export function liveProgress(p: SyncProgress | null, now = Date.now()): SyncProgress | null {
  if (p === null) return null;
  return now - Date.parse(p.updatedAt) > PROGRESS_STALE_MS ? null : p;
}

export class DataSourceService {
  /** Shared with every scoped copy (`withScope`), so a listener hears the syncs of every door. */
  private syncedListeners = new Set<(e: SourceSyncedEvent) => void | Promise<void>>();

  constructor(
    private readonly store: DataSourceStore,
    private readonly readers: SourceReaderFactory,
    private readonly sink: DailySink,
    private readonly options: { readonly progressEveryMs?: number } = {},
  ) {}

  /** The same use-cases under an access scope (scope.ts `scopeDataSources`): what every front door gets. */
  withScope(scope: AccessScope): DataSourceService {
    const scoped = scopeDataSources({ store: this.store, sink: this.sink }, scope);
    const service = new DataSourceService(scoped.store, this.readers, scoped.sink, this.options);
    service.syncedListeners = this.syncedListeners;
    return service;
  }

  async create(tenantId: number, input: CreateDataSourceInput): Promise<DataSourceRecord> {
    const source = validateNewSource(input);
    if (await this.store.getByName(tenantId, source.name)) {
      throw new UserInputError(`A data source named "${source.name}" already exists. Pick another name.`, {
        field: 'name',
      });
    }
    return this.store.create(tenantId, source);
  }

  list(tenantId: number): Promise<DataSourceRecord[]> {
    return this.store.list(tenantId);
  }

  /**
   * Listens for successful syncs (scheduled or not), after their transaction committed: the
   * completion point for what must follow a sync. A listener's failure does not fail the sync.
   * Returns the function that stops listening.
   */
  onSynced(listener: (e: SourceSyncedEvent) => void | Promise<void>): () => void {
    this.syncedListeners.add(listener);
    return () => this.syncedListeners.delete(listener);
  }

  /** Changes a source's schedule (a field left out stays, null clears it); returns the source. */
  async setSchedule(tenantId: number, name: string, change: ScheduleChange): Promise<DataSourceRecord> {
    const source = await this.require(tenantId, name);
    const schedule = applyScheduleChange(source.schedule, change);
    await this.store.setSchedule(tenantId, source.id, schedule);
    return { ...source, schedule };
  }

  async require(tenantId: number, name: string): Promise<DataSourceRecord> {
    const s = await this.store.getByName(tenantId, name.trim());
    if (!s) throw new NotFoundError('Data source', name);
    return s;
  }

  /** The first day a sync reads: null (everything) for a full sync or before the first one. */
  private windowStart(source: DataSourceRecord, full: boolean): number | null {
    if (full || source.watermark === null) return null;
    return createLocalDay(source.timezone)(source.watermark) - source.rereadDays;
  }

  /** Reads the window a sync would read and aggregates it; nothing is written. */
  private async readWindow(
    source: DataSourceRecord,
    fromDay: number | null,
    options: {
      readonly signal?: AbortSignal | undefined;
      readonly sample?: SourceRow[];
      readonly onProgress?: (phase: SyncPhase, linesRead: number) => void;
    },
  ): Promise<{
    series: DailySeries[];
    linesRead: number;
    newest: number | null;
    lastDay: number | null;
    columns: readonly string[];
    shape: 'lines' | 'daily';
  }> {
    const reader = await this.readers.open(source);
    try {
      const probe = await reader.probe();
      options.onProgress?.('reading', 0);
      const agg = createDailyAggregator({
        timezone: source.timezone,
        attributeNames: probe.attributes,
        fromDay,
        badRow: (_row, why) => {
          throw new SourceError(
            ErrorCode.SOURCE_BAD_ROWS,
            source.name,
            `a row of the query is not usable: ${why}`,
            'Return ordered_at as a timestamp (or date as a date) in every row.',
          );
        },
      });
      let linesRead = 0;
      const since = fromDay === null ? null : localDayStart(fromDay, source.timezone);
      for await (const rows of reader.read({ since, fromDay, batchSize: BATCH_ROWS, signal: options.signal })) {
        linesRead += rows.length;
        if (linesRead > source.rowLimit) {
          throw new SourceError(
            ErrorCode.SOURCE_LIMIT_EXCEEDED,
            source.name,
            `the query returned more than its row limit of ${source.rowLimit.toLocaleString('en')} rows`,
            "Raise the source's row limit, or aggregate in the query (one row per product and day).",
          );
        }
        if (options.sample && options.sample.length < SAMPLE_ROWS) {
          options.sample.push(...rows.slice(0, SAMPLE_ROWS - options.sample.length));
        }
        agg.add(rows);
        options.onProgress?.('reading', linesRead);
      }
      return {
        series: agg.result(),
        linesRead,
        newest: agg.newest,
        lastDay: agg.lastDay,
        columns: probe.columns,
        shape: probe.shape,
      };
    } finally {
      await reader.close();
    }
  }

  /** A dry run: what a sync would read now, with the first rows; nothing is written. */
  async test(tenantId: number, name: string, options: SyncOptions = {}): Promise<SourceTestResult> {
    const source = await this.require(tenantId, name);
    const fromDay = this.windowStart(source, options.full ?? false);
    const sample: SourceRow[] = [];
    const now = new Date().toISOString();
    const testProgress: SyncProgress = {
      phase: 'connecting',
      linesRead: 0,
      full: fromDay === null,
      startedAt: now,
      updatedAt: now,
    };
    const r = await this.readWindow(source, fromDay, {
      sample,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress
        ? {
            onProgress: (phase: SyncPhase, linesRead: number) =>
              options.onProgress!({ ...testProgress, phase, linesRead }),
          }
        : {}),
    });
    let first: number | null = null;
    for (const s of r.series) if (s.days.length > 0 && (first === null || s.days[0]! < first)) first = s.days[0]!;
    return {
      source: source.name,
      columns: r.columns,
      shape: r.shape,
      sample,
      linesRead: r.linesRead,
      seriesCount: r.series.length,
      frequency: r.shape === 'lines' ? 'D' : detectFrequency(r.series),
      firstDate: first === null ? null : isoOfDay(first),
      lastDate: r.lastDay === null ? null : isoOfDay(r.lastDay),
      windowFrom: fromDay === null ? null : isoOfDay(fromDay),
    };
  }

  /** Syncs the source into its dataset: incremental unless `full`; one transaction. */
  async sync(tenantId: number, name: string, options: SyncOptions = {}): Promise<SyncResult> {
    const source = await this.require(tenantId, name);
    const full = options.full ?? false;
    const started = new Date();
    const t0 = performance.now();
    const fromDay = this.windowStart(source, full);
    let linesRead = 0;
    const progress = new ProgressReporter(
      this.store,
      tenantId,
      source.id,
      fromDay === null,
      started.toISOString(),
      options.onProgress,
      this.options.progressEveryMs ?? PROGRESS_EVERY_MS,
    );
    try {
      const r = await this.readWindow(source, fromDay, {
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (phase, n) => {
          linesRead = n;
          progress.report(phase, n);
        },
      });
      linesRead = r.linesRead;
      progress.report('writing', linesRead);
      await progress.settled();
      const frequency = r.shape === 'lines' ? 'D' : detectFrequency(r.series);
      const watermark =
        source.watermark === null || full
          ? r.newest
          : r.newest === null
            ? source.watermark
            : Math.max(r.newest, source.watermark);
      const base = {
        full: fromDay === null,
        startedAt: started.toISOString(),
        windowFrom: fromDay === null ? null : isoOfDay(fromDay),
        windowTo: r.lastDay === null ? null : isoOfDay(r.lastDay),
        linesRead,
        rowsInWindow: r.series.reduce((n, s) => n + s.days.length, 0),
        // New data: rows after the newest day a successful sync saw before (the watermark's day).
        newRows: newRowsAfter(r.series, newestSyncedDay(source)),
        seriesCount: r.series.length,
        error: null,
      };
      const provisional: LastSync = {
        ...base,
        status: 'succeeded',
        seconds: (performance.now() - t0) / 1000,
        rowsDeleted: 0,
      };
      const written = await this.sink.replaceWindow({
        tenantId,
        datasetId: source.datasetId,
        fromDay,
        frequency,
        series: r.series,
        sourceId: source.id,
        watermark,
        lastSync: provisional,
      });
      const result: SyncResult = {
        ...provisional,
        rowsDeleted: written.rowsDeleted,
        seconds: (performance.now() - t0) / 1000,
        source: source.name,
        datasetId: source.datasetId,
        changed: written.changed,
      };
      await this.emitSynced({
        tenantId,
        sourceId: source.id,
        source: source.name,
        datasetId: source.datasetId,
        windowFrom: result.windowFrom,
        windowTo: result.windowTo,
        full: result.full,
        changed: result.changed,
        newRows: result.newRows,
        rowsDeleted: result.rowsDeleted,
      });
      return result;
    } catch (e) {
      await progress.settled();
      const failed: LastSync = {
        status: 'failed',
        full: fromDay === null,
        startedAt: started.toISOString(),
        seconds: (performance.now() - t0) / 1000,
        windowFrom: fromDay === null ? null : isoOfDay(fromDay),
        windowTo: null,
        linesRead,
        rowsInWindow: 0,
        newRows: 0,
        rowsDeleted: 0,
        seriesCount: 0,
        error: {
          code: e instanceof DomainError ? e.code : ErrorCode.INTERNAL_SERVER_ERROR,
          message: e instanceof Error ? e.message : String(e),
        },
      };
      await this.store.recordFailure(tenantId, source.id, failed).catch(() => undefined);
      throw e;
    }
  }

  private async emitSynced(event: SourceSyncedEvent): Promise<void> {
    for (const listener of this.syncedListeners) {
      try {
        await listener(event);
      } catch {
        // The sync committed; what follows it reports its own failures.
      }
    }
  }
}

export { dayOfIso };
