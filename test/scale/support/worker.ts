/**
 * A training worker of the PostgreSQL job queue, as `forecastql worker` runs it (a child process
 * under tsx), with `--pipeline MODULE_URL`: the stand-in pipeline, so runs are quick and
 * deterministic (the queue's mechanics are under test, not the maths). Prints `{"workerId": …}`
 * once it takes jobs. Queue settings (heartbeat, stale-after, retry delay) come from the environment.
 */
import { loadConfig, loadQueueConfig } from '../../../api/config/env.js';
import { createKnex } from '../../../api/db/knex.js';
import { createLogger } from '../../../api/log.js';
import { QueueWorker } from '../../../api/queue/worker.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const db = arg('--db');
const pipeline = arg('--pipeline');
if (!db || !pipeline) throw new Error('--db and --pipeline are required');
const config = loadConfig();
const knex = createKnex({ client: 'pg', connectionString: db });
const worker = new QueueWorker({
  knex,
  connectionString: db,
  logger: createLogger(config.logLevel),
  queue: loadQueueConfig(),
  backend: 'cpu',
  pollSeconds: 0.5,
  progressIntervalMs: 100,
  pipelineModule: pipeline,
});
await worker.start();
process.stdout.write(`${JSON.stringify({ workerId: worker.workerId })}\n`);
const stop = () => {
  void worker.stop().then(() => knex.destroy().then(() => process.exit(0)));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
