import type { Bucket } from '../internal/i18n.js';
import type { CalendarEvent, ForecastPoint } from './to-apex-series.js';

/** Mirrors `schema/operations/widget-forecast.graphql` (a unit test keeps them equal). */
export const FORECAST_QUERY = /* GraphQL */ `
  query WidgetForecast($datasetId: ID!, $seriesId: String, $groupBy: String, $from: Date, $to: Date, $bucket: Bucket) {
    forecast(datasetId: $datasetId, seriesId: $seriesId, groupBy: $groupBy, from: $from, to: $to, bucket: $bucket) {
      runId
      forecastStart
      points {
        date
        actual
        actualToDate
        p10
        p50
        p90
        days
        complete
      }
    }
  }
`;

export interface ForecastQueryVariables {
  readonly datasetId: string;
  readonly seriesId?: string | null;
  readonly groupBy?: string | null;
  readonly from?: string | null;
  readonly to?: string | null;
  readonly bucket?: Bucket;
}

export interface ForecastQueryResult {
  readonly forecast: {
    /** The run the points come from (the latest succeeded one): what a point's explanation is asked of. */
    readonly runId?: string | null;
    readonly forecastStart?: string | null;
    readonly points: readonly ForecastPoint[];
  } | null;
}

/** Mirrors `WidgetSalesHistory` in `schema/operations/widget-forecast.graphql`. */
export const SALES_HISTORY_QUERY = /* GraphQL */ `
  query WidgetSalesHistory(
    $datasetId: ID!
    $seriesId: String
    $groupBy: String
    $from: Date
    $to: Date
    $bucket: Bucket
  ) {
    salesHistory(datasetId: $datasetId, seriesId: $seriesId, groupBy: $groupBy, from: $from, to: $to, bucket: $bucket) {
      date
      actual
      actualToDate
      days
      complete
    }
  }
`;

export interface SalesHistoryQueryResult {
  readonly salesHistory: readonly ForecastPoint[];
}

/** Mirrors `schema/operations/widget-calendar-events.graphql`. */
export const CALENDAR_EVENTS_QUERY = /* GraphQL */ `
  query WidgetCalendarEvents($datasetId: ID!, $seriesId: String, $from: Date, $to: Date) {
    calendarEvents(datasetId: $datasetId, seriesId: $seriesId, from: $from, to: $to) {
      date
      kind
      label
    }
  }
`;

export interface CalendarEventsQueryResult {
  readonly calendarEvents: readonly CalendarEvent[];
}

/** Mirrors `schema/operations/widget-series-search.graphql`. */
export const SERIES_SEARCH_QUERY = /* GraphQL */ `
  query WidgetSeriesSearch($datasetId: ID!, $search: String, $first: Int) {
    series(datasetId: $datasetId, search: $search, first: $first) {
      totalCount
      edges {
        node {
          id
          attributes {
            name
            value
          }
        }
      }
    }
  }
`;

/** A static attribute of a series (store, category, …). */
export interface SeriesAttribute {
  readonly name: string;
  readonly value: string;
}

export interface SeriesSummary {
  readonly id: string;
  readonly attributes: readonly SeriesAttribute[];
}

export interface SeriesSearchQueryResult {
  readonly series: { readonly totalCount: number; readonly edges: readonly { readonly node: SeriesSummary }[] };
}
