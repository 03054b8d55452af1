import * as tf from '@tensorflow/tfjs';
import type { PrimitiveOp } from './count';
import { gate, type GateOptions, type Mode } from './gate';
import { FixedWidth, isLearnable, type Width } from './width';

/** How consolidation cuts one width: keep the first `keep` units, scale the boundary unit's outgoing weights. */
export interface SlicePlan {
  keep: number;
  /** √a of the last kept unit (1 when it is fully on). */
  boundaryScale: number;
  /** The width the sliced layers carry: fixed, `keep` units. */
  width: FixedWidth;
}
export type PlanLookup = (width: Width) => SlicePlan;

/** Resolves a width to the value used in a complexity formula (continuous K, or N for the full model). */
export type WidthValue = (width: Width) => tf.Scalar;
export const continuousWidth: WidthValue = (w) => w.continuous();
export const fullWidth: WidthValue = (w) => tf.scalar(w.full);

export interface ApplyContext {
  mode: Mode;
  gate: GateOptions;
  /** A fresh seed for each noise draw, so runs with the same seed repeat. */
  nextSeed(): number;
  /** Dropout rate on residual branches while training (layers that have them); absent or 0: none. */
  dropout?: number;
}

/** Inverted dropout at ctx.dropout in training; the identity otherwise (inference never drops). */
export function trainingDropout(x: tf.Tensor, ctx: ApplyContext): tf.Tensor {
  const rate = ctx.dropout ?? 0;
  if (ctx.mode !== 'train' || rate === 0) return x;
  return tf.dropout(x, rate, undefined, ctx.nextSeed());
}

export interface Layer {
  readonly kind: string;
  readonly name: string;
  readonly inWidth: Width;
  readonly outWidth: Width;
  apply(x: tf.Tensor, ctx: ApplyContext): tf.Tensor;
  /** FLOPs per call as a differentiable function of the widths. */
  flops(k: WidthValue): tf.Scalar;
  /** Parameter count as a function of the widths. */
  parameters(k: WidthValue): tf.Scalar;
  /** Every width this layer reads or writes (composite layers may hold more than in/out). */
  widths(): Width[];
  /** The operations it performs, with sizes read off its actual weights (for the independent count). */
  primitives(): PrimitiveOp[];
  variables(): tf.Variable[];
  /** An ordinary layer physically sliced to the planned widths, no noise and no masks. */
  consolidate(plan: PlanLookup): Layer;
  dispose(): void;
}

/** Gate the output of a layer if its width is learnable. */
export function gateOutput(y: tf.Tensor, width: Width, ctx: ApplyContext): tf.Tensor {
  if (!isLearnable(width)) return y;
  return gate(y, width, ctx.mode, { ...ctx.gate, seed: ctx.nextSeed() });
}

/**
 * Slice a weight along an input axis to the plan's kept units and scale the boundary unit
 * (its activity √a is folded into the weights that read it).
 */
export function sliceInput(weight: tf.Tensor, axis: number, plan: SlicePlan): tf.Tensor {
  return tf.tidy(() => {
    const kept = sliceAxis(weight, axis, 0, plan.keep);
    if (plan.boundaryScale === 1) return kept;
    const scale = Array.from({ length: plan.keep }, (_, i) => (i === plan.keep - 1 ? plan.boundaryScale : 1));
    const shape = weight.shape.map((_, i) => (i === axis ? plan.keep : 1));
    return tf.mul(kept, tf.tensor(scale, shape));
  });
}

export function sliceAxis(weight: tf.Tensor, axis: number, start: number, size: number): tf.Tensor {
  const begin = weight.shape.map((_, i) => (i === axis ? start : 0));
  const sizes = weight.shape.map((d, i) => (i === axis ? size : d));
  return tf.slice(weight, begin, sizes);
}

export function applyActivation(x: tf.Tensor, fn: string): tf.Tensor {
  switch (fn) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'silu':
      return tf.mul(x, tf.sigmoid(x));
    default:
      throw new Error(`unknown activation ${fn}`);
  }
}

/** A trainable variable made from `t`; the caller hands `t` over (it is disposed). */
export function ownedVariable(t: tf.Tensor): tf.Variable {
  const v = tf.variable(t);
  t.dispose();
  return v;
}

/** Glorot-uniform initial weights from a seed. */
export function glorot(shape: number[], fanIn: number, fanOut: number, seed: number): tf.Tensor {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.randomUniform(shape, -limit, limit, 'float32', seed);
}

export function checkLastDim(layer: string, x: tf.Tensor, expected: number): void {
  const got = x.shape[x.rank - 1];
  if (got !== expected) throw new Error(`${layer}: input has ${got} features, expected ${expected}`);
}
