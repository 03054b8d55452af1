import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SYNTHETIC_SIGNAL_INPUTS } from '../src/models/synthetic';
import { runSynthetic, type SyntheticRunResult } from '../src/train/syntheticRun';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A small version of `npm run sweep -- synthetic` (fixed seed), so it runs in well under a minute. */
const ALPHAS = [0, 1, 3, 10];

describe('synthetic case study: widths learn what the data needs', () => {
  let runs: SyntheticRunResult[] = [];
  beforeAll(async () => {
    runs = [];
    for (const alpha of ALPHAS) runs.push(await runSynthetic({ alpha, steps: 400, batchSize: 64, seed: 1, evalEvery: 400 }));
  }, 240_000);

  it('there is an α where the input width settles at 8 ± 1.5 with test MSE no worse than α = 0', () => {
    const plain = runs[0];
    const settled = runs.slice(1).filter((r) => Math.abs(r.inputWidth - SYNTHETIC_SIGNAL_INPUTS) <= 1.5 && r.testMse <= plain.testMse);
    expect(settled.length).toBeGreaterThan(0);
  });

  it('as α grows further, widths and FLOPs fall and the error rises', () => {
    const settledAt = runs.findIndex((r, i) => i > 0 && Math.abs(r.inputWidth - SYNTHETIC_SIGNAL_INPUTS) <= 1.5);
    const beyond = runs.slice(settledAt);
    for (let i = 1; i < beyond.length; i++) {
      const [before, after] = [beyond[i - 1], beyond[i]];
      expect(after.inputWidth).toBeLessThanOrEqual(before.inputWidth + 1);
      expect(after.hiddenWidth).toBeLessThanOrEqual(before.hiddenWidth + 1);
      expect(after.flops).toBeLessThan(before.flops);
      expect(after.testMse).toBeGreaterThan(before.testMse);
    }
  });

  it('at the largest α the model costs under 30 % of the full FLOPs', () => {
    const last = runs.at(-1)!;
    expect(last.flops / last.fullFlops).toBeLessThan(0.3);
  });
});
