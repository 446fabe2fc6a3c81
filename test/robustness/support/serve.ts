/**
 * The server as the robustness tests run it (a child process, under tsx): the configuration comes
 * from the environment as in production (NODE_ENV, FORECASTQL_* limits), migrate, start on a free
 * port, print `{"url": …}` on stdout. Argument: `--db URL`.
 */
import { loadConfig, parseDatabaseUrl } from '../../../api/config/env.js';
import { createKnex } from '../../../api/db/knex.js';
import { migrateLatest } from '../../../api/db/migrate.js';
import { createLogger } from '../../../api/log.js';
import { startServer } from '../../../api/server.js';

const i = process.argv.indexOf('--db');
const db = i >= 0 ? process.argv[i + 1] : undefined;
if (!db) throw new Error('--db is required');
const config = { ...loadConfig(), database: parseDatabaseUrl(db) };
const knex = createKnex(config.database);
await migrateLatest(knex);
const server = await startServer({ config, knex, logger: createLogger(config.logLevel), port: 0 });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
const stop = () => {
  void server.close().then(() => knex.destroy().then(() => process.exit(0)));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
