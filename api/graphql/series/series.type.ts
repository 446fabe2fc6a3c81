import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Attribute } from '../common/attribute.type.js';
import { ConnectionType } from '../common/connection.type.js';
import { DateScalar } from '../common/date.scalar.js';

@ObjectType({
  simpleResolvers: true,
  description: 'One sales series (a product, a product in a store, …) of a dataset.',
})
export class Series {
  @Field(() => ID, { description: "The series' id as imported (the CSV's `series_id`); unique within its dataset." })
  id!: string;

  @Field(() => ID)
  datasetId!: string;

  @Field(() => [Attribute], { description: 'Static attributes, sorted by name.' })
  attributes!: Attribute[];

  @Field(() => DateScalar, { nullable: true })
  firstDate!: string | null;

  @Field(() => DateScalar, { nullable: true })
  lastDate!: string | null;

  @Field(() => Int, { description: 'Dates with a known value.' })
  valueCount!: number;

  /** Internal row id, for loaders; not in the schema. */
  rowId!: number;
}

export const SeriesConnection = ConnectionType(Series, 'Series');
