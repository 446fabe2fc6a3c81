import type { DriverEffectRow } from './explanation-summary.js';

export { LATEST_RUN_QUERY } from '../internal/latest-run.js';

/** Mirrors `schema/operations/widget-explanation.graphql`. */
export const EXPLANATION_QUERY = /* GraphQL */ `
  query WidgetExplanation($runId: ID!, $seriesId: String!, $date: String!) {
    explainForecast(runId: $runId, seriesId: $seriesId, date: $date) {
      seriesId
      date
      model
      forecast
      measure
      effects {
        feature
        label
        effect
      }
    }
  }
`;

export interface ExplanationResult {
  readonly seriesId: string;
  readonly date: string;
  readonly model: string;
  readonly forecast: number;
  readonly measure: string;
  readonly effects: readonly DriverEffectRow[];
}

export interface ExplanationQueryResult {
  readonly explainForecast: ExplanationResult | null;
}
