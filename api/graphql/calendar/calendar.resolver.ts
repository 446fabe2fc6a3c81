import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { CalendarEvent, CalendarEventsArgs } from './calendar.type.js';

@Resolver()
export class CalendarResolver {
  @Query(() => [CalendarEvent], {
    description:
      "Holidays and commerce events of the dataset's calendar (its `country`; a series' own `country` attribute when `seriesId` names one; none: the Western retail calendar) and promotion days of a series, for chart annotations.",
  })
  async calendarEvents(
    @Args(() => CalendarEventsArgs) args: CalendarEventsArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CalendarEvent[]> {
    const dataset = await ctx.services.datasets.require(ctx.tenantId, args.datasetId);
    return ctx.services.calendar.events(ctx.tenantId, dataset, args);
  }
}
