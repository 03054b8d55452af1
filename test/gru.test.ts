import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { GRU } from '../src/dcl/layers';
import { inferenceContext } from '../src/dcl/network';
import { FixedWidth } from '../src/dcl/width';

/**
 * The GRU step is written for few kernels (folded bias, fused matmul, n + z·(h − n)); this
 * checks it against the textbook equations in float64 (gate order z, r, n; the reset gate
 * multiplies the recurrent part including its bias), with non-zero biases, on cpu and wasm.
 */
function referenceGru(x: Float32Array, batch: number, steps: number, inN: number, h: number, w: Record<string, Float32Array>): Float64Array {
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  const out = new Float64Array(batch * steps * h);
  for (let b = 0; b < batch; b++) {
    let state = new Float64Array(h);
    for (let t = 0; t < steps; t++) {
      const gates = (kernel: Float32Array, bias: Float32Array, input: ArrayLike<number>, n: number) =>
        Array.from({ length: 3 * h }, (_, j) => {
          let sum = bias[j];
          for (let i = 0; i < n; i++) sum += input[i] * kernel[i * 3 * h + j];
          return sum;
        });
      const xg = gates(w.inputKernel, w.inputBias, x.subarray((b * steps + t) * inN, (b * steps + t + 1) * inN), inN);
      const hg = gates(w.recurrentKernel, w.recurrentBias, state, h);
      const next = new Float64Array(h);
      for (let j = 0; j < h; j++) {
        const z = sigmoid(xg[j] + hg[j]);
        const r = sigmoid(xg[h + j] + hg[h + j]);
        const n = Math.tanh(xg[2 * h + j] + r * hg[2 * h + j]);
        next[j] = (1 - z) * n + z * state[j];
        out[(b * steps + t) * h + j] = next[j];
      }
      state = next;
    }
  }
  return out;
}

describe('GRU', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const backend of ['cpu', 'wasm']) {
    it(`equals the GRU equations in float64 on ${backend} (max error 1e-5)`, async () => {
      await tf.setBackend(backend);
      const [batch, steps, inN, h] = [3, 7, 5, 4];
      const uniform = (shape: number[], seed: number) => tf.randomUniform(shape, -0.8, 0.8, 'float32', seed);
      const init = { inputKernel: uniform([inN, 3 * h], 1), recurrentKernel: uniform([h, 3 * h], 2), inputBias: uniform([3 * h], 3), recurrentBias: uniform([3 * h], 4) };
      const weights = Object.fromEntries(Object.entries(init).map(([k, v]) => [k, v.dataSync() as Float32Array]));
      const gru = new GRU('gru', new FixedWidth('in', inN), new FixedWidth('gru', h), init);
      const x = uniform([batch, steps, inN], 5);
      const expected = referenceGru(x.dataSync() as Float32Array, batch, steps, inN, h, weights);
      const y = gru.apply(x, inferenceContext());
      expect(y.shape).toEqual([batch, steps, h]);
      const got = y.dataSync();
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
      expect(worst).toBeLessThan(1e-5);
      tf.dispose([x, y]);
      gru.dispose();
    });
  }
});
