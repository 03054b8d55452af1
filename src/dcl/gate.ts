import * as tf from '@tensorflow/tfjs';
import { activeMask, safeSqrt, withoutGradient } from './gradients';
import type { LearnableWidth } from './width';

export type Mode = 'train' | 'infer';

export interface GateOptions {
  /**
   * 'element': fresh noise per batch, time step and unit (the method as written);
   * 'sequence': noise shaped [batch, 1, units], broadcast over time (cheaper on WebGPU,
   * where random numbers are drawn on the CPU and uploaded).
   */
  noise?: 'element' | 'sequence';
  /** Seed for the noise draw (reproducible runs). */
  seed?: number;
}

/**
 * Dynamic complexity layer: feature-noise injection on the units of a learnable width.
 * Features are shaped [..., units] (e.g. [batch, units] or [batch, time, units]).
 *
 * train: y = √a·ξ + √(1−a)·σ·ν·[a > 0]
 * infer: y = √a·ξ
 * σ: per unit over every other axis (batch, and time where there is one), without gradient.
 * A straight-through width multiplies by its hard mask in both modes instead.
 */
export function gate(x: tf.Tensor, width: LearnableWidth, mode: Mode, options: GateOptions = {}): tf.Tensor {
  const units = x.shape[x.rank - 1];
  if (units !== width.full) {
    throw new Error(`gate ${width.name}: features have ${units} units, width expects ${width.full}`);
  }
  return tf.tidy(() => {
    const { scale, noiseScale } = gateFactors(width, mode);
    if (!noiseScale) return tf.mul(x, scale);
    const reduceAxes = [...Array(x.rank - 1).keys()];
    const sigma = unitStd(x, reduceAxes);
    return tf.add(tf.mul(scale, x), tf.mul(tf.mul(noiseScale, sigma), gateNoise(x.shape, options)));
  });
}

/** σ per unit, the population standard deviation over `axes`, without gradient. */
export function unitStd(x: tf.Tensor, axes: number[]): tf.Tensor {
  return withoutGradient(() => tf.sqrt(tf.moments(x, axes, true).variance));
}

/**
 * The gate's per-unit factors: y = scale ⊙ x + noiseScale ⊙ σ ⊙ ν, with scale = √a and
 * noiseScale = [a > 0]·√(1−a) in train mode; noiseScale is null where nothing is injected
 * (infer mode; a straight-through width, whose scale is its hard mask). A recurrence computes
 * them once per sequence rather than once per step.
 */
export function gateFactors(width: LearnableWidth, mode: Mode): { scale: tf.Tensor1D; noiseScale: tf.Tensor1D | null } {
  if (width.method === 'straightThrough') return { scale: width.hardMask(), noiseScale: null };
  const a = width.activity();
  const scale = safeSqrt(a) as tf.Tensor1D;
  const noiseScale = mode === 'infer' ? null : (tf.tidy(() => tf.mul(activeMask(a), safeSqrt(tf.sub(1, a)))) as tf.Tensor1D);
  a.dispose();
  return { scale, noiseScale };
}

/** The noise ν for features shaped `shape` ([..., units]); 'sequence' draws [batch, 1, …, units], broadcast over time. */
export function gateNoise(shape: number[], options: GateOptions): tf.Tensor {
  const noiseShape = options.noise === 'sequence' && shape.length >= 3 ? [shape[0], ...Array(shape.length - 2).fill(1), shape[shape.length - 1]] : shape;
  return tf.randomNormal(noiseShape, 0, 1, 'float32', options.seed);
}
