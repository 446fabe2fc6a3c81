import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar } from '../common/date.scalar.js';
import { ConnectionType } from '../common/connection.type.js';

/** Grid frequency as GraphQL names it; the values are the engine's codes. */
export const FrequencyValue = { DAY: 'D', WEEK: 'W', MONTH: 'M' } as const;
export type FrequencyValue = (typeof FrequencyValue)[keyof typeof FrequencyValue];
registerEnumType(FrequencyValue, {
  name: 'Frequency',
  description: 'How often a dataset has a value: daily, weekly or monthly.',
});

/** What a dataset's values measure (app/datasets/dataset-unit.ts). */
export const DatasetUnitValue = { UNITS: 'UNITS', MONEY: 'MONEY' } as const;
export type DatasetUnitValue = (typeof DatasetUnitValue)[keyof typeof DatasetUnitValue];
registerEnumType(DatasetUnitValue, {
  name: 'DatasetUnit',
  description:
    'What the values measure. UNITS: quantities sold; every forecast quantile and mean is ≥ 0, even where returns were imported. MONEY: revenue; forecasts go below 0 only when the dataset allows negative values (refunds).',
});

@ObjectType({ simpleResolvers: true, description: 'A dynamic covariate column of a dataset (price, promotion, …).' })
export class Covariate {
  @Field(() => String)
  name!: string;

  @Field(() => Boolean, { description: 'True when future values are given (planned prices, promotions).' })
  knownInAdvance!: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'A named panel of sales series of one shop.' })
export class Dataset {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => FrequencyValue)
  frequency!: FrequencyValue;

  @Field(() => Int)
  seriesCount!: number;

  @Field(() => Int, { description: 'Imported rows (series × date), future covariate rows included.' })
  rowCount!: number;

  @Field(() => DateScalar, { nullable: true, description: 'First date with a known value.' })
  firstDate!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Last date with a known value.' })
  lastDate!: string | null;

  @Field(() => [Covariate])
  covariates!: Covariate[];

  @Field(() => [String], { description: 'Names of the static attributes, usable in `groupBy` and filters.' })
  attributes!: string[];

  @Field(() => String, {
    nullable: true,
    description:
      'ISO 3166 country or region (CN, US, GB, DE, DE-BY, …) whose holidays and commerce events the models, importance and `calendarEvents` use. Null: a `country` attribute of the series if the data has one, else the Western retail calendar (Christmas, New Year, Easter, Thanksgiving, Black Friday, Cyber Monday).',
  })
  country!: string | null;

  @Field(() => DatasetUnitValue, { description: 'What the values measure: UNITS (never forecast below 0) or MONEY.' })
  unit!: DatasetUnitValue;

  @Field(() => Boolean, {
    description:
      'The dataset accepts negative values (returns, refunds). Forecasts go below 0 only when it is also in MONEY.',
  })
  allowNegative!: boolean;

  @Field(() => Date)
  createdAt!: Date;
}

export const DatasetConnection = ConnectionType(Dataset, 'Dataset');

@InputType()
export class CreateDatasetInput {
  @Field(() => String, { description: 'Unique within the shop; 1–200 characters.' })
  name!: string;

  @Field(() => FrequencyValue, {
    nullable: true,
    description: 'Detected from the dates of the first import when omitted.',
  })
  frequency?: FrequencyValue | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Country or region of the holiday calendar: an ISO 3166 code (CN, US, GB or UK, DE, …; a region as DE-BY) or an English country name. Omitted: taken from a `country` attribute of the first import that has one, else the Western retail calendar.',
  })
  country?: string | null;

  @Field(() => DatasetUnitValue, { nullable: true, description: 'What the values measure; UNITS when omitted.' })
  unit?: DatasetUnitValue | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Accept negative values (returns, refunds); false when omitted. Forecasts go below 0 only for a MONEY dataset.',
  })
  allowNegative?: boolean | null;
}

@InputType({ description: 'A numeric value of one observation: a covariate (price, promotion, …).' })
export class CovariateValueInput {
  @Field(() => String)
  name!: string;

  @Field(() => Float, { nullable: true, description: 'Null: unknown on this date.' })
  value!: number | null;
}

@InputType({ description: 'A static attribute of the series (store, category, …): the same in all its rows.' })
export class AttributeValueInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  value!: string;
}

@InputType({
  description:
    'One observation of long-format sales data: the fields of a CSV row (series_id, date, value, covariate and attribute columns). Validated by the same rules.',
})
export class ObservationInput {
  @Field(() => String, { description: "The series (the CSV's series_id)." })
  seriesId!: string;

  @Field(() => String, { description: 'The date, YYYY-MM-DD (checked like the CSV date column).' })
  date!: string;

  @Field(() => Float, {
    nullable: true,
    description: 'Units sold; null when unknown (or on a future date that only carries covariates).',
  })
  value?: number | null;

  @Field(() => [CovariateValueInput], { nullable: true })
  covariates?: CovariateValueInput[] | null;

  @Field(() => [AttributeValueInput], { nullable: true })
  attributes?: AttributeValueInput[] | null;
}

@ObjectType({ simpleResolvers: true, description: 'What an import did.' })
export class ImportResult {
  @Field(() => Int, { description: 'Data rows (CSV rows or `rows` entries) read and stored (inserted or updated).' })
  rowsImported!: number;

  @Field(() => Int, { description: 'Series of the dataset after the import.' })
  seriesCount!: number;

  @Field(() => Dataset)
  dataset!: Dataset;
}
