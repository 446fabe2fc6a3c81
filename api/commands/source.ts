/**
 * `forecastql source add|test|sync|list` (ARCHITECTURE §3): a shop database as a dataset's source.
 *
 *   forecastql source add NAME --kind generic|woocommerce|magento2 --url-env VAR [--query FILE.sql]
 *                          [--prefix wp_] [--timezone TZ] --dataset NAME [--db URL]
 *   forecastql source test NAME      # dry run: first rows, frequency, series count; writes nothing
 *   forecastql source sync NAME [--full]
 *   forecastql source list
 *   forecastql source schedule NAME [--sync-every 15m|2h|1d|off] [--retrain-when rows:N,days:N,every:24h|never]
 *
 * The connection is named by reference (`--url-env VAR`: the environment variable holding the
 * URL, or `--url-file PATH`); ForecastQL never stores the URL. Output on stdout, progress on
 * stderr, a refusal is one line on stderr and exit code 1.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { DataSourceRecord } from '../app/sources/ports.js';
import { nextSyncAt, parseRetrainWhenText } from '../app/sources/schedule.js';
import { createKnex } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import { UserInputError } from '../errors/index.js';
import { createDataPorts } from '../plugin/core.js';
import type { createDataSourceService } from '../plugin/sources.js';
import { Role } from '../app/scope.js';
import { databaseFromOption } from './migrate.js';
import { cliTenantId, TENANT_FLAG, TENANT_HELP } from './tenant-option.js';

interface CommonOptions {
  readonly db?: string;
  readonly tenant?: string;
}

interface AddOptions extends CommonOptions {
  readonly kind: string;
  readonly urlEnv?: string;
  readonly urlFile?: string;
  readonly query?: string;
  readonly prefix?: string;
  readonly timezone?: string;
  readonly dataset: string;
  readonly statuses?: string;
  readonly variations?: string;
  readonly configurable?: string;
  readonly refunds?: string;
  readonly rereadDays?: string;
  readonly rowLimit?: string;
  readonly statementTimeout?: string;
  readonly syncEvery?: string;
  readonly retrainAfter?: string;
  readonly retrainWhen?: string;
}

interface ScheduleOptions extends CommonOptions {
  readonly syncEvery?: string;
  readonly retrainWhen?: string;
}

function minutesText(m: number): string {
  return m % 1440 === 0 ? `${m / 1440}d` : m % 60 === 0 ? `${m / 60}h` : `${m}m`;
}

/** A source's schedule in one line: `sync every 1h (next 2026-…), retrain after 500 new rows or every 7d`. */
export function describeSchedule(s: DataSourceRecord): string {
  const sc = s.schedule;
  const next = nextSyncAt(s);
  const sync =
    sc.syncEveryMinutes === null
      ? 'sync on demand'
      : `sync every ${minutesText(sc.syncEveryMinutes)} (next ${new Date(next!).toISOString().slice(0, 16)}Z)`;
  const when = [
    sc.retrainAfterRows === null ? null : `${sc.retrainAfterRows} new rows`,
    sc.retrainAfterDays === null ? null : `${sc.retrainAfterDays} new days`,
    sc.retrainEveryMinutes === null ? null : `every ${minutesText(sc.retrainEveryMinutes)}`,
  ].filter((x) => x !== null);
  const retrain = when.length === 0 ? 'no scheduled retrain' : `retrain after ${when.join(' or ')}`;
  const last =
    s.retrain.runId === null
      ? ''
      : ` (last: run ${s.retrain.runId} at ${s.retrain.at}; ${s.retrain.rowsSince} new rows since)`;
  return `${sync}, ${retrain}${last}`;
}

function intOption(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UserInputError(`${flag} "${v}" is not a whole number.`);
  return n;
}

async function withService<T>(
  options: CommonOptions,
  run: (service: ReturnType<typeof createDataSourceService>, tenantId: number) => Promise<T>,
): Promise<T> {
  const knex = createKnex(databaseFromOption(options.db));
  // Through the data ports, so a sync that brings new actuals raises alerts (and sends their webhooks).
  const ports = createDataPorts(knex, {
    alerting: { onError: (e, what) => process.stderr.write(`warning: ${what}: ${String(e)}\n`) },
  });
  try {
    await migrateLatest(knex);
    const tenantId = await cliTenantId(knex, options.tenant);
    // The CLI acts as the tenant's admin, through the same scope as every other door.
    const scope = { tenantId, role: Role.ADMIN, datasetIds: null };
    return await run(ports.sources.withScope(scope), tenantId);
  } finally {
    await ports.alerting.dispatcher.whenIdle();
    await knex.destroy();
  }
}

export function describeSource(s: DataSourceRecord): string {
  const conn = s.connection.env !== undefined ? `$${s.connection.env}` : s.connection.file;
  const last = s.lastSync
    ? s.lastSync.status === 'succeeded'
      ? `last sync ${s.lastSync.startedAt} (${s.lastSync.linesRead.toLocaleString('en')} lines, ${s.lastSync.seconds.toFixed(1)} s)`
      : `last sync FAILED ${s.lastSync.startedAt}: ${s.lastSync.error?.code}`
    : 'never synced';
  return `${s.name}\t${s.kind}\t${conn}\tdataset ${s.datasetId}\t${s.timezone}\t${last}\t${describeSchedule(s)}`;
}

export function register(program: Command): void {
  const source = program.command('source').description("a shop database as a dataset's source");
  source
    .command('add')
    .description('add a data source (the dataset is created when missing)')
    .argument('<name>', 'name of the source')
    .requiredOption('--kind <kind>', 'generic, woocommerce or magento2')
    .option(
      '--url-env <VAR>',
      "environment variable holding the shop database's URL, e.g. mysql://user:pass@host:3306/shop",
    )
    .option('--url-file <path>', 'or: an absolute path to a file holding the URL')
    .option(
      '--query <file.sql>',
      'generic: a SELECT returning series_id, ordered_at (or date), quantity[, unit_price, store, channel, country, category]',
    )
    .option('--prefix <prefix>', 'table prefix (WooCommerce: default wp_)')
    .option('--timezone <tz>', "the shop's IANA time zone for days (default UTC)")
    .requiredOption('--dataset <name>', 'dataset to sync into (created when missing)')
    .option(
      '--statuses <list>',
      'comma-separated order statuses that count (WooCommerce default: completed,processing)',
    )
    .option('--variations <own|rollup>', 'WooCommerce: variations as their own series (default) or rolled up')
    .option(
      '--configurable <child|parent>',
      "Magento 2: a configurable's series is the child SKU (default) or the parent",
    )
    .option('--refunds <net|ignore>', 'net refunded units (default) or ignore refunds')
    .option('--reread-days <n>', 'days before the newest synced order that every sync reads again (default 14)')
    .option('--row-limit <n>', 'most rows one sync may read (default 50,000,000)')
    .option('--statement-timeout <seconds>', 'statement timeout on the shop database (default 300)')
    .option(
      '--sync-every <duration>',
      'sync on a schedule while `forecastql serve` runs: 15m, 2h, 1d (bare number: minutes)',
    )
    .option('--retrain-after <rows>', 'start a training run once syncs brought at least this many new daily rows')
    .option(
      '--retrain-when <spec>',
      'start a training run on rows:N (new daily rows), days:N (new days) or every:DURATION, e.g. rows:500,every:7d',
    )
    .option('--db <url>', 'database: postgres://… or a SQLite file (default: DATABASE_URL or ./forecastql.sqlite)')
    .option(TENANT_FLAG, TENANT_HELP)
    .action(async (name: string, o: AddOptions) => {
      let query: string | undefined;
      if (o.query !== undefined) {
        try {
          query = await readFile(o.query, 'utf8');
        } catch (e) {
          throw new UserInputError(
            `Cannot read --query "${o.query}": ${(e as Error).message}. Give the path of a .sql file.`,
          );
        }
      }
      const created = await withService(o, (service, tenantId) =>
        service.create(tenantId, {
          name,
          kind: o.kind,
          urlEnv: o.urlEnv,
          urlFile: o.urlFile,
          query,
          prefix: o.prefix,
          timezone: o.timezone,
          dataset: o.dataset,
          statuses: o.statuses?.split(','),
          variations: o.variations,
          configurable: o.configurable,
          refunds: o.refunds,
          rereadDays: intOption('--reread-days', o.rereadDays),
          rowLimit: intOption('--row-limit', o.rowLimit),
          statementTimeoutSeconds: intOption('--statement-timeout', o.statementTimeout),
          syncEvery: o.syncEvery,
          retrainAfterRows: intOption('--retrain-after', o.retrainAfter),
          retrainWhen: o.retrainWhen === undefined ? undefined : parseRetrainWhenText(o.retrainWhen),
        }),
      );
      process.stdout.write(
        `Added source "${created.name}" (${created.kind}) feeding dataset "${o.dataset.trim()}" (id ${created.datasetId}). Next: forecastql source test ${created.name}\n`,
      );
    });
  source
    .command('test')
    .description('dry run: read what a sync would read, show the first rows; nothing is written')
    .argument('<name>')
    .option('--full', 'read everything, not only the window after the last sync')
    .option('--db <url>', 'database (default: DATABASE_URL or ./forecastql.sqlite)')
    .option(TENANT_FLAG, TENANT_HELP)
    .action(async (name: string, o: CommonOptions & { full?: boolean }) => {
      const r = await withService(o, (service, tenantId) => service.test(tenantId, name, { full: o.full === true }));
      const lines = [
        `Source "${r.source}": ${r.linesRead.toLocaleString('en')} ${r.shape === 'lines' ? 'order lines' : 'daily rows'} read${r.windowFrom ? ` from ${r.windowFrom}` : ''}, ${r.seriesCount.toLocaleString('en')} series, frequency ${r.frequency}, ${r.firstDate ?? '-'} to ${r.lastDate ?? '-'}. Nothing was written.`,
        `columns: ${r.columns.join(', ')}`,
        ...r.sample.map(
          (s) => `  ${s.key}\t${String(s.at)}\t${s.quantity}\t${s.unitPrice ?? ''}\t${s.attributes.join('\t')}`,
        ),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
  source
    .command('sync')
    .description("sync the source into its dataset (incremental: the window after the last sync's watermark)")
    .argument('<name>')
    .option('--full', 'read everything again and replace the dataset rows')
    .option('--db <url>', 'database (default: DATABASE_URL or ./forecastql.sqlite)')
    .option(TENANT_FLAG, TENANT_HELP)
    .action(async (name: string, o: CommonOptions & { full?: boolean }) => {
      let last = Date.now();
      const r = await withService(o, (service, tenantId) =>
        service.sync(tenantId, name, {
          full: o.full === true,
          onProgress: (p) => {
            const now = Date.now();
            if (now - last < 2000) return;
            last = now;
            process.stderr.write(`syncing (${p.phase}): ${p.linesRead.toLocaleString('en')} lines read\n`);
          },
        }),
      );
      process.stdout.write(
        `Synced "${r.source}" (${r.full ? 'full' : `window from ${r.windowFrom}`}): ${r.linesRead.toLocaleString('en')} lines read, ${r.rowsInWindow.toLocaleString('en')} daily rows of ${r.seriesCount.toLocaleString('en')} series${r.rowsDeleted ? `, ${r.rowsDeleted} gone rows deleted` : ''}, ${r.changed ? 'dataset updated' : 'no change'}, ${r.seconds.toFixed(2)} s.\n`,
      );
    });
  source
    .command('schedule')
    .description('set when a source syncs and when its dataset retrains (while `forecastql serve` runs)')
    .argument('<name>')
    .option('--sync-every <duration>', 'sync every 15m, 2h, 1d …; off: only on demand')
    .option(
      '--retrain-when <spec>',
      'retrain on rows:N (new daily rows), days:N (new days), every:DURATION (any one suffices), or never',
    )
    .option('--db <url>', 'database (default: DATABASE_URL or ./forecastql.sqlite)')
    .option(TENANT_FLAG, TENANT_HELP)
    .action(async (name: string, o: ScheduleOptions) => {
      const s = await withService(o, (service, tenantId) =>
        service.setSchedule(tenantId, name, {
          ...(o.syncEvery === undefined ? {} : { syncEvery: o.syncEvery }),
          ...(o.retrainWhen === undefined ? {} : { retrainWhen: parseRetrainWhenText(o.retrainWhen) }),
        }),
      );
      process.stdout.write(`Source "${s.name}": ${describeSchedule(s)}.\n`);
    });
  source
    .command('list')
    .description('list the data sources')
    .option('--db <url>', 'database (default: DATABASE_URL or ./forecastql.sqlite)')
    .option(TENANT_FLAG, TENANT_HELP)
    .action(async (o: CommonOptions) => {
      const list = await withService(o, (service, tenantId) => service.list(tenantId));
      process.stdout.write(
        list.length === 0
          ? 'No data sources. Add one: forecastql source add NAME --kind … --url-env VAR --dataset NAME\n'
          : list.map(describeSource).join('\n') + '\n',
      );
    });
}
