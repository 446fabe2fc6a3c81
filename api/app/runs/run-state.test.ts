import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCode } from '../../errors/index.js';
import { RunStatus, type ProgressUpdate, type RunQueueStore, type TrainingRunRecord } from '../ports.js';
import { RunLifecycle } from './run-lifecycle.js';
import {
  nextRunState,
  OUT_OF_MEMORY,
  RUN_TRANSITIONS,
  RunTransitionError,
  type RunEvent,
  type RunStateView,
} from './run-state.js';

const EVENTS: readonly RunEvent[] = [
  { kind: 'claim' },
  { kind: 'heartbeat' },
  { kind: 'cancel' },
  { kind: 'succeeded' },
  { kind: 'failed', message: 'boom', code: 'FORECAST_FAILED' },
  { kind: 'crashed', message: 'thread died' },
  { kind: 'cancelled' },
  { kind: 'lease-lost', detail: 'silent 2 s' },
  { kind: 'owner-died', reason: 'the server stopped' },
  { kind: 'enqueue-failed' },
];

const state = (status: RunStatus, over: Partial<RunStateView> = {}): RunStateView => ({
  status,
  attempts: status === RunStatus.QUEUED ? 0 : 1,
  maxAttempts: 1,
  cancelRequested: false,
  ...over,
});

/** Where each legal (status, event) leads with one attempt and no cancel asked for. */
const EXPECTED: Readonly<Record<string, RunStatus>> = {
  'QUEUED claim': RunStatus.RUNNING,
  'QUEUED cancel': RunStatus.CANCELLED,
  'QUEUED enqueue-failed': RunStatus.FAILED,
  'RUNNING claim': RunStatus.RUNNING,
  'RUNNING heartbeat': RunStatus.RUNNING,
  'RUNNING cancel': RunStatus.RUNNING,
  'RUNNING succeeded': RunStatus.SUCCEEDED,
  'RUNNING failed': RunStatus.FAILED,
  'RUNNING crashed': RunStatus.FAILED,
  'RUNNING cancelled': RunStatus.CANCELLED,
  'RUNNING lease-lost': RunStatus.FAILED,
  'RUNNING owner-died': RunStatus.FAILED,
};

describe('the run state machine', () => {
  for (const status of Object.values(RunStatus)) {
    for (const event of EVENTS) {
      const key = `${status} ${event.kind}`;
      const to = EXPECTED[key];
      if (to) {
        test(`${status} takes "${event.kind}" and becomes ${to}`, () => {
          const t = nextRunState(state(status), event);
          assert.equal(t.from, status);
          assert.equal(t.to, to);
          assert.equal(t.event, event.kind);
        });
      } else {
        test(`${status} refuses "${event.kind}" with RUN_TRANSITION_REFUSED`, () => {
          assert.throws(
            () => nextRunState(state(status), event),
            (e: unknown) =>
              e instanceof RunTransitionError &&
              e.code === ErrorCode.RUN_TRANSITION_REFUSED &&
              e.message.includes(status) &&
              e.message.includes(`"${event.kind}"`),
          );
        });
      }
    }
  }

  test('the table lists exactly the legal pairs the tests above expect', () => {
    const legal = Object.entries(RUN_TRANSITIONS).flatMap(([s, events]) => events.map((e) => `${s} ${e}`));
    assert.deepEqual(legal.toSorted(), Object.keys(EXPECTED).toSorted());
  });

  test('an ended run names the fix: start a new run', () => {
    assert.throws(() => nextRunState(state(RunStatus.SUCCEEDED), { kind: 'cancelled' }), /start a new run/);
  });

  test('a claim starts the next attempt; a run being cancelled takes none', () => {
    assert.equal(nextRunState(state(RunStatus.QUEUED, { attempts: 1 }), { kind: 'claim' }).attempt, 2);
    assert.throws(
      () => nextRunState(state(RunStatus.QUEUED, { cancelRequested: true }), { kind: 'claim' }),
      RunTransitionError,
    );
  });

  test('a run asked to cancel cannot succeed', () => {
    assert.throws(
      () => nextRunState(state(RunStatus.RUNNING, { cancelRequested: true }), { kind: 'succeeded' }),
      /A cancel was asked for/,
    );
  });

  test('a cancel ends a QUEUED run at once and only flags a RUNNING one', () => {
    const queued = nextRunState(state(RunStatus.QUEUED), { kind: 'cancel' });
    assert.deepEqual(
      [queued.to, queued.error, queued.flagCancel],
      [RunStatus.CANCELLED, 'Cancelled before it started.', undefined],
    );
    const running = nextRunState(state(RunStatus.RUNNING), { kind: 'cancel' });
    assert.deepEqual([running.to, running.flagCancel], [RunStatus.RUNNING, true]);
  });

  test('a failure with attempts left goes back to the queue, saying why', () => {
    const t = nextRunState(state(RunStatus.RUNNING, { attempts: 1, maxAttempts: 3 }), EVENTS[4]!);
    assert.equal(t.to, RunStatus.QUEUED);
    assert.equal(t.error, 'Attempt 1 of 3 failed (boom); it will be retried.');
  });

  test('the last attempt fails for good, naming how many there were', () => {
    const t = nextRunState(state(RunStatus.RUNNING, { attempts: 3, maxAttempts: 3 }), EVENTS[4]!);
    assert.deepEqual([t.to, t.error], [RunStatus.FAILED, 'boom (after 3 attempts)']);
  });

  test('a single-attempt run (embedded, cluster) fails with the bare reason', () => {
    const t = nextRunState(state(RunStatus.RUNNING), { kind: 'crashed', message: 'The training worker stopped.' });
    assert.deepEqual([t.to, t.error], [RunStatus.FAILED, 'The training worker stopped.']);
  });

  for (const code of [ErrorCode.BAD_USER_INPUT, ErrorCode.INSUFFICIENT_HISTORY, OUT_OF_MEMORY]) {
    test(`a ${code} failure is not retried though attempts remain`, () => {
      const t = nextRunState(state(RunStatus.RUNNING, { attempts: 1, maxAttempts: 3 }), {
        kind: 'failed',
        message: 'too short',
        code,
      });
      assert.deepEqual([t.to, t.error], [RunStatus.FAILED, 'too short']);
    });
  }

  test('a lost lease is retried, then fails on the last attempt', () => {
    const lost: RunEvent = { kind: 'lease-lost', detail: 'worker w1 stopped sending heartbeats for 2 s' };
    const retry = nextRunState(state(RunStatus.RUNNING, { attempts: 1, maxAttempts: 2 }), lost);
    assert.equal(retry.to, RunStatus.QUEUED);
    assert.match(retry.error ?? '', /^Attempt 1 of 2 lost its worker \(worker w1 .*\); it will be retried\.$/);
    const last = nextRunState(state(RunStatus.RUNNING, { attempts: 2, maxAttempts: 2 }), lost);
    assert.equal(last.to, RunStatus.FAILED);
    assert.match(last.error ?? '', /^The run lost its worker on its last attempt/);
  });
});

/** An in-memory RunQueueStore with the repository's guards (status and attempt). */
function fakeStore(initial: TrainingRunRecord): RunQueueStore & { row: TrainingRunRecord; calls: string[] } {
  const self = {
    row: initial,
    calls: [] as string[],
    get: async (_t: number, id: number) => (id === self.row.id ? self.row : undefined),
    requestCancel: async () => {
      self.calls.push('requestCancel');
      self.row =
        self.row.status === RunStatus.QUEUED
          ? { ...self.row, status: RunStatus.CANCELLED, cancelRequestedAt: new Date() }
          : { ...self.row, cancelRequestedAt: new Date() };
      return self.row;
    },
    updateProgress: async (_t: number, _id: number, _p: ProgressUpdate) => {
      self.calls.push('updateProgress');
    },
    finish: async (_t: number, _id: number, status: 'FAILED' | 'CANCELLED', error: string | null) => {
      self.calls.push(`finish ${status}`);
      if (self.row.status !== RunStatus.RUNNING && self.row.status !== RunStatus.QUEUED) return false;
      self.row = { ...self.row, status, error };
      return true;
    },
    queueClaimNext: async () => undefined,
    queueSetBackend: async () => {},
    queueHeartbeat: async () => {
      self.calls.push('heartbeat');
    },
    queueRunning: async () => [],
    queueSetJob: async () => {},
    queueClaim: async (_id: number, workerId: string) => {
      self.calls.push('queueClaim');
      self.row = { ...self.row, status: RunStatus.RUNNING, workerId, attempts: self.row.attempts + 1 };
      return self.row;
    },
    queueRequeue: async (_id: number, attempt: number, reason: string) => {
      self.calls.push(`requeue ${attempt}`);
      if (self.row.status !== RunStatus.RUNNING || self.row.attempts !== attempt) return false;
      self.row = { ...self.row, status: RunStatus.QUEUED, error: reason };
      return true;
    },
    queueFinishAttempt: async (_id: number, attempt: number, status: 'FAILED' | 'CANCELLED', error: string) => {
      self.calls.push(`finishAttempt ${attempt} ${status}`);
      if (self.row.status !== RunStatus.RUNNING || self.row.attempts !== attempt) return false;
      self.row = { ...self.row, status, error };
      return true;
    },
    queueStale: async () => [],
    queueOwners: async () => [],
  };
  return self;
}

function runRecord(over: Partial<TrainingRunRecord>): TrainingRunRecord {
  const now = new Date(0);
  return {
    id: 7,
    tenantId: 1,
    datasetId: 3,
    status: RunStatus.RUNNING,
    model: 'auto',
    chosenModel: null,
    horizon: 7,
    quantiles: [0.1, 0.5, 0.9],
    epochs: null,
    seed: 0,
    config: {},
    backend: null,
    progress: { epoch: null, epochs: null, loss: null, validationLoss: null, fraction: 0, message: null },
    error: null,
    warnings: [],
    attempts: 1,
    maxAttempts: 1,
    jobId: null,
    workerId: 'w1',
    heartbeatAt: null,
    cancelRequestedAt: null,
    startedAt: null,
    finishedAt: null,
    createdAt: now,
    updatedAt: now,
    ...over,
  };
}

describe('RunLifecycle applies the machine through the RunQueueStore port', () => {
  test('a failed attempt with attempts left is requeued under its own attempt number', async () => {
    const store = fakeStore(runRecord({ attempts: 2, maxAttempts: 3 }));
    const t = await new RunLifecycle(store).settle(store.row, { kind: 'failed', message: 'boom', code: 'X' });
    assert.equal(t?.to, RunStatus.QUEUED);
    assert.deepEqual(store.calls, ['requeue 2']);
    assert.equal(store.row.error, 'Attempt 2 of 3 failed (boom); it will be retried.');
  });

  test('an attempt another worker took over writes nothing (the guarded write loses)', async () => {
    const claimed = runRecord({ attempts: 1, maxAttempts: 3 });
    const store = fakeStore({ ...claimed, attempts: 2, workerId: 'w2' });
    const t = await new RunLifecycle(store).settle(claimed, { kind: 'crashed', message: 'gone' });
    assert.equal(t, undefined);
    assert.equal(store.row.status, RunStatus.RUNNING);
    assert.equal(store.row.workerId, 'w2');
  });

  test('abandoned and succeeded outcomes write no status (the results transaction wrote success)', async () => {
    const store = fakeStore(runRecord({}));
    const lifecycle = new RunLifecycle(store);
    assert.equal(await lifecycle.settle(store.row, { kind: 'abandoned' }), undefined);
    assert.equal((await lifecycle.settle(store.row, { kind: 'succeeded' }))?.to, RunStatus.SUCCEEDED);
    assert.deepEqual(store.calls, []);
  });

  test('a cancelled attempt ends CANCELLED by request', async () => {
    const store = fakeStore(runRecord({}));
    await new RunLifecycle(store).settle(store.row, { kind: 'cancelled' });
    assert.deepEqual([store.row.status, store.row.error], [RunStatus.CANCELLED, 'Cancelled by request.']);
  });

  test('settling an ended run is refused with a coded error, and nothing is written', async () => {
    const store = fakeStore(runRecord({ status: RunStatus.FAILED }));
    await assert.rejects(
      new RunLifecycle(store).settle(store.row, { kind: 'cancelled' }),
      (e: unknown) => e instanceof RunTransitionError && e.code === ErrorCode.RUN_TRANSITION_REFUSED,
    );
    assert.deepEqual(store.calls, []);
  });

  test('a claim of a run being cancelled or ended is refused without a write', async () => {
    const cancelling = fakeStore(runRecord({ status: RunStatus.QUEUED, attempts: 0, cancelRequestedAt: new Date() }));
    assert.equal(await new RunLifecycle(cancelling).claim(1, 7, 'w1', 'job'), undefined);
    const ended = fakeStore(runRecord({ status: RunStatus.CANCELLED }));
    assert.equal(await new RunLifecycle(ended).claim(1, 7, 'w1', 'job'), undefined);
    assert.deepEqual([...cancelling.calls, ...ended.calls], []);
    const queued = fakeStore(runRecord({ status: RunStatus.QUEUED, attempts: 0 }));
    assert.equal((await new RunLifecycle(queued).claim(1, 7, 'w1', 'job'))?.attempts, 1);
  });

  test('a cancel of an ended run returns it unchanged; of a queued one, cancels it', async () => {
    const ended = fakeStore(runRecord({ status: RunStatus.SUCCEEDED }));
    assert.equal((await new RunLifecycle(ended).requestCancel(1, 7))?.status, RunStatus.SUCCEEDED);
    assert.deepEqual(ended.calls, []);
    const queued = fakeStore(runRecord({ status: RunStatus.QUEUED, attempts: 0 }));
    assert.equal((await new RunLifecycle(queued).requestCancel(1, 7))?.status, RunStatus.CANCELLED);
  });

  test('a lost lease on the last attempt fails the run; the embedded recovery fails it whatever the attempt', async () => {
    const store = fakeStore(runRecord({ attempts: 2, maxAttempts: 2 }));
    await new RunLifecycle(store).loseLease(store.row, 'silent 2 s');
    assert.equal(store.row.status, RunStatus.FAILED);
    const dead = fakeStore(runRecord({}));
    await new RunLifecycle(dead).recoverDead(dead.row, 'The server stopped.');
    assert.deepEqual(dead.calls, ['finish FAILED']);
  });
});
