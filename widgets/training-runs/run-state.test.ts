import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isActiveRun, mergeRun, progressFraction, runChanged, type TrainingRunView } from './run-state.js';

const run = (id: string, status: string, fraction: number | null = null): TrainingRunView => ({
  id,
  status,
  model: 'MLP',
  horizon: 28,
  createdAt: null,
  startedAt: null,
  finishedAt: null,
  error: null,
  progress: fraction === null ? null : { fraction, epoch: 1, loss: 0.5 },
  metrics: null,
});

describe('run state', () => {
  test('only queued and running runs are active', () => {
    assert.deepEqual(
      ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'].map((status) => isActiveRun({ status })),
      [true, true, false, false, false],
    );
  });

  test('progress is clamped, 1 when succeeded, 0 when unknown', () => {
    assert.equal(progressFraction(run('a', 'RUNNING', 1.7)), 1);
    assert.equal(progressFraction(run('a', 'RUNNING', -1)), 0);
    assert.equal(progressFraction(run('a', 'RUNNING', 0.25)), 0.25);
    assert.equal(progressFraction(run('a', 'SUCCEEDED', 0.9)), 1);
    assert.equal(progressFraction(run('a', 'QUEUED')), 0);
  });

  test('mergeRun replaces by id, prepends new runs and never mutates', () => {
    const runs = [run('b', 'RUNNING', 0.1), run('a', 'SUCCEEDED', 1)];
    const frozen = JSON.stringify(runs);
    const updated = mergeRun(runs, run('b', 'RUNNING', 0.5));
    assert.equal(updated[0]!.progress?.fraction, 0.5);
    assert.equal(updated.length, 2);
    assert.deepEqual(
      mergeRun(runs, run('c', 'QUEUED')).map((item) => item.id),
      ['c', 'b', 'a'],
    );
    assert.equal(JSON.stringify(runs), frozen);
  });

  test('runChanged sees status and progress changes only', () => {
    assert.equal(runChanged(undefined, run('a', 'QUEUED')), true);
    assert.equal(runChanged(run('a', 'RUNNING', 0.1), run('a', 'RUNNING', 0.1)), false);
    assert.equal(runChanged(run('a', 'RUNNING', 0.1), run('a', 'RUNNING', 0.2)), true);
    assert.equal(runChanged(run('a', 'RUNNING', 0.1), run('a', 'CANCELLED', 0.1)), true);
  });
});
