/**
 * Stock planning at the command line (issue 18, item 1):
 * - `forecastql stock set FILE.csv --dataset NAME`: stock levels from a CSV with a header
 *   `series_id,on_hand[,on_order][,as_of][,lead_time][,review_period][,service_level]`, all rows
 *   or none (the same use-case as GraphQL's setStock);
 * - `forecastql stock policy --dataset NAME --lead-time L --review-period R --service-level A`;
 * - `forecastql stock-plan --dataset NAME [--out FILE.csv] [--group-by ATTR] [--service-level A]
 *   [--order-by URGENCY|…]`: the whole plan as CSV (the columns of GraphQL's stockPlan), most urgent first.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { Role } from '../app/scope.js';
import type { Services } from '../app/services.js';
import { StockPlanOrder, type StockPlanItem, type StockSettingInput } from '../app/stock/stock-plan.service.js';
import type { DatasetRecord, RunEventBus, RunQueue } from '../app/ports.js';
import { createKnex } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import { ForbiddenError, UserInputError } from '../errors/index.js';
import { csvTextCell } from '../export/csv.js';
import { createCoreFor, createDataPorts } from '../plugin/core.js';
import { commandConfig } from './train.js';
import { cliTenantId, TENANT_FLAG, TENANT_HELP } from './tenant-option.js';

/** Stock commands read stored forecasts: they never queue or follow a run. */
const NO_RUNS: RunQueue = {
  submit: async () => {
    throw new ForbiddenError('The stock commands do not start runs; use `forecastql train`.');
  },
  cancel: async () => undefined,
};
const NO_EVENTS: RunEventBus = {
  publish: () => undefined,
  subscribe: () => {
    throw new ForbiddenError('The stock commands do not follow runs.');
  },
};

/** The plan's CSV columns, in order. */
export const STOCK_PLAN_COLUMNS = [
  'series_id',
  'group',
  'on_hand',
  'on_order',
  'inventory_position',
  'lead_time',
  'review_period',
  'service_level',
  'plan_start',
  'expected_demand',
  'safety_stock',
  'reorder_point',
  'order_up_to',
  'suggested_order',
  'days_of_cover',
  'stockout_probability',
] as const;

const num = (v: number | null, digits = 4): string => (v === null ? '' : String(Number(v.toFixed(digits))));

/** One CSV line of a plan row (text cells guarded against spreadsheet formulas). */
export function stockPlanCsvLine(r: StockPlanItem): string {
  return [
    r.seriesId === null ? '' : csvTextCell(r.seriesId),
    r.group === null ? '' : csvTextCell(`${r.group.attribute}=${r.group.value}`),
    num(r.onHand),
    num(r.onOrder),
    num(r.inventoryPosition),
    String(r.leadTime),
    String(r.reviewPeriod),
    String(r.serviceLevel),
    r.planStart,
    num(r.expectedDemand),
    num(r.safetyStock),
    String(r.reorderPoint),
    String(r.orderUpTo),
    num(r.suggestedOrder),
    num(r.daysOfCover, 2),
    num(r.stockoutProbability),
  ].join(',');
}

const optionalNumber = (row: Record<string, string>, column: string, line: number): number | undefined => {
  const text = row[column]?.trim();
  if (text === undefined || text === '') return undefined;
  const v = Number(text);
  if (!Number.isFinite(v)) {
    throw new UserInputError(`Line ${line}: ${column} "${text}" is not a number; write a plain number such as 12.`, {
      line,
      column,
      value: text,
    });
  }
  return v;
};

/** Stock rows from CSV text (header `series_id,on_hand,…`; see the module comment). */
export function parseStockCsv(text: string): StockSettingInput[] {
  const records = parse(text, { columns: true, bom: true, skip_empty_lines: true, trim: true }) as Record<
    string,
    string
  >[];
  if (records.length === 0) return [];
  const header = Object.keys(records[0]!);
  for (const need of ['series_id', 'on_hand']) {
    if (!header.includes(need)) {
      throw new UserInputError(
        `The stock CSV has no "${need}" column (found: ${header.join(', ')}); its header is series_id,on_hand[,on_order][,as_of][,lead_time][,review_period][,service_level].`,
        { column: need },
      );
    }
  }
  return records.map((row, i) => {
    const line = i + 2;
    const onHand = optionalNumber(row, 'on_hand', line);
    if (onHand === undefined) {
      throw new UserInputError(`Line ${line}: on_hand is empty; give the units on hand (0 for none).`, { line });
    }
    const asOf = row['as_of']?.trim();
    return {
      seriesId: row['series_id'] ?? '',
      onHand,
      onOrder: optionalNumber(row, 'on_order', line) ?? null,
      asOf: asOf ? asOf : null,
      leadTime: optionalNumber(row, 'lead_time', line) ?? null,
      reviewPeriod: optionalNumber(row, 'review_period', line) ?? null,
      serviceLevel: optionalNumber(row, 'service_level', line) ?? null,
    };
  });
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/** Runs `body` with the admin services of `--tenant` (else the default tenant) over `--db` (also `scenario`). */
export async function withServices(
  { db, tenant }: { readonly db?: string | undefined; readonly tenant?: string | undefined },
  dataset: string,
  body: (services: Services, dataset: DatasetRecord) => Promise<void>,
): Promise<void> {
  const config = commandConfig(db);
  const knex = createKnex(config.database);
  try {
    await migrateLatest(knex);
    const ports = createDataPorts(knex);
    const tenantId = await cliTenantId(knex, tenant);
    const core = createCoreFor(ports, { queue: NO_RUNS, bus: NO_EVENTS, maxHorizon: config.maxHorizon });
    const services = core.servicesFor({ tenantId, role: Role.ADMIN, datasetIds: null });
    await body(services, await services.datasets.requireByName(tenantId, dataset));
  } finally {
    await knex.destroy();
  }
}

const ORDERS = Object.values(StockPlanOrder);

export function register(program: Command): void {
  const stock = program.command('stock').description('Stock levels and the stock policy of a dataset.');
  stock
    .command('set')
    .description(
      'Set stock levels from a CSV: series_id,on_hand[,on_order][,as_of][,lead_time][,review_period][,service_level] (all rows or none).',
    )
    .argument('<file>', 'the stock CSV')
    .requiredOption('--dataset <name>', 'dataset name')
    .option('--db <url>', 'database: postgres://… or a SQLite file')
    .option(TENANT_FLAG, TENANT_HELP)
    .action(async (file: string, options: { dataset: string; db?: string; tenant?: string }) => {
      const rows = parseStockCsv(await readFile(file, 'utf8'));
      await withServices(options, options.dataset, async (services, dataset) => {
        const n = await services.stock.setStock(dataset, rows);
        process.stdout.write(`Set the stock of ${n} series of dataset "${dataset.name}" from ${file}\n`);
      });
    });
  stock
    .command('policy')
    .description("Set a dataset's lead time, review period (in its periods) and target cycle service level.")
    .requiredOption('--dataset <name>', 'dataset name')
    .requiredOption('--lead-time <periods>', 'lead time, whole periods ≥ 0', Number)
    .requiredOption('--review-period <periods>', 'review period, whole periods ≥ 1', Number)
    .requiredOption('--service-level <p>', 'target cycle service level in (0, 1), e.g. 0.95', Number)
    .option('--db <url>', 'database: postgres://… or a SQLite file')
    .option(TENANT_FLAG, TENANT_HELP)
    .action(
      async (options: {
        dataset: string;
        leadTime: number;
        reviewPeriod: number;
        serviceLevel: number;
        db?: string;
        tenant?: string;
      }) => {
        await withServices(options, options.dataset, async (services, dataset) => {
          const p = await services.stock.setPolicy(dataset, {
            leadTime: options.leadTime,
            reviewPeriod: options.reviewPeriod,
            serviceLevel: options.serviceLevel,
          });
          process.stdout.write(
            `Dataset "${dataset.name}": lead time ${p.leadTime}, review period ${p.reviewPeriod}, service level ${p.serviceLevel}\n`,
          );
        });
      },
    );
  program
    .command('stock-plan')
    .description('Write what to order and when (the stock plan) as CSV, most urgent first.')
    .requiredOption('--dataset <name>', 'dataset name')
    .option('--out <file>', 'output file (default: stdout)')
    .option('--group-by <attribute>', 'one row per value of an attribute, stock and demand pooled')
    .option(
      '--service-level <p>',
      "target cycle service level for every row (default: each series' or the dataset's)",
      Number,
    )
    .option('--order-by <order>', `${ORDERS.join('|')} (default URGENCY)`)
    .option('--db <url>', 'database: postgres://… or a SQLite file')
    .option(TENANT_FLAG, TENANT_HELP)
    .action(
      async (options: {
        dataset: string;
        out?: string;
        groupBy?: string;
        serviceLevel?: number;
        orderBy?: string;
        db?: string;
        tenant?: string;
      }) => {
        const orderBy = options.orderBy?.toUpperCase();
        if (orderBy !== undefined && !(ORDERS as string[]).includes(orderBy)) {
          throw new UserInputError(`--order-by ${options.orderBy} is not known; use one of ${ORDERS.join(', ')}.`, {
            value: options.orderBy,
          });
        }
        await withServices(options, options.dataset, async (services, dataset) => {
          const items = await services.stock.planAll(dataset, {
            groupBy: options.groupBy,
            serviceLevel: options.serviceLevel,
            orderBy: orderBy as StockPlanOrder | undefined,
          });
          const out: Writable = options.out ? createWriteStream(options.out) : process.stdout;
          await write(out, `${STOCK_PLAN_COLUMNS.join(',')}\n`);
          for (const item of items) await write(out, `${stockPlanCsvLine(item)}\n`);
          if (options.out) {
            out.end();
            await once(out, 'finish');
            process.stderr.write(`Wrote the stock plan of ${items.length} rows to ${options.out}\n`);
          }
        });
      },
    );
}
