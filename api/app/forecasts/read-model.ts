/**
 * The forecast read model: the one path every forecast reader takes to stored points, actuals and
 * series (ports.ts lists the readers), and the one place forecast reads are cached.
 *
 * Cache invalidation rule: nothing here is ever updated in place, so no entry needs to be found and
 * dropped; every entry is keyed by what makes it stale.
 * - A **new run** brings new forecasts under a new run id (ids are never reused): the rows of a
 *   SUCCEEDED run (`forSucceededRun`), its distribution and values derived from them (`derived`:
 *   aggregated quantiles) are keyed by tenant and run, and a SUCCEEDED run's rows never change (they
 *   are written once, in the transaction that marks it SUCCEEDED). `saveDistribution` through the
 *   model also drops the run's distribution entry.
 * - A **new import** (or sync) that changes an observation raises the dataset's `dataVersion`, in
 *   any process: actuals (`actualsAtVersion`) are keyed by that version, which the caller reads in
 *   the request. An import may also add series: a key with no series is never cached
 *   (`seriesIdByKey`), and a series keeps its id while it exists.
 * Everything else (pages of `forecastTable`, `forSeries`, selections) is read from the ports each
 * time. Entries are bounded (LRU) per database: `forecastReadCaches(owner)` gives the caches of one
 * database handle (the composition root passes its knex), shared by every model built over it.
 */
import { LRUCache } from 'lru-cache';
import type { ActualRecord, DerivedCache, DistributionModel, ForecastRecord, ForecastStore } from '../ports.js';
import type { ForecastReadPorts } from './ports.js';

/** Forecast rows kept per database (about 150 bytes each). */
export const FORECAST_CACHE_ROWS = 200_000;
/** Series ids by key kept per database. */
const SERIES_ID_CACHE = 100_000;
/** Derived values kept per database (aggregated quantiles of a total's buckets). */
const DERIVED_CACHE_ENTRIES = 50_000;
/** Distributions of runs kept per database. */
const DISTRIBUTION_CACHE_ENTRIES = 1000;
/** Actual rows kept per database (about 100 bytes each), and the most series one entry covers. */
const ACTUALS_CACHE_ROWS = 500_000;
const ACTUALS_CACHE_MAX_SERIES = 100;

/** The caches of the forecast reads of one database. */
export interface ForecastReadCaches {
  readonly runRows: LRUCache<string, ForecastRecord[]>;
  readonly distributions: LRUCache<string, { value: DistributionModel | undefined }>;
  readonly seriesIds: LRUCache<string, number>;
  readonly derived: LRUCache<string, readonly number[]>;
  readonly actuals: LRUCache<string, readonly ActualRecord[]>;
  /** Empties every cache (tests that count the statements of the cold path). */
  clear(): void;
}

export function createForecastReadCaches(): ForecastReadCaches {
  const caches = {
    runRows: new LRUCache<string, ForecastRecord[]>({
      maxSize: FORECAST_CACHE_ROWS,
      sizeCalculation: (rows) => Math.max(1, rows.length),
    }),
    distributions: new LRUCache<string, { value: DistributionModel | undefined }>({
      max: DISTRIBUTION_CACHE_ENTRIES,
    }),
    seriesIds: new LRUCache<string, number>({ max: SERIES_ID_CACHE }),
    derived: new LRUCache<string, readonly number[]>({ max: DERIVED_CACHE_ENTRIES }),
    actuals: new LRUCache<string, readonly ActualRecord[]>({
      maxSize: ACTUALS_CACHE_ROWS,
      sizeCalculation: (rows) => Math.max(1, rows.length),
    }),
  };
  return {
    ...caches,
    clear() {
      for (const c of Object.values(caches)) c.clear();
    },
  };
}

const cachesByOwner = new WeakMap<object, ForecastReadCaches>();

/** The read caches of one database handle (created on first use, kept while the handle lives). */
export function forecastReadCaches(owner: object): ForecastReadCaches {
  let caches = cachesByOwner.get(owner);
  if (!caches) cachesByOwner.set(owner, (caches = createForecastReadCaches()));
  return caches;
}

/**
 * The read model over the plain ports: the `ForecastStore` the use-cases (and, scoped by
 * `scopeStores`, every reader) read through.
 */
export function createForecastReadModel(
  ports: ForecastReadPorts,
  caches: ForecastReadCaches = createForecastReadCaches(),
): ForecastStore {
  const derived: DerivedCache = {
    get: (key) => caches.derived.get(key),
    set: (key, value) => void caches.derived.set(key, value),
  };
  return {
    derived,
    insertMany: (tenantId, runId, rows) => ports.insertMany(tenantId, runId, rows),

    async saveDistribution(tenantId, runId, distribution) {
      await ports.saveDistribution(tenantId, runId, distribution);
      caches.distributions.delete(`${tenantId}|${runId}`);
    },

    async distributionOf(tenantId, runId) {
      const key = `${tenantId}|${runId}`;
      const cached = caches.distributions.get(key);
      if (cached) return cached.value;
      const value = await ports.distributionOf(tenantId, runId);
      caches.distributions.set(key, { value });
      return value;
    },

    seriesIdsByKey: (tenantId, datasetId) => ports.seriesIdsByKey(tenantId, datasetId),
    selectSeries: (tenantId, selection) => ports.selectSeries(tenantId, selection),
    forSeries: (tenantId, runId, seriesIds, range) => ports.forSeries(tenantId, runId, seriesIds, range),

    async forSucceededRun(tenantId, runId, seriesIds) {
      const ids = [...new Set(seriesIds)].toSorted((a, b) => a - b);
      const found = new Map<number, ForecastRecord[]>();
      const missing: number[] = [];
      for (const id of ids) {
        const rows = caches.runRows.get(`${tenantId}|${runId}|${id}`);
        if (rows) found.set(id, rows);
        else missing.push(id);
      }
      if (missing.length > 0) {
        const fetched = await ports.forSeries(tenantId, runId, missing, {});
        for (const id of missing) found.set(id, []);
        for (const r of fetched) found.get(r.seriesId)!.push(r);
        for (const id of missing) caches.runRows.set(`${tenantId}|${runId}|${id}`, found.get(id)!);
      }
      return ids.length === 1 ? found.get(ids[0]!)! : ids.flatMap((id) => found.get(id)!);
    },

    async seriesIdByKey(tenantId, datasetId, key) {
      const cacheKey = `${tenantId}|${datasetId}|${key}`;
      const cached = caches.seriesIds.get(cacheKey);
      if (cached !== undefined) return cached;
      const id = await ports.seriesIdByKey(tenantId, datasetId, key);
      if (id !== undefined) caches.seriesIds.set(cacheKey, id); // a missing key is not cached: an import may add it
      return id;
    },

    forSelection: (tenantId, runId, selection, range) => ports.forSelection(tenantId, runId, selection, range),
    actualsForSeries: (tenantId, seriesIds, range) => ports.actualsForSeries(tenantId, seriesIds, range),

    async actualsAtVersion(tenantId, dataset, seriesIds, range) {
      if (seriesIds.length > ACTUALS_CACHE_MAX_SERIES) return ports.actualsForSeries(tenantId, seriesIds, range);
      const key = `${tenantId}|${dataset.id}|${dataset.dataVersion}|${range.from ?? ''}|${range.to ?? ''}|${seriesIds.join(',')}`;
      const cached = caches.actuals.get(key);
      if (cached) return cached;
      const rows = await ports.actualsForSeries(tenantId, seriesIds, range);
      caches.actuals.set(key, rows);
      return rows;
    },

    actualsForSelection: (tenantId, selection, range) => ports.actualsForSelection(tenantId, selection, range),
    dateSpan: (tenantId, runId) => ports.dateSpan(tenantId, runId),
    tablePage: (tenantId, runId, selection, range, page) => ports.tablePage(tenantId, runId, selection, range, page),
  };
}
