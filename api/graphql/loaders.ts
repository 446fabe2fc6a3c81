/**
 * Per-request DataLoaders: every list field that would otherwise run one SQL statement per parent
 * (a run's dataset, a run's metrics, each series' forecast and actuals) is batched into one
 * statement per kind and per request.
 */
import DataLoader from 'dataloader';
import type {
  ActualRecord,
  BacktestScoreRecord,
  DatasetRecord,
  DatasetStore,
  ForecastRecord,
  ForecastStore,
  MetricsStore,
  RunStore,
  TrainingRunRecord,
} from '../app/ports.js';

export interface LoaderDeps {
  readonly datasets: DatasetStore;
  readonly runs: RunStore;
  readonly metrics: MetricsStore;
  readonly forecasts: ForecastStore;
}

function byKey<K, V>(keys: readonly K[], items: readonly V[], keyOf: (v: V) => K): (V | undefined)[] {
  const map = new Map(items.map((v) => [keyOf(v), v]));
  return keys.map((k) => map.get(k));
}

function groupBy<K, V>(items: readonly V[], keyOf: (v: V) => K): Map<K, V[]> {
  const map = new Map<K, V[]>();
  for (const v of items) {
    const k = keyOf(v);
    let list = map.get(k);
    if (!list) map.set(k, (list = []));
    list.push(v);
  }
  return map;
}

export interface SeriesForecastKey {
  readonly runId: number;
  readonly seriesId: number;
}

export interface SeriesActualsKey {
  readonly seriesId: number;
  readonly from: string | undefined;
  readonly to: string | undefined;
}

export function createLoaders(tenantId: number, deps: LoaderDeps) {
  return {
    datasetById: new DataLoader<number, DatasetRecord | undefined>(async (ids) =>
      byKey(ids, await deps.datasets.getMany(tenantId, ids), (d) => d.id),
    ),
    runById: new DataLoader<number, TrainingRunRecord | undefined>(async (ids) =>
      byKey(ids, await deps.runs.getMany(tenantId, ids), (r) => r.id),
    ),
    latestRunByDataset: new DataLoader<number, TrainingRunRecord | undefined>(async (ids) =>
      Promise.all(ids.map((id) => deps.runs.latestSucceeded(tenantId, id))),
    ),
    scoresByRun: new DataLoader<number, BacktestScoreRecord[]>(async (ids) => {
      const grouped = groupBy(await deps.metrics.forRuns(tenantId, ids), (s) => s.runId);
      return ids.map((id) => grouped.get(id) ?? []);
    }),
    seriesForecast: new DataLoader<SeriesForecastKey, ForecastRecord[], string>(
      async (keys) => {
        const out = new Map<string, ForecastRecord[]>();
        for (const [runId, group] of groupBy(keys, (k) => k.runId)) {
          // The runs here are SUCCEEDED (a dataset's latest): their rows come from the cache.
          const rows = await deps.forecasts.forSucceededRun(
            tenantId,
            runId,
            group.map((k) => k.seriesId),
          );
          for (const [sid, list] of groupBy(rows, (r) => r.seriesId)) out.set(`${runId}|${sid}`, list);
        }
        return keys.map((k) => out.get(`${k.runId}|${k.seriesId}`) ?? []);
      },
      { cacheKeyFn: (k) => `${k.runId}|${k.seriesId}` },
    ),
    seriesActuals: new DataLoader<SeriesActualsKey, ActualRecord[], string>(
      async (keys) => {
        const out = new Map<string, ActualRecord[]>();
        for (const [range, group] of groupBy(keys, (k) => `${k.from ?? ''}|${k.to ?? ''}`)) {
          const { from, to } = group[0]!;
          const rows = await deps.forecasts.actualsForSeries(
            tenantId,
            group.map((k) => k.seriesId),
            { from, to },
          );
          for (const [sid, list] of groupBy(rows, (r) => r.seriesId)) out.set(`${sid}|${range}`, list);
        }
        return keys.map((k) => out.get(`${k.seriesId}|${k.from ?? ''}|${k.to ?? ''}`) ?? []);
      },
      { cacheKeyFn: (k) => `${k.seriesId}|${k.from ?? ''}|${k.to ?? ''}` },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
