import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { CalendarEvent, CalendarEventsArgs } from './calendar.type.js';

@Resolver()
export class CalendarResolver {
  @Query(() => [CalendarEvent], {
    description: 'Holidays of the retail calendar and promotion days of a series, for chart annotations.',
  })
  async calendarEvents(
    @Args(() => CalendarEventsArgs) args: CalendarEventsArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CalendarEvent[]> {
    const dataset = await ctx.services.datasets.require(ctx.tenantId, args.datasetId);
    return ctx.services.calendar.events(ctx.tenantId, dataset, args);
  }
}
