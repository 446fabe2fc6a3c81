/**
 * Dataset scope of embed tokens, enforced under the services: these wrappers filter every store
 * the GraphQL services read through (datasets, series, training runs) to the datasets a token
 * names. A dataset outside the scope reads exactly like a missing one (undefined, an empty page,
 * NOT_FOUND from the service), so a token cannot even learn that it exists. Forecasts, scores and
 * importance are reached only through runs, which are filtered here too.
 */
import type { RunsRepository, TrainingRunRecord } from '../db/runs.repository.js';
import type { DatasetStore, SeriesStore } from '../graphql/ports.js';
import { ForbiddenError } from './errors.js';

export type DatasetScope = ReadonlySet<number>;

const readOnly = (what: string) => async (): Promise<never> => {
  throw new ForbiddenError(`An embed token is read-only: it cannot ${what}. Use an admin API key.`);
};

export function scopeDatasetStore(store: DatasetStore, scope: DatasetScope): DatasetStore {
  return {
    get: async (tenantId, id) => (scope.has(id) ? store.get(tenantId, id) : undefined),
    getMany: async (tenantId, ids) =>
      store.getMany(
        tenantId,
        ids.filter((id) => scope.has(id)),
      ),
    list: async (tenantId, page, search) => store.list(tenantId, page, search, [...scope]),
    create: readOnly('create datasets'),
    delete: readOnly('delete datasets'),
    setCountry: readOnly('change datasets'),
  };
}

export function scopeSeriesStore(store: SeriesStore, scope: DatasetScope): SeriesStore {
  return {
    list: async (tenantId, datasetId, filter, page) =>
      scope.has(datasetId) ? store.list(tenantId, datasetId, filter, page) : { items: [], totalCount: 0 },
    getByKey: async (tenantId, datasetId, key) =>
      scope.has(datasetId) ? store.getByKey(tenantId, datasetId, key) : undefined,
  };
}

export function scopeRunsRepository(runs: RunsRepository, scope: DatasetScope): RunsRepository {
  const visible = (r: TrainingRunRecord | undefined): TrainingRunRecord | undefined =>
    r && scope.has(r.datasetId) ? r : undefined;
  return {
    ...runs,
    get: async (tenantId, id) => visible(await runs.get(tenantId, id)),
    getMany: async (tenantId, ids) => (await runs.getMany(tenantId, ids)).filter((r) => scope.has(r.datasetId)),
    list: async (tenantId, filter, page) => {
      if (filter.datasetId !== undefined && !scope.has(filter.datasetId)) return { items: [], totalCount: 0 };
      return runs.list(tenantId, { ...filter, datasetIds: [...scope] }, page);
    },
    latestSucceeded: async (tenantId, datasetId) =>
      scope.has(datasetId) ? runs.latestSucceeded(tenantId, datasetId) : undefined,
    create: readOnly('start training runs'),
    requestCancel: readOnly('cancel training runs'),
  };
}
