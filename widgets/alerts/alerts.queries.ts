/** The fields of an alert the widget shows (`WidgetAlertFields` in `schema/operations/widget-alerts.graphql`). */
const ALERT_FIELDS = /* GraphQL */ `
  fragment WidgetAlertFields on Alert {
    id
    datasetId
    seriesId
    kind
    direction
    severity
    status
    from
    to
    actual
    p10
    p90
    probability
    message
    createdAt
  }
`;

/** Mirrors `WidgetAlerts` in `schema/operations/widget-alerts.graphql`. */
export const ALERTS_QUERY = /* GraphQL */ `
  query WidgetAlerts($datasetId: ID, $status: AlertStatus, $first: Int) {
    open: alerts(datasetId: $datasetId, status: OPEN, first: 1) {
      totalCount
    }
    alerts(datasetId: $datasetId, status: $status, first: $first) {
      totalCount
      nodes {
        ...WidgetAlertFields
      }
    }
  }
  ${ALERT_FIELDS}
`;

/** Mirrors `WidgetAcknowledgeAlert` in `schema/operations/widget-alerts.graphql`. */
export const ACKNOWLEDGE_ALERT_MUTATION = /* GraphQL */ `
  mutation WidgetAcknowledgeAlert($id: ID!) {
    acknowledgeAlert(id: $id) {
      ...WidgetAlertFields
    }
  }
  ${ALERT_FIELDS}
`;

/** Mirrors `WidgetAlertRaised` in `schema/operations/widget-alerts.graphql` (graphql-ws). */
export const ALERT_RAISED_SUBSCRIPTION = /* GraphQL */ `
  subscription WidgetAlertRaised($datasetId: ID) {
    alertRaised(datasetId: $datasetId) {
      ...WidgetAlertFields
    }
  }
  ${ALERT_FIELDS}
`;

export type AlertStatusFilter = 'OPEN' | 'ACKNOWLEDGED';

export interface AlertsQueryVariables {
  readonly datasetId: string;
  readonly status: AlertStatusFilter | null;
  readonly first: number;
}

export interface AlertNode {
  readonly id: string;
  readonly datasetId: string;
  readonly seriesId: string;
  readonly kind: 'OUTLIER' | 'RUN' | 'STOCK_OUT';
  readonly direction: 'ABOVE' | 'BELOW' | null;
  readonly severity: 'CRITICAL' | 'WARNING';
  readonly status: AlertStatusFilter;
  readonly from: string;
  readonly to: string;
  readonly actual: number | null;
  readonly p10: number | null;
  readonly p90: number | null;
  readonly probability: number | null;
  readonly message: string;
  readonly createdAt: string;
}

export interface AlertsQueryResult {
  readonly open: { readonly totalCount: number };
  readonly alerts: { readonly totalCount: number; readonly nodes: readonly AlertNode[] };
}

export interface AcknowledgeAlertResult {
  readonly acknowledgeAlert: AlertNode;
}

export interface AlertRaisedResult {
  readonly alertRaised: AlertNode;
}
