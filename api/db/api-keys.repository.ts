/**
 * Admin API keys, hashed at rest: the secret (`fq_<prefix>_<random>`) is returned once by
 * `create`; the table keeps its SHA-256 and a short prefix to tell keys apart.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import type { ApiKeyRow, TimestampValue } from './tables.js';
import { toDate } from './values.js';
import { readAll } from './sql-read.js';

export interface ApiKeyRecord {
  readonly id: number;
  readonly tenantId: number;
  readonly name: string;
  readonly prefix: string;
  readonly role: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

export interface ApiKeysRepository {
  /** Creates a key; `secret` is shown to the user once and never stored. */
  create(tenantId: number, name: string): Promise<{ key: ApiKeyRecord; secret: string }>;
  /** The tenant and key of a presented secret, or undefined (unknown, malformed or revoked). */
  verify(secret: string): Promise<ApiKeyRecord | undefined>;
  list(tenantId: number): Promise<ApiKeyRecord[]>;
  revoke(tenantId: number, id: number): Promise<boolean>;
}

/** `last_used_at` is refreshed at most this often (ms). */
export const LAST_USED_RESOLUTION_MS = 60_000;

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

const toKey = (r: ApiKeyRow): ApiKeyRecord => ({
  id: Number(r.id),
  tenantId: Number(r.tenant_id),
  name: r.name,
  prefix: r.prefix,
  role: r.role,
  createdAt: toDate(r.created_at as TimestampValue),
  lastUsedAt: toDate(r.last_used_at),
  revokedAt: toDate(r.revoked_at),
});

export function createApiKeysRepository(knex: Knex): ApiKeysRepository {
  return {
    async create(tenantId, name) {
      const prefix = randomBytes(4).toString('hex');
      const secret = `fq_${prefix}_${randomBytes(24).toString('base64url')}`;
      const now = new Date();
      await knex('api_keys').insert({
        tenant_id: tenantId,
        name,
        prefix,
        key_hash: hashApiKey(secret),
        created_at: now,
        updated_at: now,
      });
      const row = (await knex<ApiKeyRow>('api_keys')
        .where({ key_hash: hashApiKey(secret) })
        .first()) as ApiKeyRow;
      return { key: toKey(row), secret };
    },
    async verify(secret) {
      if (!/^fq_[0-9a-f]{8}_[A-Za-z0-9_-]{20,}$/.test(secret)) return undefined;
      const hash = hashApiKey(secret);
      // Raw SQL with a reused prepared statement: every request with an admin key runs it.
      const [row] = (await readAll(knex, 'select * from api_keys where key_hash = ? limit 1', [
        hash,
      ])) as unknown as ApiKeyRow[];
      if (!row || row.revoked_at !== null) return undefined;
      if (!timingSafeEqual(Buffer.from(row.key_hash), Buffer.from(hash))) return undefined;
      // At most one write a minute per key: every request verifies its key, and a write per request
      // would serialise reads behind SQLite's single writer.
      const lastUsed = toDate(row.last_used_at);
      if (!lastUsed || Date.now() - lastUsed.getTime() > LAST_USED_RESOLUTION_MS) {
        await knex('api_keys').where({ id: row.id }).update({ last_used_at: new Date() });
      }
      return toKey(row);
    },
    async list(tenantId) {
      const rows = (await knex<ApiKeyRow>('api_keys').where({ tenant_id: tenantId }).orderBy('id')) as ApiKeyRow[];
      return rows.map(toKey);
    },
    async revoke(tenantId, id) {
      const n = await knex('api_keys')
        .where({ tenant_id: tenantId, id })
        .whereNull('revoked_at')
        .update({ revoked_at: new Date(), updated_at: new Date() });
      return n > 0;
    },
  };
}
