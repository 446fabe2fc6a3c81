/**
 * `forecastql import FILE.csv --dataset NAME [--frequency D|W|M] [--country CN] [--db URL]`: imports a long CSV
 * (plain or gzipped) into a dataset of the default tenant, in one transaction. Prints a one-line
 * summary on stdout, progress on stderr; a refused file is one line on stderr and exit code 1.
 */
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { createKnex } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import { normalizeDatasetUnit } from '../app/datasets/dataset-unit.js';
import { UserInputError } from '../errors/index.js';
import { countryName, normalizeCountry } from '../forecasting/features.js';
import type { Frequency } from '../forecasting/types.js';
import { createDataPorts } from '../plugin/core.js';
import { importCsv, type ImportCsvResult } from '../plugin/import.js';
import type { LongCsvProgress } from '../ingest/long-csv.js';
import { databaseFromOption } from './migrate.js';
import { cliTenantId, TENANT_FLAG, TENANT_HELP } from './tenant-option.js';

export interface ImportCommandOptions {
  readonly dataset: string;
  readonly frequency?: string;
  readonly db?: string;
  readonly tenant?: string;
  readonly allowNegative?: boolean;
  readonly attributes?: string;
  readonly country?: string;
  readonly unit?: string;
}

export function parseFrequency(value: string | undefined): Frequency | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toUpperCase();
  if (v === 'D' || v === 'W' || v === 'M') return v;
  throw new UserInputError(`--frequency "${value}" is not supported. Use D (daily), W (weekly) or M (monthly).`);
}

/** Progress on stderr: a bar on a terminal, else a line every few seconds. */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): {
  onProgress: (p: LongCsvProgress) => void;
  stop: () => void;
} {
  const started = Date.now();
  if (stream.isTTY) {
    let bar: SingleBar | undefined;
    return {
      onProgress(p) {
        if (p.totalBytes === undefined) return;
        if (!bar) {
          bar = new SingleBar({
            format: 'importing [{bar}] {percentage}% | {rows} rows | {rate} rows/s',
            stream,
            hideCursor: true,
          });
          bar.start(p.totalBytes, 0, { rows: 0, rate: 0 });
        }
        const seconds = Math.max(0.001, (Date.now() - started) / 1000);
        bar.update(p.bytesRead, {
          rows: p.rows.toLocaleString('en'),
          rate: Math.round(p.rows / seconds).toLocaleString('en'),
        });
      },
      stop() {
        bar?.stop();
      },
    };
  }
  let last = started;
  return {
    onProgress(p) {
      const now = Date.now();
      if (p.done || now - last < 2000) return;
      last = now;
      // The input is read ahead in 1 MiB chunks: a percentage only means something for larger files.
      const pct =
        p.totalBytes && p.totalBytes > 8 * 2 ** 20
          ? ` (${Math.min(100, Math.round((100 * p.bytesRead) / p.totalBytes))}% of the file read)`
          : '';
      stream.write(`importing: ${p.rows.toLocaleString('en')} rows${pct}\n`);
    },
    stop() {},
  };
}

export function formatImportSummary(file: string, r: ImportCsvResult): string {
  const freq = { D: 'daily', W: 'weekly', M: 'monthly' }[r.frequency];
  const parts = [
    `Imported ${r.rowsImported.toLocaleString('en')} rows of ${r.seriesCount.toLocaleString('en')} series from ${file}`,
    `into dataset "${r.datasetName}" (id ${r.datasetId}${r.created ? ', new' : ''})`,
    `${freq}${r.frequencyDetected ? ' (detected)' : ''}, ${r.firstDate} to ${r.lastDate}`,
    `covariates: ${r.covariates.length ? r.covariates.map((c) => (r.knownInAdvance.includes(c) ? `${c} (known in advance)` : c)).join(', ') : 'none'}`,
    `attributes: ${r.attributes.length ? r.attributes.join(', ') : 'none'}`,
    `values: ${r.unit === 'MONEY' ? 'money' : 'units'}${r.allowNegative ? ', negatives allowed' : ''}`,
    `calendar: ${r.country ? `${r.country} (${countryName(r.country)})` : 'Western retail (no country)'}`,
    `${r.seconds.toFixed(1)} s (${Math.round(r.rowsImported / Math.max(r.seconds, 0.001)).toLocaleString('en')} rows/s)`,
  ];
  return `${parts[0]} ${parts[1]}: ${parts.slice(2).join('; ')}.`;
}

export function register(program: Command): void {
  program
    .command('import')
    .description('import a long CSV (series_id,date,value[,covariates…][,attributes…]), plain or gzipped')
    .argument('<file>', 'CSV file, plain or .gz')
    .requiredOption('--dataset <name>', 'dataset to import into (created when missing)')
    .option('--frequency <D|W|M>', 'daily, weekly or monthly (detected when omitted)')
    .option('--attributes <columns>', 'comma-separated extra columns to treat as text attributes even if numeric')
    .option(
      '--country <code>',
      "the dataset's holiday calendar: ISO 3166 code (CN, US, GB or UK, DE, …) or region (DE-BY)",
    )
    .option(
      '--allow-negative',
      'accept negative values (returns, refunds); forecasts go below 0 only for a dataset in money (--unit MONEY)',
    )
    .option('--unit <UNITS|MONEY>', 'what the values measure: UNITS (default, never forecast below 0) or MONEY')
    .option('--db <url>', 'database: postgres://… or a SQLite file (default: DATABASE_URL or ./forecastql.sqlite)')
    .option(TENANT_FLAG, TENANT_HELP)
    .action(async (file: string, options: ImportCommandOptions) => {
      const frequency = parseFrequency(options.frequency);
      // Checked before the database is opened: an unknown country changes nothing.
      const country = options.country === undefined ? undefined : normalizeCountry(options.country);
      const unit = options.unit === undefined ? undefined : normalizeDatasetUnit(options.unit, '--unit');
      const columnKinds = Object.fromEntries(
        (options.attributes ?? '')
          .split(',')
          .map((c) => c.trim())
          .filter((c) => c !== '')
          .map((c) => [c, 'attribute' as const]),
      );
      const knex = createKnex(databaseFromOption(options.db));
      const progress = progressReporter();
      try {
        await migrateLatest(knex);
        const tenantId = await cliTenantId(knex, options.tenant);
        const result = await importCsv(knex, {
          tenantId,
          dataset: { name: options.dataset },
          input: file,
          frequency,
          ...(country === undefined ? {} : { country }),
          allowNegativeValues: options.allowNegative === true,
          ...(unit === undefined ? {} : { unit }),
          columnKinds,
          onProgress: progress.onProgress,
        });
        progress.stop();
        process.stdout.write(formatImportSummary(file, result) + '\n');
        // New actuals: compare them with the latest run's band (alerts and their webhooks).
        if (result.rowsImported > 0) {
          const { alerting } = createDataPorts(knex, {
            alerting: { onError: (e, what) => process.stderr.write(`warning: ${what}: ${String(e)}\n`) },
          });
          await alerting.arrivals.emit({ tenantId, datasetId: result.datasetId, cause: 'import' });
          // First attempts of the webhooks now; a server's dispatcher retries what failed.
          await alerting.dispatcher.whenIdle();
        }
      } finally {
        progress.stop();
        await knex.destroy();
      }
    });
}
