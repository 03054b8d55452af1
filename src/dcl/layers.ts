import * as tf from '@tensorflow/tfjs';
import { causalTaps } from './causalTaps';
import { recurrenceFor, recurrenceGate, type Recurrence } from './gruRecurrence';
import { matMul2d } from './matMul';
import type { PrimitiveOp } from './count';
import { activationFlops, conv1dFlops, gruFlops, linearFlops, type Activation } from './flops';
import {
  applyActivation,
  checkLastDim,
  gateOutput,
  glorot,
  ownedVariable,
  sliceAxis,
  sliceInput,
  type ApplyContext,
  type Layer,
  type PlanLookup,
  type SlicePlan,
  type WidthValue,
} from './layer';
import type { Width } from './width';

/** Wrap tensors as trainable variables; the layer takes ownership of the tensors passed in. */
const vars = (...ts: tf.Tensor[]) => ts.map(ownedVariable);

type KernelInit = { seed: number } | { kernel: tf.Tensor; bias: tf.Tensor };

/**
 * A layer with a kernel [..., in, out] and a bias [out]: consolidation slices the kernel's
 * input axis (folding the boundary scale in) and its output axis, and the bias.
 */
abstract class KernelLayer {
  abstract readonly kernel: tf.Variable;
  abstract readonly bias: tf.Variable;
  abstract readonly inWidth: Width;
  abstract readonly outWidth: Width;

  widths(): Width[] {
    return [this.inWidth, this.outWidth];
  }

  variables(): tf.Variable[] {
    return [this.kernel, this.bias];
  }

  protected slicedWeights(plan: PlanLookup): { kernel: tf.Tensor; bias: tf.Tensor; inPlan: SlicePlan; outPlan: SlicePlan } {
    const inPlan = plan(this.inWidth);
    const outPlan = plan(this.outWidth);
    const rank = this.kernel.rank;
    const sliced = tf.tidy(() => ({
      kernel: sliceAxis(sliceInput(this.kernel, rank - 2, inPlan), rank - 1, 0, outPlan.keep),
      bias: sliceAxis(this.bias, 0, 0, outPlan.keep),
    }));
    return { ...sliced, inPlan, outPlan };
  }

  dispose(): void {
    this.kernel.dispose();
    this.bias.dispose();
  }
}

/** Fully connected layer on the last axis: [..., in] → [..., out]; output gated when its width is learnable. */
export class Dense extends KernelLayer implements Layer {
  readonly kind = 'dense';
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    readonly name: string,
    readonly inWidth: Width,
    readonly outWidth: Width,
    readonly activation: Activation,
    init: KernelInit,
  ) {
    super();
    const [k, b] =
      'seed' in init
        ? [glorot([inWidth.full, outWidth.full], inWidth.full, outWidth.full, init.seed), tf.zeros([outWidth.full])]
        : [init.kernel, init.bias];
    [this.kernel, this.bias] = vars(k, b);
  }

  apply(x: tf.Tensor, ctx: ApplyContext): tf.Tensor {
    checkLastDim(this.name, x, this.inWidth.full);
    return tf.tidy(() => {
      const flat = tf.reshape(x, [-1, this.inWidth.full]) as tf.Tensor2D;
      const y = tf.add(matMul2d(flat, this.kernel as tf.Tensor2D), this.bias);
      const shaped = tf.reshape(y, [...x.shape.slice(0, -1), this.outWidth.full]);
      return gateOutput(applyActivation(shaped, this.activation), this.outWidth, ctx);
    });
  }

  flops(k: WidthValue): tf.Scalar {
    return tf.tidy(() => tf.add(linearFlops(k(this.inWidth), k(this.outWidth)), activationFlops(this.activation, k(this.outWidth))));
  }

  parameters(k: WidthValue): tf.Scalar {
    return tf.tidy(() => tf.mul(k(this.outWidth), tf.add(k(this.inWidth), 1)));
  }

  primitives(): PrimitiveOp[] {
    const [inN, outN] = this.kernel.shape;
    return [
      { op: 'linear', in: inN, out: outN },
      { op: 'activation', fn: this.activation, elements: outN },
    ];
  }

  consolidate(plan: PlanLookup): Dense {
    const { kernel, bias, inPlan, outPlan } = this.slicedWeights(plan);
    return new Dense(this.name, inPlan.width, outPlan.width, this.activation, { kernel, bias });
  }
}

/** Causal 1-D convolution over time: [batch, time, in] → [batch, time, out], one output frame per input frame. */
export class CausalConv1d extends KernelLayer implements Layer {
  readonly kind = 'conv1d';
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    readonly name: string,
    readonly inWidth: Width,
    readonly outWidth: Width,
    readonly kernelSize: number,
    readonly activation: Activation,
    init: KernelInit,
  ) {
    super();
    const fanIn = kernelSize * inWidth.full;
    const [k, b] =
      'seed' in init
        ? [glorot([kernelSize, inWidth.full, outWidth.full], fanIn, kernelSize * outWidth.full, init.seed), tf.zeros([outWidth.full])]
        : [init.kernel, init.bias];
    [this.kernel, this.bias] = vars(k, b);
  }

  /**
   * One matmul over the k causal shifts of the input (im2col) rather than tf.conv1d, whose
   * gradient needs Conv2DBackpropFilter: the wasm backend does not register it and it costs
   * ≈ 3 s a step on the tfjs CPU backend for the CRNN.
   */
  apply(x: tf.Tensor, ctx: ApplyContext): tf.Tensor {
    if (x.rank !== 3) throw new Error(`${this.name}: expects [batch, time, features], got shape [${x.shape}]`);
    checkLastDim(this.name, x, this.inWidth.full);
    const [batch, steps, channels] = x.shape;
    const k = this.kernelSize;
    return tf.tidy(() => {
      const taps = causalTaps(x, k);
      const columns = k === 1 ? taps[0] : tf.concat(taps, 1);
      const kernel = tf.reshape(this.kernel, [k * channels, this.outWidth.full]) as tf.Tensor2D;
      const y = tf.reshape(tf.add(matMul2d(columns as tf.Tensor2D, kernel), this.bias), [batch, steps, this.outWidth.full]);
      return gateOutput(applyActivation(y, this.activation), this.outWidth, ctx);
    });
  }

  /** Per output frame (L_out = 1). */
  flops(k: WidthValue): tf.Scalar {
    return tf.tidy(() =>
      tf.add(conv1dFlops(k(this.inWidth), k(this.outWidth), this.kernelSize, 1), activationFlops(this.activation, k(this.outWidth))),
    );
  }

  parameters(k: WidthValue): tf.Scalar {
    return tf.tidy(() => tf.mul(k(this.outWidth), tf.add(tf.mul(k(this.inWidth), this.kernelSize), 1)));
  }

  primitives(): PrimitiveOp[] {
    const [kernel, cIn, cOut] = this.kernel.shape;
    return [
      { op: 'conv1d', cIn, cOut, kernel, groups: 1, lOut: 1 },
      { op: 'activation', fn: this.activation, elements: cOut },
    ];
  }

  consolidate(plan: PlanLookup): CausalConv1d {
    const { kernel, bias, inPlan, outPlan } = this.slicedWeights(plan);
    return new CausalConv1d(this.name, inPlan.width, outPlan.width, this.kernelSize, this.activation, { kernel, bias });
  }
}

/**
 * One-layer GRU, [batch, time, in] → [batch, time, hidden] (gate order z, r, n).
 * With a learnable hidden width the gate sits inside the recurrence: the state that
 * the recurrent weights read is the gated state, while the update z·h keeps the raw
 * state. Units that are off then influence nothing, so slicing them away is exact,
 * and the boundary unit's √a folds into the rows of the recurrent weights. The gate's noise
 * scale σ is taken over the batch at each step: the recurrence cannot see later steps.
 */
export class GRU implements Layer {
  readonly kind = 'gru';
  readonly inputKernel: tf.Variable; // [in, 3H]
  readonly recurrentKernel: tf.Variable; // [H, 3H]
  readonly inputBias: tf.Variable; // [3H]
  readonly recurrentBias: tf.Variable; // [3H]

  constructor(
    readonly name: string,
    readonly inWidth: Width,
    readonly outWidth: Width,
    init: { seed: number } | { inputKernel: tf.Tensor; recurrentKernel: tf.Tensor; inputBias: tf.Tensor; recurrentBias: tf.Tensor },
  ) {
    const h = outWidth.full;
    const tensors =
      'seed' in init
        ? [
            glorot([inWidth.full, 3 * h], inWidth.full, 3 * h, init.seed),
            glorot([h, 3 * h], h, 3 * h, init.seed + 1),
            tf.zeros([3 * h]),
            tf.zeros([3 * h]),
          ]
        : [init.inputKernel, init.recurrentKernel, init.inputBias, init.recurrentBias];
    [this.inputKernel, this.recurrentKernel, this.inputBias, this.recurrentBias] = vars(...tensors);
  }

  /**
   * Everything that does not depend on the state is done once for the whole sequence: the
   * input projection, the recurrent bias of the z and r gates (folded into that projection),
   * the split into the z|r and n parts, the recurrent kernel's split, and the width gate's
   * factors and noise. The recurrence itself (src/dcl/gruRecurrence.ts) runs on cpu and wasm as
   * one fused op with a hand-written backward pass through time: as a tfjs loop it was a dozen
   * small kernels per time step, forward and backward, whose overhead, not their arithmetic,
   * set the step time (`npm run bench -- --profile-only` prints the kernel count). GPU backends
   * keep the loop (a readback would stall them). `recurrence` lets a test run either path.
   */
  apply(x: tf.Tensor, ctx: ApplyContext, recurrence: (r: Recurrence) => tf.Tensor3D = recurrenceFor(tf.getBackend())): tf.Tensor {
    if (x.rank !== 3) throw new Error(`${this.name}: expects [batch, time, features], got shape [${x.shape}]`);
    checkLastDim(this.name, x, this.inWidth.full);
    const [batch, steps] = x.shape;
    const h = this.outWidth.full;
    return tf.tidy(() => {
      const projected = tf.add(matMul2d(tf.reshape(x, [-1, this.inWidth.full]) as tf.Tensor2D, this.inputKernel as tf.Tensor2D), this.inputBias);
      const [recurrentBiasZr, biasN] = tf.split(this.recurrentBias, [2 * h, h]) as tf.Tensor1D[];
      const [projectedZr, inputN] = tf.split(tf.reshape(projected, [batch, steps, 3 * h]), [2 * h, h], 2) as tf.Tensor3D[];
      const [kernelZr, kernelN] = tf.split(this.recurrentKernel as tf.Tensor2D, [2 * h, h], 1) as tf.Tensor2D[];
      const gate = recurrenceGate(this.outWidth, ctx, [batch, steps, h]);
      return recurrence({ inputZr: tf.add(projectedZr, recurrentBiasZr), inputN, kernelZr, kernelN, biasN, gate });
    });
  }

  /** Per frame (T = 1). */
  flops(k: WidthValue): tf.Scalar {
    return tf.tidy(() => gruFlops(k(this.inWidth), k(this.outWidth), 1));
  }

  parameters(k: WidthValue): tf.Scalar {
    const h = k(this.outWidth);
    return tf.tidy(() => tf.add(tf.mul(tf.mul(3, h), tf.add(k(this.inWidth), h)), tf.mul(6, h)));
  }

  widths(): Width[] {
    return [this.inWidth, this.outWidth];
  }

  primitives(): PrimitiveOp[] {
    const [inN, threeH] = this.inputKernel.shape;
    const [hidden, threeH2] = this.recurrentKernel.shape;
    if (threeH !== 3 * hidden || threeH2 !== 3 * hidden) throw new Error(`${this.name}: inconsistent GRU weight shapes`);
    return [{ op: 'gru', in: inN, hidden, steps: 1 }];
  }

  variables(): tf.Variable[] {
    return [this.inputKernel, this.recurrentKernel, this.inputBias, this.recurrentBias];
  }

  consolidate(plan: PlanLookup): GRU {
    const inPlan = plan(this.inWidth);
    const outPlan = plan(this.outWidth);
    const h = this.outWidth.full;
    const keepGates = (w: tf.Tensor, axis: number) =>
      tf.concat([0, 1, 2].map((g) => sliceAxis(w, axis, g * h, outPlan.keep)), axis);
    const sliced = tf.tidy(() => ({
      inputKernel: keepGates(sliceInput(this.inputKernel, 0, inPlan), 1),
      recurrentKernel: keepGates(sliceInput(this.recurrentKernel, 0, outPlan), 1),
      inputBias: keepGates(this.inputBias, 0),
      recurrentBias: keepGates(this.recurrentBias, 0),
    }));
    return new GRU(this.name, inPlan.width, outPlan.width, sliced);
  }

  dispose(): void {
    this.variables().forEach((v) => v.dispose());
  }
}

/** A layer without weights or arithmetic: it costs no FLOPs and holds no parameters. */
abstract class WeightlessLayer {
  flops(): tf.Scalar {
    return tf.scalar(0);
  }
  parameters(): tf.Scalar {
    return tf.scalar(0);
  }
  primitives(): PrimitiveOp[] {
    return [];
  }
  variables(): tf.Variable[] {
    return [];
  }
  dispose(): void {}
}

/**
 * A learnable width on the input features themselves (e.g. which input dimensions a
 * model reads). Consolidates into InputSlice: keep the first n features.
 */
export class InputGate extends WeightlessLayer implements Layer {
  readonly kind = 'inputGate';
  constructor(
    readonly name: string,
    readonly inWidth: Width,
    readonly outWidth: Width = inWidth,
  ) {
    super();
    if (inWidth !== outWidth) throw new Error(`${name}: an input gate reads and writes the same width`);
  }
  apply(x: tf.Tensor, ctx: ApplyContext): tf.Tensor {
    checkLastDim(this.name, x, this.inWidth.full);
    return gateOutput(x, this.outWidth, ctx);
  }
  widths(): Width[] {
    return [this.inWidth];
  }
  consolidate(plan: PlanLookup): Layer {
    return new InputSlice(this.name, this.inWidth.full, plan(this.inWidth).width);
  }
}

/** Keeps the first n features of its input (the consolidated InputGate; the boundary scale lives in the next layer). */
export class InputSlice extends WeightlessLayer implements Layer {
  readonly kind = 'inputSlice';
  constructor(
    readonly name: string,
    readonly sourceFeatures: number,
    readonly outWidth: Width,
  ) {
    super();
  }
  get inWidth(): Width {
    return this.outWidth;
  }
  apply(x: tf.Tensor): tf.Tensor {
    checkLastDim(this.name, x, this.sourceFeatures);
    return sliceAxis(x, x.rank - 1, 0, this.outWidth.full);
  }
  widths(): Width[] {
    return [this.outWidth];
  }
  consolidate(): Layer {
    return this;
  }
}
