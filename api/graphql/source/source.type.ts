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

@ObjectType({ simpleResolvers: true, description: 'When a source retrains its dataset (any one condition suffices).' })
export class RetrainWhen {
  @Field(() => Int, {
    nullable: true,
    description: 'After syncs brought at least this many daily rows (series × day) on new days.',
  })
  newRows!: number | null;

  @Field(() => Int, { nullable: true, description: 'After the newest synced day moved on by at least this many days.' })
  newDays!: number | null;

  @Field(() => Int, { nullable: true, description: 'Every N minutes, whatever arrived.' })
  everyMinutes!: number | null;
}

@ObjectType({
  simpleResolvers: true,
  description:
    "A source's schedule: syncs every N minutes while a server runs (pg-boss's cron on PostgreSQL, a timer on SQLite) and retrains as ordinary training runs.",
})
export class SourceScheduleView {
  @Field(() => Int, { nullable: true, description: 'Sync every N minutes; null: only on demand.' })
  syncEveryMinutes!: number | null;

  @Field(() => Date, { nullable: true, description: 'When the next scheduled sync is due.' })
  nextSyncAt!: Date | null;

  @Field(() => RetrainWhen, { nullable: true, description: 'When a training run follows; null: never on its own.' })
  retrainWhen!: RetrainWhen | null;

  @Field(() => Int, { description: 'Daily rows on new days synced since the last scheduled retrain.' })
  rowsSinceRetrain!: number;

  @Field(() => Date, { nullable: true })
  lastRetrainAt!: Date | null;

  @Field(() => ID, { nullable: true, description: "The last scheduled retrain's training run." })
  lastRetrainRunId!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A sync running now (in any server process).' })
export class SourceSyncProgress {
  @Field(() => String, { description: 'CONNECTING, READING (the source) or WRITING (the dataset).' })
  phase!: string;

  @Field(() => Int, { description: 'Rows the source query returned so far.' })
  linesRead!: number;

  @Field(() => Boolean)
  full!: boolean;

  @Field(() => Date)
  startedAt!: Date;

  @Field(() => Date, { description: 'When the sync last reported (about every second while it reads).' })
  updatedAt!: Date;
}

@InputType({ description: 'When a source retrains its dataset; leave every field out for never.' })
export class RetrainWhenInput {
  @Field(() => Int, { nullable: true, description: 'After at least this many new daily rows.' })
  newRows?: number | null;

  @Field(() => Int, { nullable: true, description: 'After at least this many new days.' })
  newDays?: number | null;

  @Field(() => String, { nullable: true, description: 'Every so often: a duration such as 24h or 7d.' })
  every?: string | null;
}

@InputType({ description: 'A change of schedule: a field left out keeps its value, null clears it.' })
export class SourceScheduleInput {
  @Field(() => String, {
    nullable: true,
    description: 'Sync every so often: a duration such as 15m, 2h or 1d; null or "off": only on demand.',
  })
  syncEvery?: string | null;

  @Field(() => RetrainWhenInput, { nullable: true, description: 'Replaces the retrain policy; null: never.' })
  retrainWhen?: RetrainWhenInput | null;
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

  @Field(() => Int, { nullable: true, description: 'Sync every N minutes while the server runs (also in schedule).' })
  syncEveryMinutes!: number | null;

  @Field(() => SourceScheduleView)
  schedule!: SourceScheduleView;

  @Field(() => SourceSyncProgress, {
    nullable: true,
    description: 'The sync running now, as it last reported (poll it); null when none runs.',
  })
  syncProgress!: SourceSyncProgress | null;
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
    description: 'Start a training run once syncs brought at least this many new daily rows (retrainWhen.newRows).',
  })
  retrainAfterRows?: number | null;

  @Field(() => String, { nullable: true, description: 'Sync every so often: a duration such as 15m, 2h or 1d.' })
  syncEvery?: string | null;

  @Field(() => RetrainWhenInput, { nullable: true, description: 'When a training run follows the syncs.' })
  retrainWhen?: RetrainWhenInput | null;
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
