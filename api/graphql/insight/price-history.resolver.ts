import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { PriceHistory, PriceHistoryArgs } from './price-history.type.js';

@Resolver(() => PriceHistory)
export class PriceHistoryResolver {
  @Query(() => PriceHistory, {
    description:
      "A series' price against its units sold, day by day, promotions marked (what `<fq-price-response>` scatters), with the price when the forecast starts and a response curve from history alone; the model's curve is `priceResponse`.",
  })
  async priceHistory(
    @Args(() => PriceHistoryArgs) args: PriceHistoryArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PriceHistory> {
    const dataset = await ctx.services.datasets.require(ctx.tenantId, args.datasetId);
    return ctx.services.priceHistory.priceHistory(ctx.tenantId, dataset, args);
  }
}
