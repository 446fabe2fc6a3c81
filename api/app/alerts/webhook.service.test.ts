/**
 * A host shuts down in this order: the dispatcher stops, then the runner, then the alert check a
 * run's success started, then the database closes. An alert that check raises is queued in the
 * store, and used to start a send in the background: its claim reached a database being closed
 * ("Acquire connection error" in the test logs). Once stopped, the dispatcher still lets the alert
 * be stored but sends nothing; the delivery stays PENDING for the next start.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertRecord, WebhookStore, WebhookTransport } from './ports.js';
import { WebhookDispatcher } from './webhook.service.js';

function fakes(): { store: WebhookStore; transport: WebhookTransport; calls: string[] } {
  const calls: string[] = [];
  const store = {
    enqueue: async () => {
      calls.push('enqueue');
      return 1;
    },
    claimDue: async () => {
      calls.push('claimDue');
      return [];
    },
  } as unknown as WebhookStore;
  const transport = {
    refusal: async () => null,
    post: async () => ({ status: 204 }),
  } as WebhookTransport;
  return { store, transport, calls };
}

const alert = {
  id: 1,
  tenantId: 1,
  datasetId: 1,
  seriesId: 1,
  seriesKey: 'A',
  runId: 1,
  points: [],
  createdAt: new Date('2026-12-07T00:00:00Z'),
} as unknown as AlertRecord;

test('an alert queued before stop() is sent at once; one queued after it is stored and not sent until start()', async () => {
  const { store, transport, calls } = fakes();
  const dispatcher = new WebhookDispatcher(store, transport, { pollMs: 60_000 });
  await dispatcher.enqueueAlert(alert);
  await dispatcher.whenIdle();
  assert.deepEqual(calls, ['enqueue', 'claimDue']);

  await dispatcher.stop();
  calls.length = 0;
  await dispatcher.enqueueAlert(alert);
  await new Promise((r) => setImmediate(r));
  await dispatcher.whenIdle();
  assert.deepEqual(calls, ['enqueue'], 'stored, and no claim after stop()');

  dispatcher.start();
  await dispatcher.whenIdle();
  await dispatcher.stop();
  assert.deepEqual(calls, ['enqueue', 'claimDue'], 'start() sends what is due again');
});
