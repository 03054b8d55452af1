/** The weight average is the plain mean of the moments added, and leaves nothing allocated. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { WeightAverage } from '../src/train/weightAverage';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('WeightAverage', () => {
  it('sets every variable to the mean of the values it was added at', () => {
    const a = tf.variable(tf.tensor1d([1, 2, 3]));
    const b = tf.variable(tf.tensor2d([[10, 20]]));
    const average = new WeightAverage([a, b]);
    const moments: [number[], number[][]][] = [
      [[1, 2, 3], [[10, 20]]],
      [[4, 0, 3], [[-2, 20]]],
      [[7, 1, 0], [[1, 5]]],
    ];
    for (const [va, vb] of moments) {
      a.assign(tf.tensor1d(va));
      b.assign(tf.tensor2d(vb));
      average.add();
    }
    // Values after the last moment are not part of the mean.
    a.assign(tf.tensor1d([100, 100, 100]));
    const before = tf.memory().numTensors;
    average.assign();
    expect(tf.memory().numTensors).toBe(before);
    expect(average.count).toBe(3);
    expect(Array.from(a.dataSync())).toEqual([4, 1, 2]);
    expect(b.arraySync()).toEqual([[3, 15]]);
    average.dispose();
    tf.dispose([a, b]);
  });

  it('refuses to assign an empty mean', () => {
    const v = tf.variable(tf.scalar(1));
    expect(() => new WeightAverage([v]).assign()).toThrow(/no weights/);
    v.dispose();
  });
});
