import type { BacktestResult } from './accuracy-summary.js';

export { LATEST_RUN_QUERY } from '../internal/latest-run.js';

/** Mirrors `schema/operations/widget-backtest.graphql`. */
export const BACKTEST_QUERY = /* GraphQL */ `
  query WidgetBacktest($runId: ID!, $seriesId: String, $withSeries: Boolean!) {
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
    seriesBacktest: backtest(runId: $runId, seriesId: $seriesId) @include(if: $withSeries) {
      seriesId
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

export interface BacktestQueryVariables {
  readonly runId: string;
  /** A series key: its own accuracy as well (`withSeries`). */
  readonly seriesId: string | null;
  readonly withSeries: boolean;
}

export interface BacktestQueryResult {
  readonly backtest: BacktestResult | null;
  /** One series' backtest (asked with `withSeries`): no models when the run did not score it. */
  readonly seriesBacktest?: BacktestResult | null;
}
