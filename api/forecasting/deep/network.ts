/**
 * The deep networks, written as plain functions of a parameter map (no tf.layers: fewer small ops
 * per step and full control over seeded initialisation and serialisation).
 *
 * Every kind shares one decoder (TiDE-like): the encoder's context vector is projected to a hidden
 * vector per forecast step, added to a projection of that step's features (calendar, known
 * covariates, seasonal and yearly lags), and after a ReLU a per-step linear layer gives the
 * quantiles. A linear skip from the lookback and
 * from the step features adds to the median, so the network starts near a linear model.
 * Quantiles never cross: median + cumulative softplus offsets above and below.
 *
 * Encoders: `mlp` (two wide ReLU layers over the flattened lookback, N-BEATS-style direct
 * multi-horizon), `conv1d` (residual dilated causal convolutions, kernel 2, as shifted copies +
 * one matmul per layer, because tf.js has no gradient for dilated conv2d), `lstm` / `gru`
 * (recurrent). conv1d and the recurrent ones run over patches of the lookback (one step per week
 * of daily data, 4 weeks, 3 months) to keep the sequence short.
 */
import * as tf from '@tensorflow/tfjs';
import type { Prng } from './prng.js';

export const DEEP_KINDS = ['mlp', 'conv1d', 'lstm', 'gru'] as const;
export type DeepKind = (typeof DEEP_KINDS)[number];

export interface Arch {
  readonly kind: DeepKind;
  /** Lookback steps, channels per step, horizon, features per forecast step, static width. */
  readonly lookback: number;
  readonly channels: number;
  readonly horizon: number;
  readonly stepFeatures: number;
  readonly statics: number;
  readonly quantiles: readonly number[];
  /** Encoder width: MLP units, conv channels or recurrent units. */
  readonly hidden: number;
  /** Per-step decoder units. */
  readonly decoderHidden: number;
  /** Lookback steps per recurrent step. */
  readonly patch: number;
  readonly dilations: readonly number[];
}

export type Params = ReadonlyMap<string, tf.Variable>;

/** Names and shapes of the parameters, in a fixed order (the order of the serialised bytes). */
export function paramShapes(a: Arch): [string, number[]][] {
  const out: [string, number[]][] = [];
  const layer = (name: string, i: number, o: number): void => {
    out.push([`${name}.w`, [i, o]], [`${name}.b`, [o]]);
  };
  let ctx: number;
  if (a.kind === 'mlp') {
    layer('enc1', a.lookback * a.channels + a.statics, a.hidden);
    layer('enc2', a.hidden, a.hidden);
    ctx = a.hidden;
  } else if (a.kind === 'conv1d') {
    layer('conv_in', a.patch * a.channels, a.hidden);
    a.dilations.forEach((_, i) => layer(`conv${i}`, 2 * a.hidden, a.hidden));
    ctx = 2 * a.hidden + a.statics;
  } else {
    const gates = a.kind === 'lstm' ? 4 : 3;
    layer('rnn_x', a.patch * a.channels, gates * a.hidden);
    layer('rnn_h', a.hidden, gates * a.hidden);
    ctx = a.hidden + a.statics;
  }
  layer('proj', ctx, a.horizon * a.decoderHidden);
  layer('dec1', a.stepFeatures, a.decoderHidden);
  layer('dec2', a.decoderHidden, a.quantiles.length);
  layer('skip_hist', a.lookback * a.channels, a.horizon);
  layer('skip_step', a.stepFeatures, 1);
  return out;
}

/** Glorot-uniform weights (scaled down for the skips and the output layer), zero biases, from the seeded PRNG. */
export function initParams(a: Arch, prng: Prng): Map<string, tf.Variable> {
  const params = new Map<string, tf.Variable>();
  for (const [name, shape] of paramShapes(a)) {
    const size = shape.reduce((x, y) => x * y, 1);
    const values = new Float32Array(size);
    if (shape.length === 2) {
      const gain = name.startsWith('skip') || name.startsWith('dec2') ? 0.1 : 1;
      const limit = gain * Math.sqrt(6 / (shape[0]! + shape[1]!));
      for (let i = 0; i < size; i++) values[i] = (2 * prng.next() - 1) * limit;
    }
    params.set(
      name,
      tf.tidy(() => tf.variable(tf.tensor(values, shape), true)),
    );
  }
  return params;
}

/** Parameters from serialised bytes (float32, in `paramShapes` order). */
export function paramsFromBytes(a: Arch, bytes: Uint8Array): Map<string, tf.Variable> {
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const params = new Map<string, tf.Variable>();
  let o = 0;
  for (const [name, shape] of paramShapes(a)) {
    const size = shape.reduce((x, y) => x * y, 1);
    if (o + size > floats.length) throw new Error(`Model weights are too short for parameter ${name}.`);
    params.set(
      name,
      tf.tidy(() => tf.variable(tf.tensor(floats.slice(o, o + size), shape), true)),
    );
    o += size;
  }
  if (o !== floats.length) throw new Error(`Model weights hold ${floats.length} values, the architecture needs ${o}.`);
  return params;
}

export function paramsToBytes(a: Arch, params: Params): Uint8Array {
  const shapes = paramShapes(a);
  const total = shapes.reduce((s, [, sh]) => s + sh.reduce((x, y) => x * y, 1), 0);
  const floats = new Float32Array(total);
  let o = 0;
  for (const [name] of shapes) {
    const v = params.get(name)!.dataSync() as Float32Array;
    floats.set(v, o);
    o += v.length;
  }
  return new Uint8Array(floats.buffer);
}

/**
 * `activation(x·W + b)` with a hand-written gradient. The wasm backend multiplies transposed
 * operands 5–15× slower than plain ones (measured: 0.3–0.5 vs 2–7 GFLOP/s), and tf.js's own
 * matMul gradient uses the transposed forms; here both gradients transpose explicitly first.
 */
function makeDense(
  useRelu: boolean,
  inputGrad: boolean,
): (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const y = tf.fused.matMul({ a: x, b: w, bias: b, activation: useRelu ? 'relu' : 'linear' });
    save([x, w, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, sy] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        // dz must be a fresh buffer: it is the right operand of dW below, and the wasm backend
        // caches matmul operators by the right operand's buffer; `dy` may be a reshape sharing
        // its buffer with a gradient used elsewhere in another shape.
        const dz = (useRelu ? tf.mul(dy, tf.step(sy)) : tf.mul(dy, 1)) as tf.Tensor2D;
        const [k, n] = sw.shape;
        const db = tf.sum(dz, 0);
        if (!inputGrad) {
          // Inputs are data (no gradient needed): skip the dX product.
          const dw = n === 1 ? tf.reshape(tf.sum(tf.mul(sx, dz), 0), [k, 1]) : tf.matMul(tf.transpose(sx), dz);
          return [tf.zerosLike(sx), dw, db];
        }
        if (n === 1 || k === 1) {
          // A transpose with a unit dimension is a reshape that shares the weights' buffer (and
          // so the forward's cached operator, in another shape): broadcast instead.
          const dx = n === 1 ? tf.mul(dz, tf.reshape(sw, [1, k])) : tf.sum(tf.mul(dz, sw), 1, true);
          const dw = n === 1 ? tf.reshape(tf.sum(tf.mul(sx, dz), 0), [k, 1]) : tf.sum(tf.mul(sx, dz), 0, true);
          return [dx, dw, db];
        }
        return [tf.matMul(dz, tf.transpose(sw)), tf.matMul(tf.transpose(sx), dz), db];
      },
    };
  });
  return (x, w, b) => op(x, w, b) as tf.Tensor2D;
}

const DENSE = {
  relu: makeDense(true, true),
  linear: makeDense(false, true),
  /** On input data, which needs no gradient. */
  reluData: makeDense(true, false),
  linearData: makeDense(false, false),
} as const;

function dense(p: Params, name: string, x: tf.Tensor2D, activation: keyof typeof DENSE): tf.Tensor2D {
  return DENSE[activation](x, p.get(`${name}.w`) as tf.Tensor2D, p.get(`${name}.b`) as tf.Tensor1D);
}

function encode(p: Params, a: Arch, hist: tf.Tensor2D, stat: tf.Tensor2D): tf.Tensor2D {
  const b = hist.shape[0];
  if (a.kind === 'mlp') {
    const x = a.statics > 0 ? tf.concat([hist, stat], 1) : hist;
    return dense(p, 'enc2', dense(p, 'enc1', x as tf.Tensor2D, 'reluData'), 'relu');
  }
  if (a.kind === 'conv1d') {
    // Over patches of the lookback (a week of daily data per step), like the recurrent models.
    const L = a.lookback / a.patch;
    const c = a.hidden;
    let x = dense(p, 'conv_in', tf.reshape(hist, [b * L, a.patch * a.channels]), 'reluData').reshape([
      b,
      L,
      c,
    ]) as tf.Tensor3D;
    a.dilations.forEach((d, i) => {
      // Causal dilated conv, kernel 2: out[t] = W0·x[t-d] + W1·x[t].
      const shifted =
        d < L
          ? tf.pad(tf.slice(x, [0, 0, 0], [b, L - d, c]), [
              [0, 0],
              [d, 0],
              [0, 0],
            ])
          : tf.zerosLike(x);
      const z = dense(p, `conv${i}`, tf.reshape(tf.concat([shifted, x], 2), [b * L, 2 * c]), 'relu');
      x = tf.add(x, tf.reshape(z, [b, L, c]));
    });
    const last = tf.reshape(tf.slice(x, [0, L - 1, 0], [b, 1, c]), [b, c]);
    const parts = [last, tf.mean(x, 1) as tf.Tensor2D];
    if (a.statics > 0) parts.push(stat);
    return tf.concat(parts, 1) as tf.Tensor2D;
  }
  const steps = a.lookback / a.patch;
  const u = a.hidden;
  const gates = a.kind === 'lstm' ? 4 : 3;
  const xs = tf.unstack(
    dense(p, 'rnn_x', tf.reshape(hist, [b * steps, a.patch * a.channels]), 'linearData').reshape([b, steps, gates * u]),
    1,
  ) as tf.Tensor2D[];
  let h = tf.zeros([b, u]) as tf.Tensor2D;
  let cell = tf.zeros([b, u]) as tf.Tensor2D;
  for (const xt of xs) {
    const hh = dense(p, 'rnn_h', h, 'linear');
    if (a.kind === 'lstm') {
      const [i, f, g, o] = tf.split(tf.add(xt, hh) as tf.Tensor2D, 4, 1) as [
        tf.Tensor2D,
        tf.Tensor2D,
        tf.Tensor2D,
        tf.Tensor2D,
      ];
      // Forget-gate bias of +1 (Jozefowicz et al.) keeps early gradients alive.
      cell = tf.add(tf.mul(tf.sigmoid(tf.add(f, 1)), cell), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      h = tf.mul(tf.sigmoid(o), tf.tanh(cell));
    } else {
      const [xr, xz, xn] = tf.split(xt, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const [hr, hz, hn] = tf.split(hh, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const r = tf.sigmoid(tf.add(xr, hr));
      const zg = tf.sigmoid(tf.add(xz, hz));
      const nn = tf.tanh(tf.add(xn, tf.mul(r, hn)));
      h = tf.add(tf.mul(tf.sub(1, zg), nn), tf.mul(zg, h));
    }
  }
  return a.statics > 0 ? (tf.concat([h, stat], 1) as tf.Tensor2D) : h;
}

/** Quantiles in scaled units, `[batch, horizon, quantiles]`, ascending along the last axis. */
export function forward(p: Params, a: Arch, hist: tf.Tensor2D, fut: tf.Tensor2D, stat: tf.Tensor2D): tf.Tensor3D {
  const b = hist.shape[0];
  const H = a.horizon;
  const F = a.stepFeatures;
  const Q = a.quantiles.length;
  const ctx = encode(p, a, hist, stat);
  // Per-step hidden layer: relu(ctx·P_h + step_h·W + b), with the context part projected for all
  // H steps in one wide matmul (no concat of context and step features).
  const futRows = tf.reshape(fut, [b * H, F]) as tf.Tensor2D;
  const fromCtx = tf.reshape(dense(p, 'proj', ctx, 'linear'), [b * H, a.decoderHidden]);
  const hidden = tf.relu(tf.add(fromCtx, dense(p, 'dec1', futRows, 'linearData'))) as tf.Tensor2D;
  const raw = tf.reshape(dense(p, 'dec2', hidden, 'linear'), [b, H, Q]);
  const skip = tf.add(
    dense(p, 'skip_hist', hist, 'linearData'),
    tf.reshape(dense(p, 'skip_step', futRows, 'linearData'), [b, H]),
  );
  const mi = a.quantiles.indexOf(0.5);
  const median = tf.add(tf.slice(raw, [0, 0, mi], [b, H, 1]), tf.reshape(skip, [b, H, 1]));
  const parts: tf.Tensor3D[] = [];
  if (mi > 0) {
    const below = tf.cumsum(tf.softplus(tf.slice(raw, [0, 0, 0], [b, H, mi])), 2, false, true);
    parts.push(tf.sub(median, below));
  }
  parts.push(median as tf.Tensor3D);
  if (mi < Q - 1) {
    const above = tf.cumsum(tf.softplus(tf.slice(raw, [0, 0, mi + 1], [b, H, Q - 1 - mi])), 2);
    parts.push(tf.add(median, above));
  }
  return parts.length === 1 ? parts[0]! : (tf.concat(parts, 2) as tf.Tensor3D);
}

/** Mean pinball loss over observed targets: `y`, `mask` are `[batch, horizon]`. */
export function pinballLoss(
  q: tf.Tensor3D,
  y: tf.Tensor2D,
  mask: tf.Tensor2D,
  quantiles: readonly number[],
): tf.Scalar {
  const [b, h] = y.shape;
  const taus = tf.tensor(Float32Array.from(quantiles), [1, 1, quantiles.length]);
  const diff = tf.sub(tf.reshape(y, [b, h, 1]), q);
  const loss = tf.maximum(tf.mul(taus, diff), tf.mul(tf.sub(taus, 1), diff));
  const masked = tf.mul(loss, tf.reshape(mask, [b, h, 1]));
  return tf.div(tf.sum(masked), tf.maximum(tf.mul(tf.sum(mask), quantiles.length), 1)) as tf.Scalar;
}

/** Multiply-adds of one forward pass per sample (training ≈ 3 forward passes, 2 FLOP per multiply-add). */
export function forwardMacs(a: Arch): number {
  const lc = a.lookback * a.channels;
  let enc: number;
  let ctx: number;
  if (a.kind === 'mlp') {
    enc = (lc + a.statics) * a.hidden + a.hidden * a.hidden;
    ctx = a.hidden;
  } else if (a.kind === 'conv1d') {
    enc = lc * a.hidden + (a.lookback / a.patch) * a.dilations.length * 2 * a.hidden * a.hidden;
    ctx = 2 * a.hidden + a.statics;
  } else {
    const g = a.kind === 'lstm' ? 4 : 3;
    enc = lc * g * a.hidden + (a.lookback / a.patch) * a.hidden * g * a.hidden;
    ctx = a.hidden + a.statics;
  }
  const dec =
    ctx * a.horizon * a.decoderHidden +
    a.horizon * (a.stepFeatures * a.decoderHidden + a.decoderHidden * a.quantiles.length);
  return enc + dec + lc * a.horizon + a.horizon * a.stepFeatures;
}
