/** Mirrors `WidgetScenario` in `schema/operations/widget-scenario.graphql`. */
export const SCENARIO_QUERY = /* GraphQL */ `
  query WidgetScenario($datasetId: ID!, $seriesId: String, $groupBy: String, $changes: [ScenarioChangeInput!]!) {
    scenario(datasetId: $datasetId, seriesId: $seriesId, groupBy: $groupBy, changes: $changes) {
      runId
      seriesCount
      priceCovariate
      warnings
      points {
        date
        baseline {
          p10
          p50
          p90
          mean
          revenue
        }
        scenario {
          p10
          p50
          p90
          mean
          revenue
        }
        difference
      }
      totals {
        baselineUnits
        scenarioUnits
        differenceUnits
        differencePercent
        baselineRevenue
        scenarioRevenue
        differenceRevenue
      }
    }
  }
`;

export interface ScenarioChangeVariable {
  readonly covariate: string;
  readonly percentChange: number;
}

export interface ScenarioQueryVariables {
  readonly datasetId: string;
  readonly seriesId: string | null;
  readonly groupBy: string | null;
  readonly changes: readonly ScenarioChangeVariable[];
}

export interface ScenarioSideResult {
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  readonly mean: number;
  readonly revenue: number | null;
}

export interface ScenarioPointResult {
  readonly date: string;
  readonly baseline: ScenarioSideResult;
  readonly scenario: ScenarioSideResult;
  readonly difference: number;
}

export interface ScenarioTotalsResult {
  readonly baselineUnits: number;
  readonly scenarioUnits: number;
  readonly differenceUnits: number;
  readonly differencePercent: number | null;
  readonly baselineRevenue: number | null;
  readonly scenarioRevenue: number | null;
  readonly differenceRevenue: number | null;
}

export interface ScenarioResultData {
  readonly runId: string;
  readonly seriesCount: number;
  readonly priceCovariate: string | null;
  readonly warnings: readonly string[];
  readonly points: readonly ScenarioPointResult[];
  readonly totals: ScenarioTotalsResult;
}

export interface ScenarioQueryResult {
  readonly scenario: ScenarioResultData;
}
