/**
 * Training runs (`training_runs`): the run lifecycle QUEUED → RUNNING → SUCCEEDED | FAILED |
 * CANCELLED, progress and timings. Every read and write that a user can reach takes the tenant;
 * the few queue operations that span tenants (claiming the next run, recovering runs of dead
 * processes) are named `queue…` and used only by the training runner.
 */
import type { Knex } from 'knex';
import {
  RunStatus,
  TERMINAL_STATUSES,
  type NewTrainingRun,
  type ProgressUpdate,
  type RunListFilter,
  type RunProgress,
  type RunQueueStore,
  type RunStore,
  type TrainingRunRecord,
} from '../app/ports.js';
import { parseJsonColumn, toDate } from './values.js';
import type { TimestampValue } from './tables.js';
import { readAll } from './sql-read.js';

type Row = Record<string, unknown>;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function toRunRecord(row: Row): TrainingRunRecord {
  return {
    id: Number(row['id']),
    tenantId: Number(row['tenant_id']),
    datasetId: Number(row['dataset_id']),
    status: row['status'] as RunStatus,
    model: String(row['model']),
    chosenModel: (row['chosen_model'] as string | null) ?? null,
    horizon: Number(row['horizon']),
    quantiles: parseJsonColumn<number[]>(row['quantiles'], [0.1, 0.5, 0.9]),
    epochs: num(row['epochs']),
    seed: Number(row['seed']),
    config: parseJsonColumn<Record<string, unknown>>(row['config'], {}),
    backend: (row['backend'] as string | null) ?? null,
    progress: {
      epoch: num(row['progress_epoch']),
      epochs: num(row['progress_epochs']),
      loss: num(row['progress_loss']),
      validationLoss: num(row['progress_validation_loss']),
      fraction: Number(row['progress_fraction'] ?? 0),
      message: (row['progress_message'] as string | null) ?? null,
    },
    error: (row['error'] as string | null) ?? null,
    warnings: parseJsonColumn<string[]>(row['warnings'], []),
    attempts: Number(row['attempts'] ?? 0),
    maxAttempts: Number(row['max_attempts'] ?? 1),
    jobId: (row['job_id'] as string | null) ?? null,
    workerId: (row['worker_id'] as string | null) ?? null,
    heartbeatAt: toDate(row['heartbeat_at'] as TimestampValue | null),
    cancelRequestedAt: toDate(row['cancel_requested_at'] as TimestampValue | null),
    startedAt: toDate(row['started_at'] as TimestampValue | null),
    finishedAt: toDate(row['finished_at'] as TimestampValue | null),
    createdAt: toDate(row['created_at'] as TimestampValue | null) ?? new Date(0),
    updatedAt: toDate(row['updated_at'] as TimestampValue | null) ?? new Date(0),
  };
}

/** Now, as written into timestamp columns (a Date: the convention of tables.ts). */
export const nowValue = (): Date => new Date();

/** "Attempt 1 of 3 failed (…); it will be retried." as a succeeded run's warning. */
export function retryWarning(error: string): string {
  return `${error.replace(/;? ?it will be retried\.?$/, '')}; a later attempt succeeded.`;
}

function progressColumns(p: ProgressUpdate): Row {
  const row: Row = {};
  if (p.epoch !== undefined) row['progress_epoch'] = p.epoch;
  if (p.epochs !== undefined) row['progress_epochs'] = p.epochs;
  if (p.loss !== undefined) row['progress_loss'] = Number.isFinite(p.loss) ? p.loss : null;
  if (p.validationLoss !== undefined)
    row['progress_validation_loss'] = Number.isFinite(p.validationLoss) ? p.validationLoss : null;
  if (p.fraction !== undefined) row['progress_fraction'] = p.fraction;
  if (p.message !== undefined) row['progress_message'] = p.message;
  return row;
}

export { RunStatus, TERMINAL_STATUSES };
export type { NewTrainingRun, ProgressUpdate, RunListFilter, RunProgress, TrainingRunRecord };

/**
 * Both ports the `training_runs` table implements, the use-cases' `RunStore` and the transports'
 * `RunQueueStore`, plus the two statements of the results transaction (training/results.ts).
 * Callers take the narrow view they need: `createRunStore` (composition root → use-cases),
 * `createRunQueueStore` (api/training, api/queue), `createRunResultsWriter` (the results
 * transaction); the whole repository is for tests and benches that set a run up by hand.
 */
export interface RunsRepository extends RunStore, RunQueueStore, RunResultsWriter {
  /** Ends a RUNNING (or QUEUED) run; returns false when it had already ended. */
  finish(
    tenantId: number,
    id: number,
    status: 'FAILED' | 'CANCELLED',
    error: string | null,
    trx?: Knex.Transaction,
  ): Promise<boolean>;
}

/** The run's two statements inside the results transaction (training/results.ts). */
export interface RunResultsWriter {
  /**
   * The machine's `succeeded`: marks a RUNNING run SUCCEEDED inside the results transaction,
   * unless it was asked to cancel (with `attempt`: only while that attempt owns the run).
   */
  succeedInTransaction(
    trx: Knex.Transaction,
    tenantId: number,
    id: number,
    fields: { chosenModel: string; warnings: readonly string[] },
    attempt?: number,
  ): Promise<boolean>;
  /**
   * First statement of the results transaction: touches a RUNNING, not-cancelled run (false
   * otherwise). With `attempt`, only while that attempt still owns the run (a worker that lost its
   * job to a retry saves nothing).
   */
  claimForResults(
    trx: Knex.Transaction,
    tenantId: number,
    id: number,
    progress: ProgressUpdate,
    attempt?: number,
  ): Promise<boolean>;
}

/** The use-cases' view of the runs table (reads and creation). */
export function createRunStore(knex: Knex): RunStore {
  return createRunsRepository(knex);
}

/** The run transports' view of the runs table (the state machine's guarded writes). */
export function createRunQueueStore(knex: Knex): RunQueueStore {
  return createRunsRepository(knex);
}

/** The results transaction's view of the runs table. */
export function createRunResultsWriter(knex: Knex): RunResultsWriter {
  return createRunsRepository(knex);
}

export function createRunsRepository(knex: Knex): RunsRepository {
  const table = () => knex('training_runs');
  /** The columns a worker sets when it takes a run (one more attempt, progress from zero). */
  const claimed = (workerId: string, now: Date) => ({
    status: RunStatus.RUNNING,
    worker_id: workerId,
    started_at: now,
    heartbeat_at: now,
    updated_at: now,
    attempts: knex.raw('attempts + 1'),
    progress_fraction: 0,
    progress_message: 'Loading the dataset',
  });

  async function get(tenantId: number, id: number): Promise<TrainingRunRecord | undefined> {
    const row = (await knex('training_runs').where({ tenant_id: tenantId, id }).first()) as Row | undefined;
    return row ? toRunRecord(row) : undefined;
  }

  return {
    async create(tenantId, run) {
      const now = nowValue();
      const [inserted] = (await table()
        .insert({
          tenant_id: tenantId,
          dataset_id: run.datasetId,
          status: RunStatus.QUEUED,
          model: run.model,
          horizon: run.horizon,
          quantiles: JSON.stringify(run.quantiles),
          epochs: run.epochs,
          seed: run.seed,
          config: JSON.stringify(run.config ?? {}),
          max_attempts: run.maxAttempts ?? 1,
          created_at: now,
          updated_at: now,
        })
        .returning('id')) as Array<{ id: number } | number>;
      const id = typeof inserted === 'object' ? inserted.id : Number(inserted);
      const created = await get(tenantId, id);
      if (!created) throw new Error(`training run ${id} vanished after insert`);
      return created;
    },

    get,

    async getMany(tenantId, ids) {
      if (ids.length === 0) return [];
      const rows = (await table()
        .where({ tenant_id: tenantId })
        .whereIn('id', [...ids])) as Row[];
      return rows.map(toRunRecord);
    },

    async list(tenantId, filter, page) {
      const q = table().where({ tenant_id: tenantId });
      if (filter.datasetId !== undefined) q.andWhere({ dataset_id: filter.datasetId });
      if (filter.datasetIds !== undefined) q.whereIn('dataset_id', [...filter.datasetIds]);
      if (filter.status !== undefined) q.andWhere({ status: filter.status });
      const [count] = (await q.clone().count({ n: '*' })) as Array<{ n: number | string }>;
      const rows = (await q.orderBy('id', 'desc').offset(page.offset).limit(page.limit)) as Row[];
      return { items: rows.map(toRunRecord), totalCount: Number(count?.n ?? 0) };
    },

    async latestSucceeded(tenantId, datasetId) {
      // Raw SQL with a reused prepared statement: every forecast request without a run id reads it.
      const [row] = (await readAll(
        knex,
        'select * from training_runs where tenant_id = ? and dataset_id = ? and status = ? order by id desc limit 1',
        [tenantId, datasetId, RunStatus.SUCCEEDED],
      )) as Row[];
      return row ? toRunRecord(row) : undefined;
    },

    async requestCancel(tenantId, id) {
      const now = nowValue();
      await table().where({ tenant_id: tenantId, id, status: RunStatus.QUEUED }).update({
        status: RunStatus.CANCELLED,
        cancel_requested_at: now,
        finished_at: now,
        error: 'Cancelled before it started.',
        updated_at: now,
      });
      await table()
        .where({ tenant_id: tenantId, id, status: RunStatus.RUNNING })
        .whereNull('cancel_requested_at')
        .update({ cancel_requested_at: now, updated_at: now });
      return get(tenantId, id);
    },

    async updateProgress(tenantId, id, progress) {
      const now = nowValue();
      await table()
        .where({ tenant_id: tenantId, id, status: RunStatus.RUNNING })
        .update({ ...progressColumns(progress), heartbeat_at: now, updated_at: now });
    },

    async finish(tenantId, id, status, error, trx) {
      const now = nowValue();
      const n = await (trx ?? knex)('training_runs')
        .where({ tenant_id: tenantId, id })
        .whereIn('status', [RunStatus.RUNNING, RunStatus.QUEUED])
        .update({ status, error, finished_at: now, updated_at: now });
      return n > 0;
    },

    async succeedInTransaction(trx, tenantId, id, fields, attempt) {
      const now = nowValue();
      // A run that succeeded on a retry keeps no error text of the attempt before: why it was
      // retried becomes its first warning instead.
      const before = await trx('training_runs').where({ tenant_id: tenantId, id }).first('error');
      const retried = before?.error ? [retryWarning(before.error)] : [];
      const n = await trx('training_runs')
        .where({ tenant_id: tenantId, id, status: RunStatus.RUNNING })
        .where((q) => {
          if (attempt !== undefined) void q.where('attempts', attempt);
        })
        .whereNull('cancel_requested_at')
        .update({
          status: RunStatus.SUCCEEDED,
          error: null,
          chosen_model: fields.chosenModel,
          warnings: JSON.stringify([...retried, ...fields.warnings]),
          progress_fraction: 1,
          progress_message: null,
          finished_at: now,
          updated_at: now,
        });
      return n > 0;
    },

    async claimForResults(trx, tenantId, id, progress, attempt) {
      const now = nowValue();
      const n = await trx('training_runs')
        .where({ tenant_id: tenantId, id, status: RunStatus.RUNNING })
        .where((q) => {
          if (attempt !== undefined) void q.where('attempts', attempt);
        })
        .whereNull('cancel_requested_at')
        .update({ ...progressColumns(progress), heartbeat_at: now, updated_at: now });
      return n > 0;
    },

    async queueClaimNext(workerId) {
      for (let attempt = 0; attempt < 5; attempt++) {
        // Runs carried by a job of the PostgreSQL queue are its workers' to train.
        const next = (await table()
          .where({ status: RunStatus.QUEUED })
          .whereNull('job_id')
          .orderBy('id', 'asc')
          .first('id')) as { id: number } | undefined;
        if (!next) return undefined;
        const now = nowValue();
        const n = await table().where({ id: next.id, status: RunStatus.QUEUED }).update(claimed(workerId, now));
        if (n > 0) {
          const row = (await table().where({ id: next.id }).first()) as Row | undefined;
          return row ? toRunRecord(row) : undefined;
        }
      }
      return undefined;
    },

    async queueSetBackend(tenantId, id, backend) {
      await table().where({ tenant_id: tenantId, id }).update({ backend, updated_at: nowValue() });
    },

    async queueHeartbeat(ids) {
      if (ids.length === 0) return;
      await table()
        .whereIn('id', [...ids])
        .andWhere({ status: RunStatus.RUNNING })
        .update({ heartbeat_at: nowValue() });
    },

    async queueRunning() {
      const rows = (await table().where({ status: RunStatus.RUNNING }).orderBy('id')) as Row[];
      return rows.map(toRunRecord);
    },

    async queueSetJob(id, jobId) {
      await table().where({ id }).update({ job_id: jobId });
    },

    async queueClaim(id, workerId, jobId) {
      const now = nowValue();
      const n = await table()
        .where({ id })
        .whereIn('status', [RunStatus.QUEUED, RunStatus.RUNNING])
        .whereNull('cancel_requested_at')
        .update({ ...claimed(workerId, now), job_id: jobId });
      if (n === 0) return undefined;
      const row = (await table().where({ id, worker_id: workerId }).first()) as Row | undefined;
      return row ? toRunRecord(row) : undefined;
    },

    async queueRequeue(id, attempt, reason) {
      const now = nowValue();
      const n = await table()
        .where({ id, status: RunStatus.RUNNING, attempts: attempt })
        .update({
          status: RunStatus.QUEUED,
          worker_id: null,
          error: reason,
          progress_message: `Attempt ${attempt} failed; waiting for a retry`,
          updated_at: now,
        });
      return n > 0;
    },

    async queueFinishAttempt(id, attempt, status, error) {
      const now = nowValue();
      const n = await table()
        .where({ id, status: RunStatus.RUNNING, attempts: attempt })
        .update({ status, error, finished_at: now, updated_at: now });
      return n > 0;
    },

    async queueOwners(ids) {
      if (ids.length === 0) return [];
      const rows = (await table()
        .whereIn('id', [...ids])
        .select('id', 'tenant_id', 'status', 'worker_id', 'cancel_requested_at')) as Row[];
      return rows.map((r) => ({
        id: Number(r['id']),
        tenantId: Number(r['tenant_id']),
        status: r['status'] as RunStatus,
        workerId: (r['worker_id'] as string | null) ?? null,
        cancelRequested: r['cancel_requested_at'] !== null && r['cancel_requested_at'] !== undefined,
      }));
    },

    async queueStale(before) {
      const rows = (await table()
        .where({ status: RunStatus.RUNNING })
        .whereNotNull('job_id')
        .andWhere('heartbeat_at', '<', before)
        .orderBy('id')) as Row[];
      return rows.map(toRunRecord);
    },
  };
}
