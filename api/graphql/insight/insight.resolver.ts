import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { BacktestMetrics, FeatureImportance } from './insight.type.js';

@Resolver()
export class InsightResolver {
  @Query(() => BacktestMetrics, {
    description:
      "A succeeded run's rolling-origin backtest: its model against seasonal naive and the other baselines; with `seriesId`, that series' accuracy (the chosen model and seasonal naive on its own windows).",
  })
  async backtest(
    @Arg('runId', () => ID) runId: string,
    @Ctx() ctx: GraphQLContext,
    @Arg('seriesId', () => String, { nullable: true, description: 'A series key: its own accuracy.' })
    seriesId?: string | null,
  ): Promise<BacktestMetrics> {
    const run = await ctx.services.runs.require(ctx.tenantId, runId);
    if (seriesId !== null && seriesId !== undefined) {
      return ctx.services.insights.seriesBacktest(ctx.tenantId, run, seriesId);
    }
    return ctx.services.insights.backtest(run, await ctx.loaders.scoresByRun.load(run.id));
  }

  @Query(() => [FeatureImportance], {
    description: 'What drives the forecast, ranked (1 = most important); per series when the model has it.',
  })
  async featureImportance(
    @Arg('runId', () => ID) runId: string,
    @Ctx() ctx: GraphQLContext,
    @Arg('seriesId', () => String, { nullable: true }) seriesId?: string | null,
  ): Promise<FeatureImportance[]> {
    const run = await ctx.services.runs.require(ctx.tenantId, runId);
    return ctx.services.insights.featureImportance(ctx.tenantId, run, seriesId);
  }
}
