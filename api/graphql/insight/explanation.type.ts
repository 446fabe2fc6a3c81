import { Field, Float, ID, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'How much one driver group moved one forecast point.' })
export class DriverEffect {
  @Field(() => String, { description: 'Group key: `covariate:price`, `history`, `holiday:black_friday`, `weekday`, …' })
  feature!: string;

  @Field(() => String, { description: 'Words for the group ("Price", "Sales history", "Black Friday").' })
  label!: string;

  @Field(() => Float, {
    description:
      'Forecast minus the forecast with this group at its neutral value, in units: positive raised the forecast.',
  })
  effect!: number;

  @Field(() => Float, { nullable: true, description: "The covariate's value on the date (covariates only)." })
  value!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: "The neutral value it was replaced by: 0 for a 0/1 flag, else the series' median (its usual price).",
  })
  neutral!: number | null;
}

@ObjectType({
  simpleResolvers: true,
  description:
    "A forecast point explained by occlusion: each driver group set to a neutral value and the run's stored model asked again.",
})
export class ForecastExplanation {
  @Field(() => ID)
  runId!: string;

  @Field(() => ID)
  datasetId!: string;

  @Field(() => String, { description: 'The model that made the forecast.' })
  model!: string;

  @Field(() => String, { description: 'Series key.' })
  seriesId!: string;

  @Field(() => String, { description: 'The forecast date explained (ISO).' })
  date!: string;

  @Field(() => Float, { description: 'The forecast explained, in units (see `measure`).' })
  forecast!: number;

  @Field(() => String, { description: '"mean" where the run fitted a distribution, else "median".' })
  measure!: string;

  @Field(() => [DriverEffect], { description: 'Largest effect (absolute units) first; effects need not add up.' })
  effects!: DriverEffect[];
}
