/**
 * Types of public/corpus/manifest.json, written by scripts/build-corpus.ts and read by the
 * corpus loaders. Paths are relative to public/ (and so to the app's base URL).
 */

export type Split = 'train' | 'validation' | 'test';
export const SPLITS: readonly Split[] = ['train', 'validation', 'test'];

export interface SourceRef {
  /** Debian or npm package the audio comes from, or "generated". */
  package: string;
  version: string;
  /** File inside the package (or generator name). */
  file: string;
}

interface EntryBase {
  /** Unique id, also the file's stem. */
  id: string;
  /** Path relative to public/, e.g. "corpus/speech/allison/en-US_vm-goodbye.wav". */
  path: string;
  split: Split;
  source: SourceRef;
  /** SPDX-style licence id, e.g. "CC-BY-SA-3.0", "CC0-1.0". */
  licence: string;
  /** Author / copyright holder for attribution. */
  author: string;
  sampleRate: number;
  samples: number;
  durationSec: number;
}

export interface SpeechEntry extends EntryBase {
  kind: 'speech';
  speaker: string;
  /** BCP-47 tag, e.g. "en-US". */
  language: string;
  /** Made by a speech synthesiser (training split only); absent in version-1 manifests (all recorded). */
  synthetic?: boolean;
  /** What a synthetic voice was given to read. */
  text?: string;
}

export interface NoiseEntry extends EntryBase {
  kind: 'noise';
  /** Coarse category (ambience, music, loop, vinyl, synthetic, …): splits hold whole categories where possible. */
  category: string;
  /**
   * 'bed': looped under a whole scene; 'event': a short sound (< 3 s) dropped into scenes now
   * and then. Absent in version-1 manifests (all beds).
   */
  role?: NoiseRole;
}

export type NoiseRole = 'bed' | 'event';

/** A noise entry's role, version-1 manifests included. */
export function noiseRole(entry: NoiseEntry): NoiseRole {
  return entry.role ?? 'bed';
}

export type ManifestEntry = SpeechEntry | NoiseEntry;

/** Version 2: FLAC files, synthetic speech and noise roles; version 1 (WAV only) still loads. */
export const MANIFEST_VERSION = 2;

export interface Manifest {
  version: 1 | 2;
  sampleRate: number;
  /** Storage format of every file (the loader decodes by the file's extension, .flac or .wav). */
  format: 'wav-pcm16-mono' | 'flac-pcm16-mono';
  files: ManifestEntry[];
}

/** Parses and checks the manifest JSON; throws naming `name` when it is malformed. */
export function parseManifest(json: unknown, name: string): Manifest {
  const fail = (why: string): never => {
    throw new Error(`${name}: invalid corpus manifest (${why})`);
  };
  if (typeof json !== 'object' || json === null) return fail('not an object');
  const record = json as Record<string, unknown>;
  if (record.version !== 1 && record.version !== 2) fail(`unsupported version ${String(record.version)}`);
  if (typeof record.sampleRate !== 'number') fail('missing sampleRate');
  if (!Array.isArray(record.files)) return fail('missing files array');
  for (const [i, file] of (record.files as unknown[]).entries()) {
    if (typeof file !== 'object' || file === null) fail(`files[${i}] is not an object`);
    const entry = file as Record<string, unknown>;
    if (typeof entry.path !== 'string') fail(`files[${i}] has no path`);
    if (entry.kind !== 'speech' && entry.kind !== 'noise') fail(`files[${i}] has kind ${String(entry.kind)}`);
    if (!SPLITS.includes(entry.split as Split)) fail(`files[${i}] has split ${String(entry.split)}`);
    if (entry.kind === 'speech' && typeof entry.speaker !== 'string') fail(`files[${i}] has no speaker`);
    if (entry.kind === 'speech' && entry.synthetic === true && entry.split !== 'train') fail(`files[${i}] is synthetic speech outside the training split`);
    if (entry.kind === 'noise' && entry.role !== undefined && entry.role !== 'bed' && entry.role !== 'event') fail(`files[${i}] has role ${String(entry.role)}`);
  }
  return json as Manifest;
}
