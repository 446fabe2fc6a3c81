import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Query, Resolver, Root, Arg, Float } from 'type-graphql';
import { AttributeFilterInput } from '../common/attribute.type.js';
import { toConnection, type Connection } from '../common/connection.type.js';
import { DateScalar } from '../common/date.scalar.js';
import type { GraphQLContext } from '../context.js';
import { Forecast } from '../forecast/forecast.type.js';
import { toForecastType } from '../forecast/forecast.resolver.js';
import { toSeriesView } from '../views.js';
import { Series, SeriesConnection } from './series.type.js';

@ArgsType()
class SeriesArgs {
  @Field(() => ID)
  datasetId!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Case-insensitive part of the series id or of an attribute value.',
  })
  search?: string | null;

  @Field(() => [AttributeFilterInput], { nullable: true, description: 'Only series with all these attribute values.' })
  where?: AttributeFilterInput[] | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 1..500 (default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

@Resolver(() => Series)
export class SeriesResolver {
  @Query(() => SeriesConnection, {
    description: 'Series of a dataset, ordered by id; filter by attribute, search by id.',
  })
  async series(@Args(() => SeriesArgs) args: SeriesArgs, @Ctx() ctx: GraphQLContext): Promise<Connection<Series>> {
    const dataset = await ctx.services.datasets.require(ctx.tenantId, args.datasetId);
    const page = await ctx.services.series.list(ctx.tenantId, dataset, args);
    return toConnection({ ...page, items: page.items.map(toSeriesView) });
  }

  @FieldResolver(() => Forecast, {
    nullable: true,
    description:
      "This series' forecast from a run (the dataset's latest succeeded one by default); null before any run succeeded.",
  })
  async forecast(
    @Root() series: Series,
    @Ctx() ctx: GraphQLContext,
    @Arg('runId', () => ID, { nullable: true }) runId?: string | null,
    @Arg('from', () => DateScalar, { nullable: true }) from?: string | null,
    @Arg('to', () => DateScalar, { nullable: true }) to?: string | null,
    @Arg('quantiles', () => [Float], { nullable: true }) quantiles?: number[] | null,
  ): Promise<Forecast | null> {
    const datasetId = Number(series.datasetId);
    const dataset = await ctx.loaders.datasetById.load(datasetId);
    if (!dataset) return null;
    const run = runId
      ? await ctx.services.forecasts.resolveRun(ctx.tenantId, dataset, runId)
      : await ctx.loaders.latestRunByDataset.load(datasetId);
    if (!run) return null;
    const view = await ctx.services.forecasts.seriesForecast(
      dataset,
      run,
      { id: series.rowId, key: series.id },
      { from, to, quantiles },
      {
        forecasts: (rid: number, sid: number) => ctx.loaders.seriesForecast.load({ runId: rid, seriesId: sid }),
        actuals: (sid: number, f: string | undefined, t: string | undefined) =>
          ctx.loaders.seriesActuals.load({ seriesId: sid, from: f, to: t }),
      },
    );
    return toForecastType(view);
  }
}
