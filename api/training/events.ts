/**
 * In-process events of training runs: what the `trainingRunUpdated` subscription listens to.
 * One bus per API process (the embedded mode); with the scale-out issue a PostgreSQL
 * LISTEN/NOTIFY bridge publishes into the same bus.
 */
import { createPubSub } from '@graphql-yoga/subscription';
import type { TrainingRunRecord } from '../db/runs.repository.js';

export const RUN_UPDATED = 'TRAINING_RUN_UPDATED';

export type RunEventBus = ReturnType<typeof createRunEventBus>;

export function createRunEventBus() {
  return createPubSub<{ [RUN_UPDATED]: [runId: number, run: TrainingRunRecord] }>();
}
