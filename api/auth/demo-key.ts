/** The admin key `serve --demo` prints: a new one per start, the previous start's revoked. */
import type { Knex } from 'knex';
import { createApiKeysRepository } from '../db/api-keys.repository.js';

export const DEMO_KEY_NAME = 'serve --demo';

export async function renewDemoAdminKey(knex: Knex, tenantId: number): Promise<string> {
  const keys = createApiKeysRepository(knex);
  for (const key of await keys.list(tenantId)) {
    if (key.name === DEMO_KEY_NAME && key.revokedAt === null) await keys.revoke(tenantId, key.id);
  }
  return (await keys.create(tenantId, DEMO_KEY_NAME)).secret;
}
