import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FRAME_HOP, SAMPLE_RATE } from '../src/audio/frames';
import { speechLabels } from '../src/audio/labels';
import { decodeWav } from '../src/audio/wav';
import { loadCorpus, loadEntryAudio } from '../src/data/corpus';
import type { Manifest } from '../src/data/manifest';
import { DEFAULT_PUBLIC_DIR, diskLoader, readManifestFromDisk } from '../src/data/nodeCorpus';

let manifest: Manifest;
beforeAll(async () => {
  manifest = await readManifestFromDisk();
});

describe('corpus manifest', () => {
  it('lists files that exist with the stated length, rate and format', () => {
    expect(manifest.files.length).toBeGreaterThan(50);
    for (const entry of manifest.files) {
      const full = join(DEFAULT_PUBLIC_DIR, entry.path);
      expect(existsSync(full), entry.path).toBe(true);
      const audio = decodeWav(readFileSync(full), entry.path);
      expect(audio.sampleRate, entry.path).toBe(SAMPLE_RATE);
      expect(audio.channels.length, entry.path).toBe(1);
      expect(audio.channels[0].length, entry.path).toBe(entry.samples);
      expect(entry.durationSec, entry.path).toBeCloseTo(entry.samples / SAMPLE_RATE, 6);
    }
  });

  it('has unique ids and paths, and no GPL audio', () => {
    expect(new Set(manifest.files.map((e) => e.id)).size).toBe(manifest.files.length);
    expect(new Set(manifest.files.map((e) => e.path)).size).toBe(manifest.files.length);
    for (const entry of manifest.files) expect(entry.licence).toMatch(/^(CC0-1\.0|CC-BY-3\.0|CC-BY-SA-3\.0)$/);
  });

  it('splits share no speaker and no noise file', () => {
    const speakers = (split: string): Set<string> =>
      new Set(manifest.files.flatMap((e) => (e.kind === 'speech' && e.split === split ? [e.speaker] : [])));
    const test = speakers('test');
    expect(test.size).toBeGreaterThan(0);
    for (const s of test) {
      expect(speakers('train').has(s)).toBe(false);
      expect(speakers('validation').has(s)).toBe(false);
    }
    // Validation holds other utterances of the training speakers, never the same file.
    const speechFiles = (split: string): string[] =>
      manifest.files.filter((e) => e.kind === 'speech' && e.split === split).map((e) => e.source.file);
    const trainSpeech = new Set(speechFiles('train'));
    for (const file of speechFiles('validation')) expect(trainSpeech.has(file)).toBe(false);
    const noiseSources = (split: string): string[] =>
      manifest.files.filter((e) => e.kind === 'noise' && e.split === split).map((e) => `${e.source.package}:${e.source.file}`);
    const [train, validation, testNoise] = ['train', 'validation', 'test'].map(noiseSources);
    for (const list of [train, validation, testNoise]) expect(list.length).toBeGreaterThan(0);
    expect(new Set([...train, ...validation, ...testNoise]).size).toBe(train.length + validation.length + testNoise.length);
  });

  it('fits the size budget', () => {
    const bytes = manifest.files.reduce((sum, e) => sum + 44 + 2 * e.samples, 0);
    expect(bytes).toBeLessThan(26e6);
  });
});

describe('corpus loading', () => {
  it('labels a known prompt: leading and trailing silence non-speech, middle speech', async () => {
    const entry = manifest.files.find((e) => e.path === 'corpus/speech/allison/en-US_vm-next.wav');
    if (!entry) throw new Error('known utterance missing from the manifest');
    const audio = await loadEntryAudio(entry, diskLoader());
    const labels = speechLabels(audio);
    // The first 0.1 s and the last 0.1 s of this prompt are room tone.
    const edge = Math.round((0.1 * SAMPLE_RATE) / FRAME_HOP);
    expect(Array.from(labels.subarray(0, edge)).every((l) => l === 0)).toBe(true);
    expect(Array.from(labels.subarray(labels.length - edge)).every((l) => l === 0)).toBe(true);
    const middle = labels.subarray(Math.floor(labels.length * 0.3), Math.floor(labels.length * 0.7));
    expect(middle.reduce((a, b) => a + b, 0) / middle.length).toBeGreaterThan(0.8);
  });

  it('names a missing file', async () => {
    const broken: Manifest = { ...manifest, files: [{ ...manifest.files[0], path: 'corpus/speech/nobody/missing.wav' }] };
    await expect(loadCorpus(broken, diskLoader())).rejects.toThrow(/corpus\/speech\/nobody\/missing\.wav/);
  });

  it('names a corrupt file', async () => {
    const entry = manifest.files[0];
    const corrupt = async (): Promise<Uint8Array> => new Uint8Array(64);
    await expect(loadEntryAudio(entry, corrupt)).rejects.toThrow(new RegExp(entry.path.replace(/[.]/g, '\\.')));
  });

  it('loads the validation split with labels', async () => {
    const corpus = await loadCorpus(manifest, diskLoader(), { splits: ['validation'] });
    const split = corpus.splits.validation;
    expect(split.speech.length).toBeGreaterThan(0);
    expect(split.noise.length).toBeGreaterThan(0);
    expect(corpus.splits.train.speech).toHaveLength(0);
    for (const clip of split.speech) expect(clip.labels.some((l) => l === 1)).toBe(true);
  });
});
