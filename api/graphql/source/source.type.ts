import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar } from '../common/date.scalar.js';
import { FrequencyValue } from '../dataset/dataset.type.js';

export const SourceKindValue = { GENERIC: 'generic', WOOCOMMERCE: 'woocommerce', MAGENTO2: 'magento2' } as const;
export type SourceKindValue = (typeof SourceKindValue)[keyof typeof SourceKindValue];
registerEnumType(SourceKindValue, {
  name: 'SourceKind',
  description: "A data source's kind: any SQL query, or a shop preset.",
});

@ObjectType({
  simpleResolvers: true,
  description: 'One sync of a data source: what it read and wrote, or why it failed.',
})
export class SourceSync {
  @Field(() => String, { description: 'SUCCEEDED or FAILED.' })
  status!: string;

  @Field(() => Boolean, { description: 'Read everything (the first sync, or --full).' })
  full!: boolean;

  @Field(() => Date)
  startedAt!: Date;

  @Field(() => Float)
  seconds!: number;

  @Field(() => DateScalar, {
    nullable: true,
    description: 'First day of the window read (shop time zone); null: everything.',
  })
  windowFrom!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Last day with an order line read.' })
  windowTo!: string | null;

  @Field(() => Int, { description: 'Rows the source query returned.' })
  linesRead!: number;

  @Field(() => Int, { description: 'Daily rows (series × day) of the window.' })
  rowsInWindow!: number;

  @Field(() => Int, { description: "Daily rows on days after the previous sync's newest day (new data)." })
  newRows!: number;

  @Field(() => Int, { description: 'Stored daily rows of the window the source no longer has (cancelled orders).' })
  rowsDeleted!: number;

  @Field(() => Int)
  seriesCount!: number;

  @Field(() => String, { nullable: true, description: 'The error code of a failed sync (SOURCE_UNREACHABLE, …).' })
  errorCode!: string | null;

  @Field(() => String, { nullable: true })
  errorMessage!: string | null;
}

@ObjectType({
  simpleResolvers: true,
  description: 'A shop database a dataset is synced from (read-only; the connection by reference).',
})
export class DataSource {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => SourceKindValue)
  kind!: SourceKindValue;

  @Field(() => ID)
  datasetId!: string;

  @Field(() => String, { nullable: true, description: 'The environment variable holding the URL (never the URL).' })
  urlEnv!: string | null;

  @Field(() => String, { nullable: true, description: 'The file holding the URL.' })
  urlFile!: string | null;

  @Field(() => String)
  timezone!: string;

  @Field(() => Int)
  rereadDays!: number;

  @Field(() => Date, { nullable: true, description: 'Newest order time the last successful sync read.' })
  watermark!: Date | null;

  @Field(() => SourceSync, { nullable: true })
  lastSync!: SourceSync | null;

  @Field(() => Int, { nullable: true, description: 'Sync every N minutes while the server runs.' })
  syncEveryMinutes!: number | null;
}

@InputType({ description: 'A new data source; the dataset is created when missing.' })
export class CreateDataSourceInput {
  @Field(() => String)
  name!: string;

  @Field(() => SourceKindValue)
  kind!: SourceKindValue;

  @Field(() => String, {
    nullable: true,
    description: "Name of the environment variable holding the shop database's URL.",
  })
  urlEnv?: string | null;

  @Field(() => String, { nullable: true, description: 'Or: an absolute path of a file holding the URL.' })
  urlFile?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Generic kind: the SELECT (series_id, ordered_at or date, quantity[, unit_price, store, channel, country, category]).',
  })
  query?: string | null;

  @Field(() => String, { nullable: true, description: 'Table prefix (WooCommerce default wp_).' })
  prefix?: string | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone of the shop (default UTC).' })
  timezone?: string | null;

  @Field(() => String, { description: 'Dataset to sync into (created when missing).' })
  dataset!: string;

  @Field(() => [String], {
    nullable: true,
    description: 'Order statuses that count (WooCommerce default completed, processing).',
  })
  statuses?: string[] | null;

  @Field(() => String, { nullable: true, description: 'WooCommerce: own (default) or rollup.' })
  variations?: string | null;

  @Field(() => String, { nullable: true, description: 'Magento 2: child (default) or parent.' })
  configurable?: string | null;

  @Field(() => String, { nullable: true, description: 'net (default) or ignore.' })
  refunds?: string | null;

  @Field(() => Int, { nullable: true })
  rereadDays?: number | null;

  @Field(() => Int, { nullable: true })
  rowLimit?: number | null;

  @Field(() => Int, { nullable: true })
  statementTimeoutSeconds?: number | null;

  @Field(() => Int, { nullable: true, description: 'Sync every N minutes while the server runs.' })
  syncEveryMinutes?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Start a training run after a sync that changed at least this many daily rows.',
  })
  retrainAfterRows?: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'A row the source query returned (dry run).' })
export class SourceSampleRow {
  @Field(() => String)
  seriesId!: string;

  @Field(() => String)
  at!: string;

  @Field(() => Float)
  quantity!: number;

  @Field(() => Float, { nullable: true })
  unitPrice!: number | null;

  @Field(() => [String])
  attributes!: string[];
}

@ObjectType({ simpleResolvers: true, description: 'What a sync would read now; nothing was written.' })
export class SourceTest {
  @Field(() => [String])
  columns!: string[];

  @Field(() => String, { description: 'lines (order lines) or daily (daily rows).' })
  shape!: string;

  @Field(() => [SourceSampleRow])
  sample!: SourceSampleRow[];

  @Field(() => Int)
  linesRead!: number;

  @Field(() => Int)
  seriesCount!: number;

  @Field(() => FrequencyValue)
  frequency!: FrequencyValue;

  @Field(() => DateScalar, { nullable: true })
  firstDate!: string | null;

  @Field(() => DateScalar, { nullable: true })
  lastDate!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'First day of the window; null: everything.' })
  windowFrom!: string | null;
}
