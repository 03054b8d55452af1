/**
 * The decoded corpus: every manifest entry's audio as 16 kHz mono Float32Array, grouped by
 * split. Loading is environment-agnostic: callers pass a function that returns a file's
 * bytes (nodeCorpus.ts reads from disk, fetchCorpus.ts fetches from the app's origin).
 */
import { SAMPLE_RATE } from '../audio/frames';
import { speechLabels } from '../audio/labels';
import { toMono16k } from '../audio/resample';
import { decodeWav } from '../audio/wav';
import { SPLITS } from './manifest';
import type { Manifest, ManifestEntry, NoiseEntry, SpeechEntry, Split } from './manifest';

export interface SpeechClip {
  entry: SpeechEntry;
  audio: Float32Array;
  /** Frame labels of the clean utterance (labels.ts defaults). */
  labels: Uint8Array;
}

export interface NoiseClip {
  entry: NoiseEntry;
  audio: Float32Array;
}

export interface CorpusSplit {
  name: Split;
  speech: SpeechClip[];
  noise: NoiseClip[];
}

export interface Corpus {
  manifest: Manifest;
  splits: Record<Split, CorpusSplit>;
}

/** Returns the bytes of a file given its manifest path (relative to public/); rejects naming the file when missing. */
export type FileLoader = (path: string) => Promise<Uint8Array>;

export interface LoadOptions {
  /** Only these splits are decoded (others stay empty); default all. */
  splits?: readonly Split[];
}

/** Decodes one manifest entry to 16 kHz mono, checking its length against the manifest. */
export async function loadEntryAudio(entry: ManifestEntry, load: FileLoader): Promise<Float32Array> {
  const bytes = await load(entry.path);
  const audio = toMono16k(decodeWav(bytes, entry.path));
  // Resampling can change the length; only a stored 16 kHz file must match exactly.
  if (entry.sampleRate === SAMPLE_RATE && audio.length !== entry.samples) {
    throw new Error(`${entry.path}: has ${audio.length} samples, manifest says ${entry.samples}`);
  }
  return audio;
}

export async function loadCorpus(manifest: Manifest, load: FileLoader, options: LoadOptions = {}): Promise<Corpus> {
  const wanted = new Set<Split>(options.splits ?? SPLITS);
  const splits = {} as Record<Split, CorpusSplit>;
  for (const name of SPLITS) splits[name] = { name, speech: [], noise: [] };
  const entries = manifest.files.filter((entry) => wanted.has(entry.split));
  const decoded = await Promise.all(entries.map((entry) => loadEntryAudio(entry, load)));
  entries.forEach((entry, i) => {
    const audio = decoded[i];
    if (entry.kind === 'speech') splits[entry.split].speech.push({ entry, audio, labels: speechLabels(audio) });
    else splits[entry.split].noise.push({ entry, audio });
  });
  return { manifest, splits };
}

