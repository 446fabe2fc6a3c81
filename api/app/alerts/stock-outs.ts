/**
 * Predicted stock-outs (issue 18 item 1) as a `StockOutSource` for the alert use-case: the stock
 * plan of a dataset (`StockPlanService.planAll`, acting for the tenant's admin) keeps the series
 * whose probability of a stock-out before the next delivery reaches the threshold. Series without
 * stock levels have no probability and never alert. The window of an alert is the plan's lead time
 * plus review period from its first period.
 */
import { DomainError, ErrorCode } from '../../errors/index.js';
import { addSteps } from '../../forecasting/frames.js';
import type { DatasetStore, ForecastStore, RunStore } from '../ports.js';
import { Role, type AccessScope } from '../scope.js';
import type { StockPlanService } from '../stock/stock-plan.service.js';
import type { StockOutSource } from './ports.js';

/** Errors that mean "no plan to read yet" (no run, too little history), not a failure. */
const NO_PLAN: readonly string[] = [ErrorCode.NOT_FOUND, ErrorCode.INSUFFICIENT_HISTORY, ErrorCode.BAD_USER_INPUT];

export function stockOutsFromPlans(deps: {
  readonly stockFor: (scope: AccessScope) => StockPlanService;
  readonly datasets: DatasetStore;
  readonly runs: RunStore;
  readonly forecasts: ForecastStore;
}): StockOutSource {
  return {
    async predictedStockOuts(tenantId, datasetId, minProbability) {
      const dataset = await deps.datasets.get(tenantId, datasetId);
      const run = dataset ? await deps.runs.latestSucceeded(tenantId, datasetId) : undefined;
      if (!dataset || !run) return [];
      let items;
      try {
        items = await deps.stockFor({ tenantId, role: Role.ADMIN, datasetIds: null }).planAll(dataset, {});
      } catch (e) {
        if (e instanceof DomainError && NO_PLAN.includes(e.code)) return [];
        throw e;
      }
      const ids = await deps.forecasts.seriesIdsByKey(tenantId, datasetId);
      const out = [];
      for (const item of items) {
        const seriesId = item.seriesId === null ? undefined : ids.get(item.seriesId);
        const p = item.stockoutProbability;
        if (seriesId === undefined || p === null || p < minProbability) continue;
        out.push({
          seriesId,
          runId: run.id,
          fromDate: item.planStart,
          toDate: addSteps(item.planStart, Math.max(0, item.leadTime + item.reviewPeriod - 1), dataset.frequency),
          probability: p,
          onHand: item.onHand,
        });
      }
      return out;
    },
  };
}
