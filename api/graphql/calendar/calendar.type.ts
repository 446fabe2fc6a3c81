import { ArgsType, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar } from '../common/date.scalar.js';

import { CalendarEventKind } from '../../app/calendar/calendar.service.js';

registerEnumType(CalendarEventKind, {
  name: 'CalendarEventKind',
  description: 'HOLIDAY: a retail calendar event; PROMOTION: a date with a promotion covariate set.',
});

@ObjectType({ simpleResolvers: true, description: 'A date to annotate on a chart.' })
export class CalendarEvent {
  @Field(() => DateScalar)
  date!: string;

  @Field(() => CalendarEventKind)
  kind!: CalendarEventKind;

  @Field(() => String, { description: 'Plain words: "Christmas", "Black Friday", "Promotion (promo)".' })
  label!: string;
}

@ArgsType()
export class CalendarEventsArgs {
  @Field(() => ID)
  datasetId!: string;

  @Field(() => String, { nullable: true, description: 'Promotions are read from this series; holidays need none.' })
  seriesId?: string | null;

  @Field(() => DateScalar, {
    nullable: true,
    description: "Default: the dataset's first date, or the latest date that keeps the default range within 1098 days.",
  })
  from?: string | null;

  @Field(() => DateScalar, {
    nullable: true,
    description: "Default: one year after the dataset's last date, or 1098 days after `from` when that comes sooner.",
  })
  to?: string | null;
}
