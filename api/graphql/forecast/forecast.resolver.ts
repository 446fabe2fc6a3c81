import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { toAttributes } from '../common/attribute.type.js';
import { toConnection, type Connection } from '../common/connection.type.js';
import type { GraphQLContext } from '../context.js';
import { toColumns } from '../../app/forecasts/forecast-shape.js';
import { quantileAt } from '../../app/forecasts/quantile-aggregation.js';
import { toPointView } from '../views.js';
import type { ForecastTableItem, ForecastView } from '../../app/forecasts/forecast.service.js';
import {
  Forecast,
  ForecastArgs,
  ForecastColumns,
  ForecastPoint,
  ForecastTableArgs,
  ForecastTableConnection,
  type ForecastTableRow,
} from './forecast.type.js';

export function toForecastType(v: ForecastView): Forecast {
  return {
    ...v,
    points: v.points.map(toPointView),
    groups: v.groups.map((g) => ({ ...g, points: g.points.map(toPointView) })),
  };
}

/** Dates from `from` to `to` (both given), else a year: what a forecast read will cover at most. */
function datesBetween(from: string | null | undefined, to: string | null | undefined): number {
  if (!from || !to) return 366;
  return Math.max(1, Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1);
}

@Resolver(() => Forecast)
export class ForecastResolver {
  @FieldResolver(() => ForecastColumns, {
    description:
      'The same points as parallel arrays (`dates`, `actual`, `p10`, …), for charts: far cheaper to compute and to parse than `points` objects.',
  })
  columns(@Root() forecast: Forecast): ForecastColumns {
    return toColumns(forecast.points, forecast.quantiles.length);
  }

  @Query(() => Forecast, {
    nullable: true,
    description:
      'Actuals and quantile forecasts of one series (`seriesId`) or of a total (`groupBy`, `where`), by DAY, WEEK or MONTH. Totals aggregate quantiles properly (see `Dependence`). Null while the dataset has no succeeded run.',
  })
  async forecast(@Args(() => ForecastArgs) args: ForecastArgs, @Ctx() ctx: GraphQLContext): Promise<Forecast | null> {
    const dataset = await ctx.services.datasets.require(ctx.tenantId, args.datasetId);
    // Priced by what it touches (issue 17): a total over every series costs that many series.
    await ctx.readBudget?.charge(ctx.principal.subject, {
      series: args.seriesId ? 1 : dataset.seriesCount,
      dates: datesBetween(args.from, args.to),
      quantiles: args.quantiles?.length ?? 3,
      grouped: !args.seriesId && !!args.groupBy && args.groupBy !== 'all' && !args.groupBy.includes('='),
    });
    const view = await ctx.services.forecasts.forecast(ctx.tenantId, dataset, args);
    return view ? toForecastType(view) : null;
  }

  @Query(() => [ForecastPoint], {
    description:
      'Known sales of one series (`seriesId`) or a total (`groupBy` "attribute=value", `where`), by DAY, WEEK or MONTH, without a forecast: answered also before the dataset has a succeeded run. Default range: the whole history. `runId`, `quantiles` and `dependence` are ignored.',
  })
  async salesHistory(
    @Args(() => ForecastArgs) args: ForecastArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ForecastPoint[]> {
    const dataset = await ctx.services.datasets.require(ctx.tenantId, args.datasetId);
    const points = await ctx.services.forecasts.history(ctx.tenantId, dataset, args);
    return points.map(toPointView);
  }

  @Query(() => ForecastTableConnection, {
    description: 'Flat rows (series × forecast date) with attributes, actual and quantiles, paged, for BI tools.',
  })
  async forecastTable(
    @Args(() => ForecastTableArgs) args: ForecastTableArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Connection<ForecastTableRow>> {
    const dataset = await ctx.services.datasets.require(ctx.tenantId, args.datasetId);
    const page = await ctx.services.forecasts.table(ctx.tenantId, dataset, args);
    return toConnection({
      ...page,
      items: page.items.map((r: ForecastTableItem) => {
        const member = { levels: r.levels, values: r.values, mean: r.mean };
        const at = (l: number): number | null => (r.levels.includes(l) ? r.values[r.levels.indexOf(l)]! : null);
        return {
          datasetId: String(dataset.id),
          seriesId: r.seriesKey,
          attributes: toAttributes(r.attributes),
          date: r.date,
          actual: r.actual,
          p10: at(0.1),
          p50: at(0.5) ?? quantileAt(member, 0.5),
          p90: at(0.9),
          quantiles: r.requested.map((level: number) => ({ level, value: quantileAt(member, level) })),
        };
      }),
    });
  }
}
