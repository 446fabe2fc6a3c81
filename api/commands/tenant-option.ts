/**
 * `--tenant SLUG` of the commands that read or write a shop's data (import, train, forecast,
 * scenario, stock, stock-plan, source): the tenant the CLI acts for, as its admin, through the same
 * scope as every other door. Omitted: the `default` tenant (the demo's, and the only one of a
 * single-shop install). A tenant that does not exist is refused, naming the command that creates
 * one (`keys create --tenant`): a typo never creates a shop, nor imports into one nobody can read.
 */
import type { Knex } from 'knex';
import { createTenantsRepository, DEFAULT_TENANT_SLUG, type TenantRecord } from '../db/tenants.repository.js';
import { DomainError, ErrorCode } from '../errors/index.js';

export const TENANT_FLAG = '--tenant <slug>';
export const TENANT_HELP = `tenant (shop) to act for (default: "${DEFAULT_TENANT_SLUG}"; \`forecastql keys create --tenant SLUG\` creates one)`;

/** The tenant named `slug`, or NOT_FOUND saying how to create it. */
export async function requireTenant(knex: Knex, slug: string): Promise<TenantRecord> {
  const tenant = await createTenantsRepository(knex).getBySlug(slug);
  if (!tenant) {
    throw new DomainError(
      ErrorCode.NOT_FOUND,
      `Tenant "${slug}" was not found. Create it with \`forecastql keys create --tenant ${slug}\`, or check the slug (\`SELECT slug FROM tenants\`).`,
      { kind: 'Tenant', id: slug },
    );
  }
  return tenant;
}

/** The id of the tenant a data command acts for: `--tenant`'s, else the default tenant's. */
export async function cliTenantId(knex: Knex, slug: string | undefined): Promise<number> {
  return (await requireTenant(knex, slug ?? DEFAULT_TENANT_SLUG)).id;
}
