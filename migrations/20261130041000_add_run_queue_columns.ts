import type { Knex } from 'knex';

/**
 * The scale-out job queue (ARCHITECTURE §7): `max_attempts` (how many attempts a run gets; 1 in
 * the embedded mode, which never retries) beside the existing `attempts` counter, and `job_id`,
 * the pg-boss job that carries the run, so a cancel can reach a job still waiting in the queue and
 * a worker can hand a dead worker's job back for a retry.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('training_runs', (t) => {
    t.integer('max_attempts').notNullable().defaultTo(1);
    t.string('job_id', 64).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('training_runs', (t) => {
    t.dropColumn('job_id');
    t.dropColumn('max_attempts');
  });
}
