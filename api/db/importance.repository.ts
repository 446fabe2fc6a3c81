/** Feature importance of a run (`feature_importance`): dataset level (series NULL) or per series, ranked. */
import type { Knex } from 'knex';
import type { ImportanceRecord, ImportanceStore, NewImportance } from '../app/ports.js';

export type { ImportanceRecord, NewImportance };
/** The knex adapter of the core's `ImportanceStore` port. */
export type ImportanceRepository = ImportanceStore;

export function createImportanceRepository(knex: Knex): ImportanceRepository {
  return {
    async insertRanked(tenantId, runId, seriesId, entries) {
      const ranked = [...entries]
        .filter((e) => Number.isFinite(e.importance))
        .toSorted((a, b) => b.importance - a.importance);
      for (let i = 0; i < ranked.length; i += 400) {
        await knex('feature_importance').insert(
          ranked.slice(i, i + 400).map((e, j) => ({
            tenant_id: tenantId,
            run_id: runId,
            series_id: seriesId,
            feature: e.feature,
            label: e.label,
            importance: e.importance,
            rank: i + j + 1,
          })),
        );
      }
    },

    async list(tenantId, runId, seriesId) {
      const q = knex('feature_importance').where({ tenant_id: tenantId, run_id: runId });
      if (seriesId === null) q.whereNull('series_id');
      else q.andWhere({ series_id: seriesId });
      const rows = (await q.orderBy('rank')) as Array<Record<string, unknown>>;
      return rows.map((r) => ({
        feature: String(r['feature']),
        label: String(r['label']),
        importance: Number(r['importance']),
        rank: Number(r['rank']),
      }));
    },
  };
}
