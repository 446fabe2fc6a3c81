/**
 * An API instance on the PostgreSQL job queue (a child process under tsx): as `forecastql serve
 * --no-worker` runs it, or with `--worker --pipeline MODULE_URL` as plain `serve` on PostgreSQL
 * (an in-process worker, here with the stand-in pipeline). Migrates, starts on a free port, creates
 * an admin key of the `default` tenant and prints `{"url": …, "key": "fq_…"}`. Queue settings come
 * from the environment.
 */
import { loadConfig, loadQueueConfig, parseDatabaseUrl } from '../../../api/config/env.js';
import { createApiKeysRepository } from '../../../api/db/api-keys.repository.js';
import { createKnex } from '../../../api/db/knex.js';
import { migrateLatest } from '../../../api/db/migrate.js';
import { createLogger } from '../../../api/log.js';
import { startServer } from '../../../api/server.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const db = arg('--db');
if (!db) throw new Error('--db is required');
const pipeline = arg('--pipeline');
const config = { ...loadConfig(), database: parseDatabaseUrl(db), nodeEnv: 'test' as const };
const knex = createKnex(config.database);
await migrateLatest(knex);
const server = await startServer({
  config,
  knex,
  logger: createLogger(config.logLevel),
  port: 0,
  jobQueue: { config: loadQueueConfig(), worker: process.argv.includes('--worker') },
  runner: { progressIntervalMs: 100 },
  ...(pipeline ? { pipelineModule: pipeline } : {}),
});
const tenant = (await knex('tenants').where({ slug: 'default' }).first('id')) as { id: number };
const { secret } = await createApiKeysRepository(knex).create(Number(tenant.id), 'scale-test');
process.stdout.write(`${JSON.stringify({ url: server.url, key: secret })}\n`);
const stop = () => {
  void server.close().then(() => knex.destroy().then(() => process.exit(0)));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
