import * as tf from '@tensorflow/tfjs';
import type { PrimitiveOp } from '../dcl/count';
import { activationFlops, conv1dFlops, layerNormFlops, linearFlops, windowedAttentionFlops } from '../dcl/flops';
import {
  checkLastDim,
  gateOutput,
  glorot,
  sliceAxis,
  sliceInput,
  type ApplyContext,
  type Layer,
  type PlanLookup,
  type SlicePlan,
  type WidthValue,
} from '../dcl/layer';
import type { Width } from '../dcl/width';

/*
 * Layers of a transformer whose residual stream width is a learnable width (tied to the mel
 * bands). Consolidation is exact because of one convention shared with the core layers:
 *
 * - In the full model every tensor of stream width equals g ⊙ x̃, g = √a (units ≥ n exactly 0,
 *   the boundary unit scaled by √λ): LogMel's output is gated, and every projection that
 *   writes into the stream gates its output with the same width, so the residual sums keep
 *   the form g ⊙ (x̃ + ỹ).
 * - The consolidated model carries x̃[:n]; every reader folds g into the weights it reads
 *   with (sliceInput), as the core Dense/Conv/GRU do.
 *
 * Normalisation: LayerNorm is not exactly consolidatable (its mean and variance run over the
 * masked units). RmsNorm below divides the sum of squares by a FIXED N (the full width), so
 * zeros add nothing; its statistic reads per-unit weights s (1 in the full model) and
 * consolidation sets s = g² on the kept units, so Σ s·x̃² equals the full model's Σ (g·x̃)².
 * Its output x·γ/r keeps the g ⊙ (…) form, so the next reader folds g as usual.
 */

const RMS_EPSILON = 1e-5;

const variable = (t: tf.Tensor) => {
  const v = tf.variable(t);
  t.dispose();
  return v;
};

/** RMS normalisation over the last axis with a fixed divisor and fixed statistic weights. */
export class RmsNorm {
  readonly gain: tf.Variable;
  /** Per-unit weights of the sum of squares (null: all 1). Not trainable. */
  readonly statisticWeights: tf.Tensor1D | null;

  constructor(
    readonly features: number,
    /** N of the full model: kept through consolidation. */
    readonly divisor: number,
    init?: { gain: tf.Tensor; statisticWeights: tf.Tensor1D | null },
  ) {
    this.gain = variable(init ? init.gain : tf.ones([features]));
    this.statisticWeights = init ? init.statisticWeights : null;
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const squares = this.statisticWeights ? tf.mul(tf.square(x), this.statisticWeights) : tf.square(x);
      const meanSquare = tf.div(tf.sum(squares, -1, true), this.divisor);
      return tf.mul(tf.div(x, tf.sqrt(tf.add(meanSquare, RMS_EPSILON))), this.gain);
    });
  }

  consolidate(plan: SlicePlan): RmsNorm {
    const weights = new Float32Array(plan.keep).fill(1);
    weights[plan.keep - 1] = plan.boundaryScale * plan.boundaryScale;
    const sliced = tf.tidy(() => {
      const kept = this.statisticWeights ? sliceAxis(this.statisticWeights, 0, 0, plan.keep) : tf.ones([plan.keep]);
      return { gain: sliceAxis(this.gain, 0, 0, plan.keep), statisticWeights: tf.mul(kept, tf.tensor1d(weights)) as tf.Tensor1D };
    });
    return new RmsNorm(plan.keep, this.divisor, sliced);
  }

  dispose(): void {
    this.gain.dispose();
    this.statisticWeights?.dispose();
  }
}

/**
 * Residual causal depthwise convolution over time, x + g ⊙ (Σ_j w_j ⊙ x_{t−j} + b): gives the
 * attention (which only sees a causal window) the order of the frames in it.
 */
export class CausalMix implements Layer {
  readonly kind = 'causalMix';
  readonly kernel: tf.Variable; // [kernelSize, N]
  readonly bias: tf.Variable; // [N]

  constructor(
    readonly name: string,
    readonly inWidth: Width,
    readonly kernelSize: number,
    init: { seed: number } | { kernel: tf.Tensor; bias: tf.Tensor },
  ) {
    const n = inWidth.full;
    this.kernel = variable('seed' in init ? tf.randomNormal([kernelSize, n], 0, 0.1, 'float32', init.seed) : init.kernel);
    this.bias = variable('seed' in init ? tf.zeros([n]) : init.bias);
  }

  get outWidth(): Width {
    return this.inWidth;
  }

  apply(x: tf.Tensor, ctx: ApplyContext): tf.Tensor {
    if (x.rank !== 3) throw new Error(`${this.name}: expects [batch, time, features], got shape [${x.shape}]`);
    checkLastDim(this.name, x, this.inWidth.full);
    const [batch, steps, n] = x.shape;
    return tf.tidy(() => {
      const padded = tf.pad(x, [
        [0, 0],
        [this.kernelSize - 1, 0],
        [0, 0],
      ]);
      const taps = tf.unstack(this.kernel).map((w, j) => tf.mul(tf.slice(padded, [0, j, 0], [batch, steps, n]), w));
      const mixed = tf.add(tf.addN(taps), this.bias);
      return tf.add(x, gateOutput(mixed, this.inWidth, ctx));
    });
  }

  /** A depthwise conv: one input channel per group. */
  flops(k: WidthValue): tf.Scalar {
    return tf.tidy(() => conv1dFlops(tf.scalar(1), k(this.inWidth), this.kernelSize, 1));
  }

  parameters(k: WidthValue): tf.Scalar {
    return tf.tidy(() => tf.mul(k(this.inWidth), this.kernelSize + 1));
  }

  widths(): Width[] {
    return [this.inWidth];
  }

  primitives(): PrimitiveOp[] {
    const [kernel, n] = this.kernel.shape;
    return [{ op: 'conv1d', cIn: n, cOut: n, kernel, groups: n, lOut: 1 }];
  }

  variables(): tf.Variable[] {
    return [this.kernel, this.bias];
  }

  consolidate(plan: PlanLookup): CausalMix {
    const p = plan(this.inWidth);
    const sliced = tf.tidy(() => ({ kernel: sliceInput(this.kernel, 1, p), bias: sliceAxis(this.bias, 0, 0, p.keep) }));
    return new CausalMix(this.name, p.width, this.kernelSize, sliced);
  }

  dispose(): void {
    this.kernel.dispose();
    this.bias.dispose();
  }
}

/**
 * Pre-norm residual self-attention, one head, E = stream width, each frame attending to the
 * `context` most recent frames (itself included): x + g ⊙ Attn(RmsNorm(x))·W_o.
 * Q, K and V are gated with the stream width, so units ≥ n contribute nothing to the scores
 * or the mix. Q·K reads g² on the boundary unit: consolidation scales the boundary column
 * of W_q and W_k (and their biases) by g; V's g folds into the rows of W_o.
 * The training pass computes the T×T scores under a band mask; the counted cost is the
 * streaming one, per frame over `context` cached frames (windowedAttentionFlops).
 */
export class WindowedAttentionBlock implements Layer {
  readonly kind = 'attention';
  readonly norm: RmsNorm;
  readonly qkv: tf.Variable; // [N, 3N]
  readonly qkvBias: tf.Variable; // [3N]
  readonly output: tf.Variable; // [N, N]
  readonly outputBias: tf.Variable; // [N]
  /** 1/√N of the full model, kept through consolidation. */
  readonly scoreScale: number;

  constructor(
    readonly name: string,
    readonly inWidth: Width,
    readonly context: number,
    init:
      | { seed: number }
      | { norm: RmsNorm; qkv: tf.Tensor; qkvBias: tf.Tensor; output: tf.Tensor; outputBias: tf.Tensor; scoreScale: number },
  ) {
    const n = inWidth.full;
    if ('seed' in init) {
      this.norm = new RmsNorm(n, n);
      this.qkv = variable(glorot([n, 3 * n], n, n, init.seed));
      this.qkvBias = variable(tf.zeros([3 * n]));
      this.output = variable(tf.mul(glorot([n, n], n, n, init.seed + 1), 0.5));
      this.outputBias = variable(tf.zeros([n]));
      this.scoreScale = 1 / Math.sqrt(n);
    } else {
      this.norm = init.norm;
      this.qkv = variable(init.qkv);
      this.qkvBias = variable(init.qkvBias);
      this.output = variable(init.output);
      this.outputBias = variable(init.outputBias);
      this.scoreScale = init.scoreScale;
    }
  }

  get outWidth(): Width {
    return this.inWidth;
  }

  apply(x: tf.Tensor, ctx: ApplyContext): tf.Tensor {
    if (x.rank !== 3) throw new Error(`${this.name}: expects [batch, time, features], got shape [${x.shape}]`);
    checkLastDim(this.name, x, this.inWidth.full);
    const [batch, steps, n] = x.shape;
    return tf.tidy(() => {
      const h = tf.reshape(this.norm.apply(x), [-1, n]) as tf.Tensor2D;
      const projected = tf.reshape(tf.add(tf.matMul(h, this.qkv as tf.Tensor2D), this.qkvBias), [batch, steps, 3 * n]);
      const [q, k, v] = tf.split(projected, 3, 2).map((t) => gateOutput(t, this.inWidth, ctx) as tf.Tensor3D);
      const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), this.scoreScale), bandMask(steps, this.context));
      const mixed = tf.reshape(tf.matMul(tf.softmax(scores), v), [-1, n]) as tf.Tensor2D;
      const y = tf.reshape(tf.add(tf.matMul(mixed, this.output as tf.Tensor2D), this.outputBias), [batch, steps, n]);
      return tf.add(x, gateOutput(y, this.inWidth, ctx));
    });
  }

  /** Per frame: norm, attention over `context` frames, output projection. */
  flops(k: WidthValue): tf.Scalar {
    return tf.tidy(() => {
      const e = k(this.inWidth);
      return tf.addN([layerNormFlops(e), windowedAttentionFlops(this.context, e, 1), linearFlops(e, e)]) as tf.Scalar;
    });
  }

  /** gain N + qkv 3N² + 3N + output N² + N. */
  parameters(k: WidthValue): tf.Scalar {
    return tf.tidy(() => {
      const e = k(this.inWidth);
      return tf.add(tf.mul(4, tf.square(e)), tf.mul(5, e)) as tf.Scalar;
    });
  }

  widths(): Width[] {
    return [this.inWidth];
  }

  primitives(): PrimitiveOp[] {
    const [embed, threeE] = this.qkv.shape;
    const [outIn, outOut] = this.output.shape;
    if (threeE !== 3 * embed || outIn !== embed) throw new Error(`${this.name}: inconsistent attention weight shapes`);
    return [
      { op: 'layernorm', features: this.norm.gain.shape[0] },
      { op: 'windowedAttention', context: this.context, embed, heads: 1 },
      { op: 'linear', in: outIn, out: outOut },
    ];
  }

  variables(): tf.Variable[] {
    return [this.norm.gain, this.qkv, this.qkvBias, this.output, this.outputBias];
  }

  consolidate(plan: PlanLookup): WindowedAttentionBlock {
    const p = plan(this.inWidth);
    const n = this.inWidth.full;
    const sliced = tf.tidy(() => {
      const rows = sliceInput(this.qkv, 0, p);
      const [wq, wk, wv] = [0, 1, 2].map((i) => sliceAxis(rows, 1, i * n, n));
      const [bq, bk, bv] = [0, 1, 2].map((i) => sliceAxis(this.qkvBias, 0, i * n, n));
      return {
        qkv: tf.concat([sliceInput(wq, 1, p), sliceInput(wk, 1, p), sliceAxis(wv, 1, 0, p.keep)], 1),
        qkvBias: tf.concat([sliceInput(bq, 0, p), sliceInput(bk, 0, p), sliceAxis(bv, 0, 0, p.keep)], 0),
        output: sliceAxis(sliceInput(this.output, 0, p), 1, 0, p.keep),
        outputBias: sliceAxis(this.outputBias, 0, 0, p.keep),
      };
    });
    return new WindowedAttentionBlock(this.name, p.width, this.context, {
      norm: this.norm.consolidate(p),
      ...sliced,
      scoreScale: this.scoreScale,
    });
  }

  dispose(): void {
    this.norm.dispose();
    [this.qkv, this.qkvBias, this.output, this.outputBias].forEach((v) => v.dispose());
  }
}

/** Additive mask [T, T]: 0 where 0 ≤ t − s < context, −1e9 elsewhere (causal window). */
function bandMask(steps: number, context: number): tf.Tensor2D {
  const mask = new Float32Array(steps * steps).fill(-1e9);
  for (let t = 0; t < steps; t++) for (let s = Math.max(0, t - context + 1); s <= t; s++) mask[t * steps + s] = 0;
  return tf.tensor2d(mask, [steps, steps]);
}

/** Pre-norm residual feed-forward: x + g ⊙ (g_ff ⊙ ReLU(RmsNorm(x)·W1 + b1))·W2 + b2, inner width a DCL. */
export class FeedForwardBlock implements Layer {
  readonly kind = 'feedForward';
  readonly norm: RmsNorm;
  readonly w1: tf.Variable; // [N, F]
  readonly b1: tf.Variable; // [F]
  readonly w2: tf.Variable; // [F, N]
  readonly b2: tf.Variable; // [N]

  constructor(
    readonly name: string,
    readonly inWidth: Width,
    readonly inner: Width,
    init: { seed: number } | { norm: RmsNorm; w1: tf.Tensor; b1: tf.Tensor; w2: tf.Tensor; b2: tf.Tensor },
  ) {
    const [n, f] = [inWidth.full, inner.full];
    if ('seed' in init) {
      this.norm = new RmsNorm(n, n);
      this.w1 = variable(glorot([n, f], n, f, init.seed));
      this.b1 = variable(tf.zeros([f]));
      this.w2 = variable(tf.mul(glorot([f, n], f, n, init.seed + 1), 0.5));
      this.b2 = variable(tf.zeros([n]));
    } else {
      this.norm = init.norm;
      [this.w1, this.b1, this.w2, this.b2] = [init.w1, init.b1, init.w2, init.b2].map(variable);
    }
  }

  get outWidth(): Width {
    return this.inWidth;
  }

  apply(x: tf.Tensor, ctx: ApplyContext): tf.Tensor {
    checkLastDim(this.name, x, this.inWidth.full);
    const n = this.inWidth.full;
    return tf.tidy(() => {
      const h = tf.reshape(this.norm.apply(x), [-1, n]) as tf.Tensor2D;
      const u = gateOutput(tf.relu(tf.add(tf.matMul(h, this.w1 as tf.Tensor2D), this.b1)), this.inner, ctx) as tf.Tensor2D;
      const y = tf.reshape(tf.add(tf.matMul(u, this.w2 as tf.Tensor2D), this.b2), x.shape);
      return tf.add(x, gateOutput(y, this.inWidth, ctx));
    });
  }

  flops(k: WidthValue): tf.Scalar {
    return tf.tidy(() => {
      const [e, f] = [k(this.inWidth), k(this.inner)];
      return tf.addN([layerNormFlops(e), linearFlops(e, f), activationFlops('relu', f), linearFlops(f, e)]) as tf.Scalar;
    });
  }

  /** gain N + W1 N·F + b1 F + W2 F·N + b2 N. */
  parameters(k: WidthValue): tf.Scalar {
    return tf.tidy(() => {
      const [e, f] = [k(this.inWidth), k(this.inner)];
      return tf.addN([tf.mul(2, tf.mul(e, f)), tf.mul(2, e), f]) as tf.Scalar;
    });
  }

  widths(): Width[] {
    return [this.inWidth, this.inner];
  }

  primitives(): PrimitiveOp[] {
    const [n, f] = this.w1.shape;
    const [f2, n2] = this.w2.shape;
    return [
      { op: 'layernorm', features: this.norm.gain.shape[0] },
      { op: 'linear', in: n, out: f },
      { op: 'activation', fn: 'relu', elements: f },
      { op: 'linear', in: f2, out: n2 },
    ];
  }

  variables(): tf.Variable[] {
    return [this.norm.gain, this.w1, this.b1, this.w2, this.b2];
  }

  consolidate(plan: PlanLookup): FeedForwardBlock {
    const [p, q] = [plan(this.inWidth), plan(this.inner)];
    const sliced = tf.tidy(() => ({
      w1: sliceAxis(sliceInput(this.w1, 0, p), 1, 0, q.keep),
      b1: sliceAxis(this.b1, 0, 0, q.keep),
      w2: sliceAxis(sliceInput(this.w2, 0, q), 1, 0, p.keep),
      b2: sliceAxis(this.b2, 0, 0, p.keep),
    }));
    return new FeedForwardBlock(this.name, p.width, q.width, { norm: this.norm.consolidate(p), ...sliced });
  }

  dispose(): void {
    this.norm.dispose();
    [this.w1, this.b1, this.w2, this.b2].forEach((v) => v.dispose());
  }
}

/** RmsNorm as a layer of its own (the final norm before the classifier). */
export class RmsNormLayer implements Layer {
  readonly kind = 'rmsNorm';
  readonly norm: RmsNorm;

  constructor(
    readonly name: string,
    readonly inWidth: Width,
    norm?: RmsNorm,
  ) {
    this.norm = norm ?? new RmsNorm(inWidth.full, inWidth.full);
  }

  get outWidth(): Width {
    return this.inWidth;
  }

  apply(x: tf.Tensor): tf.Tensor {
    checkLastDim(this.name, x, this.inWidth.full);
    return this.norm.apply(x);
  }

  flops(k: WidthValue): tf.Scalar {
    return tf.tidy(() => layerNormFlops(k(this.inWidth)));
  }

  parameters(k: WidthValue): tf.Scalar {
    return tf.tidy(() => tf.clone(k(this.inWidth)));
  }

  widths(): Width[] {
    return [this.inWidth];
  }

  primitives(): PrimitiveOp[] {
    return [{ op: 'layernorm', features: this.norm.gain.shape[0] }];
  }

  variables(): tf.Variable[] {
    return [this.norm.gain];
  }

  consolidate(plan: PlanLookup): RmsNormLayer {
    const p = plan(this.inWidth);
    return new RmsNormLayer(this.name, p.width, this.norm.consolidate(p));
  }

  dispose(): void {
    this.norm.dispose();
  }
}
