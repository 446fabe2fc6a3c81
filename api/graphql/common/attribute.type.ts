import { Field, InputType, ObjectType } from 'type-graphql';

@ObjectType({
  simpleResolvers: true,
  description: 'A static attribute of a series (store, category, …): constant over time.',
})
export class Attribute {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  value!: string;
}

@InputType({ description: 'Keeps the series whose static attribute `name` equals `value`.' })
export class AttributeFilterInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  value!: string;
}

/** `{store: 'CA_1'}` → `[{name: 'store', value: 'CA_1'}]`, in a stable order. */
export function toAttributes(record: Readonly<Record<string, string>>): Attribute[] {
  return Object.keys(record)
    .toSorted()
    .map((name) => ({ name, value: record[name]! }));
}
