import type { BacktestResult } from './accuracy-summary.js';

export { LATEST_RUN_QUERY } from '../internal/latest-run.js';

/** Mirrors `schema/operations/widget-backtest.graphql`. */
export const BACKTEST_QUERY = /* GraphQL */ `
  query WidgetBacktest($runId: ID!) {
    backtest(runId: $runId) {
      horizon
      origins
      models {
        model
        baseline
        chosen
        mase
        wape
        coverage
      }
    }
  }
`;

export interface BacktestQueryResult {
  readonly backtest: BacktestResult | null;
}
