import { ArgsType, Field, Float, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../common/date.scalar.js';
import { SelectionArgs, SelectionView } from '../common/selection.type.js';
import { Dependence } from '../../app/forecasts/quantile-aggregation.js';

@ObjectType({ simpleResolvers: true, description: 'A period of a headline: inclusive dates.' })
export class HeadlinePeriod {
  @Field(() => DateScalar)
  from!: string;

  @Field(() => DateScalar)
  to!: string;

  @Field(() => Int, { description: 'Calendar days of the forecast period this one is compared with.' })
  days!: number;

  @Field(() => Int, {
    description:
      'Dates of the period with at least one known sale (0 for the forecast period). Fewer than `days`: the comparison is partial (history starts or ends inside it).',
  })
  daysWithData!: number;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'One headline measure (units or revenue): the forecast total of the period with its 80 % interval (the distribution of a sum, never summed quantiles), and the known totals it is compared with.',
})
export class HeadlineMeasure {
  @Field(() => Float, { description: '10 % quantile of the total over the period.' })
  p10!: number;

  @Field(() => Float, { description: 'Median of the total over the period.' })
  p50!: number;

  @Field(() => Float, { description: '90 % quantile of the total over the period.' })
  p90!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Known total of the same number of days just before the forecast.',
  })
  lastPeriod!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Known total of the same days a year earlier (52 weeks back, so weekdays match; monthly data: 12 months).',
  })
  lastYear!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: '`p50` against `lastPeriod`: 0.12 is 12 % more, −0.05 is 5 % less; null without a positive reference.',
  })
  changeVsLastPeriod!: number | null;

  @Field(() => Float, { nullable: true, description: '`p50` against `lastYear`, as `changeVsLastPeriod`.' })
  changeVsLastYear!: number | null;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'Headline numbers of a dataset, a group or one series: the next weeks of units (and revenue where a price is known) with their interval, against the same period last year and the period just before.',
})
export class Headline extends SelectionView {
  @Field(() => String, { nullable: true, description: 'The `groupBy` asked for ("store=CA_1", "all"), if any.' })
  groupBy!: string | null;

  @Field(() => Int, { description: 'Weeks asked for.' })
  weeks!: number;

  @Field(() => HeadlinePeriod, {
    description: 'The forecast period: from the first forecast date, `weeks` × 7 days, cut at the last one.',
  })
  next!: HeadlinePeriod;

  @Field(() => HeadlinePeriod)
  lastPeriod!: HeadlinePeriod;

  @Field(() => HeadlinePeriod)
  lastYear!: HeadlinePeriod;

  @Field(() => HeadlineMeasure, { description: 'Units sold.' })
  units!: HeadlineMeasure;

  @Field(() => HeadlineMeasure, {
    nullable: true,
    description:
      'Units × price, over the series with a known price (the price of the day, else the last one before it: planned future prices when the data has them). Null when the dataset has no price covariate.',
  })
  revenue!: HeadlineMeasure | null;

  @Field(() => String, { nullable: true, description: 'The covariate read as the price (e.g. `price`), or null.' })
  priceCovariate!: string | null;

  @Field(() => Int, { description: 'Series of the selection whose revenue is counted (those with a known price).' })
  pricedSeriesCount!: number;
}

@ArgsType()
export class HeadlineArgs extends SelectionArgs {
  @Field(() => String, {
    nullable: true,
    description: '"attribute=value" ("store=CA_1": that group) or "all". An attribute alone is refused: one selection.',
  })
  groupBy?: string | null;

  @Field(() => Int, { nullable: true, description: 'Weeks of forecast summed, 1–52 (default 4).' })
  weeks?: number | null;

  @Field(() => Dependence, { nullable: true, description: 'How members are summed (default FITTED).' })
  dependence?: Dependence | null;
}
