import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../common/connection.type.js';
import { MODEL_KINDS, RunStatus } from '../../app/ports.js';

registerEnumType(RunStatus, {
  name: 'TrainingRunStatus',
  description: 'QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED.',
});

/** `auto` → `AUTO`: GraphQL enum names for the engine's model kinds. */
export const ModelKindValue = Object.fromEntries(MODEL_KINDS.map((k) => [k.toUpperCase(), k])) as Record<
  string,
  string
>;
registerEnumType(ModelKindValue, {
  name: 'ModelKind',
  description:
    'AUTO chooses by rolling-origin validation; the others force one model (deep: MLP, CONV1D, LSTM, GRU; baselines: SNAIVE, NAIVE, SES, THETA, CROSTON, TSB).',
});

@ObjectType({
  simpleResolvers: true,
  description: 'How far a run is. `eta` is an estimate from the time spent so far.',
})
export class TrainingProgress {
  @Field(() => Float, { description: '0..1 for the whole run.' })
  fraction!: number;

  @Field(() => Int, { nullable: true })
  epoch!: number | null;

  @Field(() => Int, { nullable: true })
  epochs!: number | null;

  @Field(() => Float, { nullable: true, description: 'Training loss (mean quantile loss on scaled values).' })
  loss!: number | null;

  @Field(() => Float, { nullable: true })
  validationLoss!: number | null;

  @Field(() => Float, { nullable: true, description: 'Seconds left, estimated; null when unknown or finished.' })
  eta!: number | null;

  @Field(() => String, { nullable: true, description: 'What the run is doing now, in words.' })
  message!: string | null;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'Accuracy on the rolling-origin backtest (definitions of shared/peers/score.py). Lower is better except coverage.',
})
export class MetricSet {
  @Field(() => Float, { nullable: true, description: 'Mean absolute scaled error (vs. in-sample seasonal naive).' })
  mase!: number | null;

  @Field(() => Float, { nullable: true })
  smape!: number | null;

  @Field(() => Float, { nullable: true })
  rmsse!: number | null;

  @Field(() => Float, { nullable: true, description: 'Weighted absolute percentage error.' })
  wape!: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean weighted quantile loss.' })
  wql!: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of actuals inside p10–p90 (nominal 0.8).' })
  coverage80!: number | null;

  @Field(() => Float, { nullable: true, description: 'Same as coverage80.' })
  coverage!: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'A model training run on a dataset.' })
export class TrainingRun {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  datasetId!: string;

  @Field(() => RunStatus)
  status!: RunStatus;

  @Field(() => ModelKindValue, { description: 'The model asked for.' })
  model!: string;

  @Field(() => String, { nullable: true, description: 'The model whose forecasts were stored (e.g. "mlp", "snaive").' })
  chosenModel!: string | null;

  @Field(() => Int)
  horizon!: number;

  @Field(() => [Float])
  quantiles!: number[];

  @Field(() => Int, { nullable: true })
  epochs!: number | null;

  @Field(() => Int)
  seed!: number;

  @Field(() => String, {
    nullable: true,
    description: 'TensorFlow.js backend that trained it (wasm, cpu, tensorflow).',
  })
  backend!: string | null;

  @Field(() => TrainingProgress)
  progress!: TrainingProgress;

  @Field(() => String, { nullable: true, description: 'Why the run FAILED or was CANCELLED.' })
  error!: string | null;

  @Field(() => [String], {
    description:
      'Things to know: fallbacks, a model that lost to its baseline, short series, days forecast as exactly 0 (closed days), a validation window left out because the whole shop jumped inside it.',
  })
  warnings!: string[];

  @Field(() => Int, {
    description:
      'Attempts started so far (the current one while RUNNING). On PostgreSQL a failed attempt, or one whose worker died, is retried with backoff.',
  })
  attempts!: number;

  @Field(() => Int, { description: 'Attempts the run gets before it ends FAILED (1 in the embedded SQLite mode).' })
  maxAttempts!: number;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  /** Internal ids, for field resolvers. */
  rowId!: number;
  datasetRowId!: number;
}

export const TrainingRunConnection = ConnectionType(TrainingRun, 'TrainingRun');

@InputType()
export class StartTrainingRunInput {
  @Field(() => ID)
  datasetId!: string;

  @Field(() => Int, { description: 'Steps to forecast, 1..FORECAST_MAX_HORIZON (365 by default).' })
  horizon!: number;

  @Field(() => ModelKindValue, { nullable: true, defaultValue: 'auto' })
  model?: string;

  @Field(() => [Float], {
    nullable: true,
    description: 'Quantile levels in (0, 1); 0.5 is always added. Default [0.1, 0.5, 0.9].',
  })
  quantiles?: number[] | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Training epochs of deep models, 1..500; model default when omitted.',
  })
  epochs?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Random seed; the same seed and data give the same forecast. Default 0.',
  })
  seed?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Rolling-origin validation windows, 1..10; engine default when omitted.',
  })
  origins?: number | null;
}
