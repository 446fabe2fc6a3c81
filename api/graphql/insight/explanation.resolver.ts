import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { ForecastExplanation } from './explanation.type.js';

@Resolver(() => ForecastExplanation)
export class ExplanationResolver {
  @Query(() => ForecastExplanation, {
    description:
      "How much each driver group (price, promotions, sales history, weekday, holidays) moved one forecast point of a succeeded run, in units, from the run's stored model; nothing is written.",
  })
  async explainForecast(
    @Arg('runId', () => ID) runId: string,
    @Arg('seriesId', () => String, { description: 'Series key.' }) seriesId: string,
    @Arg('date', () => String, { description: 'A forecast date of the run (YYYY-MM-DD).' }) date: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ForecastExplanation> {
    // Priced like a scenario of one series: a prediction per driver group.
    await ctx.readBudget?.charge(ctx.principal.subject, { series: 1, dates: 366, quantiles: 6, grouped: false });
    const r = await ctx.services.explanations.explain(ctx.tenantId, runId, seriesId, date);
    return { ...r, effects: r.effects.map((e) => ({ ...e })) };
  }
}
