/**
 * Rolling-origin backtest scores of a run (`backtest_metrics`): the chosen model and every baseline;
 * and per series (`series_backtest_metrics`): the chosen model and seasonal naive on each series' windows.
 */
import type { Knex } from 'knex';
import type {
  BacktestScoreRecord,
  MetricsStore,
  MetricValues,
  NewBacktestScore,
  NewSeriesBacktestScore,
} from '../app/ports.js';

export type { BacktestScoreRecord, MetricValues, NewBacktestScore, NewSeriesBacktestScore };
/** The knex adapter of the core's `MetricsStore` port. */
export type MetricsRepository = MetricsStore;

type Row = Record<string, unknown>;
const finite = (v: unknown): number | null =>
  v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v);

function toRecord(row: Row): BacktestScoreRecord {
  return {
    runId: Number(row['run_id']),
    model: String(row['model']),
    isChosen: row['is_chosen'] === true || row['is_chosen'] === 1,
    metrics: {
      mase: finite(row['mase']),
      smape: finite(row['smape']),
      rmsse: finite(row['rmsse']),
      wape: finite(row['wape']),
      wql: finite(row['wql']),
      coverage80: finite(row['coverage80']),
    },
    origins: Number(row['origins']),
    horizon: Number(row['horizon']),
  };
}

/** Rows per insert statement: 13 columns × 500 stays far below SQLite's 32,766 bound variables. */
const CHUNK = 500;

function toRow(tenantId: number, runId: number, s: NewBacktestScore): Row {
  return {
    tenant_id: tenantId,
    run_id: runId,
    model: s.model,
    is_chosen: s.isChosen,
    mase: finite(s.metrics.mase),
    smape: finite(s.metrics.smape),
    rmsse: finite(s.metrics.rmsse),
    wape: finite(s.metrics.wape),
    wql: finite(s.metrics.wql),
    coverage80: finite(s.metrics.coverage80),
    origins: s.origins,
    horizon: s.horizon,
  };
}

export function createMetricsRepository(knex: Knex): MetricsRepository {
  return {
    async insertMany(tenantId, runId, scores) {
      if (scores.length === 0) return;
      await knex('backtest_metrics').insert(scores.map((s) => toRow(tenantId, runId, s)));
    },

    async insertSeriesScores(tenantId, runId, scores) {
      for (let i = 0; i < scores.length; i += CHUNK) {
        await knex('series_backtest_metrics').insert(
          scores.slice(i, i + CHUNK).map((s) => ({ ...toRow(tenantId, runId, s), series_id: s.seriesId })),
        );
      }
    },

    async forSeries(tenantId, runId, seriesId) {
      const rows = (await knex('series_backtest_metrics')
        .where({ tenant_id: tenantId, run_id: runId, series_id: seriesId })
        .orderBy([{ column: 'is_chosen', order: 'desc' }, { column: 'model' }])) as Row[];
      return rows.map(toRecord);
    },

    async forRuns(tenantId, runIds) {
      if (runIds.length === 0) return [];
      const rows = (await knex('backtest_metrics')
        .where({ tenant_id: tenantId })
        .whereIn('run_id', [...runIds])
        .orderBy([{ column: 'run_id' }, { column: 'is_chosen', order: 'desc' }, { column: 'model' }])) as Row[];
      return rows.map(toRecord);
    },
  };
}
