/** Data sources over GraphQL: thin resolvers over `DataSourceService` (admin keys only). */
import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { DataSourceRecord, LastSync } from '../../app/sources/ports.js';
import { hasRetrainPolicy, nextSyncAt } from '../../app/sources/schedule.js';
import { liveProgress } from '../../app/sources/source.service.js';
import { Role } from '../../auth/principal.js';
import type { GraphQLContext } from '../context.js';
import {
  CreateDataSourceInput,
  DataSource,
  SourceScheduleInput,
  SourceSync,
  SourceTest,
  type SourceKindValue,
} from './source.type.js';

function toSyncView(s: LastSync): SourceSync {
  return {
    status: s.status.toUpperCase(),
    full: s.full,
    startedAt: new Date(s.startedAt),
    seconds: s.seconds,
    windowFrom: s.windowFrom,
    windowTo: s.windowTo,
    linesRead: s.linesRead,
    rowsInWindow: s.rowsInWindow,
    newRows: s.newRows ?? 0,
    rowsDeleted: s.rowsDeleted,
    seriesCount: s.seriesCount,
    errorCode: s.error?.code ?? null,
    errorMessage: s.error?.message ?? null,
  };
}

export function toDataSourceView(s: DataSourceRecord): DataSource {
  return {
    id: String(s.id),
    name: s.name,
    kind: s.kind as SourceKindValue,
    datasetId: String(s.datasetId),
    urlEnv: s.connection.env ?? null,
    urlFile: s.connection.file ?? null,
    timezone: s.timezone,
    rereadDays: s.rereadDays,
    watermark: s.watermark === null ? null : new Date(s.watermark),
    lastSync: s.lastSync ? toSyncView(s.lastSync) : null,
    syncEveryMinutes: s.schedule.syncEveryMinutes,
    schedule: {
      syncEveryMinutes: s.schedule.syncEveryMinutes,
      nextSyncAt: ((next) => (next === null ? null : new Date(next)))(nextSyncAt(s)),
      retrainWhen: hasRetrainPolicy(s.schedule)
        ? {
            newRows: s.schedule.retrainAfterRows,
            newDays: s.schedule.retrainAfterDays,
            everyMinutes: s.schedule.retrainEveryMinutes,
          }
        : null,
      rowsSinceRetrain: s.retrain.rowsSince,
      lastRetrainAt: s.retrain.at === null ? null : new Date(s.retrain.at),
      lastRetrainRunId: s.retrain.runId === null ? null : String(s.retrain.runId),
    },
    syncProgress: ((p) =>
      p === null
        ? null
        : {
            phase: p.phase.toUpperCase(),
            linesRead: p.linesRead,
            full: p.full,
            startedAt: new Date(p.startedAt),
            updatedAt: new Date(p.updatedAt),
          })(liveProgress(s.progress)),
  };
}

@Resolver(() => DataSource)
export class DataSourceResolver {
  @Authorized(Role.ADMIN)
  @Query(() => [DataSource], { description: "The tenant's data sources, by name." })
  async dataSources(@Ctx() ctx: GraphQLContext): Promise<DataSource[]> {
    return (await ctx.services.sources.list(ctx.tenantId)).map(toDataSourceView);
  }

  @Authorized(Role.ADMIN)
  @Query(() => DataSource, { nullable: true })
  async dataSource(@Arg('name', () => String) name: string, @Ctx() ctx: GraphQLContext): Promise<DataSource | null> {
    const s = (await ctx.services.sources.list(ctx.tenantId)).find((x) => x.name === name.trim());
    return s ? toDataSourceView(s) : null;
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => DataSource, {
    description:
      'Adds a data source (the dataset is created when missing). The connection is a reference: the name of an environment variable or a file holding the URL; the URL is never stored.',
  })
  async createDataSource(
    @Arg('input', () => CreateDataSourceInput) input: CreateDataSourceInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DataSource> {
    return toDataSourceView(await ctx.services.sources.create(ctx.tenantId, input));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => DataSource, {
    description:
      "Changes a source's schedule: syncEvery (15m, 2h, 1d; null: only on demand) and retrainWhen (new rows, new days or every; null: never). A field left out keeps its value. A retrain is an ordinary training run.",
  })
  async setDataSourceSchedule(
    @Arg('name', () => String) name: string,
    @Arg('input', () => SourceScheduleInput) input: SourceScheduleInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DataSource> {
    return toDataSourceView(await ctx.services.sources.setSchedule(ctx.tenantId, name, input));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => SourceTest, {
    description: 'A dry run: what a sync would read now, with the first rows. Nothing is written.',
  })
  async testDataSource(
    @Arg('name', () => String) name: string,
    @Arg('full', () => Boolean, { nullable: true }) full: boolean | null | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SourceTest> {
    const r = await ctx.services.sources.test(ctx.tenantId, name, { full: full === true });
    return {
      columns: [...r.columns],
      shape: r.shape,
      sample: r.sample.map((s) => ({
        seriesId: s.key,
        at: String(s.at),
        quantity: s.quantity,
        unitPrice: s.unitPrice,
        attributes: [...s.attributes],
      })),
      linesRead: r.linesRead,
      seriesCount: r.seriesCount,
      frequency: r.frequency,
      firstDate: r.firstDate,
      lastDate: r.lastDate,
      windowFrom: r.windowFrom,
    };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => SourceSync, {
    description:
      "Syncs the source into its dataset in one transaction: the window from the last sync's newest order minus rereadDays (everything with full: true). A failed sync changes nothing and is reported in lastSync.",
  })
  async syncDataSource(
    @Arg('name', () => String) name: string,
    @Arg('full', () => Boolean, { nullable: true }) full: boolean | null | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SourceSync> {
    return toSyncView(await ctx.services.sources.sync(ctx.tenantId, name, { full: full === true }));
  }
}
