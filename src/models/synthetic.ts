import * as tf from '@tensorflow/tfjs';
import { Dense, InputGate, InputSlice } from '../dcl/layers';
import { Network } from '../dcl/network';
import { FixedWidth, isLearnable } from '../dcl/width';
import { makeWidth, type WidthSpec } from '../dcl/widthSpec';

/**
 * The synthetic case study: x ∈ R^32 of which only the first 8 dimensions carry
 * signal; the target is a fixed random nonlinear function of those 8 plus noise.
 * A width-learning MLP should discover that it needs 8 inputs.
 */
export const SYNTHETIC_INPUTS = 32;
export const SYNTHETIC_SIGNAL_INPUTS = 8;
export const SYNTHETIC_HIDDEN = 32;
export const SYNTHETIC_NOISE_STD = 0.1;
const TEACHER_HIDDEN = 12;

/** The synthetic model's widths and their full sizes. */
export const SYNTHETIC_WIDTHS = { input: SYNTHETIC_INPUTS, hidden: SYNTHETIC_HIDDEN };

export interface SyntheticOptions {
  seed: number;
  widths?: Partial<Record<keyof typeof SYNTHETIC_WIDTHS, WidthSpec>>;
}

export function syntheticNetwork({ seed, widths = {} }: SyntheticOptions): Network {
  const inputs = makeWidth('input', SYNTHETIC_INPUTS, widths.input ?? { kind: 'learn', kappaMin: 1 / 32 });
  const hiddenWidth = makeWidth('hidden', SYNTHETIC_HIDDEN, widths.hidden ?? { kind: 'learn', kappaMin: 1 / 32 });
  return new Network(
    'synthetic',
    [
      // A fixed input width (uniform baseline) simply reads the first features.
      isLearnable(inputs) ? new InputGate('input gate', inputs) : new InputSlice('input', SYNTHETIC_INPUTS, inputs),
      new Dense('hidden', inputs, hiddenWidth, 'relu', { seed }),
      new Dense('output', hiddenWidth, new FixedWidth('output', 1), 'linear', { seed: seed + 1 }),
    ],
    1,
  );
}

/**
 * The target: a fixed random ReLU teacher on the 8 signal inputs, 8 → 12 → 1, plus
 * noise. A student with fewer than 12 hidden units or 8 inputs cannot fit it, so error
 * rises as the widths shrink below what the data needs.
 */
export class SyntheticTask {
  private readonly w1: tf.Tensor2D;
  private readonly w2: tf.Tensor2D;
  private batchSeed: number;

  constructor(
    teacherSeed = 1234,
    private readonly dataSeed = 1,
  ) {
    this.w1 = tf.randomNormal([SYNTHETIC_SIGNAL_INPUTS, TEACHER_HIDDEN], 0, 1 / Math.sqrt(SYNTHETIC_SIGNAL_INPUTS), 'float32', teacherSeed);
    this.w2 = tf.randomNormal([TEACHER_HIDDEN, 1], 0, 2 / Math.sqrt(TEACHER_HIDDEN), 'float32', teacherSeed + 1);
    this.batchSeed = dataSeed * 7919;
  }

  /** Noise-free target of x. */
  target(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const signal = tf.slice(x, [0, 0], [-1, SYNTHETIC_SIGNAL_INPUTS]);
      return tf.matMul(tf.relu(tf.matMul(signal, this.w1)), this.w2);
    });
  }

  batch(size: number, seed = this.batchSeed++): { x: tf.Tensor2D; y: tf.Tensor2D } {
    return tf.tidy(() => {
      const x = tf.randomNormal([size, SYNTHETIC_INPUTS], 0, 1, 'float32', seed) as tf.Tensor2D;
      const noise = tf.randomNormal([size, 1], 0, SYNTHETIC_NOISE_STD, 'float32', seed + 1_000_003);
      return { x, y: tf.add(this.target(x), noise) as tf.Tensor2D };
    });
  }

  /** A fixed held-out set, disjoint in seed from every training batch. */
  testSet(size = 2048): { x: tf.Tensor2D; y: tf.Tensor2D } {
    return this.batch(size, 987_654_321 + this.dataSeed);
  }

  dispose(): void {
    tf.dispose([this.w1, this.w2]);
  }
}

export function meanSquaredError(output: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.losses.meanSquaredError(target, output) as tf.Scalar;
}
