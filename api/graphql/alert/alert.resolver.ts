/** Alerts and webhooks over GraphQL: thin resolvers over `AlertService` and `WebhookService`. */
import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import {
  AlertStatus,
  DeliveryStatus,
  type AlertRecord,
  type DeliveryRecord,
  type WebhookRecord,
} from '../../app/alerts/ports.js';
import { Role } from '../../auth/principal.js';
import { toConnection, type Connection } from '../common/connection.type.js';
import type { GraphQLContext } from '../context.js';
import {
  Alert,
  AlertConnection,
  CreatedWebhook,
  Webhook,
  WebhookDeliveryConnection,
  type WebhookDelivery,
} from './alert.type.js';

export function toAlertView(a: AlertRecord): Alert {
  return {
    id: String(a.id),
    datasetId: String(a.datasetId),
    seriesId: a.seriesKey,
    runId: String(a.runId),
    kind: a.kind,
    direction: a.direction,
    severity: a.severity,
    status: a.status,
    from: a.fromDate,
    to: a.toDate,
    actual: a.actual,
    p10: a.p10,
    p50: a.p50,
    p90: a.p90,
    probability: a.probability,
    points: a.points.map((p) => ({ ...p })),
    message: a.message,
    acknowledgedAt: a.acknowledgedAt,
    createdAt: a.createdAt,
  };
}

const toWebhookView = (w: WebhookRecord): Webhook => ({ id: String(w.id), url: w.url, createdAt: w.createdAt });

const toDeliveryView = (d: DeliveryRecord): WebhookDelivery => ({
  id: String(d.id),
  webhookId: String(d.webhookId),
  alertId: d.alertId === null ? null : String(d.alertId),
  event: d.event,
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: d.nextAttemptAt,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  deliveredAt: d.deliveredAt,
  payload: d.payload,
  createdAt: d.createdAt,
});

@ArgsType()
class AlertsArgs {
  @Field(() => ID, { nullable: true, description: 'Only alerts of this dataset (default: every dataset in reach).' })
  datasetId?: string | null;

  @Field(() => AlertStatus, { nullable: true, description: 'Only OPEN or only ACKNOWLEDGED alerts.' })
  status?: AlertStatus | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 1..500 (default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

@ArgsType()
class DeliveriesArgs {
  @Field(() => ID, { nullable: true, description: 'Only deliveries to this webhook.' })
  webhookId?: string | null;

  @Field(() => DeliveryStatus, { nullable: true })
  status?: DeliveryStatus | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 1..500 (default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

@Resolver(() => Alert)
export class AlertResolver {
  @Query(() => AlertConnection, { description: 'Alerts raised after imports and syncs, newest first.' })
  async alerts(@Args(() => AlertsArgs) args: AlertsArgs, @Ctx() ctx: GraphQLContext): Promise<Connection<Alert>> {
    const page = await ctx.services.alerts.list(args);
    return toConnection({ ...page, items: page.items.map(toAlertView) });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Alert, { description: 'Marks an alert ACKNOWLEDGED; acknowledging again changes nothing.' })
  async acknowledgeAlert(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Alert> {
    return toAlertView(await ctx.services.alerts.acknowledge(id));
  }

  @Subscription(() => Alert, {
    description: 'Each alert as it is raised (of one dataset, or of every dataset in reach), over graphql-ws.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { datasetId?: string | null }, GraphQLContext>) =>
      context.services.alerts.follow(args.datasetId),
  })
  alertRaised(
    @Root() alert: AlertRecord,
    @Arg('datasetId', () => ID, { nullable: true }) _datasetId: string | null,
  ): Alert {
    return toAlertView(alert);
  }

  @Authorized(Role.ADMIN)
  @Query(() => [Webhook], { description: "The tenant's webhooks, oldest first." })
  async webhooks(@Ctx() ctx: GraphQLContext): Promise<Webhook[]> {
    return (await ctx.services.webhooks.list()).map(toWebhookView);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreatedWebhook, {
    description:
      'Sends every alert of this tenant to `url` as a signed JSON POST (X-ForecastQL-Signature). Only http(s); private addresses are refused unless the server allows them (WEBHOOK_URL_REFUSED).',
  })
  async createWebhook(
    @Arg('url', () => String) url: string,
    @Arg('secret', () => String, {
      nullable: true,
      description: 'HMAC-SHA256 key, 16–256 characters; generated when omitted.',
    })
    secret: string | null | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CreatedWebhook> {
    const created = await ctx.services.webhooks.create(url, secret);
    return { webhook: toWebhookView(created.webhook), secret: created.secret };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ID, { description: 'Deletes a webhook and its delivery log; returns its id.' })
  async deleteWebhook(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<string> {
    return ctx.services.webhooks.delete(id);
  }

  @Authorized(Role.ADMIN)
  @Query(() => WebhookDeliveryConnection, { description: 'The delivery log of the webhooks, newest first.' })
  async webhookDeliveries(
    @Args(() => DeliveriesArgs) args: DeliveriesArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Connection<WebhookDelivery>> {
    const page = await ctx.services.webhooks.deliveries(args);
    return toConnection({ ...page, items: page.items.map(toDeliveryView) });
  }
}
