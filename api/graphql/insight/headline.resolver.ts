import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { Headline, HeadlineArgs } from './headline.type.js';

@Resolver(() => Headline)
export class HeadlineResolver {
  @Query(() => Headline, {
    nullable: true,
    description:
      'Headline numbers (what `<fq-kpis>` shows): the next `weeks` of units, and revenue where a price is known, with their 80 % interval, against the same period last year and the period just before; for the dataset, a group (`groupBy: "store=CA_1"`, `where`) or one series. Null while the dataset has no succeeded run.',
  })
  async headline(@Args(() => HeadlineArgs) args: HeadlineArgs, @Ctx() ctx: GraphQLContext): Promise<Headline | null> {
    const dataset = await ctx.services.datasets.require(ctx.tenantId, args.datasetId);
    // Priced like a forecast total (issue 17): series × dates × 3 levels, twice with revenue.
    await ctx.readBudget?.charge(ctx.principal.subject, {
      series: args.seriesId ? 1 : dataset.seriesCount,
      dates: 7 * (args.weeks ?? 4),
      quantiles: 3,
      grouped: dataset.covariates.length > 0,
    });
    return (await ctx.services.headlines.headline(ctx.tenantId, dataset, args)) ?? null;
  }
}
