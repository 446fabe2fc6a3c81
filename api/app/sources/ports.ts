/**
 * Ports of the data-source use-cases (ARCHITECTURE §11): what syncing a shop database into a
 * dataset needs from the world around it. Adapters implement them from below:
 * - `SourceReaderFactory` / `SourceReader`: `api/ingest/sources/` (generic SQL on PostgreSQL,
 *   MySQL/MariaDB or SQLite; the WooCommerce and Magento 2 presets);
 * - `DailySink`: `api/plugin/sources.ts` over the import path (`api/ingest/`) and `api/db/`;
 * - `DataSourceStore`: `api/db/data-sources.repository.ts`.
 * Nothing here imports knex, GraphQL or a driver.
 */

export const SOURCE_KINDS = ['generic', 'woocommerce', 'magento2'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** How refunded units count: subtracted (`net`, the default) or left as sold (`ignore`). */
export type RefundMode = 'net' | 'ignore';

/** A source's connection, by reference only: ForecastQL never stores a URL or a password. */
export type ConnectionRef =
  { readonly env: string; readonly file?: undefined } | { readonly file: string; readonly env?: undefined };

export interface SourceSettings {
  readonly kind: SourceKind;
  readonly connection: ConnectionRef;
  /** The generic kind's SELECT (order lines or daily rows); unused by the presets. */
  readonly query: string | null;
  /** WooCommerce: the WordPress table prefix (default `wp_`); Magento 2: a table prefix (default none). */
  readonly prefix: string;
  /** IANA time zone in which order timestamps become days (default UTC). */
  readonly timezone: string;
  /** WooCommerce: order statuses that count as a sale (default completed and processing). */
  readonly statuses: readonly string[];
  /** WooCommerce: a variation is its own series (`own`, default) or rolled up to its product. */
  readonly variations: 'own' | 'rollup';
  /** Magento 2: a configurable product's series is the child simple SKU (default) or the parent. */
  readonly configurable: 'child' | 'parent';
  readonly refunds: RefundMode;
  /** Days before the last sync's newest order that every sync reads again (late status changes, refunds). */
  readonly rereadDays: number;
  /** Rows one sync may read at most (refused beyond, nothing written). */
  readonly rowLimit: number;
  /** Statement timeout on the shop database, in seconds. */
  readonly statementTimeoutSeconds: number;
}

export interface LastSync {
  /** `running` only between a scheduler's claim and the end of its sync. */
  readonly status: 'succeeded' | 'failed' | 'running';
  readonly full: boolean;
  readonly startedAt: string;
  readonly seconds: number;
  /** First day read (inclusive, shop time zone); null for a full sync. */
  readonly windowFrom: string | null;
  /** Last day with an order line read; null when none. */
  readonly windowTo: string | null;
  /** Rows the source's query returned. */
  readonly linesRead: number;
  /** Daily rows of the window (series × day). */
  readonly rowsInWindow: number;
  /** Daily rows on days after the newest day of the previous sync (new data, for retraining). */
  readonly newRows: number;
  /** Stored daily rows of the window that no longer exist (e.g. an order cancelled later). */
  readonly rowsDeleted: number;
  readonly seriesCount: number;
  readonly error: { readonly code: string; readonly message: string } | null;
}

export interface DataSourceRecord extends SourceSettings {
  readonly id: number;
  readonly tenantId: number;
  readonly name: string;
  readonly datasetId: number;
  /** Newest order timestamp (UTC ms) the last successful sync read; null before the first. */
  readonly watermark: number | null;
  readonly lastSync: LastSync | null;
  readonly schedule: SourceSchedule;
  /** The last scheduled retrain and what arrived since. */
  readonly retrain: RetrainState;
  /** The sync running now (any process), as last reported; null when none. */
  readonly progress: SyncProgress | null;
  readonly createdAt: Date;
}

export interface SourceSchedule {
  /** Sync every N minutes; null: only on demand. */
  readonly syncEveryMinutes: number | null;
  /** Retrain once syncs brought at least this many daily rows on new days since the last retrain. */
  readonly retrainAfterRows: number | null;
  /** Retrain once the newest synced day is at least this many days after the last retrain's. */
  readonly retrainAfterDays: number | null;
  /** Retrain every N minutes whatever arrived. */
  readonly retrainEveryMinutes: number | null;
}

export interface RetrainState {
  /** Daily rows on new days that syncs brought since the last scheduled retrain. */
  readonly rowsSince: number;
  /** When the last scheduled retrain started (ISO), null: never. */
  readonly at: string | null;
  readonly runId: number | null;
  /** The newest synced day (ISO date) when it started. */
  readonly through: string | null;
}

/** What a running sync does now: `connecting`, `reading` the source, `writing` the dataset. */
export type SyncPhase = 'connecting' | 'reading' | 'writing';

export interface SyncProgress {
  readonly phase: SyncPhase;
  /** Rows the source's query returned so far. */
  readonly linesRead: number;
  readonly full: boolean;
  readonly startedAt: string;
  readonly updatedAt: string;
}

/** One row of a source's query, normalised by the reader. */
export interface SourceRow {
  /** Product or series key (SKU, else product id). */
  readonly key: string;
  /**
   * When: a UTC timestamp text `YYYY-MM-DD HH:MM:SS[.fff][+00]`, epoch milliseconds, or a
   * calendar day `YYYY-MM-DD` (daily rows: no time zone conversion).
   */
  readonly at: string | number;
  /** Units, net of what the preset nets (cancelled, refunded). May be negative (a refund line). */
  readonly quantity: number;
  /** Net unit price of the line, when known. */
  readonly unitPrice: number | null;
  /** Values of the reader's attribute columns (store, channel, country), '' where empty. */
  readonly attributes: readonly string[];
  /** Product category, when the query returns one (an attribute that does not split series). */
  readonly category: string | null;
}

export interface SourceReadRequest {
  /** Read rows at or after this UTC instant (ms); null reads everything. */
  readonly since: number | null;
  /** The same bound as a local day (days since 1970-01-01), for queries of daily rows. */
  readonly fromDay: number | null;
  /** Rows per batch (the last may be shorter). */
  readonly batchSize: number;
  readonly signal?: AbortSignal | undefined;
}

export interface SourceProbe {
  /** The columns the source's query returns. */
  readonly columns: readonly string[];
  /** `lines` (timestamps) or `daily` (calendar days). */
  readonly shape: 'lines' | 'daily';
  /** Names of the attribute columns that split series (store, channel, country). */
  readonly attributes: readonly string[];
}

export interface SourceReader {
  /** Connects and checks the query's columns and types (coded SourceError when it cannot). */
  probe(): Promise<SourceProbe>;
  /** Streams the rows in batches (bounded memory whatever the table size). */
  read(request: SourceReadRequest): AsyncGenerator<SourceRow[]>;
  close(): Promise<void>;
}

export interface SourceReaderFactory {
  open(source: Pick<DataSourceRecord, 'name'> & SourceSettings): Promise<SourceReader>;
}

/** Daily rows of one series, days ascending. */
export interface DailySeries {
  readonly key: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly days: readonly number[];
  readonly units: readonly number[];
  /** Average net unit price of the day's sold units; null where unknown. */
  readonly price: readonly (number | null)[];
}

export interface DailyWrite {
  readonly tenantId: number;
  readonly datasetId: number;
  /** Stored rows on or after this day (days since 1970-01-01) are replaced; null: all rows. */
  readonly fromDay: number | null;
  readonly frequency: 'D' | 'W' | 'M';
  readonly series: readonly DailySeries[];
  /** The source's new state, saved in the same transaction as the rows. */
  readonly sourceId: number;
  readonly watermark: number | null;
  readonly lastSync: LastSync;
}

export interface DailySink {
  /**
   * Replaces the dataset's rows from `fromDay` on with `series`, and saves the source's watermark
   * and last sync, in ONE transaction: a failure changes nothing. Idempotent: rows equal to the
   * stored ones are not rewritten. Returns the stored rows it deleted (gone from the source).
   */
  replaceWindow(write: DailyWrite): Promise<{ rowsDeleted: number; changed: boolean }>;
}

export interface NewDataSource extends SourceSettings {
  readonly name: string;
  readonly datasetName: string;
  readonly schedule: SourceSchedule;
}

export interface DataSourceStore {
  list(tenantId: number): Promise<DataSourceRecord[]>;
  getByName(tenantId: number, name: string): Promise<DataSourceRecord | undefined>;
  get(tenantId: number, id: number): Promise<DataSourceRecord | undefined>;
  /** Creates the source (and its dataset when missing). The name must be free in the tenant. */
  create(tenantId: number, source: NewDataSource): Promise<DataSourceRecord>;
  /** Records a failed sync (only `last_sync`; data and watermark stay). */
  recordFailure(tenantId: number, id: number, lastSync: LastSync): Promise<void>;
  /** Sources with a sync or retrain schedule, across tenants (for the scheduler). */
  scheduled(): Promise<DataSourceRecord[]>;
  setSchedule(tenantId: number, id: number, schedule: SourceSchedule): Promise<void>;
  /** Reports a running sync's progress (null: none running). */
  saveProgress(tenantId: number, id: number, progress: SyncProgress | null): Promise<void>;
  /**
   * Claims a due retrain, in one compare-and-set: unless `retrain.at` is no longer `lastAt`
   * (another process claimed it), stamps it with now, sets `retrain.through` to the newest synced
   * day the retrain sees, and takes `rowsCounted` off `rowsSince` (rows synced meanwhile stay
   * counted). True when this caller won.
   */
  claimRetrain(
    tenantId: number,
    id: number,
    lastAt: string | null,
    through: string | null,
    rowsCounted: number,
  ): Promise<boolean>;
  /** Records the training run of the retrain this process claimed. */
  recordRetrain(tenantId: number, id: number, runId: number): Promise<void>;
  /**
   * Claims a due scheduled sync: marks the source as started now unless its last sync's start is
   * no longer `lastStartedAt` (another process claimed it). True when this caller won.
   */
  claim(tenantId: number, id: number, lastStartedAt: string | null): Promise<boolean>;
}
