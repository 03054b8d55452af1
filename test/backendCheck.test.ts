import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { backendCheck, CHECK_ALPHA } from '../src/backendCheck';
import { MODEL_IDS } from '../src/protocol';

/**
 * Every backend agrees (issue 9): the same network, batch, seed and widths on tfjs cpu and
 * wasm give the same loss, complexity term, FLOP/s and κ gradients. Tolerance: relative 1e-4
 * (float32 sums in a different order), and 1e-4 of the largest κ gradient for each gradient.
 * The browser test (test/e2e/backends.e2e.ts) adds webgl and webgpu.
 */
describe('backend check', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const modelId of MODEL_IDS) {
    it(`${modelId}: cpu and wasm agree on loss, complexity term, FLOP/s and dL/dκ`, async () => {
      const results = [];
      for (const backend of ['cpu', 'wasm']) {
        await tf.setBackend(backend);
        // The first call may fill per-backend constant caches (front-end matrices); a second leaks nothing.
        await backendCheck(modelId);
        const before = tf.memory().numTensors;
        results.push(await backendCheck(modelId));
        expect(tf.memory().numTensors).toBe(before);
      }
      const [cpu, wasm] = results;
      const close = (a: number, b: number, scale = Math.abs(b)) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-4 * Math.max(scale, 1e-6));
      close(wasm.loss, cpu.loss);
      close(wasm.complexityTerm, cpu.complexityTerm);
      close(wasm.flopsPerSecond, cpu.flopsPerSecond);
      // The check's widths are fractional: the complexity lies strictly between 0 and full.
      expect(cpu.flopsPerSecond).toBeGreaterThan(0);
      expect(cpu.flopsPerSecond).toBeLessThan(cpu.fullFlopsPerSecond);
      close(cpu.complexityTerm, (CHECK_ALPHA * cpu.flopsPerSecond) / cpu.fullFlopsPerSecond);
      const largest = Math.max(...cpu.kappaGradients.map(Math.abs));
      expect(largest).toBeGreaterThan(0);
      expect(wasm.kappaGradients).toHaveLength(cpu.kappaGradients.length);
      wasm.kappaGradients.forEach((g, i) => close(g, cpu.kappaGradients[i]!, largest));
    });
  }
});
