/**
 * What authentication costs per request (issue 6): resolving `Authorization: Bearer` to a
 * principal for an admin API key (one indexed SELECT of its SHA-256; `last_used_at` written at
 * most once a minute) and for an embed token (HS256 verify with jose, no database), on SQLite
 * and, when TEST_PG_URL is set, on PostgreSQL. Prints the median and best batch's microseconds per
 * call (batches, because the machine is shared) and the load average.
 *
 * Run: `nice -n 10 npx tsx bench/auth.ts` (BENCH_CALLS=3000).
 */
import { loadavg } from 'node:os';
import { createAuthenticator } from '../api/auth/authenticator.js';
import { createEmbedTokens, signingKey } from '../api/auth/embed-token.js';
import { createApiKeysRepository } from '../api/db/api-keys.repository.js';
import { migrateLatest } from '../api/db/migrate.js';
import { createTenantsRepository } from '../api/db/tenants.repository.js';
import { createEmptyDatabase, testDialects } from '../test/helpers/dbs.js';
import { createKnex } from '../api/db/knex.js';

const CALLS = Number(process.env['BENCH_CALLS'] ?? 3000);

/** Per-call µs in BATCHES batches of CALLS / BATCHES sequential calls: the median and the best batch. */
const BATCHES = 10;

async function time(label: string, fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 200; i++) await fn(); // warm up
  const per = Math.max(1, Math.floor(CALLS / BATCHES));
  const batches: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < per; i++) await fn();
    batches.push(Number(process.hrtime.bigint() - t0) / 1000 / per);
  }
  batches.sort((x, y) => x - y);
  const median = (batches[BATCHES / 2 - 1]! + batches[BATCHES / 2]!) / 2;
  process.stdout.write(
    `${label}: median ${median.toFixed(1)} µs, best ${batches[0]!.toFixed(1)} µs per request (${BATCHES} batches of ${per} sequential calls)\n`,
  );
}

for (const dialect of testDialects()) {
  const { config, drop } = await createEmptyDatabase(dialect);
  const knex = createKnex(config);
  try {
    await migrateLatest(knex);
    const tenantId = await createTenantsRepository(knex).defaultTenantId();
    const apiKeys = createApiKeysRepository(knex);
    const { secret } = await apiKeys.create(tenantId, 'bench');
    const embedTokens = createEmbedTokens(signingKey('bench-secret-of-at-least-32-characters').key);
    const { token } = await embedTokens.issue({ tenantId, datasetIds: [1, 2, 3] });
    const auth = createAuthenticator({ apiKeys, embedTokens });
    await time(`${dialect}: admin API key`, () => auth.authenticate({ authorization: `Bearer ${secret}` }));
    await time(`${dialect}: embed token`, () => auth.authenticate({ authorization: `Bearer ${token}` }));
    await time(`${dialect}: refused (unknown key)`, () =>
      auth.authenticate({ authorization: `Bearer fq_00000000_${'x'.repeat(32)}` }).catch(() => undefined),
    );
  } finally {
    await knex.destroy();
    await drop();
  }
}
process.stdout.write(
  `load average (1, 5, 15 min): ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}\n`,
);
