import { ArgsType, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Attribute, AttributeFilterInput } from '../common/attribute.type.js';
import { SelectionArgs, SelectionView } from '../common/selection.type.js';
import { ConnectionType } from '../common/connection.type.js';
import { DateScalar } from '../common/date.scalar.js';
import { Dependence } from '../../app/forecasts/quantile-aggregation.js';

export const Bucket = { DAY: 'day', WEEK: 'week', MONTH: 'month' } as const;
export type Bucket = (typeof Bucket)[keyof typeof Bucket];
registerEnumType(Bucket, {
  name: 'Bucket',
  description:
    'Time bucket of forecast points: DAY (as stored), WEEK (ISO weeks, labelled by their Monday), MONTH (labelled by the 1st).',
});
registerEnumType(Dependence, {
  name: 'Dependence',
  description:
    'How quantiles of several series or dates are combined (sample paths summed, never summed medians; each member with its mean and tails beyond its stored levels). FITTED (default): as the run measured on its validation errors — one common factor across series, autocorrelation across dates, and a spread factor fitted on validation totals; runs trained before distributions were stored sum as INDEPENDENT. INDEPENDENT: members independent. COMONOTONIC: members move together; the sum of the quantiles (the widest plausible interval).',
});

@ObjectType({ simpleResolvers: true, description: 'A forecast value at one quantile level.' })
export class QuantileValue {
  @Field(() => Float)
  level!: number;

  @Field(() => Float, { nullable: true })
  value!: number | null;
}

@ObjectType({
  simpleResolvers: true,
  description: 'One date (or bucket) of a forecast view: the actual, when known, and the forecast quantiles.',
})
export class ForecastPoint {
  @Field(() => DateScalar, { description: 'The date, or the first day of the bucket.' })
  date!: string;

  @Field(() => Float, {
    nullable: true,
    description:
      'Known sales, summed over the bucket; null on future dates, when unknown, and on a bucket that straddles the forecast start (its history days alone would read as a drop: see `p50`).',
  })
  actual!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Known sales summed over the days of the bucket that have them; null when none has. Equals `actual` on a bucket fully known; on a bucket straddling the forecast start it is what was sold so far (while `actual` is null and `p50` estimates the whole bucket).',
  })
  actualToDate!: number | null;

  @Field(() => Float, { nullable: true, description: '10 % quantile; null on dates without a forecast.' })
  p10!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Median forecast; null on dates without a forecast. On a bucket that straddles the forecast start: the actuals of its history days plus the forecast of its other days (likewise for every quantile).',
  })
  p50!: number | null;

  @Field(() => Float, { nullable: true, description: '90 % quantile; null on dates without a forecast.' })
  p90!: number | null;

  @Field(() => [QuantileValue], { description: 'The levels asked for in `quantiles` (the run’s levels by default).' })
  quantiles!: QuantileValue[];

  @Field(() => Int, {
    description: 'Days of the bucket within the range that have an actual or a forecast (1 for DAY).',
  })
  days!: number;

  @Field(() => Boolean, {
    description:
      'Whether `days` covers the whole bucket (7 days for WEEK, the month for MONTH). A partial bucket (cut by `from`/`to`, or the last forecast week ending mid-week) sums fewer days than its neighbours: drop or mark it.',
  })
  complete!: boolean;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'The points of a forecast as parallel arrays, one entry per point in the same order (entry i of every array is point i): the same values as `points`, in a shape that costs the server and the client far less per point.',
})
export class ForecastColumns {
  @Field(() => [DateScalar])
  dates!: string[];

  @Field(() => [Float], { nullable: 'items' })
  actual!: (number | null)[];

  @Field(() => [Float], { nullable: 'items' })
  p10!: (number | null)[];

  @Field(() => [Float], { nullable: 'items' })
  p50!: (number | null)[];

  @Field(() => [Float], { nullable: 'items' })
  p90!: (number | null)[];

  @Field(() => [[Float]], {
    nullable: 'items',
    description: 'One array per level of `Forecast.quantiles`, in that order.',
  })
  quantiles!: (number | null)[][];

  @Field(() => [Int])
  days!: number[];

  @Field(() => [Boolean])
  complete!: boolean[];
}

@ObjectType({
  simpleResolvers: true,
  description: 'The forecast of the series that share one value of the `groupBy` attribute.',
})
export class ForecastGroup {
  @Field(() => String)
  attribute!: string;

  @Field(() => String)
  value!: string;

  @Field(() => Int)
  seriesCount!: number;

  @Field(() => [ForecastPoint])
  points!: ForecastPoint[];
}

@ObjectType({
  simpleResolvers: true,
  description: 'Actuals and quantile forecasts of one series or of a total over many.',
})
export class Forecast extends SelectionView {
  @Field(() => String, { nullable: true, description: 'The attribute the groups are by, when asked.' })
  groupBy!: string | null;

  @Field(() => Bucket)
  bucket!: Bucket;

  @Field(() => [Float], { description: 'Levels of `points.quantiles`.' })
  quantiles!: number[];

  @Field(() => DateScalar, { nullable: true, description: 'First forecast date of the run.' })
  forecastStart!: string | null;

  @Field(() => [ForecastPoint], { description: 'Ordered by date.' })
  points!: ForecastPoint[];

  @Field(() => [ForecastGroup], { description: 'One total per value of `groupBy` (empty without it).' })
  groups!: ForecastGroup[];
}

@ArgsType()
export class ForecastArgs extends SelectionArgs {
  @Field(() => String, {
    nullable: true,
    description:
      'An attribute name ("store": one total per store in `groups`, plus the overall total in `points`), "attribute=value" ("store=CA_1": the total of that store), or "all".',
  })
  groupBy?: string | null;

  @Field(() => DateScalar, {
    nullable: true,
    description: 'First date shown; default: 4 horizons of history before the forecast.',
  })
  from?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Last date shown; default: the end of the forecast.' })
  to?: string | null;

  @Field(() => Bucket, { nullable: true, defaultValue: Bucket.DAY })
  bucket?: Bucket;

  @Field(() => [Float], {
    nullable: true,
    description:
      'Quantile levels in (0, 1) for `points.quantiles`: interpolated between the run’s levels, and beyond them computed from the forecast distribution (its tails). A run trained before distributions were stored refuses levels outside its own with BAD_USER_INPUT naming them.',
  })
  quantiles?: number[] | null;

  @Field(() => Dependence, { nullable: true, defaultValue: Dependence.FITTED })
  dependence?: Dependence;
}

@ObjectType({ simpleResolvers: true, description: 'A flat row for BI tools: one series on one forecast date.' })
export class ForecastTableRow {
  /** The dataset the row belongs to (not a field: what `stock` reads its plan from). */
  datasetId?: string;

  @Field(() => String)
  seriesId!: string;

  @Field(() => [Attribute])
  attributes!: Attribute[];

  @Field(() => DateScalar)
  date!: string;

  @Field(() => Float, { nullable: true })
  actual!: number | null;

  @Field(() => Float, { nullable: true })
  p10!: number | null;

  @Field(() => Float)
  p50!: number;

  @Field(() => Float, { nullable: true })
  p90!: number | null;

  @Field(() => [QuantileValue])
  quantiles!: QuantileValue[];
}

export const ForecastTableConnection = ConnectionType(ForecastTableRow, 'ForecastTable');

@ArgsType()
export class ForecastTableArgs {
  @Field(() => ID)
  datasetId!: string;

  @Field(() => ID, { nullable: true, description: 'The latest succeeded run when omitted.' })
  runId?: string | null;

  @Field(() => String, { nullable: true })
  seriesId?: string | null;

  @Field(() => [AttributeFilterInput], { nullable: true })
  where?: AttributeFilterInput[] | null;

  @Field(() => DateScalar, { nullable: true })
  from?: string | null;

  @Field(() => DateScalar, { nullable: true })
  to?: string | null;

  @Field(() => [Float], { nullable: true })
  quantiles?: number[] | null;

  @Field(() => Int, { nullable: true, defaultValue: 100, description: 'Rows a page, 1..500.' })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string | null;
}
