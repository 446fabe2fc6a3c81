import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { MetricSet } from '../training/training-run.type.js';

@ObjectType({ simpleResolvers: true, description: "One model's rolling-origin backtest score." })
export class ModelScore {
  @Field(() => String, { description: 'Model alias as the engine names it (e.g. "mlp", "snaive").' })
  model!: string;

  @Field(() => Boolean, {
    description:
      'True for the reference models (seasonal naive, naive, SES, Theta, Croston, TSB, and the damped Holt-Winters models, multiplicative and additive).',
  })
  baseline!: boolean;

  @Field(() => Boolean, { description: 'True for the model whose forecasts the run stored.' })
  chosen!: boolean;

  @Field(() => Float, { nullable: true })
  mase!: number | null;

  @Field(() => Float, { nullable: true })
  smape!: number | null;

  @Field(() => Float, { nullable: true })
  rmsse!: number | null;

  @Field(() => Float, { nullable: true })
  wape!: number | null;

  @Field(() => Float, { nullable: true })
  wql!: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of actuals inside p10–p90 (nominal 0.8).' })
  coverage!: number | null;

  @Field(() => MetricSet)
  metrics!: MetricSet;
}

@ObjectType({
  simpleResolvers: true,
  description: "A run's rolling-origin backtest: the chosen model against the baselines.",
})
export class BacktestMetrics {
  @Field(() => ID)
  runId!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'The series these scores are of (its key), scored on its own validation windows; null for the whole dataset.',
  })
  seriesId!: string | null;

  @Field(() => Int)
  horizon!: number;

  @Field(() => Int, { description: 'Validation windows scored (for one series: the windows it took part in).' })
  origins!: number;

  @Field(() => String, { nullable: true })
  chosenModel!: string | null;

  @Field(() => [ModelScore], {
    description:
      "The chosen model first, then the others by name. For one series: the chosen model and seasonal naive, or none when the run did not score that series (outside the validation sample or too short; the dataset's backtest then applies).",
  })
  models!: ModelScore[];

  @Field(() => ModelScore, { nullable: true })
  seasonalNaive!: ModelScore | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Skill against seasonal naive: 1 − MASE(chosen) / MASE(seasonal naive); above 0 means better.',
  })
  skillVsSeasonalNaive!: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'How much a group of features drives the forecast.' })
export class FeatureImportance {
  @Field(() => String, { description: 'Stable key, e.g. "weekday", "covariate:price".' })
  feature!: string;

  @Field(() => String, { description: 'Plain words for a shop owner.' })
  label!: string;

  @Field(() => Float, { description: 'Share of the loss increase when the group is permuted (sums to 1).' })
  importance!: number;

  @Field(() => Int, { description: '1 = most important.' })
  rank!: number;
}
