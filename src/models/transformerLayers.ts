import * as tf from '@tensorflow/tfjs';
import type { PrimitiveOp } from '../dcl/count';
import { activationFlops, conv1dFlops, layerNormFlops, linearFlops, windowedAttentionFlops } from '../dcl/flops';
import {
  checkLastDim,
  gateOutput,
  glorot,
  ownedVariable,
  sliceAxis,
  sliceInput,
  trainingDropout,
  type ApplyContext,
  type Layer,
  type PlanLookup,
  type SlicePlan,
  type WidthValue,
} from '../dcl/layer';
import type { Width } from '../dcl/width';
import { causalTaps } from '../dcl/causalTaps';
import { matMul2d } from '../dcl/matMul';
import { bandedAttention } from './bandedAttention';
import { sumAll } from '../dcl/sum';

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
    this.gain = ownedVariable(init ? init.gain : tf.ones([features]));
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
    this.kernel = ownedVariable('seed' in init ? tf.randomNormal([kernelSize, n], 0, 0.1, 'float32', init.seed) : init.kernel);
    this.bias = ownedVariable('seed' in init ? tf.zeros([n]) : init.bias);
  }

  get outWidth(): Width {
    return this.inWidth;
  }

  apply(x: tf.Tensor, ctx: ApplyContext): tf.Tensor {
    if (x.rank !== 3) throw new Error(`${this.name}: expects [batch, time, features], got shape [${x.shape}]`);
    checkLastDim(this.name, x, this.inWidth.full);
    return tf.tidy(() => {
      const taps = causalTaps(x, this.kernelSize);
      const weights = tf.unstack(this.kernel);
      const mixed = tf.add(sumAll(taps.map((tap, j) => tf.mul(tap, weights[j]))), this.bias);
      return tf.add(x, gateOutput(tf.reshape(mixed, x.shape), this.inWidth, ctx));
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
 * The training pass attends over the band (bandedAttention.ts); the counted cost is the
 * streaming one, per frame over `context` cached frames (windowedAttentionFlops).
 */
export class WindowedAttentionBlock implements Layer {
  readonly kind = 'attention';
  readonly norm: RmsNorm;
  /** Q, K, V projections, each [N, N] with a bias [N]: three matmuls, no split (a split on the last axis is slow on tfjs CPU). */
  readonly query: tf.Variable;
  readonly key: tf.Variable;
  readonly value: tf.Variable;
  readonly queryBias: tf.Variable;
  readonly keyBias: tf.Variable;
  readonly valueBias: tf.Variable;
  readonly output: tf.Variable; // [N, N]
  readonly outputBias: tf.Variable; // [N]
  /** 1/√N of the full model, kept through consolidation. */
  readonly scoreScale: number;

  constructor(
    readonly name: string,
    readonly inWidth: Width,
    readonly context: number,
    init: { seed: number } | ({ norm: RmsNorm; scoreScale: number } & Record<AttentionWeight, tf.Tensor>),
  ) {
    const n = inWidth.full;
    if ('seed' in init) {
      this.norm = new RmsNorm(n, n);
      [this.query, this.key, this.value] = [0, 1, 2].map((i) => ownedVariable(glorot([n, n], n, n, init.seed + i)));
      [this.queryBias, this.keyBias, this.valueBias, this.outputBias] = [0, 1, 2, 3].map(() => ownedVariable(tf.zeros([n])));
      this.output = ownedVariable(tf.tidy(() => tf.mul(glorot([n, n], n, n, init.seed + 3), 0.5)));
      this.scoreScale = 1 / Math.sqrt(n);
    } else {
      this.norm = init.norm;
      [this.query, this.key, this.value, this.output] = [init.query, init.key, init.value, init.output].map(ownedVariable);
      [this.queryBias, this.keyBias, this.valueBias, this.outputBias] = [init.queryBias, init.keyBias, init.valueBias, init.outputBias].map(ownedVariable);
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
      const project = (w: tf.Variable, b: tf.Variable) =>
        gateOutput(tf.reshape(tf.add(matMul2d(h, w as tf.Tensor2D), b), [batch, steps, n]), this.inWidth, ctx) as tf.Tensor3D;
      const [q, k, v] = [project(this.query, this.queryBias), project(this.key, this.keyBias), project(this.value, this.valueBias)];
      const mixed = tf.reshape(bandedAttention(q, k, v, this.context, this.scoreScale), [-1, n]) as tf.Tensor2D;
      const y = tf.reshape(tf.add(matMul2d(mixed, this.output as tf.Tensor2D), this.outputBias), [batch, steps, n]);
      return tf.add(x, trainingDropout(gateOutput(y, this.inWidth, ctx), ctx));
    });
  }

  /** Per frame: norm, attention over `context` frames, output projection. */
  flops(k: WidthValue): tf.Scalar {
    return tf.tidy(() => {
      const e = k(this.inWidth);
      return tf.addN([layerNormFlops(e), windowedAttentionFlops(this.context, e, 1), linearFlops(e, e)]) as tf.Scalar;
    });
  }

  /** gain N + Q, K, V 3(N² + N) + output N² + N. */
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
    const [embed, qOut] = this.query.shape;
    const [outIn, outOut] = this.output.shape;
    const square = [this.query, this.key, this.value, this.output].every((w) => w.shape[0] === embed && w.shape[1] === embed);
    if (!square || qOut !== embed || outIn !== embed) throw new Error(`${this.name}: inconsistent attention weight shapes`);
    return [
      { op: 'layernorm', features: this.norm.gain.shape[0] },
      { op: 'windowedAttention', context: this.context, embed, heads: 1 },
      { op: 'linear', in: outIn, out: outOut },
    ];
  }

  variables(): tf.Variable[] {
    return [this.norm.gain, this.query, this.key, this.value, this.queryBias, this.keyBias, this.valueBias, this.output, this.outputBias];
  }

  consolidate(plan: PlanLookup): WindowedAttentionBlock {
    const p = plan(this.inWidth);
    const sliced = tf.tidy(() => ({
      // Q and K are gated outputs that meet in a product: fold g into their rows (input) and their boundary column.
      query: sliceInput(sliceInput(this.query, 0, p), 1, p),
      key: sliceInput(sliceInput(this.key, 0, p), 1, p),
      queryBias: sliceInput(this.queryBias, 0, p),
      keyBias: sliceInput(this.keyBias, 0, p),
      // V's boundary g folds into the rows of the output projection instead.
      value: sliceAxis(sliceInput(this.value, 0, p), 1, 0, p.keep),
      valueBias: sliceAxis(this.valueBias, 0, 0, p.keep),
      output: sliceAxis(sliceInput(this.output, 0, p), 1, 0, p.keep),
      outputBias: sliceAxis(this.outputBias, 0, 0, p.keep),
    }));
    return new WindowedAttentionBlock(this.name, p.width, this.context, { norm: this.norm.consolidate(p), scoreScale: this.scoreScale, ...sliced });
  }

  dispose(): void {
    this.norm.dispose();
    this.variables()
      .slice(1)
      .forEach((v) => v.dispose());
  }
}

type AttentionWeight = 'query' | 'key' | 'value' | 'queryBias' | 'keyBias' | 'valueBias' | 'output' | 'outputBias';

/** Additive mask [T, T]: 0 where 0 ≤ t − s < context, −1e9 elsewhere (causal window). */
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
      this.w1 = ownedVariable(glorot([n, f], n, f, init.seed));
      this.b1 = ownedVariable(tf.zeros([f]));
      this.w2 = ownedVariable(tf.tidy(() => tf.mul(glorot([f, n], f, n, init.seed + 1), 0.5)));
      this.b2 = ownedVariable(tf.zeros([n]));
    } else {
      this.norm = init.norm;
      [this.w1, this.b1, this.w2, this.b2] = [init.w1, init.b1, init.w2, init.b2].map(ownedVariable);
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
      const u = gateOutput(tf.relu(tf.add(matMul2d(h, this.w1 as tf.Tensor2D), this.b1)), this.inner, ctx) as tf.Tensor2D;
      const y = tf.reshape(tf.add(matMul2d(u, this.w2 as tf.Tensor2D), this.b2), x.shape);
      return tf.add(x, trainingDropout(gateOutput(y, this.inWidth, ctx), ctx));
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
