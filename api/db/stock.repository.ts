/**
 * Stock policies and levels (`stock_policies`, `series_stock`), filtered by tenant in every method.
 */
import type { Knex } from 'knex';
import type { SeriesStockRecord, StockPolicyRecord, StockStore } from '../app/stock/ports.js';

interface StockPolicyRow {
  tenant_id: number;
  dataset_id: number;
  lead_time: number;
  review_period: number;
  service_level: number;
}

interface SeriesStockRow {
  tenant_id: number;
  series_id: number;
  dataset_id: number;
  on_hand: number;
  on_order: number;
  as_of: string | Date | null;
  lead_time: number | null;
  review_period: number | null;
  service_level: number | null;
}

const CHUNK = 400;

function isoDate(v: string | Date | null): string | null {
  if (v === null) return null;
  return v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);
}

const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function createStockRepository(knex: Knex): StockStore {
  return {
    async policyOf(tenantId, datasetId) {
      const row = (await knex<StockPolicyRow>('stock_policies')
        .where({ tenant_id: tenantId, dataset_id: datasetId })
        .first()) as StockPolicyRow | undefined;
      if (!row) return undefined;
      return {
        leadTime: Number(row.lead_time),
        reviewPeriod: Number(row.review_period),
        serviceLevel: Number(row.service_level),
      } satisfies StockPolicyRecord;
    },

    async setPolicy(tenantId, datasetId, policy) {
      await knex('stock_policies')
        .insert({
          tenant_id: tenantId,
          dataset_id: datasetId,
          lead_time: policy.leadTime,
          review_period: policy.reviewPeriod,
          service_level: policy.serviceLevel,
        })
        .onConflict('dataset_id')
        .merge(['lead_time', 'review_period', 'service_level', 'updated_at']);
    },

    async levelsOf(tenantId, datasetId, seriesIds) {
      const read = async (ids: readonly number[] | undefined): Promise<SeriesStockRecord[]> => {
        const q = knex<SeriesStockRow>('series_stock').where({ tenant_id: tenantId, dataset_id: datasetId });
        if (ids) q.whereIn('series_id', ids);
        const rows = (await q.orderBy('series_id')) as SeriesStockRow[];
        return rows.map((r) => ({
          seriesId: Number(r.series_id),
          onHand: Number(r.on_hand),
          onOrder: Number(r.on_order),
          asOf: isoDate(r.as_of),
          leadTime: numOrNull(r.lead_time),
          reviewPeriod: numOrNull(r.review_period),
          serviceLevel: numOrNull(r.service_level),
        }));
      };
      if (!seriesIds) return read(undefined);
      const out: SeriesStockRecord[] = [];
      for (let i = 0; i < seriesIds.length; i += CHUNK) out.push(...(await read(seriesIds.slice(i, i + CHUNK))));
      return out;
    },

    async setLevels(tenantId, datasetId, rows) {
      await knex.transaction(async (trx) => {
        for (let i = 0; i < rows.length; i += CHUNK) {
          await trx('series_stock')
            .insert(
              rows.slice(i, i + CHUNK).map((r) => ({
                tenant_id: tenantId,
                dataset_id: datasetId,
                series_id: r.seriesId,
                on_hand: r.onHand,
                on_order: r.onOrder,
                as_of: r.asOf,
                lead_time: r.leadTime,
                review_period: r.reviewPeriod,
                service_level: r.serviceLevel,
                updated_at: knex.fn.now(),
              })),
            )
            .onConflict('series_id')
            .merge(['on_hand', 'on_order', 'as_of', 'lead_time', 'review_period', 'service_level', 'updated_at']);
        }
      });
    },
  };
}

/**
 * Each series' mean daily sales over its last `days` observed days (up to its last date), by
 * series id: what the demo seeds its stock levels from.
 */
export async function recentDailyMeans(
  knex: Knex,
  tenantId: number,
  datasetId: number,
  days: number,
): Promise<Array<{ seriesId: number; key: string; mean: number }>> {
  const rows = (await knex('series as s')
    .join('observations as o', 'o.series_id', 's.id')
    .where('s.tenant_id', tenantId)
    .andWhere('s.dataset_id', datasetId)
    .whereNotNull('o.value')
    .andWhereRaw(
      isSqlite(knex) ? `o.date > date(s.last_date, '-' || ? || ' days')` : `o.date > s.last_date - (?::int)`,
      [days],
    )
    .groupBy('s.id', 's.key')
    .select('s.id', 's.key', knex.raw('sum(o.value) as total'))) as Array<{ id: number; key: string; total: number }>;
  return rows.map((r) => ({ seriesId: Number(r.id), key: String(r.key), mean: Number(r.total) / days }));
}

function isSqlite(knex: Knex): boolean {
  const client = (knex.client as { config?: { client?: unknown } }).config?.client;
  return client === 'better-sqlite3' || client === 'sqlite3';
}
