import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { matMul2d } from '../src/dcl/matMul';

describe('matMul2d', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const backend of ['cpu', 'wasm']) {
    it(`has tf.matMul's value and gradients on ${backend} (non-square operands, relative 1e-5)`, async () => {
      await tf.setBackend(backend);
      const a = tf.randomNormal([7, 5], 0, 1, 'float32', 1) as tf.Tensor2D;
      const b = tf.randomNormal([5, 3], 0, 1, 'float32', 2) as tf.Tensor2D;
      const weights = tf.randomNormal([7, 3], 0, 1, 'float32', 3);
      const loss = (mm: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Tensor) => (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(mm(x as tf.Tensor2D, y as tf.Tensor2D), weights));
      const [value, expectedValue] = [matMul2d(a, b), tf.matMul(a, b)];
      const got = tf.grads(loss(matMul2d))([a, b]);
      const expected = tf.grads(loss((x, y) => tf.matMul(x, y)))([a, b]);
      for (const [g, e] of [[value, expectedValue], ...got.map((g, i) => [g, expected[i]])] as [tf.Tensor, tf.Tensor][]) {
        expect(g.shape).toEqual(e.shape);
        const [gv, ev] = [g.dataSync(), e.dataSync()];
        for (let i = 0; i < ev.length; i++) expect(Math.abs(gv[i] - ev[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(ev[i])));
      }
      tf.dispose([a, b, weights, value, expectedValue, ...got, ...expected]);
    });
  }
});
