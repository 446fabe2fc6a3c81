/**
 * The dataset loader the worker uses: a dataset's series as `RawSeries[]` (the engine's input),
 * through the observations repository.
 */
import type { Knex } from 'knex';
import { createObservationsRepository } from '../db/observations.repository.js';
import type { RawSeries } from '../forecasting/types.js';

export function loadRawSeries(knex: Knex, tenantId: number, datasetId: number): Promise<RawSeries[]> {
  return createObservationsRepository(knex).loadRawSeries(tenantId, datasetId);
}
