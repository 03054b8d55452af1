import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_ADDN_INPUTS, sumAll } from '../src/dcl/sum';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('sumAll', () => {
  for (const n of [1, 2, MAX_ADDN_INPUTS, MAX_ADDN_INPUTS + 1, 9, 17]) {
    it(`adds ${n} tensors with AddN kernels of at most ${MAX_ADDN_INPUTS} inputs, gradient 1 for each`, async () => {
      const xs = Array.from({ length: n }, (_, i) => tf.scalar(i + 1));
      let value: tf.Tensor | undefined;
      let grads: tf.Tensor[] = [];
      const profile = await tf.profile(() => {
        ({ value, grads } = tf.valueAndGrads((...ts: tf.Tensor[]) => sumAll(ts) as tf.Scalar)(xs));
      });
      expect(value!.dataSync()[0]).toBe((n * (n + 1)) / 2);
      expect(grads.map((g) => g.dataSync()[0])).toEqual(Array(n).fill(1));
      const addNs = profile.kernels.filter((k) => k.name === 'AddN');
      if (n > 1) expect(addNs.length).toBeGreaterThan(0);
      for (const k of addNs) expect(k.inputShapes.length).toBeLessThanOrEqual(MAX_ADDN_INPUTS);
      tf.dispose([value!, ...grads, ...xs]);
    });
  }

  it('refuses an empty list', () => {
    expect(() => sumAll([])).toThrow(/nothing to add/);
  });
});
