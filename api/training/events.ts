/**
 * In-process events of training runs, the adapter of the core's `RunEventBus` port: what the
 * `trainingRunUpdated` subscription listens to. One bus per API process (the embedded mode); on
 * PostgreSQL a LISTEN/NOTIFY bridge (queue/notify.ts) publishes into the same bus.
 */
import { createPubSub } from '@graphql-yoga/subscription';
import { RUN_UPDATED, type RunEventBus, type TrainingRunRecord } from '../app/ports.js';

export { RUN_UPDATED, type RunEventBus };

export function createRunEventBus(): RunEventBus {
  return createPubSub<{ [RUN_UPDATED]: [runId: number, run: TrainingRunRecord] }>();
}
