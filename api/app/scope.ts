/**
 * The access scope every use-case runs under, enforced here, in one place (ARCHITECTURE §1, §6):
 * `scopeStores` wraps every store the services read through so that
 * - every call acts for the scope's tenant, whatever tenant a caller passes;
 * - a reader limited to some datasets (an embed token, or a host's `datasets` in plugin mode)
 *   sees only those: a dataset outside the scope reads exactly like a missing one (undefined, an
 *   empty page, NOT_FOUND from the service), so it cannot even learn that one exists. Forecasts,
 *   scores and importance are checked by their run's dataset, series and actuals by their dataset;
 * - a read-only scope cannot create, import, train, cancel, sync or delete (FORBIDDEN);
 * - data sources are read and synced by their dataset, like everything else (`scopeDataSources`).
 * Front doors turn their credential into an `AccessScope` (api/auth for API keys and embed
 * tokens; a host's `principal(request)` in plugin mode) and never touch an unscoped store.
 */
import { ForbiddenError } from '../errors/index.js';
import type {
  CsvImporter,
  DatasetStore,
  ForecastStore,
  ImportanceStore,
  MetricsStore,
  RunStore,
  SeriesStore,
  TrainingRunRecord,
} from './ports.js';
import type { PromotionSource } from './calendar/calendar.service.js';
import type { CovariateSource } from './insights/headline.service.js';
import type { ScenarioStore } from './scenarios/ports.js';
import type { DailySink, DataSourceStore } from './sources/ports.js';

export const Role = {
  /** Everything within its tenant (an admin API key; a host's `admin`). */
  ADMIN: 'ADMIN',
  /** Read-only, possibly limited to some datasets (an embed token; a host's `reader`). */
  EMBED: 'EMBED',
} as const;

export type Role = (typeof Role)[keyof typeof Role];

export interface AccessScope {
  readonly tenantId: number;
  readonly role: Role;
  /** Datasets the scope may read; null = every dataset of its tenant. */
  readonly datasetIds: readonly number[] | null;
}

/** True when the scope may read dataset `id` of its tenant. */
export function canReadDataset(scope: AccessScope, id: number): boolean {
  return scope.datasetIds === null || scope.datasetIds.includes(id);
}

/** The stores the use-cases read and write through (unscoped: only `scopeStores` sees these). */
export interface CoreStores {
  readonly datasets: DatasetStore;
  readonly series: SeriesStore;
  readonly runs: RunStore;
  readonly forecasts: ForecastStore;
  readonly metrics: MetricsStore;
  readonly importance: ImportanceStore;
  readonly observations: PromotionSource & CovariateSource;
  readonly importer: CsvImporter;
  /** Model artefacts, raw series and saved scenarios (the scenario use-cases). */
  readonly scenarios: ScenarioStore;
}

/** A set of dataset ids, kept for callers of the former `auth/scope.ts` wrappers. */
export type DatasetScope = ReadonlySet<number>;

const readOnly =
  (what: string) =>
  async (..._args: unknown[]): Promise<never> => {
    throw new ForbiddenError(`This credential is read-only: it cannot ${what}. Use an admin API key.`);
  };

const none = <T>(): T[] => [];

/** Runs whose dataset has been checked, per scope (a run never changes dataset). */
const RUN_CHECK_CACHE = 10_000;

export function scopeStores(stores: CoreStores, scope: AccessScope): CoreStores {
  const t = scope.tenantId;
  const only = scope.datasetIds === null ? null : new Set(scope.datasetIds);
  const has = (datasetId: number): boolean => only === null || only.has(datasetId);
  const readonly = scope.role !== Role.ADMIN;
  const visible = (r: TrainingRunRecord | undefined): TrainingRunRecord | undefined =>
    r && has(r.datasetId) ? r : undefined;
  const checkedRuns = new Map<number, boolean>();
  /** Whether run `id` belongs to a dataset in scope (always true for a whole-tenant scope). */
  const runInScope = async (id: number): Promise<boolean> => {
    if (only === null) return true;
    let ok = checkedRuns.get(id);
    if (ok === undefined) {
      ok = visible(await stores.runs.get(t, id)) !== undefined;
      if (checkedRuns.size >= RUN_CHECK_CACHE) checkedRuns.clear();
      checkedRuns.set(id, ok);
    }
    return ok;
  };
  const { datasets, series, runs, forecasts, metrics, importance, observations, importer, scenarios } = stores;

  const datasetStore: DatasetStore = {
    get: async (_, id) => (has(id) ? datasets.get(t, id) : undefined),
    getByName: async (_, name) => {
      const found = await datasets.getByName(t, name);
      return found && has(found.id) ? found : undefined;
    },
    getMany: async (_, ids) => datasets.getMany(t, only === null ? ids : ids.filter(has)),
    list: async (_, page, search, ids) =>
      datasets.list(t, page, search, only === null ? ids : (ids ?? [...only]).filter(has)),
    create: readonly ? readOnly('create datasets') : (_, input) => datasets.create(t, input),
    setCountry: readonly
      ? readOnly('change datasets')
      : async (_, id, country) => {
          if (!has(id)) throw new ForbiddenError(`Dataset ${id} is outside this scope.`);
          return datasets.setCountry(t, id, country);
        },
    delete: readonly ? readOnly('delete datasets') : (_, id) => datasets.delete(t, id),
  };
  const seriesStore: SeriesStore = {
    list: async (_, datasetId, filter, page) =>
      has(datasetId) ? series.list(t, datasetId, filter, page) : { items: [], totalCount: 0 },
    getByKey: async (_, datasetId, key) => (has(datasetId) ? series.getByKey(t, datasetId, key) : undefined),
  };
  const runStore: RunStore = {
    get: async (_, id) => visible(await runs.get(t, id)),
    getMany: async (_, ids) => (await runs.getMany(t, ids)).filter((r) => has(r.datasetId)),
    list: async (_, filter, page) => {
      if (only === null) return runs.list(t, filter, page);
      if (filter.datasetId !== undefined && !has(filter.datasetId)) return { items: [], totalCount: 0 };
      return runs.list(t, { ...filter, datasetIds: (filter.datasetIds ?? [...only]).filter(has) }, page);
    },
    latestSucceeded: async (_, datasetId) => (has(datasetId) ? runs.latestSucceeded(t, datasetId) : undefined),
    create: readonly
      ? readOnly('start training runs')
      : async (_, run) => {
          if (!has(run.datasetId)) throw new ForbiddenError(`Dataset ${run.datasetId} is outside this scope.`);
          return runs.create(t, run);
        },
    finish: readonly
      ? readOnly('change training runs')
      : async (_, id, status, error) => (await runInScope(id)) && runs.finish(t, id, status, error),
  };
  const forecastStore: ForecastStore = {
    insertMany: readOnly('write forecasts'),
    saveDistribution: readOnly('write forecasts'),
    distributionOf: async (_, runId) => ((await runInScope(runId)) ? forecasts.distributionOf(t, runId) : undefined),
    seriesIdsByKey: async (_, datasetId) => (has(datasetId) ? forecasts.seriesIdsByKey(t, datasetId) : new Map()),
    selectSeries: async (_, selection) => (has(selection.datasetId) ? forecasts.selectSeries(t, selection) : none()),
    forSeries: async (_, runId, ids, range) =>
      (await runInScope(runId)) ? forecasts.forSeries(t, runId, ids, range) : none(),
    forSucceededRun: async (_, runId, ids) =>
      (await runInScope(runId)) ? forecasts.forSucceededRun(t, runId, ids) : none(),
    // Keys of derived values name the tenant and run, which were checked when they were computed.
    derived: forecasts.derived,
    seriesIdByKey: async (_, datasetId, key) =>
      has(datasetId) ? forecasts.seriesIdByKey(t, datasetId, key) : undefined,
    forSelection: async (_, runId, selection, range) =>
      has(selection.datasetId) && (await runInScope(runId))
        ? forecasts.forSelection(t, runId, selection, range)
        : none(),
    // Series ids reach a reader only through the scoped series and forecast reads above.
    actualsForSeries: async (_, ids, range) => forecasts.actualsForSeries(t, ids, range),
    actualsAtVersion: async (_, dataset, ids, range) =>
      has(dataset.id) ? forecasts.actualsAtVersion(t, dataset, ids, range) : none(),
    actualsForSelection: async (_, selection, range) =>
      has(selection.datasetId) ? forecasts.actualsForSelection(t, selection, range) : none(),
    dateSpan: async (_, runId) => ((await runInScope(runId)) ? forecasts.dateSpan(t, runId) : undefined),
    tablePage: async (_, runId, selection, range, page) =>
      has(selection.datasetId) && (await runInScope(runId))
        ? forecasts.tablePage(t, runId, selection, range, page)
        : { totalCount: 0, items: [] },
  };
  const metricsStore: MetricsStore = {
    insertMany: readOnly('write scores'),
    forRuns: async (_, ids) => {
      const allowed: number[] = [];
      for (const id of ids) if (await runInScope(id)) allowed.push(id);
      return allowed.length === 0 ? [] : metrics.forRuns(t, allowed);
    },
    insertSeriesScores: readOnly('write scores'),
    // The series id comes from the scoped series read; the run is checked here.
    forSeries: async (_, runId, seriesId) => ((await runInScope(runId)) ? metrics.forSeries(t, runId, seriesId) : []),
  };
  const importanceStore: ImportanceStore = {
    insertRanked: readOnly('write importance'),
    list: async (_, runId, seriesId) => ((await runInScope(runId)) ? importance.list(t, runId, seriesId) : []),
  };
  const observationSource: PromotionSource & CovariateSource = {
    history: async (_, seriesId, range) => observations.history(t, seriesId, range),
    // Series ids reach a reader only through the scoped series and forecast reads.
    covariateValues: async (_, ids, name, range) => observations.covariateValues(t, ids, name, range),
  };
  const scopedImporter: CsvImporter = {
    importCsv: readonly
      ? readOnly('import observations')
      : async (_, datasetId, csv, options) => {
          if (!has(datasetId)) throw new ForbiddenError(`Dataset ${datasetId} is outside this scope.`);
          return importer.importCsv(t, datasetId, csv, options);
        },
    importRows: readonly
      ? readOnly('import observations')
      : async (_, datasetId, rows, options) => {
          if (!has(datasetId)) throw new ForbiddenError(`Dataset ${datasetId} is outside this scope.`);
          return importer.importRows(t, datasetId, rows, options);
        },
  };
  const scenarioStore: ScenarioStore = {
    artefact: async (_, runId) => ((await runInScope(runId)) ? scenarios.artefact(t, runId) : undefined),
    rawSeries: async (_, datasetId, ids) => (has(datasetId) ? scenarios.rawSeries(t, datasetId, ids) : none()),
    save: readonly
      ? readOnly('save scenarios')
      : async (_, scenario) => {
          if (!has(scenario.datasetId))
            throw new ForbiddenError(`Dataset ${scenario.datasetId} is outside this scope.`);
          return scenarios.save(t, scenario);
        },
    list: async (_, datasetId) => (has(datasetId) ? scenarios.list(t, datasetId) : none()),
    get: async (_, id) => {
      const found = await scenarios.get(t, id);
      return found && has(found.datasetId) ? found : undefined;
    },
    delete: readonly
      ? readOnly('delete scenarios')
      : async (_, id) => {
          const found = await scenarios.get(t, id);
          return found !== undefined && has(found.datasetId) && scenarios.delete(t, id);
        },
  };
  return {
    datasets: datasetStore,
    series: seriesStore,
    runs: runStore,
    forecasts: forecastStore,
    metrics: metricsStore,
    importance: importanceStore,
    observations: observationSource,
    importer: scopedImporter,
    scenarios: scenarioStore,
  };
}

/**
 * The data sources' store and sink under a scope, as `scopeStores` does for the core's stores: every
 * call acts for the scope's tenant; a source whose dataset is outside the scope reads like a
 * missing one (not listed, NOT_FOUND by name), so it can be neither tested nor synced; a read-only
 * scope cannot create a source or write a sync (FORBIDDEN); and a scope limited to some datasets
 * cannot create sources (creating one may create its dataset, which such a scope could not see).
 */
export function scopeDataSources(
  stores: { readonly store: DataSourceStore; readonly sink: DailySink },
  scope: AccessScope,
): { store: DataSourceStore; sink: DailySink } {
  const t = scope.tenantId;
  const only = scope.datasetIds === null ? null : new Set(scope.datasetIds);
  const has = (datasetId: number): boolean => only === null || only.has(datasetId);
  const readonly = scope.role !== Role.ADMIN;
  const { store, sink } = stores;
  /** Sources whose dataset was checked (a source never changes dataset): progress writes are frequent. */
  const checked = new Map<number, boolean>();
  const sourceInScope = async (id: number): Promise<boolean> => {
    let ok = checked.get(id);
    if (ok === undefined) {
      ok = visible(await store.get(t, id)) !== undefined;
      if (checked.size >= RUN_CHECK_CACHE) checked.clear();
      checked.set(id, ok);
    }
    return ok;
  };
  const visible = <T extends { readonly datasetId: number; readonly tenantId: number }>(s: T | undefined) =>
    s && s.tenantId === t && has(s.datasetId) ? s : undefined;
  return {
    store: {
      list: async () => (await store.list(t)).filter((s) => has(s.datasetId)),
      getByName: async (_, name) => visible(await store.getByName(t, name)),
      get: async (_, id) => visible(await store.get(t, id)),
      create: readonly
        ? readOnly('create data sources')
        : async (_, source) => {
            if (only !== null) {
              throw new ForbiddenError(
                'This credential is limited to some datasets: it cannot create data sources (a source may create its dataset). Use an admin credential for the whole tenant.',
              );
            }
            return store.create(t, source);
          },
      recordFailure: readonly
        ? readOnly('sync data sources')
        : async (_, id, lastSync) => {
            if (visible(await store.get(t, id))) await store.recordFailure(t, id, lastSync);
          },
      scheduled: async () => (await store.scheduled()).filter((s) => s.tenantId === t && has(s.datasetId)),
      setSchedule: readonly
        ? readOnly('change data sources')
        : async (_, id, schedule) => {
            if (!visible(await store.get(t, id))) throw new ForbiddenError(`Data source ${id} is outside this scope.`);
            await store.setSchedule(t, id, schedule);
          },
      saveProgress: readonly
        ? readOnly('sync data sources')
        : async (_, id, progress) => {
            if (await sourceInScope(id)) await store.saveProgress(t, id, progress);
          },
      claimRetrain: readonly
        ? readOnly('retrain data sources')
        : async (_, id, lastAt, through, rowsCounted) =>
            visible(await store.get(t, id)) ? store.claimRetrain(t, id, lastAt, through, rowsCounted) : false,
      recordRetrain: readonly
        ? readOnly('retrain data sources')
        : async (_, id, runId) => {
            if (visible(await store.get(t, id))) await store.recordRetrain(t, id, runId);
          },
      claim: readonly
        ? readOnly('sync data sources')
        : async (_, id, lastStartedAt) => (visible(await store.get(t, id)) ? store.claim(t, id, lastStartedAt) : false),
    },
    sink: {
      replaceWindow: readonly
        ? readOnly('sync data sources')
        : async (write) => {
            if (!has(write.datasetId)) {
              throw new ForbiddenError(
                `Dataset ${write.datasetId} is outside this scope: its data source cannot be synced here.`,
              );
            }
            return sink.replaceWindow({ ...write, tenantId: t });
          },
    },
  };
}
