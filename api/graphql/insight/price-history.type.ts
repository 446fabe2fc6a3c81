import { ArgsType, Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../common/date.scalar.js';

@ObjectType({ simpleResolvers: true, description: "One day of a series' history: its price and units sold." })
export class PricePoint {
  @Field(() => DateScalar)
  date!: string;

  @Field(() => Float, { description: 'Units sold that day.' })
  units!: number;

  @Field(() => Float, { description: 'The price that day (the last one seen before it when the day has none).' })
  price!: number;

  @Field(() => Boolean, { description: 'Whether a promotion covariate (a name with "promo") was positive that day.' })
  promotion!: boolean;
}

@ObjectType({
  simpleResolvers: true,
  description: 'Median units a day in one price bin (history, days without a promotion).',
})
export class PriceResponseBin {
  @Field(() => Float, { description: "Median price of the bin's days." })
  price!: number;

  @Field(() => Float, { description: 'Median units a day.' })
  units!: number;

  @Field(() => Int)
  days!: number;
}

@ObjectType({
  simpleResolvers: true,
  description:
    "A series' price against its units sold, day by day, and what a response curve needs beside it: the price in force when the forecast starts and the forecast's length (`priceResponse` totals ÷ `forecastDays` = units a day), and a curve from history alone.",
})
export class PriceHistory {
  @Field(() => String)
  seriesId!: string;

  @Field(() => String, { description: 'The covariate read as the price.' })
  covariate!: string;

  @Field(() => String, { nullable: true, description: 'The covariate read as promotions, if any.' })
  promotionCovariate!: string | null;

  @Field(() => DateScalar, { nullable: true })
  from!: string | null;

  @Field(() => DateScalar, { nullable: true })
  to!: string | null;

  @Field(() => [PricePoint], { description: 'Days with a known value and price, by date.' })
  points!: PricePoint[];

  @Field(() => Float, {
    nullable: true,
    description: "The price on the forecast's first date (a planned price, else the last one seen); null without one.",
  })
  currentPrice!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: "Dates of the latest succeeded run's forecast of the series; null without a run.",
  })
  forecastDays!: number | null;

  @Field(() => [PriceResponseBin], {
    description:
      'Median units a day per price bin (at most 6, each at least 7 days without a promotion); empty with less history.',
  })
  historyCurve!: PriceResponseBin[];
}

@ArgsType()
export class PriceHistoryArgs {
  @Field(() => ID)
  datasetId!: string;

  @Field(() => String, { description: 'The series.' })
  seriesId!: string;

  @Field(() => String, { nullable: true, description: 'The price covariate; default: the first named like "price".' })
  covariate?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'First day; default: 365 days before `to`.' })
  from?: string | null;

  @Field(() => DateScalar, { nullable: true, description: "Last day; default: the dataset's last date." })
  to?: string | null;
}
