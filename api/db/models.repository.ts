/** Trained model artefacts (`model_artefacts`): `SerializedModel` as JSON text plus a weights blob. */
import type { Knex } from 'knex';

export interface ModelArtefactInput {
  readonly alias: string;
  readonly json: string;
  readonly weights: Uint8Array;
}

export interface ModelArtefactInfo {
  readonly runId: number;
  readonly alias: string;
  readonly sizeBytes: number;
}

export interface ModelsRepository {
  insert(tenantId: number, runId: number, artefact: ModelArtefactInput): Promise<void>;
  /** What is stored for a run, without loading the weights. */
  info(tenantId: number, runId: number): Promise<ModelArtefactInfo | undefined>;
  /** The full artefact, weights included. */
  load(tenantId: number, runId: number): Promise<ModelArtefactInput | undefined>;
}

export function createModelsRepository(knex: Knex): ModelsRepository {
  return {
    async insert(tenantId, runId, artefact) {
      const weights = Buffer.from(artefact.weights.buffer, artefact.weights.byteOffset, artefact.weights.byteLength);
      await knex('model_artefacts').insert({
        tenant_id: tenantId,
        run_id: runId,
        alias: artefact.alias,
        json: artefact.json,
        weights,
        size_bytes: weights.byteLength + Buffer.byteLength(artefact.json),
      });
    },

    async info(tenantId, runId) {
      const row = (await knex('model_artefacts')
        .where({ tenant_id: tenantId, run_id: runId })
        .first('run_id', 'alias', 'size_bytes')) as Record<string, unknown> | undefined;
      return row
        ? { runId: Number(row['run_id']), alias: String(row['alias']), sizeBytes: Number(row['size_bytes']) }
        : undefined;
    },

    async load(tenantId, runId) {
      const row = (await knex('model_artefacts')
        .where({ tenant_id: tenantId, run_id: runId })
        .first('alias', 'json', 'weights')) as Record<string, unknown> | undefined;
      if (!row) return undefined;
      const w = row['weights'] as Buffer;
      return {
        alias: String(row['alias']),
        json: String(row['json']),
        weights: new Uint8Array(w.buffer, w.byteOffset, w.byteLength),
      };
    },
  };
}
