import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FRAME_HOP, SAMPLE_RATE } from '../src/audio/frames';
import { speechLabels } from '../src/audio/labels';
import { loadCorpus, loadEntryAudio } from '../src/data/corpus';
import { streamInfoTotalSamples } from '../src/audio/flac';
import { noiseRole, type Manifest, type NoiseEntry, type SpeechEntry } from '../src/data/manifest';
import { DEFAULT_PUBLIC_DIR, diskLoader, loadCorpusFromDisk, readManifestFromDisk } from '../src/data/nodeCorpus';

/**
 * Decoding the whole corpus once (then it is cached in the temp directory) takes 5–20 s on an
 * idle 2-core machine and minutes on a heavily loaded one.
 */
const CORPUS_LOAD_TIMEOUT_MS = 600_000;

let manifest: Manifest;
beforeAll(async () => {
  manifest = await readManifestFromDisk();
});

/** Every file under a directory, recursively. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
}

describe('corpus manifest', () => {
  it('lists FLAC files that exist with the stated length, rate and channel count (from their STREAMINFO)', () => {
    expect(manifest.version).toBe(2);
    expect(manifest.files.length).toBeGreaterThan(1000);
    for (const entry of manifest.files) {
      const full = join(DEFAULT_PUBLIC_DIR, entry.path);
      expect(existsSync(full), entry.path).toBe(true);
      const bytes = new Uint8Array(readFileSync(full));
      expect(streamInfoTotalSamples(bytes, entry.path), entry.path).toBe(entry.samples);
      const sampleRate = (bytes[18] << 12) | (bytes[19] << 4) | (bytes[20] >> 4);
      const channels = ((bytes[20] >> 1) & 0x07) + 1;
      expect([sampleRate, channels], entry.path).toEqual([SAMPLE_RATE, 1]);
      expect(entry.durationSec, entry.path).toBeCloseTo(entry.samples / SAMPLE_RATE, 6);
    }
  });

  it('has unique ids and paths, known licences, and every file in ATTRIBUTION.md', () => {
    expect(new Set(manifest.files.map((e) => e.id)).size).toBe(manifest.files.length);
    expect(new Set(manifest.files.map((e) => e.path)).size).toBe(manifest.files.length);
    const attribution = readFileSync(join(DEFAULT_PUBLIC_DIR, 'corpus/ATTRIBUTION.md'), 'utf8');
    for (const entry of manifest.files) {
      expect(entry.licence, entry.path).toMatch(/^(CC0-1\.0|CC-BY-3\.0|CC-BY-SA-3\.0)$/);
      expect(attribution, entry.path).toContain(`| ${entry.path.replace(/^corpus\//, '')} | ${entry.licence} |`);
    }
  });

  it('never uses the audio reserved for judging (asterisk-prompt-* voices, colobot sounds)', () => {
    for (const entry of manifest.files) expect(`${entry.source.package} ${entry.source.file}`, entry.path).not.toMatch(/asterisk-prompt|colobot/i);
  });

  it('keeps test speakers, the test language and test noise out of training and validation; synthetic voices only in training', () => {
    const speech = manifest.files.filter((e): e is SpeechEntry => e.kind === 'speech');
    const of = (split: string) => speech.filter((e) => e.split === split);
    const testSpeakers = new Set(of('test').map((e) => e.speaker));
    const testLanguages = new Set(of('test').map((e) => e.language.split('-')[0]));
    expect(testSpeakers.size).toBeGreaterThan(0);
    for (const e of [...of('train'), ...of('validation')]) {
      expect(testSpeakers.has(e.speaker), e.path).toBe(false);
      expect(testLanguages.has(e.language.split('-')[0]), e.path).toBe(false);
    }
    for (const e of speech) if (e.synthetic) expect(e.split, e.path).toBe('train');
    expect(of('test').every((e) => !e.synthetic)).toBe(true);
    // Many synthetic voices, several real speakers.
    expect(new Set(of('train').filter((e) => e.synthetic).map((e) => e.speaker)).size).toBeGreaterThan(100);
    expect(new Set(of('train').filter((e) => !e.synthetic).map((e) => e.speaker)).size).toBeGreaterThanOrEqual(3);
    // Validation holds other utterances of the training speakers, never the same file.
    const trainFiles = new Set(of('train').map((e) => e.source.file));
    for (const e of of('validation')) expect(trainFiles.has(e.source.file), e.path).toBe(false);
    const noiseSources = (split: string): string[] =>
      manifest.files.filter((e) => e.kind === 'noise' && e.split === split).map((e) => `${e.source.package}:${e.source.file}`);
    const [train, validation, testNoise] = ['train', 'validation', 'test'].map(noiseSources);
    for (const list of [train, validation, testNoise]) expect(list.length).toBeGreaterThan(10);
    expect(new Set([...train, ...validation, ...testNoise]).size).toBe(train.length + validation.length + testNoise.length);
    // Every split has both noise beds and short events.
    for (const split of ['train', 'validation', 'test']) {
      const roles = new Set(manifest.files.filter((e): e is NoiseEntry => e.kind === 'noise' && e.split === split).map(noiseRole));
      expect([...roles].sort(), split).toEqual(['bed', 'event']);
    }
  });

  it('keeps public/ within 80 MB', () => {
    const bytes = walk(DEFAULT_PUBLIC_DIR).reduce((sum, file) => sum + statSync(file).size, 0);
    expect(bytes).toBeLessThan(80e6);
  });
});

describe('corpus loading', () => {
  it('labels a known prompt: leading and trailing silence non-speech, middle speech', async () => {
    const entry = manifest.files.find((e) => e.path === 'corpus/speech/allison/en-US_vm-next.flac');
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

  it('names a truncated FLAC file and decodes an intact one to its full length', async () => {
    const entry = manifest.files.find((e) => e.kind === 'speech' && e.samples % 4096 !== 0)!;
    const bytes = await diskLoader()(entry.path);
    expect((await loadEntryAudio(entry, async () => bytes)).length).toBe(entry.samples);
    const truncated = bytes.subarray(0, Math.floor(bytes.length * 0.6));
    await expect(loadEntryAudio(entry, async () => truncated)).rejects.toThrow(new RegExp(`${entry.path.replace(/[.]/g, '\\.')}.*(samples|FLAC)`));
  });

  it('a whole-corpus load from disk is cached in the temp directory and reloads the same audio', async () => {
    const first = await loadCorpusFromDisk();
    const again = await loadCorpusFromDisk(); // from the cache the first load wrote (or found)
    const clips = (c: typeof first) => Object.values(c.splits).flatMap((s) => [...s.speech, ...s.noise, ...s.events]);
    expect(clips(again).map((c) => c.entry.id)).toEqual(clips(first).map((c) => c.entry.id));
    // Spot-check against decoding the files directly.
    for (const clip of clips(again).filter((_, i) => i % 97 === 0)) {
      expect(clip.audio, clip.entry.path).toEqual(await loadEntryAudio(clip.entry, diskLoader()));
    }
  }, CORPUS_LOAD_TIMEOUT_MS);

  it('reports progress and can leave synthetic speech out', async () => {
    const seen: number[] = [];
    const corpus = await loadCorpusFromDisk(undefined, { splits: ['train'], skipSynthetic: true, onProgress: (p) => seen.push(p.files / p.totalFiles) });
    expect(corpus.splits.train.speech.every((c) => !c.entry.synthetic)).toBe(true);
    expect(corpus.splits.train.speech.length).toBeGreaterThan(100);
    expect(seen.at(-1)).toBe(1);
    expect(seen.every((x, i) => i === 0 || x > seen[i - 1])).toBe(true);
  }, CORPUS_LOAD_TIMEOUT_MS);

  it('loads the validation split with labels', async () => {
    const corpus = await loadCorpusFromDisk(undefined, { splits: ['validation'] });
    const split = corpus.splits.validation;
    expect(split.speech.length).toBeGreaterThan(0);
    expect(split.noise.length).toBeGreaterThan(0);
    expect(corpus.splits.train.speech).toHaveLength(0);
    for (const clip of split.speech) expect(clip.labels.some((l) => l === 1)).toBe(true);
  }, CORPUS_LOAD_TIMEOUT_MS);
});
