import { ArgsType, Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { AttributeFilterInput } from '../common/attribute.type.js';
import { DateScalar } from '../common/date.scalar.js';
import { Bucket } from '../forecast/forecast.type.js';

@InputType({
  description:
    'One change of a scenario: a covariate set to `value`, or moved by `percentChange` % (−10 = a 10 % cut), on the forecast dates from `from` to `to`. Give exactly one of `value` and `percentChange`.',
})
export class ScenarioChangeInput {
  @Field(() => String, { description: 'A covariate the model reads for future dates (e.g. `price`, `promo`).' })
  covariate!: string;

  @Field(() => DateScalar, { nullable: true, description: 'First date changed; default: the first forecast date.' })
  from?: string | null;

  @Field(() => DateScalar, {
    nullable: true,
    description: 'Last date changed (inclusive); default: the last forecast date.',
  })
  to?: string | null;

  @Field(() => Float, { nullable: true, description: 'The value the covariate takes on those dates.' })
  value?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: "Or: the covariate's planned value moved by this many per cent (−10 = 10 % lower).",
  })
  percentChange?: number | null;
}

@ArgsType()
export class ScenarioArgs {
  @Field(() => ID)
  datasetId!: string;

  @Field(() => String, { nullable: true, description: 'One series by its id. Omit for a total (`groupBy`).' })
  seriesId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'A total: "attribute=value" ("store=CA_1": the series of that store, each changed) or "all". (Per-group splits, "store" alone, are not offered for scenarios.)',
  })
  groupBy?: string | null;

  @Field(() => [AttributeFilterInput], { nullable: true, description: 'Only series with all these attribute values.' })
  where?: AttributeFilterInput[] | null;

  @Field(() => [ScenarioChangeInput], { description: 'The changes, applied to every selected series (1 to 20).' })
  changes!: ScenarioChangeInput[];

  @Field(() => Bucket, { nullable: true, defaultValue: Bucket.DAY })
  bucket?: Bucket;
}

@ArgsType()
export class SaveScenarioArgs extends ScenarioArgs {
  @Field(() => String, {
    description: 'The name planners know it by (1–200 characters); saving a name again replaces that scenario.',
  })
  name!: string;
}

@ObjectType({ simpleResolvers: true, description: 'One side (baseline or scenario) of a scenario point.' })
export class ScenarioSide {
  @Field(() => Float, { description: '10 % quantile of units.' })
  p10!: number;

  @Field(() => Float, { description: 'Median units.' })
  p50!: number;

  @Field(() => Float, { description: '90 % quantile of units.' })
  p90!: number;

  @Field(() => Float, { description: 'Expected units (the mean of the run’s forecast distribution): sums add up.' })
  mean!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Expected revenue, price × expected units; null where a series has no price on the date.',
  })
  revenue!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'The price on that date (one series by DAY only; null for totals and buckets).',
  })
  price!: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'One forecast date (or bucket) of a scenario.' })
export class ScenarioPoint {
  @Field(() => DateScalar, { description: 'The date, or the first day of the bucket.' })
  date!: string;

  @Field(() => ScenarioSide, { description: 'The forecast with the covariates as imported.' })
  baseline!: ScenarioSide;

  @Field(() => ScenarioSide, { description: 'The forecast with the changes applied.' })
  scenario!: ScenarioSide;

  @Field(() => Float, { description: 'Expected units, scenario minus baseline.' })
  difference!: number;

  @Field(() => Float, { description: 'Median units, scenario minus baseline.' })
  p50Difference!: number;

  @Field(() => Float, { nullable: true, description: 'Expected revenue, scenario minus baseline.' })
  revenueDifference!: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'A scenario over its whole window.' })
export class ScenarioTotals {
  @Field(() => Float)
  baselineUnits!: number;

  @Field(() => Float)
  scenarioUnits!: number;

  @Field(() => Float)
  differenceUnits!: number;

  @Field(() => Float, { nullable: true, description: '`differenceUnits` over `baselineUnits`, in %.' })
  differencePercent!: number | null;

  @Field(() => Float, { nullable: true })
  baselineRevenue!: number | null;

  @Field(() => Float, { nullable: true })
  scenarioRevenue!: number | null;

  @Field(() => Float, { nullable: true })
  differenceRevenue!: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'A change as applied: its dates limited to the forecast window.' })
export class ScenarioChange {
  @Field(() => String)
  covariate!: string;

  @Field(() => DateScalar, {
    nullable: true,
    description: 'First date changed (null on a saved change: the window’s first).',
  })
  from!: string | null;

  @Field(() => DateScalar, {
    nullable: true,
    description: 'Last date changed (null on a saved change: the window’s last).',
  })
  to!: string | null;

  @Field(() => Float, { nullable: true })
  value!: number | null;

  @Field(() => Float, { nullable: true })
  percentChange!: number | null;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'What-if: the forecast of one series or a total with some covariates changed, answered by the stored model of the dataset’s latest succeeded run (no retraining, nothing written), beside the baseline.',
})
export class Scenario {
  @Field(() => ID)
  datasetId!: string;

  @Field(() => ID, { description: 'The run whose model answered.' })
  runId!: string;

  @Field(() => String, { description: 'That run’s chosen model.' })
  model!: string;

  @Field(() => String, { nullable: true })
  seriesId!: string | null;

  @Field(() => String, { nullable: true })
  groupBy!: string | null;

  @Field(() => Int, { description: 'Series the scenario covers.' })
  seriesCount!: number;

  @Field(() => Bucket)
  bucket!: Bucket;

  @Field(() => String, { nullable: true, description: 'The price covariate revenue is computed with.' })
  priceCovariate!: string | null;

  @Field(() => [ScenarioChange])
  changes!: ScenarioChange[];

  @Field(() => [String], {
    description: 'What to know: values outside those seen in training (the model extrapolates), clipped dates, …',
  })
  warnings!: string[];

  @Field(() => [ScenarioPoint])
  points!: ScenarioPoint[];

  @Field(() => ScenarioTotals)
  totals!: ScenarioTotals;
}

@ObjectType({
  description:
    'A saved, named scenario: its question is stored, its answer (`result`) computed again from the dataset’s latest succeeded run when read.',
})
export class SavedScenario {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  datasetId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  seriesId!: string | null;

  @Field(() => String, { nullable: true })
  groupBy!: string | null;

  @Field(() => [ScenarioChange], {
    description: 'The changes as saved (`from`/`to` as given; the window is resolved when answered).',
  })
  changes!: ScenarioChange[];

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

@ArgsType()
export class PriceResponseArgs {
  @Field(() => ID)
  datasetId!: string;

  @Field(() => String, { nullable: true, description: 'One series by its id. Omit for a total (`groupBy`).' })
  seriesId?: string | null;

  @Field(() => String, { nullable: true, description: 'A total: "attribute=value" or "all".' })
  groupBy?: string | null;

  @Field(() => [AttributeFilterInput], { nullable: true, description: 'Only series with all these attribute values.' })
  where?: AttributeFilterInput[] | null;

  @Field(() => String, { nullable: true, defaultValue: 'price', description: 'The price covariate moved.' })
  covariate?: string;

  @Field(() => [Float], {
    nullable: true,
    description:
      'Price changes in % over the whole forecast window (1–25 of them); default −30, −20, −10, 0, 10, 20, 30.',
  })
  percentChanges?: number[] | null;
}

@ObjectType({ simpleResolvers: true, description: 'One point of a price-response curve.' })
export class PriceResponsePoint {
  @Field(() => Float, { description: 'The price change, in %.' })
  percentChange!: number;

  @Field(() => Float, { description: 'Expected units over the forecast window at that price.' })
  units!: number;

  @Field(() => Float, { nullable: true, description: 'Expected revenue over the window (null without a price).' })
  revenue!: number | null;

  @Field(() => Float, { nullable: true, description: 'Units against the unchanged price, in %.' })
  unitsChangePercent!: number | null;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'How expected units and revenue respond to the price (a scenario per point, answered by the latest run’s model).',
})
export class PriceResponse {
  @Field(() => ID)
  runId!: string;

  @Field(() => String)
  covariate!: string;

  @Field(() => [PriceResponsePoint])
  points!: PriceResponsePoint[];

  @Field(() => [String])
  warnings!: string[];
}
