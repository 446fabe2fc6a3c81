/**
 * `forecastql serve --processes N` (or FORECASTQL_PROCESSES): N HTTP processes share the port
 * (node:cluster; the primary hands out connections round-robin), so one machine's cores all serve
 * requests. The primary migrates, imports the demo data, and is the only process that trains:
 *
 * - SQLite: the primary runs the embedded training runner. A worker's `startTrainingRun` writes the
 *   QUEUED row and nudges the primary (`submit`); `cancelTrainingRun` asks the primary, which holds
 *   the training thread, and waits for its answer. The primary sends every run event to every
 *   worker, whose `trainingRunUpdated` subscriptions see them as in one process. SQLite in WAL mode
 *   lets the processes read at once; writes take turns (busy timeout).
 * - PostgreSQL: workers are API-only instances (`--no-worker`); the primary trains queued runs
 *   unless `--no-worker`, and run events reach the workers by LISTEN/NOTIFY, as across machines.
 *
 * Per-key rate limits are kept per process, so each worker enforces its share (limit ÷ N; the
 * primary spreads connections evenly). A worker that dies is replaced; one that dies within
 * seconds of starting, again and again, stops the whole server with its error.
 */
import cluster, { type Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/env.js';
import type { TrainingRunRecord } from '../db/runs.repository.js';
import { InvalidConfigurationError } from '../errors/index.js';
import type { RunQueue } from '../app/ports.js';
import { RUN_UPDATED, type RunEventBus } from '../training/events.js';

/** Messages between the primary and its HTTP workers. */
export type ClusterMessage =
  | { readonly type: 'fq:listening'; readonly url: string }
  | { readonly type: 'fq:submit' }
  | { readonly type: 'fq:cancel'; readonly id: string; readonly tenantId: number; readonly runId: number }
  | {
      readonly type: 'fq:cancelled';
      readonly id: string;
      readonly run?: TrainingRunRecord;
      readonly error?: string;
    }
  | { readonly type: 'fq:run'; readonly run: TrainingRunRecord };

function isClusterMessage(m: unknown): m is ClusterMessage {
  return typeof m === 'object' && m !== null && String((m as { type?: unknown }).type).startsWith('fq:');
}

/** Most processes `--processes` accepts (one per core is the useful range). */
export const MAX_PROCESSES = 64;

/** `--processes` or FORECASTQL_PROCESSES (default 1: one process serves and trains). */
export function resolveProcesses(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const [name, raw] =
    flag !== undefined ? ['--processes', flag] : ['FORECASTQL_PROCESSES', env['FORECASTQL_PROCESSES']];
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PROCESSES) {
    throw new InvalidConfigurationError(
      name,
      raw,
      `Use a whole number from 1 to ${MAX_PROCESSES} (HTTP processes; one per CPU core is the useful range).`,
    );
  }
  return n;
}

/** A worker's config: its share of the per-key rate limit. */
export function workerConfig(config: Config, processes: number): Config {
  const { rateLimit } = config.limits;
  return rateLimit === 0
    ? config
    : { ...config, limits: { ...config.limits, rateLimit: Math.max(1, Math.ceil(rateLimit / processes)) } };
}

// ---------------------------------------------------------------------------------------------
// Worker side

/**
 * The run queue of an HTTP worker on SQLite: the run is already a QUEUED row, so `submit` only
 * nudges the primary's runner; `cancel` is done by the primary, which may hold the run's thread.
 */
export class PrimaryRunQueue implements RunQueue {
  private readonly pending = new Map<
    string,
    {
      resolve: (run: TrainingRunRecord | undefined) => void;
      reject: (e: Error) => void;
      timer: NodeJS.Timeout;
    }
  >();

  constructor(private readonly timeoutMs = 30_000) {
    process.on('message', (m: unknown) => {
      if (!isClusterMessage(m) || m.type !== 'fq:cancelled') return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.error) p.reject(new Error(m.error));
      else p.resolve(m.run);
    });
  }

  async submit(): Promise<void> {
    send({ type: 'fq:submit' });
  }

  cancel(tenantId: number, runId: number): Promise<TrainingRunRecord | undefined> {
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the training process did not answer the cancel of run ${runId} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer });
      send({ type: 'fq:cancel', id, tenantId, runId });
    });
  }
}

function send(message: ClusterMessage): void {
  process.send?.(message);
}

/** Publishes the primary's run events on this worker's bus. */
export function relayRunEvents(bus: RunEventBus): void {
  process.on('message', (m: unknown) => {
    if (isClusterMessage(m) && m.type === 'fq:run') bus.publish(RUN_UPDATED, m.run.id, m.run);
  });
}

/** `bus`, whose run events also go to `forward` (the primary's bus, forwarded to its workers). */
export function forwardingBus(bus: RunEventBus, forward: (run: TrainingRunRecord) => void): RunEventBus {
  return {
    ...bus,
    publish: ((topic: typeof RUN_UPDATED, runId: number, run: TrainingRunRecord) => {
      bus.publish(topic, runId, run);
      forward(run);
    }) as RunEventBus['publish'],
  };
}

/** Tells the primary this worker serves (the primary prints the address once). */
export function announceListening(url: string): void {
  send({ type: 'fq:listening', url });
}

// ---------------------------------------------------------------------------------------------
// Primary side

export interface PrimaryOptions {
  readonly processes: number;
  readonly logger: Logger;
  /** SQLite: wakes the runner; cancels a run (the primary's runner). */
  readonly runner?: Pick<RunQueue, 'cancel'> & { wake(): void };
  /** Called once, when every HTTP process listens, with their address. */
  readonly onListening: (url: string) => void;
  /** A worker crash loop: the server cannot serve. */
  readonly onFatal: (error: Error) => void;
  /** Extra environment of the workers (the demo's ids). */
  readonly workerEnv?: Record<string, string>;
}

/** A worker dying this soon after its start, this many times in a row, is a crash loop. */
const EARLY_EXIT_MS = 5000;
const EARLY_EXITS_FATAL = 3;

export interface ClusterPrimary {
  /** Stops replacing workers, asks each to shut down gracefully, resolves when all have exited. */
  stop(): Promise<void>;
  readonly workers: () => Worker[];
}

/** Sends a run event to every HTTP process (SQLite; on PostgreSQL they LISTEN themselves). */
export function broadcastRun(run: TrainingRunRecord): void {
  for (const w of workers()) if (w.isConnected()) w.send({ type: 'fq:run', run } satisfies ClusterMessage);
}

function workers(): Worker[] {
  return Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
}

export function startPrimary(options: PrimaryOptions): ClusterPrimary {
  const { logger } = options;
  // Structured clone keeps the Date fields of run records intact across the IPC channel.
  cluster.setupPrimary({ serialization: 'advanced' });
  let stopping = false;
  let announced = false;
  let earlyExits = 0;
  const startedAt = new Map<number, number>();
  const listening = new Set<number>();

  const onMessage = (worker: Worker, m: unknown): void => {
    if (!isClusterMessage(m)) return;
    if (m.type === 'fq:listening') {
      earlyExits = 0;
      listening.add(worker.id);
      // Announced once every HTTP process listens: round-robin then reaches all of them.
      if (!announced && listening.size >= options.processes) {
        announced = true;
        options.onListening(m.url);
      }
    } else if (m.type === 'fq:submit') {
      options.runner?.wake();
    } else if (m.type === 'fq:cancel') {
      const reply = (r: Omit<Extract<ClusterMessage, { type: 'fq:cancelled' }>, 'type' | 'id'>): void => {
        if (worker.isConnected()) worker.send({ type: 'fq:cancelled', id: m.id, ...r } satisfies ClusterMessage);
      };
      if (!options.runner) reply({ error: 'this server has no training runner' });
      else
        options.runner.cancel(m.tenantId, m.runId).then(
          (run) => reply(run ? { run } : {}),
          (e: unknown) => reply({ error: e instanceof Error ? e.message : String(e) }),
        );
    }
  };

  const fork = (): Worker => {
    const worker = cluster.fork(options.workerEnv);
    startedAt.set(worker.id, Date.now());
    worker.on('message', (m: unknown) => onMessage(worker, m));
    return worker;
  };

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    if (stopping) return;
    logger.error({ worker: worker.id, pid: worker.process.pid, code, signal }, 'HTTP process died; starting another');
    earlyExits = lived < EARLY_EXIT_MS ? earlyExits + 1 : 0;
    if (earlyExits >= EARLY_EXITS_FATAL) {
      options.onFatal(
        new Error(
          `HTTP processes exited within ${EARLY_EXIT_MS / 1000} s of starting ${earlyExits} times in a row (last: code ${code}, signal ${signal}); see the log above`,
        ),
      );
      return;
    }
    fork();
  });

  for (let i = 0; i < options.processes; i++) fork();

  return {
    workers,
    async stop() {
      stopping = true;
      const alive = workers().filter((w) => !w.isDead());
      await Promise.all(
        alive.map(
          (w) =>
            new Promise<void>((resolve) => {
              w.once('exit', () => resolve());
              w.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
