/**
 * Alerts after a training run succeeds (issue 18 item 3): a new run brings a new band and a new
 * stock plan, so the alert check runs on it, as it runs after imports and syncs. The run event
 * bus is where every process that trains (the embedded runner, and on PostgreSQL the workers
 * through the LISTEN/NOTIFY bridge) announces a run's new state; this wraps it so that the first
 * SUCCEEDED state of each run announces `cause: 'run'` on the arrivals hub the detector listens to.
 */
import { RunStatus, type RunEventBus } from '../ports.js';
import type { ArrivalsHub } from './ports.js';

/** Runs announced per process (a run is SUCCEEDED once; the set only guards repeated publishes). */
const REMEMBERED_RUNS = 10_000;

export function withRunSuccessChecks(bus: RunEventBus, arrivals: ArrivalsHub): RunEventBus {
  const announced = new Set<number>();
  return {
    publish(topic, runId, run) {
      bus.publish(topic, runId, run);
      if (run.status !== RunStatus.SUCCEEDED || announced.has(run.id)) return;
      if (announced.size >= REMEMBERED_RUNS) announced.delete(announced.values().next().value!);
      announced.add(run.id);
      // The hub reports a failed check (it never fails the run, whose results are committed).
      void arrivals.emit({ tenantId: run.tenantId, datasetId: run.datasetId, cause: 'run' });
    },
    subscribe: (topic, runId) => bus.subscribe(topic, runId),
  };
}
