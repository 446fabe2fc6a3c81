import { ArgsType, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { StockPlanOrder } from '../../app/stock/stock-plan.service.js';
import { Attribute, AttributeFilterInput } from '../common/attribute.type.js';
import { ConnectionType } from '../common/connection.type.js';
import { DateScalar } from '../common/date.scalar.js';

registerEnumType(StockPlanOrder, {
  name: 'StockPlanOrder',
  description:
    'Order of a stock plan: URGENCY (default: stock-out probability, highest first, then fewest days of cover), STOCKOUT_PROBABILITY_DESC, DAYS_OF_COVER_ASC, SUGGESTED_ORDER_DESC, SERIES_ASC. Rows without stock come last.',
});

@ObjectType({ simpleResolvers: true, description: 'A group of series whose stock and demand a plan pools.' })
export class StockGroup {
  @Field(() => String)
  attribute!: string;

  @Field(() => String)
  value!: string;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'What to order for one series (or one group, pooled) under a periodic-review, order-up-to policy at a target cycle service level, from the forecast distribution over the lead time plus review period (README "Stock planning" defines each figure).',
})
export class StockPlanRow {
  @Field(() => String, { nullable: true, description: 'The series; null for a group.' })
  seriesId!: string | null;

  @Field(() => StockGroup, { nullable: true, description: 'The group; null for one series.' })
  group!: StockGroup | null;

  @Field(() => Int)
  seriesCount!: number;

  @Field(() => [Attribute])
  attributes!: Attribute[];

  @Field(() => Float, { nullable: true, description: 'Units on hand; null where no stock was set (setStock).' })
  onHand!: number | null;

  @Field(() => Float, { nullable: true, description: 'Units ordered, not yet delivered.' })
  onOrder!: number | null;

  @Field(() => Float, { nullable: true, description: 'On hand + on order.' })
  inventoryPosition!: number | null;

  @Field(() => Int, { description: 'Lead time in periods (days for daily data).' })
  leadTime!: number;

  @Field(() => Int, { description: 'Review period in periods: how often this series is ordered.' })
  reviewPeriod!: number;

  @Field(() => Float, { description: 'Target cycle service level in (0, 1).' })
  serviceLevel!: number;

  @Field(() => DateScalar, { description: 'First forecast period the demand is counted from.' })
  planStart!: string;

  @Field(() => Int, { description: 'Lead time + review period.' })
  protectionPeriods!: number;

  @Field(() => Float, { description: 'E[demand over the lead time plus review period].' })
  expectedDemand!: number;

  @Field(() => Float, { description: 'Order-up-to level minus the expected demand.' })
  safetyStock!: number;

  @Field(() => Int, { description: 'Service-level quantile of the demand over the lead time.' })
  reorderPoint!: number;

  @Field(() => Int, { description: 'Service-level quantile of the demand over the lead time plus review period.' })
  orderUpTo!: number;

  @Field(() => Int, { nullable: true, description: 'max(0, order-up-to − inventory position), whole units.' })
  suggestedOrder!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Periods the stock on hand lasts at the expected demand; null without stock or without demand.',
  })
  daysOfCover!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'P(demand over the lead time > inventory position): a stock-out before an order placed now arrives.',
  })
  stockoutProbability!: number | null;
}

export const StockPlanConnection = ConnectionType(StockPlanRow, 'StockPlan');

@ArgsType()
export class StockPlanArgs {
  @Field(() => ID)
  datasetId!: string;

  @Field(() => String, { nullable: true, description: 'One series.' })
  seriesId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'An attribute ("store": one row per store, stock and demand pooled), "attribute=value" (a filter) or "all" (one pooled row).',
  })
  groupBy?: string | null;

  @Field(() => [AttributeFilterInput], { nullable: true })
  where?: AttributeFilterInput[] | null;

  @Field(() => Float, {
    nullable: true,
    description: "Target cycle service level for every row, in (0, 1); default each series' or the dataset's.",
  })
  serviceLevel?: number | null;

  @Field(() => StockPlanOrder, { nullable: true, defaultValue: StockPlanOrder.URGENCY })
  orderBy?: StockPlanOrder;

  @Field(() => Int, { nullable: true, defaultValue: 20, description: 'Rows a page, 1..500.' })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

@InputType({ description: "One series' stock, and its own policy where it differs from the dataset's." })
export class StockLevelInput {
  @Field(() => String)
  seriesId!: string;

  @Field(() => Float, { description: 'Units on hand, ≥ 0.' })
  onHand!: number;

  @Field(() => Float, { nullable: true, description: 'Units ordered, not yet delivered (default 0).' })
  onOrder?: number | null;

  @Field(() => DateScalar, {
    nullable: true,
    description: 'The day at whose end the stock was counted; default the end of the last observed period.',
  })
  asOf?: string | null;

  @Field(() => Int, { nullable: true, description: "Lead time in periods; default the dataset's." })
  leadTime?: number | null;

  @Field(() => Int, { nullable: true, description: "Review period in periods; default the dataset's." })
  reviewPeriod?: number | null;

  @Field(() => Float, { nullable: true, description: "Target cycle service level; default the dataset's." })
  serviceLevel?: number | null;
}

@InputType({ description: "A dataset's stock policy: the defaults of its series." })
export class StockPolicyInput {
  @Field(() => Int, { description: 'Lead time in periods (≥ 0).' })
  leadTime!: number;

  @Field(() => Int, { description: 'Review period in periods (≥ 1).' })
  reviewPeriod!: number;

  @Field(() => Float, { description: 'Target cycle service level in (0, 1).' })
  serviceLevel!: number;
}

@ObjectType({ simpleResolvers: true, description: "A dataset's stock policy." })
export class StockPolicy {
  @Field(() => Int)
  leadTime!: number;

  @Field(() => Int)
  reviewPeriod!: number;

  @Field(() => Float)
  serviceLevel!: number;

  @Field(() => Boolean, { description: 'True while the dataset uses the built-in defaults (no setStockPolicy yet).' })
  isDefault!: boolean;
}
