import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { N_FREQ } from '../src/audio/features';
import { MODEL_FAMILIES } from '../src/models/registry';
import { bestF1 } from '../src/train/vadTask';
import { calibrationShift, shiftedThreshold, shiftOutputBias, withCalibration } from '../src/train/calibration';
import type { Evaluation } from '../src/protocol';
import { Dense } from '../src/dcl/layers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const logit = (p: number) => Math.log(p / (1 - p));

describe('output calibration', () => {
  it('moves the fitted threshold to 0.5 and keeps the order of thresholds', () => {
    for (const t of [0.05, 0.21, 0.29, 0.5, 0.8]) expect(shiftedThreshold(t, calibrationShift(t))).toBeCloseTo(0.5, 12);
    const shift = calibrationShift(0.3);
    expect(shiftedThreshold(0.2, shift)).toBeLessThan(0.5);
    expect(shiftedThreshold(0.4, shift)).toBeGreaterThan(0.5);
    expect(() => calibrationShift(0)).toThrow(/between 0 and 1/);
    expect(() => calibrationShift(Number.NaN)).toThrow(/between 0 and 1/);
  });

  it("shifts every frame's logit of both VAD families by exactly the shift, so EER, AUC and the best F1 stay", () => {
    for (const id of ['crnn', 'transformer'] as const) {
      const network = MODEL_FAMILIES[id].build({ seed: 2 });
      const input = tf.tidy(() => tf.abs(tf.randomNormal([2, 30, N_FREQ], 0, 1, 'float32', 5)));
      const before = network.infer(input).dataSync() as Float32Array;
      shiftOutputBias(network, 0.75);
      const after = network.infer(input).dataSync() as Float32Array;
      for (let i = 0; i < before.length; i++) expect(logit(after[i]) - logit(before[i]), id).toBeCloseTo(0.75, 3);
      const labels = Uint8Array.from(before, (_, i) => (i % 3 === 0 ? 1 : 0));
      const f1Before = bestF1(before, labels);
      const f1After = bestF1(after, labels);
      expect(f1After.bestF1, id).toBeCloseTo(f1Before.bestF1, 10);
      expect(f1After.bestF1Threshold, id).toBeCloseTo(shiftedThreshold(f1Before.bestF1Threshold, 0.75), 4);
      input.dispose();
      network.dispose();
    }
  });

  it("calibrates a paused run's model only while it is used, then puts the exact output bias back", async () => {
    const network = MODEL_FAMILIES.crnn.build({ seed: 3 });
    const input = tf.tidy(() => tf.abs(tf.randomNormal([1, 20, N_FREQ], 0, 1, 'float32', 7)));
    const bias = () => Array.from((network.layers.find((layer) => layer.name === 'output') as Dense).bias.dataSync());
    const biasBefore = bias();
    const before = network.infer(input).dataSync() as Float32Array;
    const validation = { metric: 'EER', value: 0.1, pooledBestF1Threshold: 0.3 } as unknown as Evaluation;
    const seen = await withCalibration(network, validation, async (shift) => {
      const during = network.infer(input).dataSync() as Float32Array;
      for (let i = 0; i < before.length; i++) expect(logit(during[i]) - logit(before[i])).toBeCloseTo(calibrationShift(0.3), 3);
      return shift;
    });
    expect(seen).toBeCloseTo(calibrationShift(0.3), 12);
    expect(bias()).toEqual(biasBefore);
    // Nothing to calibrate on: the network is used as it is.
    expect(await withCalibration(network, null, async (shift) => shift)).toBeUndefined();
    // A failing use still leaves the training network's bias as it was.
    await expect(withCalibration(network, validation, async () => Promise.reject(new Error('export failed')))).rejects.toThrow(/export failed/);
    expect(bias()).toEqual(biasBefore);
    input.dispose();
    network.dispose();
  });
});
