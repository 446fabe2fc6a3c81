import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { SavedScenarioRecord } from '../../app/scenarios/ports.js';
import type { ScenarioResult } from '../../app/scenarios/scenario.service.js';
import { Role } from '../../auth/principal.js';
import type { GraphQLContext } from '../context.js';
import { Bucket } from '../forecast/forecast.type.js';
import {
  PriceResponse,
  PriceResponseArgs,
  SavedScenario,
  SaveScenarioArgs,
  Scenario,
  ScenarioArgs,
} from './scenario.type.js';

function toScenarioType(r: ScenarioResult): Scenario {
  return {
    ...r,
    changes: r.changes.map((c) => ({ ...c })),
    warnings: [...r.warnings],
    points: r.points.map((p) => ({ ...p })),
  };
}

function toSavedScenarioType(s: SavedScenarioRecord): SavedScenario {
  return {
    id: String(s.id),
    datasetId: String(s.datasetId),
    name: s.name,
    seriesId: s.selection.seriesId,
    groupBy: s.selection.groupBy,
    changes: s.changes.map((c) => ({ ...c })),
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

@Resolver(() => SavedScenario)
export class ScenarioResolver {
  @Query(() => Scenario, {
    description:
      'What-if: one series or a total with covariates changed (a price cut, a promotion), answered by the stored model of the dataset’s latest succeeded run without retraining and without writing anything. BAD_USER_INPUT names a covariate the model never saw (and those it has), or a meaningless value; values outside those seen in training come back as `warnings`.',
  })
  async scenario(@Args(() => ScenarioArgs) args: ScenarioArgs, @Ctx() ctx: GraphQLContext): Promise<Scenario> {
    const dataset = await ctx.services.datasets.require(ctx.tenantId, args.datasetId);
    // Priced as a forecast read of its series, twice the quantiles (baseline and scenario), and
    // the predictions besides: a total over every series costs that many series (issue 17).
    await ctx.readBudget?.charge(ctx.principal.subject, {
      series: args.seriesId ? 1 : dataset.seriesCount,
      dates: 366,
      quantiles: 6,
      grouped: false,
    });
    return toScenarioType(await ctx.services.scenarios.evaluate(ctx.tenantId, dataset, args));
  }

  @Query(() => PriceResponse, {
    description:
      'Expected units and revenue of one series or a total at several price changes over the forecast window (one scenario per point): a price-response curve. Refusals as `scenario`.',
  })
  async priceResponse(
    @Args(() => PriceResponseArgs) args: PriceResponseArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PriceResponse> {
    const dataset = await ctx.services.datasets.require(ctx.tenantId, args.datasetId);
    await ctx.readBudget?.charge(ctx.principal.subject, {
      series: (args.seriesId ? 1 : dataset.seriesCount) * (args.percentChanges?.length ?? 7),
      dates: 366,
      quantiles: 6,
      grouped: false,
    });
    const r = await ctx.services.scenarios.priceResponse(ctx.tenantId, dataset, args);
    return { ...r, points: r.points.map((p) => ({ ...p })), warnings: [...r.warnings] };
  }

  @Query(() => [SavedScenario], { description: 'The saved scenarios of a dataset, by name.' })
  async scenarios(@Arg('datasetId', () => ID) datasetId: string, @Ctx() ctx: GraphQLContext): Promise<SavedScenario[]> {
    const dataset = await ctx.services.datasets.require(ctx.tenantId, datasetId);
    return (await ctx.services.scenarios.list(ctx.tenantId, dataset)).map(toSavedScenarioType);
  }

  @FieldResolver(() => Scenario, {
    description:
      'The scenario answered now, by the dataset’s latest succeeded run (an error here, e.g. a covariate the new model no longer reads, leaves the other fields readable).',
  })
  async result(
    @Root() saved: SavedScenario,
    @Arg('bucket', () => Bucket, { nullable: true, defaultValue: Bucket.DAY }) bucket: Bucket,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Scenario> {
    const dataset = await ctx.services.datasets.require(ctx.tenantId, saved.datasetId);
    const record = await ctx.services.scenarios.get(ctx.tenantId, saved.id);
    return toScenarioType(await ctx.services.scenarios.evaluateSaved(ctx.tenantId, dataset, record, bucket));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => SavedScenario, {
    description:
      'Saves a scenario under a name, after answering it once (an invalid one is refused, nothing saved); a name used before in the dataset is replaced.',
  })
  async saveScenario(
    @Args(() => SaveScenarioArgs) args: SaveScenarioArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SavedScenario> {
    const dataset = await ctx.services.datasets.require(ctx.tenantId, args.datasetId);
    const { saved } = await ctx.services.scenarios.save(ctx.tenantId, dataset, args.name, args);
    return toSavedScenarioType(saved);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Boolean, { description: 'Deletes a saved scenario; false when there was none with that id.' })
  async deleteScenario(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return ctx.services.scenarios.delete(ctx.tenantId, id);
  }
}
