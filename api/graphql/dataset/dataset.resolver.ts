import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { Role } from '../../auth/principal.js';
import { toConnection, type Connection } from '../common/connection.type.js';
import type { GraphQLContext } from '../context.js';
import { TrainingRun } from '../training/training-run.type.js';
import { toDatasetView, toRunView } from '../views.js';
import {
  CreateDatasetInput,
  Dataset,
  DatasetConnection,
  DatasetUnitValue,
  FrequencyValue,
  ImportResult,
  ObservationInput,
} from './dataset.type.js';

@ArgsType()
class DatasetsArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1..500 (default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => String, { nullable: true, description: 'Case-insensitive part of the name.' })
  search?: string | null;
}

@Resolver(() => Dataset)
export class DatasetResolver {
  @Query(() => DatasetConnection, { description: "The shop's datasets, by name." })
  async datasets(
    @Args(() => DatasetsArgs) args: DatasetsArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Connection<Dataset>> {
    const page = await ctx.services.datasets.list(ctx.tenantId, args.first, args.after, args.search);
    return toConnection({ ...page, items: page.items.map(toDatasetView) });
  }

  @Query(() => Dataset, { nullable: true })
  async dataset(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Dataset | null> {
    const d = await ctx.services.datasets.get(ctx.tenantId, id);
    return d ? toDatasetView(d) : null;
  }

  @FieldResolver(() => TrainingRun, {
    nullable: true,
    description: 'The latest SUCCEEDED run: the one forecasts are read from by default.',
  })
  async latestRun(@Root() dataset: Dataset, @Ctx() ctx: GraphQLContext): Promise<TrainingRun | null> {
    const run = await ctx.loaders.latestRunByDataset.load(Number(dataset.id));
    return run ? toRunView(run) : null;
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Dataset, { description: 'Creates an empty dataset; fill it with importObservations.' })
  async createDataset(
    @Arg('input', () => CreateDatasetInput) input: CreateDatasetInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Dataset> {
    return toDatasetView(await ctx.services.datasets.create(ctx.tenantId, input));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ImportResult, {
    description:
      'Imports observations in one transaction, through the same code as `forecastql import`: long-format CSV text (series_id,date,value[,covariates…][,attributes…]) in `csv`, or the same as a list in `rows` (give exactly one). Importing the same rows again changes nothing; a refused import changes nothing either.',
  })
  async importObservations(
    @Arg('datasetId', () => ID) datasetId: string,
    @Arg('csv', () => String, { nullable: true, description: 'Long-format CSV text with a header line.' })
    csv: string | null | undefined,
    @Arg('rows', () => [ObservationInput], {
      nullable: true,
      description: 'The observations as a list; errors name the row by its index (`rows[3]`) and the field.',
    })
    rows: ObservationInput[] | null | undefined,
    @Arg('country', () => String, {
      nullable: true,
      description:
        "Sets the dataset's holiday calendar: an ISO 3166 code (CN, US, GB or UK, DE, …; a region as DE-BY). Omitted: the dataset keeps its country, or takes it from a `country` attribute that names one known country in every series.",
    })
    country: string | null | undefined,
    @Arg('frequency', () => FrequencyValue, {
      nullable: true,
      description: 'DAY, WEEK or MONTH (`--frequency`); detected when omitted.',
    })
    frequency: FrequencyValue | null | undefined,
    @Arg('attributes', () => [String], {
      nullable: true,
      description: 'CSV columns to read as text attributes even when numeric, e.g. a store number (`--attributes`).',
    })
    attributes: string[] | null | undefined,
    @Arg('allowNegative', () => Boolean, {
      nullable: true,
      description:
        'Accept negative values, e.g. returns or refunds (`--allow-negative`); when true the dataset allows negatives from now on. Forecasts go below 0 only for a MONEY dataset.',
    })
    allowNegative: boolean | null | undefined,
    @Arg('unit', () => DatasetUnitValue, {
      nullable: true,
      description: 'Sets what the values measure (`--unit`): UNITS or MONEY. Omitted: the dataset keeps its unit.',
    })
    unit: DatasetUnitValue | null | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ImportResult> {
    const r = await ctx.services.datasets.importObservations(ctx.tenantId, datasetId, {
      csv,
      rows: rows?.map((o) => ({ ...o, value: o.value ?? null })),
      country,
      frequency,
      attributes,
      allowNegative,
      unit,
    });
    return { rowsImported: r.rowsImported, seriesCount: r.seriesCount, dataset: toDatasetView(r.dataset) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Dataset, {
    description:
      "Sets the dataset's holiday calendar: an ISO 3166 code (CN, US, GB or UK, DE, …; a region as DE-BY), or null for none (the Western retail calendar). `calendarEvents` follow at once; forecasts and importance after the next training run.",
  })
  async setDatasetCountry(
    @Arg('datasetId', () => ID) datasetId: string,
    @Arg('country', () => String, { nullable: true }) country: string | null | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Dataset> {
    return toDatasetView(await ctx.services.datasets.setCountry(ctx.tenantId, datasetId, country));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ID, {
    description: 'Deletes a dataset with its series, observations, runs and forecasts; returns its id.',
  })
  async deleteDataset(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<string> {
    return ctx.services.datasets.delete(ctx.tenantId, id);
  }
}
