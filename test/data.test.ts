import { beforeAll, describe, expect, it } from 'vitest';
import { frameCount, SAMPLE_RATE } from '../src/audio/frames';
import { sampleBatch } from '../src/data/batches';
import type { Corpus } from '../src/data/corpus';
import { loadCorpusFromDisk } from '../src/data/nodeCorpus';
import { createRng } from '../src/data/random';
import { fixedScenes, makeScene } from '../src/data/scenes';
import { TRAINING_SCENE_OPTIONS } from '../src/train/vadTask';

let corpus: Corpus;
// Decoding the whole corpus takes 5–20 s on an idle machine (then it is cached in the temp directory), minutes on a loaded one.
beforeAll(async () => {
  corpus = await loadCorpusFromDisk();
}, 600_000);

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

describe('training scenes (channel augmentation, events, noise-only)', () => {
  it('keep labels and SNRs, stay within full scale, and record the channel they went through', () => {
    const rng = createRng(21);
    let speech = 0;
    let frames = 0;
    const steps = new Set<string>();
    let noiseOnly = 0;
    for (let i = 0; i < 40; i++) {
      const scene = makeScene(corpus.splits.train, 4, rng, TRAINING_SCENE_OPTIONS);
      expect(scene.labels.length).toBe(frameCount(scene.audio.length));
      let peak = 0;
      for (const x of scene.audio) peak = Math.max(peak, Math.abs(x));
      expect(peak).toBeLessThanOrEqual(1.05); // clipping caps at 1; the DC offset adds ≤ 1 %, a band filter may ring a little
      expect(Math.max(...scene.snrDb)).toBeLessThanOrEqual(35);
      for (const step of scene.channel) steps.add(step.split(' ')[0]);
      if (scene.utterances.length === 0) noiseOnly++;
      speech += scene.labels.reduce((a, l) => a + l, 0);
      frames += scene.labels.length;
    }
    expect(steps).toContain('level');
    expect(steps).toContain('telephone');
    expect(noiseOnly).toBeLessThan(10);
    expect(speech / frames).toBeGreaterThan(0.35);
    expect(speech / frames).toBeLessThan(0.6);
  });

  it('noise-only scenes have no speech frames; events stand out of a steady bed', () => {
    const noiseRng = createRng(8);
    const bed = Float32Array.from({ length: 16000 }, () => 0.1 * noiseRng.normal());
    const burst = Float32Array.from({ length: 800 }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / SAMPLE_RATE));
    const split = {
      ...corpus.splits.train,
      noise: [{ entry: corpus.splits.train.noise[0].entry, audio: bed }],
      events: [{ entry: corpus.splits.train.events[0].entry, audio: burst }],
    };
    // Loudest 50 ms window over the median one, in dB.
    const spread = (audio: Float32Array) => {
      const windows = Array.from({ length: Math.floor(audio.length / 800) }, (_, w) => audio.subarray(w * 800, (w + 1) * 800).reduce((a, x) => a + x * x, 0)).sort((a, b) => a - b);
      return 10 * Math.log10(windows[windows.length - 1] / windows[Math.floor(windows.length / 2)]);
    };
    const withEvents = makeScene(split, 3, createRng(4), { noiseOnlyProbability: 1, eventProbability: 1, eventsPerSecond: 2, eventLevelDb: [10, 10] });
    expect(withEvents.utterances).toHaveLength(0);
    expect(withEvents.labels.every((l) => l === 0)).toBe(true);
    expect(spread(withEvents.audio)).toBeGreaterThan(12);
    const without = makeScene(split, 3, createRng(4), { noiseOnlyProbability: 1, eventProbability: 0 });
    expect(spread(without.audio)).toBeLessThan(3);
  });
});

describe('batches', () => {
  it('are row-major typed arrays with matching shapes', () => {
    const batch = sampleBatch(corpus.splits.train, 3, 2, createRng(9));
    expect(batch.batchSize).toBe(3);
    expect(batch.samples).toBe(32000);
    expect(batch.frames).toBe(frameCount(32000));
    expect(batch.audio).toHaveLength(3 * 32000);
    expect(batch.labels).toHaveLength(3 * batch.frames);
    expect(batch.snr).toHaveLength(3 * batch.frames);
  });
});
