/**
 * `forecastql forecast --dataset NAME [--out FILE.csv] [--run ID]`: writes the stored forecast of
 * the dataset's latest succeeded run (or of `--run`) as the predictions CSV of ARCHITECTURE §2:
 * `series_id,date,p50,p10,p90` and a `pNN` column per further quantile level.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { createDatasetsRepository } from '../db/datasets.repository.js';
import { createForecastsRepository } from '../db/forecasts.repository.js';
import { createKnex } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import { createRunsRepository, RunStatus } from '../db/runs.repository.js';
import { DomainError, ErrorCode, NotFoundError, UserInputError } from '../errors/index.js';
import { csvTextCell } from '../export/csv.js';
import { createDataPorts } from '../graphql/data-ports.js';
import { commandConfig } from './train.js';

const PAGE = 5000;

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
    .action(async (options: { dataset: string; out?: string; run?: string; db?: string }) => {
      const config = commandConfig(options.db);
      const knex = createKnex(config.database);
      try {
        await migrateLatest(knex);
        const tenantId = await createDataPorts(knex).tenantOf({});
        const dataset = await createDatasetsRepository(knex).getByName(tenantId, options.dataset);
        if (!dataset) throw new NotFoundError('Dataset', options.dataset);
        const runs = createRunsRepository(knex);
        const run = options.run
          ? await runs.get(tenantId, Number(options.run))
          : await runs.latestSucceeded(tenantId, dataset.id);
        if (!run || run.datasetId !== dataset.id) {
          if (options.run) throw new NotFoundError('TrainingRun', options.run);
          throw new DomainError(
            ErrorCode.NOT_FOUND,
            `Dataset "${dataset.name}" has no succeeded training run; run \`forecastql train --dataset "${dataset.name}"\` first.`,
          );
        }
        if (run.status !== RunStatus.SUCCEEDED)
          throw new UserInputError(`Training run ${run.id} is ${run.status}, not SUCCEEDED.`);
        const extra = run.quantiles.filter((q) => q !== 0.1 && q !== 0.5 && q !== 0.9);
        const out: Writable = options.out ? createWriteStream(options.out) : process.stdout;
        await write(out, `${['series_id', 'date', 'p50', 'p10', 'p90', ...extra.map(quantileColumn)].join(',')}\n`);
        const forecasts = createForecastsRepository(knex);
        let rows = 0;
        for (let offset = 0; ; offset += PAGE) {
          const page = await forecasts.tablePage(
            tenantId,
            run.id,
            { datasetId: dataset.id },
            {},
            { offset, limit: PAGE },
          );
          for (const r of page.items) {
            const at = (l: number): string => {
              const i = r.levels.indexOf(l);
              return i < 0 ? '' : String(r.values[i]);
            };
            await write(
              out,
              `${[csvCell(r.seriesKey), r.date, at(0.5), at(0.1), at(0.9), ...extra.map(at)].join(',')}\n`,
            );
          }
          rows += page.items.length;
          if (page.items.length < PAGE) break;
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
