/**
 * What every forecast view of a selection (one series, a group of series or the whole dataset)
 * shares: `Forecast` and `Headline` answer with these fields and take these arguments.
 */
import { ArgsType, Field, ID, Int, ObjectType } from 'type-graphql';
import { Dependence } from '../../app/forecasts/quantile-aggregation.js';
import { Attribute, AttributeFilterInput } from './attribute.type.js';

/** Not a type of the schema itself (never referenced): the fields `Forecast` and `Headline` inherit. */
@ObjectType()
export abstract class SelectionView {
  @Field(() => ID)
  datasetId!: string;

  @Field(() => ID, { description: 'The (succeeded) training run the forecast comes from.' })
  runId!: string;

  @Field(() => String, { nullable: true, description: 'Set when the view is of one series.' })
  seriesId!: string | null;

  @Field(() => [Attribute], { description: 'The attribute filters the totals are over (empty = all series).' })
  filters!: Attribute[];

  @Field(() => Int, { description: 'Series in the selection (summed into the totals).' })
  seriesCount!: number;

  @Field(() => Dependence)
  dependence!: Dependence;
}

@ArgsType()
export class SelectionArgs {
  @Field(() => ID)
  datasetId!: string;

  @Field(() => String, { nullable: true, description: 'One series by its id. Omit for a total.' })
  seriesId?: string | null;

  @Field(() => [AttributeFilterInput], { nullable: true, description: 'Only series with all these attribute values.' })
  where?: AttributeFilterInput[] | null;

  @Field(() => ID, { nullable: true, description: 'A succeeded run of the dataset; the latest one when omitted.' })
  runId?: string | null;
}
