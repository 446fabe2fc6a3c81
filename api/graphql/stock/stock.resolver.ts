import DataLoader from 'dataloader';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ForecastTableRow } from '../forecast/forecast.type.js';
import type { StockPlanItem } from '../../app/stock/stock-plan.service.js';
import { Role } from '../../auth/principal.js';
import { toAttributes } from '../common/attribute.type.js';
import { toConnection, type Connection } from '../common/connection.type.js';
import type { GraphQLContext } from '../context.js';
import {
  StockLevelInput,
  StockPlanArgs,
  StockPlanConnection,
  StockPlanRow,
  StockPolicy,
  StockPolicyInput,
} from './stock.type.js';

export function toStockPlanRow(item: StockPlanItem): StockPlanRow {
  return { ...item, attributes: toAttributes(item.attributes) };
}

@Resolver()
export class StockResolver {
  @Query(() => StockPlanConnection, {
    description:
      "What to order and when, per series (or per group, pooled), most urgent first: safety stock, reorder point, order-up-to level, suggested order, days of cover and the probability of a stock-out before an order placed now arrives, from the latest succeeded run's forecast distribution. Stock levels come from setStock.",
  })
  async stockPlan(
    @Args(() => StockPlanArgs) args: StockPlanArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Connection<StockPlanRow>> {
    const dataset = await ctx.services.datasets.require(ctx.tenantId, args.datasetId);
    // Priced like a forecast read over the series it plans (issue 17's read budget).
    await ctx.readBudget?.charge(ctx.principal.subject, {
      series: args.seriesId ? 1 : dataset.seriesCount,
      dates: 28,
      quantiles: 3,
      grouped: !args.seriesId && !!args.groupBy && args.groupBy !== 'all' && !args.groupBy.includes('='),
    });
    const page = await ctx.services.stock.plan(dataset, args);
    return toConnection({ ...page, items: page.items.map(toStockPlanRow) });
  }

  @Query(() => StockPolicy, { description: "A dataset's stock policy (its own, or the built-in defaults)." })
  async stockPolicy(@Arg('datasetId', () => ID) datasetId: string, @Ctx() ctx: GraphQLContext): Promise<StockPolicy> {
    const dataset = await ctx.services.datasets.require(ctx.tenantId, datasetId);
    return ctx.services.stock.policy(dataset);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => StockPolicy, { description: "Sets a dataset's lead time, review period and target service level." })
  async setStockPolicy(
    @Arg('datasetId', () => ID) datasetId: string,
    @Arg('policy', () => StockPolicyInput) policy: StockPolicyInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<StockPolicy> {
    const dataset = await ctx.services.datasets.require(ctx.tenantId, datasetId);
    return { ...(await ctx.services.stock.setPolicy(dataset, policy)), isDefault: false };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Int, {
    description:
      'Sets the stock on hand and on order of series (and their own lead time, review period, service level), all or none; returns the rows set.',
  })
  async setStock(
    @Arg('datasetId', () => ID) datasetId: string,
    @Arg('levels', () => [StockLevelInput]) levels: StockLevelInput[],
    @Ctx() ctx: GraphQLContext,
  ): Promise<number> {
    const dataset = await ctx.services.datasets.require(ctx.tenantId, datasetId);
    return ctx.services.stock.setStock(dataset, levels);
  }
}

/** Per request: the plans of the series a forecastTable page shows, one batch per dataset. */
const tableLoaders = new WeakMap<GraphQLContext, DataLoader<string, StockPlanRow | null>>();

function tableLoader(ctx: GraphQLContext): DataLoader<string, StockPlanRow | null> {
  let loader = tableLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader<string, StockPlanRow | null>(async (keys) => {
      const byDataset = new Map<string, string[]>();
      for (const key of keys) {
        const [datasetId, ...rest] = key.split('|');
        const list = byDataset.get(datasetId!) ?? [];
        list.push(rest.join('|'));
        byDataset.set(datasetId!, list);
      }
      const found = new Map<string, StockPlanRow>();
      for (const [datasetId, seriesKeys] of byDataset) {
        const dataset = await ctx.services.datasets.require(ctx.tenantId, datasetId);
        for (const item of await ctx.services.stock.planAll(dataset, { seriesKeys })) {
          found.set(`${datasetId}|${item.seriesId}`, toStockPlanRow(item));
        }
      }
      return keys.map((k) => found.get(k) ?? null);
    });
    tableLoaders.set(ctx, loader);
  }
  return loader;
}

@Resolver(() => ForecastTableRow)
export class ForecastTableStockResolver {
  @FieldResolver(() => StockPlanRow, {
    nullable: true,
    description:
      "The series' stock plan (as stockPlan with the dataset's policy), the same on each of its rows; null where the series has no forecast.",
  })
  async stock(@Root() row: ForecastTableRow, @Ctx() ctx: GraphQLContext): Promise<StockPlanRow | null> {
    if (row.datasetId === undefined) return null;
    return tableLoader(ctx).load(`${row.datasetId}|${row.seriesId}`);
  }
}
