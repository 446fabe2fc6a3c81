/** Mirrors `WidgetPriceHistory` in `schema/operations/widget-price-response.graphql`. */
export const PRICE_HISTORY_QUERY = /* GraphQL */ `
  query WidgetPriceHistory($datasetId: ID!, $seriesId: String!) {
    priceHistory(datasetId: $datasetId, seriesId: $seriesId) {
      covariate
      currentPrice
      forecastDays
      points {
        date
        units
        price
        promotion
      }
      historyCurve {
        price
        units
        days
      }
    }
  }
`;

/** Mirrors `WidgetPriceResponse` in `schema/operations/widget-price-response.graphql`. */
export const PRICE_RESPONSE_QUERY = /* GraphQL */ `
  query WidgetPriceResponse($datasetId: ID!, $seriesId: String, $covariate: String, $percentChanges: [Float!]) {
    priceResponse(datasetId: $datasetId, seriesId: $seriesId, covariate: $covariate, percentChanges: $percentChanges) {
      runId
      warnings
      points {
        percentChange
        units
      }
    }
  }
`;

export interface PriceHistoryResult {
  readonly covariate: string;
  readonly currentPrice: number | null;
  readonly forecastDays: number | null;
  readonly points: readonly { date: string; units: number; price: number; promotion: boolean }[];
  readonly historyCurve: readonly { price: number; units: number; days: number }[];
}

export interface PriceHistoryQueryResult {
  readonly priceHistory: PriceHistoryResult;
}

export interface PriceResponseQueryResult {
  readonly priceResponse: {
    readonly runId: string;
    readonly warnings: readonly string[];
    readonly points: readonly { percentChange: number; units: number }[];
  };
}
