import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Corpus } from '../src/data/corpus';
import { loadCorpusFromDisk } from '../src/data/nodeCorpus';
import type { RunConfig } from '../src/protocol';
import { RunControl, trainSession } from '../src/train/session';
import { createVadTask } from '../src/train/vadTask';

let corpus: Corpus;
beforeAll(async () => {
  // wasm: the tfjs backend the command-line sweep uses (≈ 4× the pure-JS cpu backend here).
  expect(await tf.setBackend('wasm')).toBe(true);
  corpus = await loadCorpusFromDisk();
});

/** A short run of the real thing: corpus scenes, log-mel model with learned widths, α > 0. */
for (const modelId of ['crnn', 'transformer'] as const) {
  describe(`${modelId} VAD, quick training on the bundled corpus`, () => {
    it('reaches test AUC ≥ 0.85 on the unseen speaker and noises, shrinks its widths, and consolidates exactly', async () => {
      const config: RunConfig = {
        modelId, method: 'dcl', alpha: 1, budgetFlopsPerSecond: null, steps: 150, batchSize: 16, learningRate: 3e-3,
        kappaLearningRate: 3e-2, kappaMin: {}, uniformFraction: 1, seed: 1, evalEvery: 150, init: 'scratch',
      };
      const task = createVadTask(config, corpus, { segmentSeconds: 1, heldOutScenes: 8, heldOutSeconds: 4 });
      let finished = false;
      for await (const e of trainSession({ runId: modelId, config, task, control: new RunControl(config), backend: 'wasm', progressEvery: 50 })) {
        if (e.type === 'finished') finished = true;
      }
      expect(finished).toBe(true);
      const widths = task.network.learnableWidths();
      expect(widths.some((w) => w.value() < 0.9 * w.full)).toBe(true);

      const test = await task.evaluate(task.network, 'test');
      expect(test.auc).toBeGreaterThanOrEqual(0.85);

      const small = task.network.consolidate();
      expect(await task.evaluate(small, 'test')).toEqual(expect.objectContaining({ metric: 'EER' }));
      const x = tf.randomNormal([2, 50, 201], 1, 0.5, 'float32', 3).abs();
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(task.network.infer(x), small.infer(x)))).dataSync()[0]);
      expect(diff).toBeLessThan(1e-5);
      x.dispose();
      small.dispose();
      task.dispose();
    }, 900_000);
  });
}
