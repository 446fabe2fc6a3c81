import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { Role } from '../../auth/principal.js';
import { RunStatus, type TrainingRunRecord } from '../../app/ports.js';
import { toConnection, type Connection } from '../common/connection.type.js';
import type { GraphQLContext } from '../context.js';
import { Dataset } from '../dataset/dataset.type.js';
import { BacktestMetrics } from '../insight/insight.type.js';
import { chosenMetrics, toBacktestView } from '../../app/insights/insight.service.js';
import { toDatasetView, toRunView } from '../views.js';
import { MetricSet, StartTrainingRunInput, TrainingRun, TrainingRunConnection } from './training-run.type.js';

@ArgsType()
class TrainingRunsArgs {
  @Field(() => ID, { nullable: true, description: 'Only runs of this dataset.' })
  datasetId?: string | null;

  @Field(() => RunStatus, { nullable: true })
  status?: RunStatus | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 1..500 (default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

@Resolver(() => TrainingRun)
export class TrainingRunResolver {
  @Query(() => TrainingRunConnection, { description: 'Training runs, newest first.' })
  async trainingRuns(
    @Args(() => TrainingRunsArgs) args: TrainingRunsArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Connection<TrainingRun>> {
    const dataset = args.datasetId ? await ctx.services.datasets.require(ctx.tenantId, args.datasetId) : undefined;
    const page = await ctx.services.runs.list(ctx.tenantId, {
      status: args.status,
      first: args.first,
      after: args.after,
      ...(dataset ? { datasetId: dataset.id } : {}),
    });
    return toConnection({ ...page, items: page.items.map(toRunView) });
  }

  @Query(() => TrainingRun, {
    nullable: true,
    description: 'A run by id; poll it, or subscribe to trainingRunUpdated.',
  })
  async trainingRun(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<TrainingRun | null> {
    const run = await ctx.services.runs.get(ctx.tenantId, id);
    return run ? toRunView(run) : null;
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => TrainingRun, {
    description: 'Queues a training run and returns at once (status QUEUED); follow it with trainingRunUpdated.',
  })
  async startTrainingRun(
    @Arg('input', () => StartTrainingRunInput) input: StartTrainingRunInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TrainingRun> {
    const dataset = await ctx.services.datasets.require(ctx.tenantId, input.datasetId);
    return toRunView(await ctx.services.runs.start(ctx.tenantId, dataset, input));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => TrainingRun, {
    description:
      'Cancels a run: a queued one at once, a running one at its next batch. A finished run is returned unchanged.',
  })
  async cancelTrainingRun(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<TrainingRun> {
    return toRunView(await ctx.services.runs.cancel(ctx.tenantId, id));
  }

  @Subscription(() => TrainingRun, {
    description: 'The run now, then each change of status or progress until it ends (graphql-ws).',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { id: string }, GraphQLContext>) =>
      context.services.runs.follow(context.tenantId, args.id),
  })
  trainingRunUpdated(@Root() run: TrainingRunRecord, @Arg('id', () => ID) _id: string): TrainingRun {
    return toRunView(run);
  }

  @FieldResolver(() => MetricSet, {
    nullable: true,
    description: "The chosen model's backtest scores; null until SUCCEEDED.",
  })
  async metrics(@Root() run: TrainingRun, @Ctx() ctx: GraphQLContext): Promise<MetricSet | null> {
    if (run.status !== RunStatus.SUCCEEDED) return null;
    return chosenMetrics(await ctx.loaders.scoresByRun.load(run.rowId));
  }

  @FieldResolver(() => BacktestMetrics, {
    nullable: true,
    description: 'Same as Query.backtest; null until SUCCEEDED.',
  })
  async backtest(@Root() run: TrainingRun, @Ctx() ctx: GraphQLContext): Promise<BacktestMetrics | null> {
    if (run.status !== RunStatus.SUCCEEDED) return null;
    const record = await ctx.loaders.runById.load(run.rowId);
    return record ? toBacktestView(record, await ctx.loaders.scoresByRun.load(run.rowId)) : null;
  }

  @FieldResolver(() => Dataset, { nullable: true })
  async dataset(@Root() run: TrainingRun, @Ctx() ctx: GraphQLContext): Promise<Dataset | null> {
    const d = await ctx.loaders.datasetById.load(run.datasetRowId);
    return d ? toDatasetView(d) : null;
  }
}
