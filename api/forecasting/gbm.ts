/**
 * A compact histogram gradient-boosted regression tree ensemble (pure, deterministic with a seed):
 * what LightGBM and scikit-learn's `HistGradientBoostingRegressor` do, at the size a forecasting
 * candidate needs.
 *
 * - Features are binned once (at most `maxBins` − 1 bins of observed values, cut at quantiles of
 *   a row sample, halfway between the values on either side; bin 0 holds NaN, which therefore
 *   always goes left).
 * - Trees grow leaf-wise (the leaf with the largest gain splits next) up to `maxLeaves` leaves
 *   and `maxDepth`, each child's histogram built from the smaller child and the parent's by
 *   subtraction; `minLeaf` rows per leaf, L2 regularisation `lambda` on leaf values, shrinkage
 *   `learningRate`.
 * - Categorical features (small integer codes) split by LightGBM's rule: categories sorted by
 *   gradient over hessian, the best prefix goes left; an unseen category goes right.
 * - Each tree sees a seeded sample of rows (`rowFraction`) and of features (`featureFraction`).
 * - Losses: `l2` (the mean) and `poisson` (log link; the score is `log(mean)`, with LightGBM's
 *   `max_delta_step` 0.7 on the hessian).
 *
 * A fitted ensemble is plain arrays (`GbmTrees`): thresholds are feature values themselves
 * (`x ≤ t` goes left), so a restored model predicts from raw rows bit for bit without the bins.
 */
import { mulberry32 } from './random.js';

export type GbmLoss = 'l2' | 'poisson';

/** LightGBM's `max_delta_step` 0.7 of the Poisson loss: its hessian is μ · e^0.7. */
const POISSON_HESS = Math.exp(0.7);

export interface GbmParams {
  readonly rounds: number;
  readonly learningRate: number;
  readonly maxLeaves: number;
  readonly maxDepth: number;
  readonly minLeaf: number;
  readonly lambda: number;
  readonly rowFraction: number;
  readonly featureFraction: number;
  readonly maxBins: number;
  readonly loss: GbmLoss;
  readonly seed: number;
}

export const DEFAULT_GBM_PARAMS: GbmParams = {
  rounds: 200,
  learningRate: 0.075,
  maxLeaves: 31,
  maxDepth: 10,
  minLeaf: 20,
  lambda: 1,
  rowFraction: 0.7,
  featureFraction: 0.6,
  maxBins: 64,
  loss: 'l2',
  seed: 1,
};

/** A row-major matrix of features: `x[i * cols + j]`. */
export interface GbmMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly x: Float32Array;
}

/**
 * A fitted ensemble. Node arrays are flat over all trees: `feature[k]` < 0 marks a leaf whose
 * value is `value[k]`; otherwise rows with `x ≤ threshold[k]` (or NaN, or a category in
 * `cats[catIndex[k]]`) go to `left[k]`, the others to `right[k]` (indices into the same arrays).
 */
export interface GbmTrees {
  readonly loss: GbmLoss;
  readonly base: number;
  readonly roots: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float32Array;
  /** Per node: index into `cats` for a categorical split, −1 otherwise. */
  readonly catIndex: Int32Array;
  /** Left category sets of categorical splits. */
  readonly cats: readonly (readonly number[])[];
}

interface Binned {
  /** Row-major bins: `bins[i * cols + j]`. */
  readonly bins: Uint8Array;
  /** Per feature: the largest value of each bin 1..k (bin b holds values ≤ upper[b-1]). */
  readonly upper: Float32Array[];
  readonly nBins: Int32Array;
  /** Per feature: its first slot in a histogram (histograms hold Σ nBins slots of 3). */
  readonly offset: Int32Array;
  readonly slots: number;
}

/** Bins of every feature, cut at quantiles of (a sample of) its observed values. */
function binFeatures(m: GbmMatrix, maxBins: number, categorical: readonly boolean[], seed: number): Binned {
  const { rows: n, cols } = m;
  const sampleSize = Math.min(n, 50_000);
  const rnd = mulberry32(seed ^ 0x5bd1e995);
  const sample = new Int32Array(sampleSize);
  for (let k = 0; k < sampleSize; k++) sample[k] = sampleSize === n ? k : Math.floor(rnd() * n);
  const bins = new Uint8Array(n * cols);
  const upper: Float32Array[] = [];
  const nBins = new Int32Array(cols);
  const vals = new Float32Array(sampleSize);
  for (let j = 0; j < cols; j++) {
    let c = 0;
    for (let k = 0; k < sampleSize; k++) {
      const v = m.x[sample[k]! * cols + j]!;
      if (!Number.isNaN(v)) vals[c++] = v;
    }
    const sorted = vals.subarray(0, c).toSorted();
    const uniq: number[] = [];
    for (let k = 0; k < c; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) uniq.push(sorted[k]!);
    let up: number[];
    if (uniq.length <= maxBins - 1 || categorical[j]) {
      // One bin per value (a categorical feature with more values than bins: the rest share the last).
      up = uniq.slice(0, maxBins - 1);
    } else {
      up = [];
      const k = maxBins - 1;
      for (let b = 1; b <= k; b++) {
        const v = sorted[Math.min(c - 1, Math.floor((b * c) / k) - 1)]!;
        if (up.length === 0 || v > up[up.length - 1]!) up.push(v);
      }
    }
    // Numerical cuts halfway between a bin's largest value and the next value seen (LightGBM's
    // rule): a value between the two, never seen in training, goes to the nearer side.
    if (!categorical[j]) {
      for (let k = 0; k < up.length - 1; k++) {
        const next = sorted[upperBound(sorted, up[k]!)];
        if (next === undefined) continue;
        const mid = Math.fround((up[k]! + next) / 2);
        if (mid > up[k]! && mid < next) up[k] = mid;
      }
    }
    const u = Float32Array.from(up);
    upper.push(u);
    nBins[j] = u.length + 1;
    for (let i = 0; i < n; i++) {
      const v = m.x[i * cols + j]!;
      bins[i * cols + j] = Number.isNaN(v) || u.length === 0 ? 0 : 1 + lowerBound(u, v);
    }
  }
  const offset = new Int32Array(cols);
  let slots = 0;
  for (let j = 0; j < cols; j++) {
    offset[j] = slots;
    slots += nBins[j]!;
  }
  return { bins, upper, nBins, offset, slots };
}

/** First index k with `a[k] > v` (a ascending; a.length when none). */
function upperBound(a: Float32Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index k with `a[k] >= v` (a ascending; clamped to the last index). */
function lowerBound(a: Float32Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(lo, a.length - 1);
}

interface Split {
  readonly gain: number;
  readonly feature: number;
  /** Numerical: bins ≤ bin go left. */
  readonly bin: number;
  /** Categorical: bins that go left. */
  readonly catBins?: readonly number[];
}

interface Leaf {
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  readonly g: number;
  readonly h: number;
  /** Histogram: per feature and bin [grad, hess, count] at `(offset[j] + b) * 3`. */
  hist: Float64Array | undefined;
  split: Split | undefined;
  /** Node index of this leaf in the tree under construction. */
  readonly node: number;
}

const MAXB = 256;

/**
 * Fits an ensemble to `y` from the rows of `m`; `categorical[j]` marks small-integer categorical
 * features. `onRound` is called after each tree (progress).
 */
export function fitGbm(
  m: GbmMatrix,
  y: Float32Array,
  categorical: readonly boolean[],
  params: Partial<GbmParams> = {},
  onRound?: (round: number) => void,
): GbmTrees {
  const p: GbmParams = { ...DEFAULT_GBM_PARAMS, ...params };
  const n = m.rows;
  const cols = m.cols;
  const binned = binFeatures(m, Math.min(MAXB, Math.max(4, p.maxBins)), categorical, p.seed);
  const rnd = mulberry32(p.seed);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i]!;
  mean = n > 0 ? mean / n : 0;
  const base = p.loss === 'poisson' ? Math.log(Math.max(mean, 1e-6)) : mean;
  const score = new Float64Array(n).fill(base);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  // Every hessian of the l2 loss is 1: a histogram's hessian sums are then its counts, exactly.
  const unitHess = p.loss !== 'poisson';
  const nodes = { feature: [] as number[], threshold: [] as number[], left: [] as number[], right: [] as number[] };
  const values: number[] = [];
  const catIndex: number[] = [];
  const cats: number[][] = [];
  const roots: number[] = [];
  // The bins again, feature by feature: a leaf's rows are in ascending order, so partitioning
  // them on one feature reads this nearly in sequence (the rows' bins are 1 byte in every `cols`).
  const byColumn = new Uint8Array(n * cols);
  for (let i = 0; i < n; i++) for (let j = 0; j < cols; j++) byColumn[j * n + i] = binned.bins[i * cols + j]!;
  /** Per node: the bin a numerical split cuts after (rows with bin ≤ it go left), else −1. */
  const nodeBin: number[] = [];
  const idx = new Int32Array(n);
  const scratch = new Int32Array(n);
  const featOn = new Uint8Array(cols);
  const pool: Float64Array[] = [];
  // Histograms are reused across leaves and trees: only the active features' slots are cleared.
  const take = (active: readonly number[]): Float64Array => {
    const h = pool.pop();
    if (!h) return new Float64Array(binned.slots * 3);
    for (const j of active) h.fill(0, binned.offset[j]! * 3, (binned.offset[j]! + binned.nBins[j]!) * 3);
    return h;
  };
  const newNode = (): number => {
    nodes.feature.push(-1);
    nodes.threshold.push(0);
    nodes.left.push(-1);
    nodes.right.push(-1);
    values.push(0);
    catIndex.push(-1);
    nodeBin.push(-1);
    return values.length - 1;
  };

  for (let round = 0; round < p.rounds; round++) {
    for (let i = 0; i < n; i++) {
      if (p.loss === 'poisson') {
        const mu = Math.exp(score[i]!);
        grad[i] = mu - y[i]!;
        hess[i] = mu * POISSON_HESS;
      } else {
        grad[i] = score[i]! - y[i]!;
        hess[i] = 1;
      }
    }
    // Row and feature samples of this tree.
    let used = 0;
    for (let i = 0; i < n; i++) if (p.rowFraction >= 1 || rnd() < p.rowFraction) idx[used++] = i;
    let anyFeature = false;
    for (let j = 0; j < cols; j++) {
      featOn[j] = p.featureFraction >= 1 || rnd() < p.featureFraction ? 1 : 0;
      anyFeature ||= featOn[j] === 1;
    }
    if (!anyFeature) featOn[Math.floor(rnd() * cols)] = 1;
    const active: number[] = [];
    for (let j = 0; j < cols; j++) if (featOn[j]) active.push(j);
    if (used < 2 * p.minLeaf) continue;

    const root = newNode();
    roots.push(root);
    let g0 = 0;
    let h0 = 0;
    for (let k = 0; k < used; k++) {
      g0 += grad[idx[k]!]!;
      h0 += hess[idx[k]!]!;
    }
    const leaves: Leaf[] = [
      { start: 0, end: used, depth: 0, g: g0, h: h0, hist: undefined, split: undefined, node: root },
    ];
    leaves[0]!.hist = buildHist(take(active), binned, idx, 0, used, grad, unitHess ? undefined : hess, active, cols);
    leaves[0]!.split = bestSplit(leaves[0]!, binned, featOn, categorical, p);
    while (leaves.length < p.maxLeaves) {
      let best = -1;
      for (let k = 0; k < leaves.length; k++) {
        const s = leaves[k]!.split;
        if (s && s.gain > 1e-12 && (best < 0 || s.gain > leaves[best]!.split!.gain)) best = k;
      }
      if (best < 0) break;
      const leaf = leaves[best]!;
      const s = leaf.split!;
      // Partition the leaf's rows: left first.
      const goLeft = new Uint8Array(MAXB);
      if (s.catBins) for (const b of s.catBins) goLeft[b] = 1;
      else for (let b = 0; b <= s.bin; b++) goLeft[b] = 1;
      let l = leaf.start;
      let r = 0;
      let gl = 0;
      let hl = 0;
      const column = s.feature * n;
      for (let k = leaf.start; k < leaf.end; k++) {
        const i = idx[k]!;
        if (goLeft[byColumn[column + i]!]) {
          idx[l++] = i;
          gl += grad[i]!;
          hl += hess[i]!;
        } else scratch[r++] = i;
      }
      idx.set(scratch.subarray(0, r), l);
      const ln = newNode();
      const rn = newNode();
      nodes.feature[leaf.node] = s.feature;
      nodes.left[leaf.node] = ln;
      nodes.right[leaf.node] = rn;
      if (s.catBins) {
        catIndex[leaf.node] = cats.length;
        cats.push(s.catBins.filter((b) => b > 0).map((b) => binned.upper[s.feature]![b - 1]!));
        nodes.threshold[leaf.node] = Number.NaN;
      } else {
        nodes.threshold[leaf.node] = s.bin === 0 ? Number.NEGATIVE_INFINITY : binned.upper[s.feature]![s.bin - 1]!;
        nodeBin[leaf.node] = s.bin;
      }
      const left: Leaf = {
        start: leaf.start,
        end: l,
        depth: leaf.depth + 1,
        g: gl,
        h: hl,
        hist: undefined,
        split: undefined,
        node: ln,
      };
      const right: Leaf = {
        start: l,
        end: leaf.end,
        depth: leaf.depth + 1,
        g: leaf.g - gl,
        h: leaf.h - hl,
        hist: undefined,
        split: undefined,
        node: rn,
      };
      const [small, large] = left.end - left.start <= right.end - right.start ? [left, right] : [right, left];
      small.hist = buildHist(
        take(active),
        binned,
        idx,
        small.start,
        small.end,
        grad,
        unitHess ? undefined : hess,
        active,
        cols,
      );
      const parent = leaf.hist!;
      for (const j of active) {
        const a = binned.offset[j]! * 3;
        const e = a + binned.nBins[j]! * 3;
        for (let k = a; k < e; k++) parent[k]! -= small.hist[k]!;
      }
      large.hist = parent;
      leaf.hist = undefined;
      for (const c of [left, right]) {
        c.split = c.depth < p.maxDepth ? bestSplit(c, binned, featOn, categorical, p) : undefined;
      }
      leaves.splice(best, 1, left, right);
    }
    for (const leaf of leaves) {
      values[leaf.node] = Math.fround((-leaf.g / (leaf.h + p.lambda)) * p.learningRate);
      if (leaf.hist) pool.push(leaf.hist);
      leaf.hist = undefined;
    }
    // Every row's score, sampled or not, moves by the tree's prediction.
    const t = {
      feature: nodes.feature,
      threshold: nodes.threshold,
      left: nodes.left,
      right: nodes.right,
      value: values,
      catIndex,
      cats,
    };
    const inSample = new Uint8Array(n);
    for (const leaf of leaves) {
      const v = values[leaf.node]!;
      for (let k = leaf.start; k < leaf.end; k++) {
        score[idx[k]!]! += v;
        inSample[idx[k]!] = 1;
      }
    }
    // The other rows go down the tree by their bins, as its threshold sends their values (bin b
    // holds the values ≤ the b-th upper bound and above the one before): `walk` on the raw values
    // gives the same leaf. Categorical splits, and the cut after bin 0 (only NaN left of it), read
    // the raw value as `walk` does.
    if (used < n) {
      for (let i = 0; i < n; i++) {
        if (inSample[i]) continue;
        let k = root;
        for (;;) {
          const f = nodes.feature[k]!;
          if (f < 0) break;
          const cut = nodeBin[k]!;
          const left = cut > 0 ? byColumn[f * n + i]! <= cut : walkLeft(t, k, m.x[i * cols + f]!);
          k = left ? nodes.left[k]! : nodes.right[k]!;
        }
        score[i]! += values[k]!;
      }
    }
    onRound?.(round);
  }
  return {
    loss: p.loss,
    base,
    roots: Int32Array.from(roots),
    feature: Int32Array.from(nodes.feature),
    threshold: Float32Array.from(nodes.threshold),
    left: Int32Array.from(nodes.left),
    right: Int32Array.from(nodes.right),
    value: Float32Array.from(values),
    catIndex: Int32Array.from(catIndex),
    cats,
  };
}

/**
 * Sums of gradient, hessian and count per bin of every active feature over rows `idx[start..end)`.
 * Without `hess` every hessian is 1, so the hessian slot is the count (an exact integer either way).
 */
function buildHist(
  h: Float64Array,
  b: Binned,
  idx: Int32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array | undefined,
  active: readonly number[],
  cols: number,
): Float64Array {
  const na = active.length;
  const offs = Int32Array.from(active, (j) => b.offset[j]! * 3);
  const feats = Int32Array.from(active);
  const bins = b.bins;
  if (hess === undefined) {
    for (let k = start; k < end; k++) {
      const i = idx[k]!;
      const g = grad[i]!;
      const row = i * cols;
      for (let a = 0; a < na; a++) {
        const o = offs[a]! + bins[row + feats[a]!]! * 3;
        h[o]! += g;
        h[o + 2]! += 1;
      }
    }
    for (let a = 0; a < na; a++) {
      const o = offs[a]!;
      const e = o + b.nBins[feats[a]!]! * 3;
      for (let k = o; k < e; k += 3) h[k + 1] = h[k + 2]!;
    }
    return h;
  }
  for (let k = start; k < end; k++) {
    const i = idx[k]!;
    const g = grad[i]!;
    const hh = hess[i]!;
    const row = i * cols;
    for (let a = 0; a < na; a++) {
      const o = offs[a]! + bins[row + feats[a]!]! * 3;
      h[o]! += g;
      h[o + 1]! += hh;
      h[o + 2]! += 1;
    }
  }
  return h;
}

function bestSplit(
  leaf: Leaf,
  b: Binned,
  featOn: Uint8Array,
  categorical: readonly boolean[],
  p: GbmParams,
): Split | undefined {
  const hist = leaf.hist!;
  const count = leaf.end - leaf.start;
  if (count < 2 * p.minLeaf) return undefined;
  const parentGain = (leaf.g * leaf.g) / (leaf.h + p.lambda);
  let best: Split | undefined;
  for (let j = 0; j < featOn.length; j++) {
    if (!featOn[j]) continue;
    const nb = b.nBins[j]!;
    if (nb < 2) continue;
    const off = b.offset[j]! * 3;
    if (categorical[j]) {
      const order: number[] = [];
      for (let k = 0; k < nb; k++) if (hist[off + k * 3 + 2]! > 0) order.push(k);
      if (order.length < 2) continue;
      const ratio = (k: number): number => hist[off + k * 3]! / (hist[off + k * 3 + 1]! + 10);
      order.sort((a, c) => ratio(a) - ratio(c));
      let gl = 0;
      let hl = 0;
      let cl = 0;
      for (let q = 0; q < order.length - 1; q++) {
        const k = order[q]!;
        gl += hist[off + k * 3]!;
        hl += hist[off + k * 3 + 1]!;
        cl += hist[off + k * 3 + 2]!;
        if (cl < p.minLeaf || count - cl < p.minLeaf) continue;
        const gr = leaf.g - gl;
        const hr = leaf.h - hl;
        const gain = (gl * gl) / (hl + p.lambda) + (gr * gr) / (hr + p.lambda) - parentGain;
        if (!best || gain > best.gain) best = { gain, feature: j, bin: -1, catBins: order.slice(0, q + 1) };
      }
      continue;
    }
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let k = 0; k < nb - 1; k++) {
      gl += hist[off + k * 3]!;
      hl += hist[off + k * 3 + 1]!;
      cl += hist[off + k * 3 + 2]!;
      if (cl < p.minLeaf) continue;
      if (count - cl < p.minLeaf) break;
      const gr = leaf.g - gl;
      const hr = leaf.h - hl;
      const gain = (gl * gl) / (hl + p.lambda) + (gr * gr) / (hr + p.lambda) - parentGain;
      if (!best || gain > best.gain) best = { gain, feature: j, bin: k };
    }
  }
  return best;
}

interface TreeArrays {
  readonly feature: ArrayLike<number>;
  readonly threshold: ArrayLike<number>;
  readonly left: ArrayLike<number>;
  readonly right: ArrayLike<number>;
  readonly value: ArrayLike<number>;
  readonly catIndex: ArrayLike<number>;
  readonly cats: readonly (readonly number[])[];
}

/** Whether value `v` goes left at split node `k`. */
function walkLeft(t: TreeArrays, k: number, v: number): boolean {
  const c = t.catIndex[k]!;
  if (c >= 0) return !Number.isNaN(v) && t.cats[c]!.includes(Math.fround(v));
  return Number.isNaN(v) || v <= t.threshold[k]!;
}

function walk(t: TreeArrays, root: number, x: ArrayLike<number>, off: number): number {
  let k = root;
  for (;;) {
    const f = t.feature[k]!;
    if (f < 0) return t.value[k]!;
    k = walkLeft(t, k, x[off + f]!) ? t.left[k]! : t.right[k]!;
  }
}

/** Predictions (the mean: `exp(score)` for Poisson) of every row of `m`. */
export function predictGbm(trees: GbmTrees, m: GbmMatrix): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let s = trees.base;
    for (let r = 0; r < trees.roots.length; r++) s += walk(trees, trees.roots[r]!, m.x, i * m.cols);
    out[i] = trees.loss === 'poisson' ? Math.exp(s) : s;
  }
  return out;
}

/** Total split gain per feature is not kept; this counts splits per feature (a cheap importance). */
export function splitCounts(trees: GbmTrees, cols: number): Int32Array {
  const out = new Int32Array(cols);
  for (let k = 0; k < trees.feature.length; k++) if (trees.feature[k]! >= 0) out[trees.feature[k]!]! += 1;
  return out;
}

/** The node arrays as bytes (little-endian, 4 bytes per value) and the rest as JSON-ready data. */
export function packTrees(t: GbmTrees): {
  meta: { loss: GbmLoss; base: number; nodes: number; roots: number; cats: (readonly number[])[] };
  bytes: Uint8Array;
} {
  const nodes = t.feature.length;
  const buf = new ArrayBuffer(4 * (t.roots.length + nodes * 6));
  const dv = new DataView(buf);
  let o = 0;
  const i32 = (v: number): void => {
    dv.setInt32(o, v, true);
    o += 4;
  };
  const f32 = (v: number): void => {
    dv.setFloat32(o, v, true);
    o += 4;
  };
  for (const r of t.roots) i32(r);
  for (let k = 0; k < nodes; k++) i32(t.feature[k]!);
  for (let k = 0; k < nodes; k++) f32(t.threshold[k]!);
  for (let k = 0; k < nodes; k++) i32(t.left[k]!);
  for (let k = 0; k < nodes; k++) i32(t.right[k]!);
  for (let k = 0; k < nodes; k++) f32(t.value[k]!);
  for (let k = 0; k < nodes; k++) i32(t.catIndex[k]!);
  return {
    meta: { loss: t.loss, base: t.base, nodes, roots: t.roots.length, cats: [...t.cats] },
    bytes: new Uint8Array(buf),
  };
}

/** `packTrees` reversed. */
export function unpackTrees(
  meta: { loss: GbmLoss; base: number; nodes: number; roots: number; cats: (readonly number[])[] },
  bytes: Uint8Array,
): GbmTrees {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 0;
  const i32 = (len: number): Int32Array => {
    const a = new Int32Array(len);
    for (let k = 0; k < len; k++, o += 4) a[k] = dv.getInt32(o, true);
    return a;
  };
  const f32 = (len: number): Float32Array => {
    const a = new Float32Array(len);
    for (let k = 0; k < len; k++, o += 4) a[k] = dv.getFloat32(o, true);
    return a;
  };
  const roots = i32(meta.roots);
  const feature = i32(meta.nodes);
  const threshold = f32(meta.nodes);
  const left = i32(meta.nodes);
  const right = i32(meta.nodes);
  const value = f32(meta.nodes);
  const catIndex = i32(meta.nodes);
  return { loss: meta.loss, base: meta.base, roots, feature, threshold, left, right, value, catIndex, cats: meta.cats };
}
