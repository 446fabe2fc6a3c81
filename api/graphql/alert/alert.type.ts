/** Alerts, webhooks and their delivery log as GraphQL types (issue 18 item 3). */
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import {
  ALERT_DIRECTIONS,
  ALERT_KINDS,
  ALERT_SEVERITIES,
  AlertStatus,
  DeliveryStatus,
} from '../../app/alerts/ports.js';
import { ConnectionType } from '../common/connection.type.js';
import { DateScalar } from '../common/date.scalar.js';

const enumOf = <T extends string>(values: readonly T[]) =>
  Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const AlertKindValue = enumOf(ALERT_KINDS);
registerEnumType(AlertKindValue, {
  name: 'AlertKind',
  description:
    'OUTLIER: one actual far outside the p10–p90 band; RUN: several days in a row on one side of it; STOCK_OUT: the stock plan predicts a stock-out before the next delivery.',
});
export const AlertDirectionValue = enumOf(ALERT_DIRECTIONS);
registerEnumType(AlertDirectionValue, { name: 'AlertDirection', description: 'Above p90 or below p10.' });
export const AlertSeverityValue = enumOf(ALERT_SEVERITIES);
registerEnumType(AlertSeverityValue, { name: 'AlertSeverity' });
registerEnumType(AlertStatus, { name: 'AlertStatus', description: 'OPEN until someone acknowledges it.' });
registerEnumType(DeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'PENDING (queued or waiting for a retry), DELIVERED (a 2xx answer) or FAILED (retries used up).',
});

@ObjectType({ simpleResolvers: true, description: "One day of a breach: the actual and the run's band." })
export class AlertPoint {
  @Field(() => DateScalar)
  date!: string;

  @Field(() => Float)
  actual!: number;

  @Field(() => Float)
  p10!: number;

  @Field(() => Float)
  p50!: number;

  @Field(() => Float)
  p90!: number;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'Sales that left the forecast (or a predicted stock-out), raised once per breach after an import or sync.',
})
export class Alert {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  datasetId!: string;

  @Field(() => String, { description: "The series' id (the CSV's series_id)." })
  seriesId!: string;

  @Field(() => ID, { description: 'The run whose forecast (or stock plan) the actuals were compared with.' })
  runId!: string;

  @Field(() => AlertKindValue)
  kind!: string;

  @Field(() => AlertDirectionValue, { nullable: true, description: 'Null for a stock-out.' })
  direction!: string | null;

  @Field(() => AlertSeverityValue)
  severity!: string;

  @Field(() => AlertStatus)
  status!: AlertStatus;

  @Field(() => DateScalar, { description: 'First day of the breach.' })
  from!: string;

  @Field(() => DateScalar, { description: 'Last day of the breach (= from for an outlier).' })
  to!: string;

  @Field(() => Float, {
    nullable: true,
    description: "The worst day's actual (a stock-out: units on hand, when known).",
  })
  actual!: number | null;

  @Field(() => Float, { nullable: true, description: "The worst day's p10." })
  p10!: number | null;

  @Field(() => Float, { nullable: true })
  p50!: number | null;

  @Field(() => Float, { nullable: true, description: "The worst day's p90." })
  p90!: number | null;

  @Field(() => Float, { nullable: true, description: 'A stock-out: its probability before the next delivery.' })
  probability!: number | null;

  @Field(() => [AlertPoint], { description: 'Every day of the breach, by date.' })
  points!: AlertPoint[];

  @Field(() => String, { description: 'The alert in one sentence.' })
  message!: string;

  @Field(() => Date, { nullable: true })
  acknowledgedAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;
}

export const AlertConnection = ConnectionType(Alert, 'Alert');

@ObjectType({ simpleResolvers: true, description: "A URL that receives the tenant's alerts, signed." })
export class Webhook {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  url!: string;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType({ simpleResolvers: true })
export class CreatedWebhook {
  @Field(() => Webhook)
  webhook!: Webhook;

  @Field(() => String, {
    description:
      'The HMAC-SHA256 key of X-ForecastQL-Signature: the one given, or a generated one. Shown only here; keep it.',
  })
  secret!: string;
}

@ObjectType({ simpleResolvers: true, description: 'One alert sent (or being sent) to one webhook.' })
export class WebhookDelivery {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  webhookId!: string;

  @Field(() => ID, { nullable: true, description: 'Null once the alert is gone (its dataset deleted).' })
  alertId!: string | null;

  @Field(() => String, { description: 'alert.raised' })
  event!: string;

  @Field(() => DeliveryStatus)
  status!: DeliveryStatus;

  @Field(() => Int)
  attempts!: number;

  @Field(() => Date, { nullable: true, description: 'When the next retry is due (PENDING only).' })
  nextAttemptAt!: Date | null;

  @Field(() => Int, { nullable: true, description: "The last attempt's HTTP status." })
  lastStatusCode!: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why the last attempt failed (HTTP status, timeout, refused address).',
  })
  lastError!: string | null;

  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;

  @Field(() => String, { description: 'The exact JSON body POSTed (and signed).' })
  payload!: string;

  @Field(() => Date)
  createdAt!: Date;
}

export const WebhookDeliveryConnection = ConnectionType(WebhookDelivery, 'WebhookDelivery');
