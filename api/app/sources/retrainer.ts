/**
 * The `Retrainer` of scheduled retrains over the training-run use-case: a retrain is an ordinary
 * training run started as the tenant's admin, exactly as `startTrainingRun` starts one, so it is
 * queued on whichever transport the process uses and shows in `trainingRuns` and the widgets.
 */
import { Role } from '../scope.js';
import type { Core } from '../services.js';
import type { Retrainer } from './scheduler.js';

/** The horizon of a scheduled retrain, by the dataset's frequency (four weeks, a quarter, a year). */
export const RETRAIN_HORIZON: Readonly<Record<'D' | 'W' | 'M', number>> = { D: 28, W: 13, M: 12 };

export function createRunRetrainer(core: Core): Retrainer {
  return {
    async retrain(tenantId, datasetId) {
      const services = core.servicesFor({ tenantId, role: Role.ADMIN, datasetIds: null });
      const dataset = await services.datasets.require(tenantId, String(datasetId));
      const run = await services.runs.start(tenantId, dataset, {
        datasetId: String(datasetId),
        horizon: RETRAIN_HORIZON[dataset.frequency],
      });
      return String(run.id);
    },
  };
}
