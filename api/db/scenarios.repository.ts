/**
 * What scenarios read (a run's model artefact, a few series' raw rows) and the saved scenarios
 * (`scenarios`): the adapter of `api/app/scenarios/ports.ts`. Every statement names the tenant.
 */
import type { Knex } from 'knex';
import type { RawSeries } from '../app/ports.js';
import type {
  NewSavedScenario,
  SavedScenarioRecord,
  ScenarioSelection,
  ScenarioStore,
  StoredChange,
} from '../app/scenarios/ports.js';
import type { DatasetCovariateInfo } from './datasets.repository.js';
import { createModelsRepository } from './models.repository.js';
import type { TimestampValue } from './tables.js';
import { parseJsonColumn, toDate } from './values.js';

interface ScenarioRow {
  id: number;
  tenant_id: number;
  dataset_id: number;
  name: string;
  selection: string;
  changes: string;
  created_at: TimestampValue;
  updated_at: TimestampValue;
}

function toRecord(row: ScenarioRow): SavedScenarioRecord {
  const selection = parseJsonColumn<Partial<ScenarioSelection>>(row.selection, {});
  return {
    id: Number(row.id),
    tenantId: Number(row.tenant_id),
    datasetId: Number(row.dataset_id),
    name: row.name,
    selection: {
      seriesId: selection.seriesId ?? null,
      groupBy: selection.groupBy ?? null,
      where: selection.where ?? [],
    },
    changes: parseJsonColumn<StoredChange[]>(row.changes, []),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

/** Series ids per statement (SQLite's bound-parameter limit is far above this). */
const CHUNK = 500;

export function createScenariosRepository(knex: Knex): ScenarioStore {
  const models = createModelsRepository(knex);
  const table = () => knex<ScenarioRow>('scenarios');
  return {
    async artefact(tenantId, runId) {
      const a = await models.load(tenantId, runId);
      return a ? { alias: a.alias, json: a.json, weights: a.weights } : undefined;
    },

    async rawSeries(tenantId, datasetId, seriesIds) {
      if (seriesIds.length === 0) return [];
      const dataset = (await knex('datasets').where({ tenant_id: tenantId, id: datasetId }).first('covariates')) as
        { covariates: string } | undefined;
      const names = dataset ? parseJsonColumn<DatasetCovariateInfo[]>(dataset.covariates, []).map((c) => c.name) : [];
      const out: RawSeries[] = [];
      for (let i = 0; i < seriesIds.length; i += CHUNK) {
        const ids = seriesIds.slice(i, i + CHUNK);
        const series = (await knex('series')
          .where({ tenant_id: tenantId, dataset_id: datasetId })
          .whereIn('id', ids)
          .select('id', 'key', 'attributes')) as Array<{ id: number; key: string; attributes: string }>;
        const rows = (await knex('observations')
          .where({ tenant_id: tenantId })
          .whereIn(
            'series_id',
            series.map((s) => Number(s.id)),
          )
          .orderBy([{ column: 'series_id' }, { column: 'date' }])
          .select('series_id', 'date', 'value', 'covariates')) as Array<{
          series_id: number;
          date: string;
          value: number | null;
          covariates: string | null;
        }>;
        const byId = new Map<number, { dates: string[]; values: (number | null)[]; covariates: (number | null)[][] }>(
          series.map((s) => [Number(s.id), { dates: [], values: [], covariates: names.map(() => []) }]),
        );
        const parsed = new Map<string, Record<string, number>>();
        for (const r of rows) {
          const b = byId.get(Number(r.series_id));
          if (!b) continue;
          b.dates.push(String(r.date));
          b.values.push(r.value === null ? null : Number(r.value));
          const text = r.covariates ?? '';
          let c = parsed.get(text);
          if (!c) parsed.set(text, (c = parseJsonColumn<Record<string, number>>(r.covariates, {})));
          for (let k = 0; k < names.length; k++) b.covariates[k]!.push(c[names[k]!] ?? null);
        }
        for (const s of series) {
          const b = byId.get(Number(s.id))!;
          out.push({
            id: s.key,
            statics: parseJsonColumn<Record<string, string>>(s.attributes, {}),
            dates: b.dates,
            values: b.values,
            covariates: Object.fromEntries(names.map((n, k) => [n, b.covariates[k]!])),
          });
        }
      }
      return out.toSorted((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },

    async save(tenantId, scenario: NewSavedScenario) {
      const values = {
        selection: JSON.stringify(scenario.selection),
        changes: JSON.stringify(scenario.changes),
        updated_at: new Date(),
      };
      // One statement on both dialects: a name already used in the dataset is replaced.
      await table()
        .insert({ tenant_id: tenantId, dataset_id: scenario.datasetId, name: scenario.name, ...values })
        .onConflict(['tenant_id', 'dataset_id', 'name'])
        .merge(['selection', 'changes', 'updated_at']);
      const row = await table()
        .where({ tenant_id: tenantId, dataset_id: scenario.datasetId, name: scenario.name })
        .first();
      return toRecord(row as ScenarioRow);
    },

    async list(tenantId, datasetId) {
      const rows = await table().where({ tenant_id: tenantId, dataset_id: datasetId }).orderBy('name');
      return (rows as ScenarioRow[]).map(toRecord);
    },

    async get(tenantId, id) {
      const row = await table().where({ tenant_id: tenantId, id }).first();
      return row ? toRecord(row as ScenarioRow) : undefined;
    },

    async delete(tenantId, id) {
      return (await table().where({ tenant_id: tenantId, id }).delete()) > 0;
    },
  };
}
