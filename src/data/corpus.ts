/**
 * The decoded corpus: every manifest entry's audio as 16 kHz mono Float32Array, grouped by
 * split. Loading is environment-agnostic: callers pass a function that returns a file's
 * bytes (nodeCorpus.ts reads from disk, fetchCorpus.ts fetches from the app's origin).
 */
import { SAMPLE_RATE } from '../audio/frames';
import { speechLabels } from '../audio/labels';
import { toMono16k } from '../audio/resample';
import { decodeWav } from '../audio/wav';
import { decodeFlac, type FlacDecoderHandle, openFlacDecoder } from '../audio/flac';
import { noiseRole, SPLITS } from './manifest';
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
  /** Beds: looped under a whole scene. */
  noise: NoiseClip[];
  /** Short sounds dropped into scenes now and then (empty for a version-1 corpus). */
  events: NoiseClip[];
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
  /** Synthetic speech is left out (it is training data only); default false. */
  skipSynthetic?: boolean;
  /** Called after each decoded file with the files and bytes done so far (for a progress bar). */
  onProgress?: (progress: LoadProgress) => void;
  /** Audio already decoded elsewhere (Node's on-disk cache); undefined means fetch and decode the file. */
  decoded?: (entry: ManifestEntry) => Float32Array | undefined;
}

export interface LoadProgress {
  files: number;
  totalFiles: number;
  /** Manifest seconds of audio decoded so far, and in all. */
  seconds: number;
  totalSeconds: number;
}

/** Decodes one manifest entry to 16 kHz mono (FLAC or WAV, by extension), checking its length against the manifest. */
export async function loadEntryAudio(entry: ManifestEntry, load: FileLoader, flac?: FlacDecoderHandle): Promise<Float32Array> {
  const bytes = await load(entry.path);
  const decoded = entry.path.endsWith('.flac') ? await decodeFlac(bytes, entry.path, flac) : decodeWav(bytes, entry.path);
  const audio = await toMono16k(decoded);
  // Resampling can change the length; only a stored 16 kHz file must match exactly.
  if (entry.sampleRate === SAMPLE_RATE && audio.length !== entry.samples) {
    throw new Error(`${entry.path}: has ${audio.length} samples, manifest says ${entry.samples}`);
  }
  return audio;
}

/** Files fetched at once while decoding goes on (bounds memory and open requests). */
const FETCH_AHEAD = 16;

export async function loadCorpus(manifest: Manifest, load: FileLoader, options: LoadOptions = {}): Promise<Corpus> {
  const wanted = new Set<Split>(options.splits ?? SPLITS);
  const splits = {} as Record<Split, CorpusSplit>;
  for (const name of SPLITS) splits[name] = { name, speech: [], noise: [], events: [] };
  const entries = manifest.files.filter(
    (entry) => wanted.has(entry.split) && !(options.skipSynthetic && entry.kind === 'speech' && entry.synthetic),
  );
  const totalSeconds = entries.reduce((sum, e) => sum + e.durationSec, 0);
  // One decoder for the whole corpus, used by one file at a time; fetches run ahead of it.
  const known = entries.map((entry) => options.decoded?.(entry));
  const toDecode = entries.filter((_, i) => known[i] === undefined);
  const flac = toDecode.some((e) => e.path.endsWith('.flac')) ? await openFlacDecoder() : undefined;
  try {
    const pending = new Map<number, Promise<Uint8Array>>();
    const fetchAhead = (upTo: number) => {
      for (let j = 0; j < Math.min(upTo, entries.length); j++) if (known[j] === undefined && !pending.has(j)) pending.set(j, load(entries[j].path));
    };
    let seconds = 0;
    for (let i = 0; i < entries.length; i++) {
      fetchAhead(i + FETCH_AHEAD);
      const entry = entries[i];
      let audio = known[i];
      if (audio === undefined) {
        const bytes = pending.get(i)!;
        pending.delete(i);
        audio = await loadEntryAudio(entry, () => bytes, flac);
      }
      if (entry.kind === 'speech') splits[entry.split].speech.push({ entry, audio, labels: speechLabels(audio) });
      else if (noiseRole(entry) === 'event') splits[entry.split].events.push({ entry, audio });
      else splits[entry.split].noise.push({ entry, audio });
      seconds += entry.durationSec;
      options.onProgress?.({ files: i + 1, totalFiles: entries.length, seconds, totalSeconds });
    }
    // Fetches started but not awaited (an error stopped the loop) must not become unhandled rejections.
    for (const p of pending.values()) p.catch(() => undefined);
  } finally {
    flac?.free();
  }
  return { manifest, splits };
}

