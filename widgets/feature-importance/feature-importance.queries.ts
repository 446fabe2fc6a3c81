import type { FeatureImportanceRow } from './rank-drivers.js';

export { LATEST_RUN_QUERY } from '../internal/latest-run.js';

/** Mirrors `WidgetFeatureImportance` in `schema/operations/widget-feature-importance.graphql`. */
export const FEATURE_IMPORTANCE_QUERY = /* GraphQL */ `
  query WidgetFeatureImportance($runId: ID!, $seriesId: String) {
    featureImportance(runId: $runId, seriesId: $seriesId) {
      feature
      label
      importance
    }
  }
`;

export interface FeatureImportanceQueryResult {
  readonly featureImportance: readonly FeatureImportanceRow[];
}
