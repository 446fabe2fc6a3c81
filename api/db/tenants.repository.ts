/** Tenants (shops). The `default` tenant exists from the first migration on. */
import type { Knex } from 'knex';
import { NotFoundError, UserInputError } from '../errors/index.js';
import type { TenantRow } from './tables.js';

export const DEFAULT_TENANT_SLUG = 'default';

export interface TenantRecord {
  readonly id: number;
  readonly slug: string;
  readonly name: string;
}

export interface TenantsRepository {
  getById(id: number): Promise<TenantRecord | undefined>;
  getBySlug(slug: string): Promise<TenantRecord | undefined>;
  /** The id of the `default` tenant (the CLI's and the demo's). */
  defaultTenantId(): Promise<number>;
  create(input: { slug: string; name: string }): Promise<TenantRecord>;
  /** The tenant with this slug, created (named after it) when missing; `created` says which. */
  ensure(slug: string): Promise<{ tenant: TenantRecord; created: boolean }>;
}

const toTenant = (r: TenantRow): TenantRecord => ({ id: Number(r.id), slug: r.slug, name: r.name });

export function createTenantsRepository(knex: Knex): TenantsRepository {
  const repo: TenantsRepository = {
    async getById(id) {
      const r = (await knex<TenantRow>('tenants').where({ id }).first()) as TenantRow | undefined;
      return r ? toTenant(r) : undefined;
    },
    async getBySlug(slug) {
      const r = (await knex<TenantRow>('tenants').where({ slug }).first()) as TenantRow | undefined;
      return r ? toTenant(r) : undefined;
    },
    async defaultTenantId() {
      const t = await repo.getBySlug(DEFAULT_TENANT_SLUG);
      if (!t) throw new NotFoundError('Tenant', `${DEFAULT_TENANT_SLUG} (run \`forecastql migrate\`)`);
      return t.id;
    },
    async create(input) {
      if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(input.slug)) {
        throw new UserInputError(`Tenant slug "${input.slug}" is not valid. Use lowercase letters, digits and dashes.`);
      }
      if (await repo.getBySlug(input.slug)) throw new UserInputError(`Tenant "${input.slug}" exists already.`);
      const now = new Date();
      await knex('tenants').insert({ slug: input.slug, name: input.name, created_at: now, updated_at: now });
      return (await repo.getBySlug(input.slug))!;
    },
    async ensure(slug) {
      const found = await repo.getBySlug(slug);
      if (found) return { tenant: found, created: false };
      return { tenant: await repo.create({ slug, name: slug }), created: true };
    },
  };
  return repo;
}
