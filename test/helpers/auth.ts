/**
 * Credentials for tests that talk to the API: the server has no anonymous access, so a test
 * creates an admin API key through the api-keys repository (as `forecastql keys create` does) and
 * sends `Authorization: Bearer <secret>`.
 *
 * @example
 * ```ts
 * const { secret, headers } = await createAdminKey(knex);          // the `default` tenant
 * await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
 * ```
 */
import type { Knex } from 'knex';
import { createApiKeysRepository } from '../../api/db/api-keys.repository.js';
import { createTenantsRepository } from '../../api/db/tenants.repository.js';

export interface TestKey {
  readonly tenantId: number;
  /** The key itself (`fq_…`), as a client sends it. */
  readonly secret: string;
  /** Row id of the key (for revoke). */
  readonly keyId: number;
  /** `{ authorization: 'Bearer fq_…' }`. */
  readonly headers: { readonly authorization: string };
}

export function bearer(credential: string): { readonly authorization: string } {
  return { authorization: `Bearer ${credential}` };
}

/** The id of a tenant by slug, created when missing (`default` exists after migrations). */
export async function tenantIdOf(knex: Knex, slug = 'default'): Promise<number> {
  const tenants = createTenantsRepository(knex);
  const found = await tenants.getBySlug(slug);
  return (found ?? (await tenants.create({ slug, name: slug }))).id;
}

/** Creates an admin API key for a tenant (id, or slug created when missing; default `default`). */
export async function createAdminKey(knex: Knex, tenant: number | string = 'default', name = 'test'): Promise<TestKey> {
  const tenantId = typeof tenant === 'number' ? tenant : await tenantIdOf(knex, tenant);
  const { key, secret } = await createApiKeysRepository(knex).create(tenantId, name);
  return { tenantId, secret, keyId: key.id, headers: bearer(secret) };
}
