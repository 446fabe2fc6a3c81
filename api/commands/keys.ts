/**
 * `forecastql keys create|list|revoke --tenant T` (admin API keys, hashed at rest) and
 * `forecastql token --dataset NAME` (a read-only embed token for the widgets, signed with
 * FORECASTQL_SECRET) and `forecastql token-revoke ID`. Secrets go to stdout alone, so `KEY=$(forecastql keys create …)` works;
 * what they are goes to stderr.
 */
import type { Command } from 'commander';
import type { Knex } from 'knex';
import {
  createEmbedTokens,
  DEFAULT_EMBED_TTL_SECONDS,
  MAX_EMBED_TTL_SECONDS,
  signingKey,
} from '../auth/embed-token.js';
import { createApiKeysRepository, type ApiKeyRecord } from '../db/api-keys.repository.js';
import { createDatasetsRepository } from '../db/datasets.repository.js';
import { createEmbedRevocationsRepository } from '../db/embed-revocations.repository.js';
import { createKnex } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import { createTenantsRepository, DEFAULT_TENANT_SLUG, type TenantRecord } from '../db/tenants.repository.js';
import { InvalidConfigurationError, NotFoundError, UserInputError } from '../errors/index.js';
import { commandConfig } from './train.js';
import { requireTenant } from './tenant-option.js';

const DB_HELP = 'database: postgres://… or a SQLite file (default: DATABASE_URL or ./forecastql.sqlite)';

async function withDb<T>(db: string | undefined, work: (knex: Knex) => Promise<T>): Promise<T> {
  const knex = createKnex(commandConfig(db).database);
  try {
    await migrateLatest(knex);
    return await work(knex);
  } finally {
    await knex.destroy();
  }
}

const iso = (d: Date | null): string => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');

/** The rows of `keys list`, aligned (pure). */
export function formatKeyList(tenant: TenantRecord, keys: readonly ApiKeyRecord[]): string {
  if (keys.length === 0) return `Tenant "${tenant.slug}" has no API keys.\n`;
  const rows = [
    ['id', 'name', 'prefix', 'created', 'last used', 'revoked'],
    ...keys.map((k) => [String(k.id), k.name, `fq_${k.prefix}`, iso(k.createdAt), iso(k.lastUsedAt), iso(k.revokedAt)]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => `${r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}`.trimEnd()).join('\n') + '\n';
}

function wholeNumber(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new UserInputError(`${flag} "${value}" is not a whole number from ${min} to ${max}.`, { value });
  }
  return n;
}

export function register(program: Command): void {
  const keys = program.command('keys').description('Create, list and revoke admin API keys of a tenant (shop).');

  keys
    .command('create')
    .description('Create an admin API key; prints it once (only its SHA-256 is stored).')
    .requiredOption('--tenant <slug>', 'tenant (shop) slug; created when missing')
    .option('--name <name>', 'a label for the key, e.g. "ci" or "shopify app"', 'admin')
    .option('--db <url>', DB_HELP)
    .action(async (options: { tenant: string; name: string; db?: string }) => {
      await withDb(options.db, async (knex) => {
        const { tenant, created } = await createTenantsRepository(knex).ensure(options.tenant);
        const name = options.name.trim();
        if (name.length === 0 || name.length > 200) {
          throw new UserInputError(`--name "${options.name}" must have 1 to 200 characters.`);
        }
        const { key, secret } = await createApiKeysRepository(knex).create(tenant.id, name);
        process.stderr.write(
          `${created ? `Created tenant "${tenant.slug}". ` : ''}Created admin API key ${key.id} "${key.name}" (fq_${key.prefix}) for tenant "${tenant.slug}". It is shown once; send it as \`Authorization: Bearer <key>\`:\n`,
        );
        process.stdout.write(`${secret}\n`);
      });
    });

  keys
    .command('list')
    .description("List a tenant's API keys (never the keys themselves).")
    .requiredOption('--tenant <slug>', 'tenant (shop) slug')
    .option('--db <url>', DB_HELP)
    .action(async (options: { tenant: string; db?: string }) => {
      await withDb(options.db, async (knex) => {
        const tenant = await requireTenant(knex, options.tenant);
        process.stdout.write(formatKeyList(tenant, await createApiKeysRepository(knex).list(tenant.id)));
      });
    });

  keys
    .command('revoke')
    .description('Revoke an API key by its id (see `keys list`); it stops working at once.')
    .argument('<id>', 'key id')
    .requiredOption('--tenant <slug>', 'tenant (shop) slug')
    .option('--db <url>', DB_HELP)
    .action(async (id: string, options: { tenant: string; db?: string }) => {
      const keyId = wholeNumber('key id', id, 1, Number.MAX_SAFE_INTEGER);
      await withDb(options.db, async (knex) => {
        const tenant = await requireTenant(knex, options.tenant);
        const repo = createApiKeysRepository(knex);
        const key = (await repo.list(tenant.id)).find((k) => k.id === keyId);
        if (!key) throw new NotFoundError('API key', `${id} of tenant ${tenant.slug}`);
        if (!(await repo.revoke(tenant.id, keyId))) {
          process.stdout.write(`API key ${keyId} "${key.name}" was revoked already.\n`);
          return;
        }
        process.stdout.write(`Revoked API key ${keyId} "${key.name}" (fq_${key.prefix}) of tenant "${tenant.slug}".\n`);
      });
    });

  program
    .command('token')
    .description(
      'Mint a read-only embed token for the widgets, scoped to a dataset (signed with FORECASTQL_SECRET, which the server must share).',
    )
    .requiredOption(
      '--dataset <name>',
      'dataset name (repeat the option for several)',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--tenant <slug>', 'tenant (shop) slug', DEFAULT_TENANT_SLUG)
    .option('--ttl <seconds>', `lifetime, 1..${MAX_EMBED_TTL_SECONDS} seconds`, String(DEFAULT_EMBED_TTL_SECONDS))
    .option('--db <url>', DB_HELP)
    .action(async (options: { dataset: string[]; tenant: string; ttl: string; db?: string }) => {
      const config = commandConfig(options.db);
      if (!config.secret) {
        throw new InvalidConfigurationError(
          'FORECASTQL_SECRET',
          '(unset)',
          "Set it to the server's secret (32+ characters): a token signed with any other secret is refused by the server.",
        );
      }
      const ttlSeconds = wholeNumber('--ttl', options.ttl, 1, MAX_EMBED_TTL_SECONDS);
      await withDb(options.db, async (knex) => {
        const tenant = await requireTenant(knex, options.tenant);
        const datasets = createDatasetsRepository(knex);
        const ids: number[] = [];
        for (const name of options.dataset) {
          const d = await datasets.getByName(tenant.id, name);
          if (!d) throw new NotFoundError('Dataset', `${name} (tenant ${tenant.slug})`);
          ids.push(d.id);
        }
        const issued = await createEmbedTokens(signingKey(config.secret).key).issue({
          tenantId: tenant.id,
          datasetIds: ids,
          ttlSeconds,
        });
        process.stderr.write(
          `Embed token ${issued.id} for dataset(s) ${options.dataset.map((n) => `"${n}"`).join(', ')} (id ${ids.join(', ')}) of tenant "${tenant.slug}", read-only, valid until ${issued.expiresAt.toISOString()} (revoke: \`forecastql token-revoke ${issued.id} --tenant ${tenant.slug}\`):\n`,
        );
        process.stdout.write(`${issued.token}\n`);
      });
    });

  program
    .command('token-revoke <id>')
    .description(
      'Revoke an embed token by its id (printed by `forecastql token`, EmbedToken.id): it answers UNAUTHENTICATED from now on. An id that starts with "-" (minted before ids were hex) goes after `--`: `forecastql token-revoke --tenant my-shop -- -abc`.',
    )
    .option('--tenant <slug>', 'tenant (shop) slug', DEFAULT_TENANT_SLUG)
    .option('--db <url>', DB_HELP)
    .action(async (id: string, options: { tenant: string; db?: string }) => {
      if (!/^[\w-]{1,64}$/.test(id)) {
        throw new UserInputError(
          `"${id.slice(0, 80)}" is not an embed token id: give the id \`forecastql token\` printed.`,
        );
      }
      await withDb(options.db, async (knex) => {
        const tenant = await requireTenant(knex, options.tenant);
        await createEmbedRevocationsRepository(knex).revoke(
          tenant.id,
          id,
          new Date(Date.now() + MAX_EMBED_TTL_SECONDS * 1000),
        );
        process.stdout.write(`Embed token ${id} of tenant "${tenant.slug}" is revoked.\n`);
      });
    });
}
