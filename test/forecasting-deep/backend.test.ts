/** The backend is chosen once per process, logged once, and falls back when tfjs-node is absent. */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend } from '../../api/forecasting/backend.js';

test('initBackend picks tensorflow or wasm, logs once, and later calls return the first choice', async () => {
  const logs: string[] = [];
  const log = { info: (_o: object, msg: string) => void logs.push(msg) };
  const first = await initBackend('auto', log);
  assert.ok(first === 'tensorflow' || first === 'wasm', first);
  assert.equal(tf.getBackend(), first);
  assert.equal(await initBackend('cpu', log), first);
  assert.deepEqual(logs, [`TensorFlow.js backend: ${first}`]);
});
