import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { bandedAttention, maskedAttention } from '../src/models/bandedAttention';

/**
 * The fused banded attention (typed-array loops over the band, hand-written backward) against
 * the T × T form under a band mask it replaces on cpu and wasm: same output and same gradients
 * of q, k and v, for bands shorter and longer than the sequence.
 */
function outputAndGradients(attend: typeof bandedAttention, context: number): Float32Array[] {
  return tf.tidy(() => {
    const [q, k, v] = [1, 2, 3].map((seed) => tf.randomNormal([2, 9, 5], 0, 1, 'float32', seed) as tf.Tensor3D);
    const weighting = tf.randomUniform([2, 9, 5], -1, 1, 'float32', 4);
    const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(weighting, attend(a as tf.Tensor3D, b as tf.Tensor3D, c as tf.Tensor3D, context, 0.45)));
    const grads = tf.grads(f)([q, k, v]);
    return [attend(q, k, v, context, 0.45), ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

describe('banded attention on cpu and wasm', () => {
  afterAll(() => tf.setBackend('cpu'));
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const context of [1, 4, 9, 16]) {
      it(`${backend}, band of ${context} frames over 9: output, dq, dk, dv equal the masked T × T form`, async () => {
        await tf.setBackend(backend);
        const fused = outputAndGradients(bandedAttention, context);
        const masked = outputAndGradients(maskedAttention, context);
        ['output', 'dq', 'dk', 'dv'].forEach((name, i) => {
          // Largest excess over a tolerance of 1e-6 + 1e-5 relative: ≤ 0 when every element is within it.
          let excess = -Infinity;
          for (let j = 0; j < masked[i].length; j++) excess = Math.max(excess, Math.abs(fused[i][j] - masked[i][j]) - (1e-6 + 1e-5 * Math.abs(masked[i][j])));
          expect(excess, name).toBeLessThanOrEqual(0);
        });
      });
    }
  }
});
