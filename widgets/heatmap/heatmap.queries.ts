export { FEATURE_IMPORTANCE_QUERY } from '../feature-importance/feature-importance.queries.js';
export { FORECAST_QUERY, SALES_HISTORY_QUERY } from '../forecast-chart/forecast-chart.queries.js';

/** Mirrors `WidgetHeatmapSeries` in `schema/operations/widget-heatmap.graphql`. */
export const HEATMAP_SERIES_QUERY = /* GraphQL */ `
  query WidgetHeatmapSeries($datasetId: ID!, $where: [AttributeFilterInput!], $first: Int) {
    series(datasetId: $datasetId, where: $where, first: $first) {
      totalCount
      edges {
        node {
          id
        }
      }
    }
  }
`;

export interface HeatmapSeriesQueryResult {
  readonly series: {
    readonly totalCount: number;
    readonly edges: readonly { readonly node: { readonly id: string } }[];
  };
}
