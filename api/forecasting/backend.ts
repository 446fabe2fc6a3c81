/**
 * Picks the TensorFlow.js backend once per process: native `@tensorflow/tfjs-node` (an optional
 * dependency: its install downloads libtensorflow, so it is often absent), then WebAssembly
 * (SIMD, one thread in Node), then the pure-JS cpu backend. The only module of the engine that
 * touches the file system, and only to tell the wasm backend where its `.wasm` binaries lie.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const BACKEND_PREFERENCES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendPreference = (typeof BACKEND_PREFERENCES)[number];

/** The part of a pino logger this module uses. */
export interface BackendLog {
  info(obj: object, msg: string): void;
}

let chosen: Promise<string> | undefined;

async function tryTensorflow(): Promise<boolean> {
  try {
    // A variable specifier: the package is optional and has no types when it is absent.
    const specifier = '@tensorflow/tfjs-node';
    await import(specifier);
    return await tf.setBackend('tensorflow');
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    setWasmPaths(`${dir}/`);
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

async function pick(preference: BackendPreference, log: BackendLog): Promise<string> {
  const order: readonly ('tensorflow' | 'wasm' | 'cpu')[] =
    preference === 'auto' || preference === 'tensorflow'
      ? ['tensorflow', 'wasm', 'cpu']
      : preference === 'wasm'
        ? ['wasm', 'cpu']
        : ['cpu'];
  const tried: string[] = [];
  for (const name of order) {
    const ok =
      name === 'tensorflow' ? await tryTensorflow() : name === 'wasm' ? await tryWasm() : await tf.setBackend('cpu');
    if (ok) {
      await tf.ready();
      log.info(
        { backend: tf.getBackend(), preference, unavailable: tried },
        `TensorFlow.js backend: ${tf.getBackend()}`,
      );
      return tf.getBackend();
    }
    tried.push(name);
  }
  throw new Error(`No TensorFlow.js backend could start (tried ${tried.join(', ')}).`);
}

/**
 * Starts the preferred backend, falling back in the order tensorflow → wasm → cpu, logs once which
 * one runs and returns its name. Later calls return the first call's result.
 */
export function initBackend(
  preference: BackendPreference = 'auto',
  log: BackendLog = { info: () => {} },
): Promise<string> {
  chosen ??= pick(preference, log);
  return chosen;
}
