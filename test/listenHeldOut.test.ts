/**
 * The listening page scores a model with the training task's own evaluate(), handing it an
 * adapter that runs the runtime's kernels (src/listen/heldOut.ts). The adapter's output must
 * be the tfjs network's, so the page's EER is the trainer's for the same model.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { powerSpectrogramOf } from '../src/audio/features';
import { loadCorpusFromDisk } from '../src/data/nodeCorpus';
import { createRng } from '../src/data/random';
import { makeScene } from '../src/data/scenes';
import { kernelNetwork } from '../src/listen/heldOut';
import { bundledModel } from '../src/runtime';

let scenes: Float32Array;
const SCENES = 2;
const SECONDS = 3;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const corpus = await loadCorpusFromDisk(undefined, { splits: ['validation'] });
  const rng = createRng(5);
  scenes = new Float32Array(SCENES * SECONDS * 16000);
  for (let b = 0; b < SCENES; b++) scenes.set(makeScene(corpus.splits.validation, SECONDS, rng).audio, b * SECONDS * 16000);
});

describe('kernel adapter for held-out evaluation', () => {
  for (const family of ['crnn', 'transformer'] as const) {
    it(`gives the ${family} network's probabilities for a batch of spectrograms (each scene from a fresh state)`, async () => {
      const model = await bundledModel(`${family}-full`, JSON.parse(readFileSync(`public/models/${family}-full.weights.json`, 'utf8')));
      const input = powerSpectrogramOf(scenes, SCENES);
      try {
        const reference = model.network.infer(input);
        const adapted = kernelNetwork(model).infer(input);
        expect(adapted.shape).toEqual(reference.shape);
        const a = adapted.dataSync();
        const r = reference.dataSync();
        let worst = 0;
        for (let i = 0; i < r.length; i++) worst = Math.max(worst, Math.abs(a[i]! - r[i]!));
        expect(worst).toBeLessThan(1e-4);
        // Not all the same value: the comparison means something.
        expect(Math.max(...r) - Math.min(...r)).toBeGreaterThan(0.5);
        tf.dispose([reference, adapted]);
      } finally {
        input.dispose();
        model.dispose();
      }
    }, 60_000);
  }
});
