import type { HeadlineResult } from './kpi-cards.js';

/** Mirrors `WidgetHeadline` in `schema/operations/widget-headline.graphql`. */
export const HEADLINE_QUERY = /* GraphQL */ `
  query WidgetHeadline($datasetId: ID!, $seriesId: String, $groupBy: String, $runId: ID, $weeks: Int) {
    headline(datasetId: $datasetId, seriesId: $seriesId, groupBy: $groupBy, runId: $runId, weeks: $weeks) {
      seriesId
      groupBy
      seriesCount
      weeks
      pricedSeriesCount
      next {
        from
        to
        days
        daysWithData
      }
      lastPeriod {
        from
        to
        days
        daysWithData
      }
      lastYear {
        from
        to
        days
        daysWithData
      }
      units {
        p10
        p50
        p90
        lastPeriod
        lastYear
        changeVsLastPeriod
        changeVsLastYear
      }
      revenue {
        p10
        p50
        p90
        lastPeriod
        lastYear
        changeVsLastPeriod
        changeVsLastYear
      }
    }
  }
`;

export interface HeadlineQueryVariables {
  readonly datasetId: string;
  readonly seriesId: string | null;
  readonly groupBy: string | null;
  readonly runId: string | null;
  readonly weeks: number;
}

export interface HeadlineQueryResult {
  readonly headline: HeadlineResult | null;
}
