import { beforeAll, describe, expect, it } from 'vitest';
import { frameCount, SAMPLE_RATE } from '../src/audio/frames';
import { sampleBatch } from '../src/data/batches';
import type { Corpus } from '../src/data/corpus';
import { loadCorpusFromDisk } from '../src/data/nodeCorpus';
import { createRng } from '../src/data/random';
import { fixedScenes, makeScene } from '../src/data/scenes';

let corpus: Corpus;
beforeAll(async () => {
  corpus = await loadCorpusFromDisk();
});

describe('random', () => {
  it('is deterministic and has sane moments', () => {
    const a = createRng(42);
    const b = createRng(42);
    for (let i = 0; i < 10; i++) expect(a.next()).toBe(b.next());
    const rng = createRng(3);
    const xs = Array.from({ length: 20000 }, () => rng.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});

describe('scenes', () => {
  it('are deterministic for a seed', () => {
    const [a] = fixedScenes(corpus.splits.validation, 1, 4, 11);
    const [b] = fixedScenes(corpus.splits.validation, 1, 4, 11);
    expect(a.audio).toEqual(b.audio);
    expect(a.labels).toEqual(b.labels);
    const [c] = fixedScenes(corpus.splits.validation, 1, 4, 12);
    expect(c.audio).not.toEqual(a.audio);
  });

  it('have per-frame labels and SNRs, roughly balanced classes, and no clipping', () => {
    const rng = createRng(5);
    let speech = 0;
    let frames = 0;
    for (let i = 0; i < 20; i++) {
      const scene = makeScene(corpus.splits.train, 8, rng);
      expect(scene.audio.length).toBe(8 * SAMPLE_RATE);
      expect(scene.labels.length).toBe(frameCount(scene.audio.length));
      expect(scene.snrDb.length).toBe(scene.labels.length);
      expect(Math.min(...scene.snrDb)).toBeGreaterThanOrEqual(-5);
      expect(Math.max(...scene.snrDb)).toBeLessThanOrEqual(35);
      let peak = 0;
      for (const x of scene.audio) peak = Math.max(peak, Math.abs(x));
      expect(peak).toBeLessThan(1);
      speech += scene.labels.reduce((s, l) => s + l, 0);
      frames += scene.labels.length;
    }
    expect(speech / frames).toBeGreaterThan(0.4);
    expect(speech / frames).toBeLessThan(0.6);
  });

  it('use only their own split', () => {
    const testIds = new Set(corpus.splits.test.speech.map((c) => c.entry.id));
    const scenes = fixedScenes(corpus.splits.test, 3, 6, 1);
    for (const scene of scenes) {
      for (const u of scene.utterances) expect(testIds.has(u.id)).toBe(true);
      expect(corpus.splits.test.noise.some((n) => n.entry.id === scene.noiseId)).toBe(true);
    }
  });
});

describe('batches', () => {
  it('are row-major typed arrays with matching shapes', () => {
    const batch = sampleBatch(corpus, 'train', 3, 2, createRng(9));
    expect(batch.batchSize).toBe(3);
    expect(batch.samples).toBe(32000);
    expect(batch.frames).toBe(frameCount(32000));
    expect(batch.audio).toHaveLength(3 * 32000);
    expect(batch.labels).toHaveLength(3 * batch.frames);
    expect(batch.snr).toHaveLength(3 * batch.frames);
  });
});
