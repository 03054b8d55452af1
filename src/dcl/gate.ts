import * as tf from '@tensorflow/tfjs';
import { activeMask, safeSqrt, stopGradient } from './gradients';
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
    if (width.method === 'straightThrough') return tf.mul(x, width.hardMask());
    const a = width.activity();
    const sqrtA = safeSqrt(a);
    if (mode === 'infer') return tf.mul(x, sqrtA);

    const reduceAxes = [...Array(x.rank - 1).keys()];
    const { variance } = tf.moments(x, reduceAxes, true);
    // sqrt after the stop: its infinite slope at zero variance (a dead ReLU unit) would turn 0 into NaN.
    const sigma = tf.sqrt(stopGradient(variance));
    const noiseShape =
      options.noise === 'sequence' && x.rank >= 3
        ? [x.shape[0], ...Array(x.rank - 2).fill(1), units]
        : x.shape;
    const nu = tf.randomNormal(noiseShape, 0, 1, 'float32', options.seed);
    const mask = activeMask(a);
    const injected = tf.mul(tf.mul(safeSqrt(tf.sub(1, a)), sigma), nu);
    return tf.add(tf.mul(sqrtA, x), tf.mul(mask, injected));
  });
}
