/**
 * `forecastql forecast --dataset NAME [--out FILE.csv] [--run ID]`: writes the stored forecast of
 * the dataset's latest succeeded run (or of `--run`) as the predictions CSV of ARCHITECTURE §2:
 * `series_id,date,p50,p10,p90` and a `pNN` column per further quantile level.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { Role } from '../app/scope.js';
import type { RunEventBus } from '../app/ports.js';
import { createKnex } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import { ForbiddenError } from '../errors/index.js';
import { csvTextCell } from '../export/csv.js';
import { createCoreFor, createDataPorts } from '../plugin/core.js';
import { commandConfig } from './train.js';
import { cliTenantId, TENANT_FLAG, TENANT_HELP } from './tenant-option.js';

/** Exporting reads stored rows: it never queues or follows a run. */
const NO_RUNS = {
  submit: async () => {
    throw new ForbiddenError('`forecastql forecast` does not start runs; use `forecastql train`.');
  },
  cancel: async () => undefined,
};
const NO_EVENTS: RunEventBus = {
  publish: () => undefined,
  subscribe: () => {
    throw new ForbiddenError('`forecastql forecast` does not follow runs.');
  },
};

/** Column name of a quantile level: 0.1 → p10, 0.975 → p97.5. */
export function quantileColumn(level: number): string {
  return `p${Number((level * 100).toFixed(4))}`;
}

/** A series id cell: quoted when needed, and never a formula when the file opens in a spreadsheet. */
const csvCell = csvTextCell;

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

export function register(program: Command): void {
  program
    .command('forecast')
    .description("Write a dataset's stored forecast as a predictions CSV (series_id,date,p50,p10,p90,…).")
    .requiredOption('--dataset <name>', 'dataset name')
    .option('--out <file>', 'output file (default: stdout)')
    .option('--run <id>', 'a succeeded training run (default: the latest)')
    .option('--db <url>', 'database: postgres://… or a SQLite file')
    .option(TENANT_FLAG, TENANT_HELP)
    .action(async (options: { dataset: string; out?: string; run?: string; db?: string; tenant?: string }) => {
      const config = commandConfig(options.db);
      const knex = createKnex(config.database);
      try {
        await migrateLatest(knex);
        const ports = createDataPorts(knex);
        const tenantId = await cliTenantId(knex, options.tenant);
        // The forecast read model behind GraphQL's forecastTable, as the tenant's admin.
        const core = createCoreFor(ports, { queue: NO_RUNS, bus: NO_EVENTS, maxHorizon: config.maxHorizon });
        const services = core.servicesFor({ tenantId, role: Role.ADMIN, datasetIds: null });
        const dataset = await services.datasets.requireByName(tenantId, options.dataset);
        const run = await services.forecasts.requireRun(tenantId, dataset, options.run);
        const extra = run.quantiles.filter((q) => q !== 0.1 && q !== 0.5 && q !== 0.9);
        const out: Writable = options.out ? createWriteStream(options.out) : process.stdout;
        await write(out, `${['series_id', 'date', 'p50', 'p10', 'p90', ...extra.map(quantileColumn)].join(',')}\n`);
        let rows = 0;
        for await (const page of services.forecasts.exportRows(tenantId, dataset, run)) {
          for (const r of page) {
            const at = (l: number): string => {
              const i = r.levels.indexOf(l);
              return i < 0 ? '' : String(r.values[i]);
            };
            await write(
              out,
              `${[csvCell(r.seriesKey), r.date, at(0.5), at(0.1), at(0.9), ...extra.map(at)].join(',')}\n`,
            );
          }
          rows += page.length;
        }
        if (options.out) {
          out.end();
          await once(out, 'finish');
          process.stderr.write(`Wrote ${rows} rows of run ${run.id} (${run.chosenModel}) to ${options.out}\n`);
        }
      } finally {
        await knex.destroy();
      }
    });
}
