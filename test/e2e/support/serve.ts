/**
 * The server as the e2e tests run it (a child process, under tsx): migrate, start on a free
 * port, print `{"url": …}` on stdout. Arguments: `--db URL` and, for tests of the runner's
 * mechanics only, `--pipeline MODULE_URL` (a stand-in with the engine pipeline's contract);
 * `--demo-dataset-id ID` serves the demo page for that dataset, as `serve --demo` does. The server
 * has no anonymous access: this also creates an admin key of the `default` tenant and prints it
 * as `{"url": …, "key": "fq_…"}`.
 */
import { loadConfig, parseDatabaseUrl } from '../../../api/config/env.js';
import { createKnex } from '../../../api/db/knex.js';
import { migrateLatest } from '../../../api/db/migrate.js';
import { createLogger } from '../../../api/log.js';
import { startServer } from '../../../api/server.js';
import { createAdminKey } from '../../helpers/auth.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const db = arg('--db');
if (!db) throw new Error('--db is required');
const config = { ...loadConfig(), database: parseDatabaseUrl(db), nodeEnv: 'test' as const };
const knex = createKnex(config.database);
await migrateLatest(knex);
const pipeline = arg('--pipeline');
const demoDatasetId = arg('--demo-dataset-id');
const server = await startServer({
  config,
  knex,
  logger: createLogger(config.logLevel),
  port: 0,
  runner: { pollIntervalMs: 200, progressIntervalMs: 100 },
  ...(pipeline ? { pipelineModule: pipeline } : {}),
  ...(demoDatasetId ? { demo: true, demoDatasetId: Number(demoDatasetId) } : {}),
});
const { secret } = await createAdminKey(knex, 'default', 'e2e');
process.stdout.write(`${JSON.stringify({ url: server.url, key: secret })}\n`);
const stop = () => {
  void server.close().then(() => knex.destroy().then(() => process.exit(0)));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
