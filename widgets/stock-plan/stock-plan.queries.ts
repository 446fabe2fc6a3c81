/** Mirrors `WidgetStockPlan` in `schema/operations/widget-stock-plan.graphql`. */
export const STOCK_PLAN_QUERY = /* GraphQL */ `
  query WidgetStockPlan(
    $datasetId: ID!
    $groupBy: String
    $serviceLevel: Float
    $orderBy: StockPlanOrder
    $first: Int
  ) {
    stockPlan(datasetId: $datasetId, groupBy: $groupBy, serviceLevel: $serviceLevel, orderBy: $orderBy, first: $first) {
      totalCount
      nodes {
        seriesId
        group {
          attribute
          value
        }
        onHand
        onOrder
        leadTime
        reviewPeriod
        serviceLevel
        daysOfCover
        stockoutProbability
        reorderPoint
        orderUpTo
        suggestedOrder
      }
    }
  }
`;

export type StockPlanOrder =
  'URGENCY' | 'STOCKOUT_PROBABILITY_DESC' | 'DAYS_OF_COVER_ASC' | 'SUGGESTED_ORDER_DESC' | 'SERIES_ASC';

export interface StockPlanQueryVariables {
  readonly datasetId: string;
  readonly groupBy: string | null;
  readonly serviceLevel: number | null;
  readonly orderBy: StockPlanOrder;
  readonly first: number;
}

export interface StockPlanNode {
  readonly seriesId: string | null;
  readonly group: { readonly attribute: string; readonly value: string } | null;
  readonly onHand: number | null;
  readonly onOrder: number | null;
  readonly leadTime: number;
  readonly reviewPeriod: number;
  readonly serviceLevel: number;
  readonly daysOfCover: number | null;
  readonly stockoutProbability: number | null;
  readonly reorderPoint: number;
  readonly orderUpTo: number;
  readonly suggestedOrder: number | null;
}

export interface StockPlanQueryResult {
  readonly stockPlan: { readonly totalCount: number; readonly nodes: readonly StockPlanNode[] };
}
