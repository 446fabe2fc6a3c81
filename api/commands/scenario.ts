/**
 * `forecastql scenario --dataset NAME --series KEY --covariate price --percent -10 [--out FILE.csv]`:
 * a what-if at the command line (issue 18), the same use-case as GraphQL's `scenario`: answered by
 * the stored model of the dataset's latest succeeded run, nothing retrained or written. The points
 * go out as CSV (stdout or `--out`), the totals and the engine's warnings as lines on stderr.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { ScenarioPoint, ScenarioResult } from '../app/scenarios/scenario.service.js';
import { UserInputError } from '../errors/index.js';
import { withServices } from './stock.js';
import { TENANT_FLAG, TENANT_HELP } from './tenant-option.js';

/** The scenario CSV's columns, in order. */
export const SCENARIO_COLUMNS = [
  'date',
  'baseline_p10',
  'baseline_p50',
  'baseline_p90',
  'baseline_mean',
  'scenario_p10',
  'scenario_p50',
  'scenario_p90',
  'scenario_mean',
  'difference',
  'baseline_price',
  'scenario_price',
  'baseline_revenue',
  'scenario_revenue',
  'revenue_difference',
] as const;

const num = (v: number | null): string => (v === null ? '' : String(Number(v.toFixed(4))));

/** One CSV line of a scenario point. */
export function scenarioCsvLine(p: ScenarioPoint): string {
  const b = p.baseline;
  const s = p.scenario;
  return [
    p.date,
    num(b.p10),
    num(b.p50),
    num(b.p90),
    num(b.mean),
    num(s.p10),
    num(s.p50),
    num(s.p90),
    num(s.mean),
    num(p.difference),
    num(b.price),
    num(s.price),
    num(b.revenue),
    num(s.revenue),
    num(p.revenueDifference),
  ].join(',');
}

/** The sentence on stderr: units (and revenue) before and after, and the change in %. */
export function scenarioSummary(r: ScenarioResult, series: string, covariate: string, percent: number): string {
  const t = r.totals;
  const pct =
    t.differencePercent === null ? '' : ` (${t.differencePercent >= 0 ? '+' : ''}${t.differencePercent.toFixed(1)} %)`;
  const revenue =
    t.baselineRevenue === null || t.scenarioRevenue === null
      ? ''
      : `; revenue ${t.baselineRevenue.toFixed(2)} -> ${t.scenarioRevenue.toFixed(2)}`;
  return `Scenario of series "${series}", ${covariate} ${percent >= 0 ? '+' : ''}${percent} % (run ${r.runId}, model ${r.model}): ${t.baselineUnits.toFixed(1)} -> ${t.scenarioUnits.toFixed(1)} units over ${r.points.length} periods${pct}${revenue}`;
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

export function register(program: Command): void {
  program
    .command('scenario')
    .description(
      "What if a covariate (a price) changed by a percentage over the forecast? Answered by the latest run's model; writes the baseline and the scenario as CSV.",
    )
    .requiredOption('--dataset <name>', 'dataset name')
    .requiredOption('--series <key>', 'series id (a product)')
    .option('--covariate <name>', 'the covariate changed (default price)', 'price')
    .requiredOption('--percent <change>', 'change in %, e.g. -10 for a 10 % cut', (v: string) => v)
    .option('--out <file>', 'output file (default: stdout)')
    .option('--db <url>', 'database: postgres://… or a SQLite file')
    .option(TENANT_FLAG, TENANT_HELP)
    .action(
      async (options: {
        dataset: string;
        series: string;
        covariate: string;
        percent: string;
        out?: string;
        db?: string;
        tenant?: string;
      }) => {
        const percent = Number(options.percent);
        if (options.percent.trim() === '' || !Number.isFinite(percent)) {
          throw new UserInputError(
            `--percent "${options.percent}" is not a number; write e.g. --percent -10 for a 10 % cut.`,
            {
              value: options.percent,
            },
          );
        }
        await withServices(options, options.dataset, async (services, dataset) => {
          const result = await services.scenarios.evaluate(services.scope.tenantId, dataset, {
            seriesId: options.series,
            changes: [{ covariate: options.covariate, percentChange: percent }],
          });
          const out: Writable = options.out ? createWriteStream(options.out) : process.stdout;
          await write(out, `${SCENARIO_COLUMNS.join(',')}\n`);
          for (const p of result.points) await write(out, `${scenarioCsvLine(p)}\n`);
          if (options.out) {
            out.end();
            await once(out, 'finish');
          }
          for (const w of result.warnings) process.stderr.write(`Warning: ${w}\n`);
          process.stderr.write(`${scenarioSummary(result, options.series, options.covariate, percent)}\n`);
          if (options.out) process.stderr.write(`Wrote ${result.points.length} rows to ${options.out}\n`);
        });
      },
    );
}
