/**
 * Node-only corpus loading from public/ on disk (tests, command-line sweeps). Kept apart
 * from corpus.ts so the browser bundle never imports `fs`.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCorpus } from './corpus';
import type { Corpus, FileLoader, LoadOptions } from './corpus';
import type { ManifestEntry } from './manifest';
import { parseManifest } from './manifest';
import type { Manifest } from './manifest';

/** The repository's public/ directory (this file lives in src/data/). */
export const DEFAULT_PUBLIC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../public');
export const MANIFEST_PATH = 'corpus/manifest.json';

/** Reads files relative to `publicDir` (corpus files, bundled models); a missing file rejects with an Error naming it. */
export function diskLoader(publicDir: string = DEFAULT_PUBLIC_DIR): FileLoader {
  return async (path) => {
    const full = join(publicDir, path);
    try {
      return new Uint8Array(await readFile(full));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`public file ${path} could not be read (${full}): ${reason}`);
    }
  };
}

export async function readManifestFromDisk(publicDir: string = DEFAULT_PUBLIC_DIR): Promise<Manifest> {
  const bytes = await diskLoader(publicDir)(MANIFEST_PATH);
  return parseManifest(JSON.parse(new TextDecoder().decode(bytes)) as unknown, MANIFEST_PATH);
}

/**
 * Loads the corpus from disk. Decoding ~1100 FLAC files takes 5–20 s, and every test file and
 * sweep process loads the corpus, so the decoded audio of a whole-corpus load is cached in
 * the system's temp directory (one Float32 file named by the manifest's hash, ~250 MB; written
 * atomically, so parallel processes cannot read half a file). CORPUS_CACHE=0 turns it off.
 */
export async function loadCorpusFromDisk(
  publicDir: string = DEFAULT_PUBLIC_DIR,
  options: LoadOptions = {},
): Promise<Corpus> {
  const bytes = await diskLoader(publicDir)(MANIFEST_PATH);
  const manifest = parseManifest(JSON.parse(new TextDecoder().decode(bytes)) as unknown, MANIFEST_PATH);
  if (process.env.CORPUS_CACHE === '0') return loadCorpus(manifest, diskLoader(publicDir), options);
  const cacheFile = join(tmpdir(), `vad-corpus-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.f32`);
  const total = manifest.files.reduce((n, e) => n + e.samples, 0);
  const cached = await readFile(cacheFile).then(
    (buffer) => (buffer.byteLength === 4 * total ? new Float32Array(buffer.buffer, buffer.byteOffset, total) : null),
    () => null,
  );
  if (cached) {
    const offsets = new Map<string, number>();
    let offset = 0;
    for (const e of manifest.files) {
      offsets.set(e.id, offset);
      offset += e.samples;
    }
    const decoded = (e: ManifestEntry) => cached.subarray(offsets.get(e.id)!, offsets.get(e.id)! + e.samples);
    return loadCorpus(manifest, diskLoader(publicDir), { ...options, decoded });
  }
  const corpus = await loadCorpus(manifest, diskLoader(publicDir), options);
  const clips = new Map<string, Float32Array>();
  for (const split of Object.values(corpus.splits)) for (const clip of [...split.speech, ...split.noise, ...split.events]) clips.set(clip.entry.id, clip.audio);
  // Only a load of every file can fill the cache (a partial one leaves it for the next).
  if (manifest.files.every((e) => clips.get(e.id)?.length === e.samples)) {
    const all = new Float32Array(total);
    let offset = 0;
    for (const e of manifest.files) {
      all.set(clips.get(e.id)!, offset);
      offset += e.samples;
    }
    const partial = `${cacheFile}.${process.pid}.tmp`;
    await mkdir(dirname(cacheFile), { recursive: true });
    await writeFile(partial, new Uint8Array(all.buffer)).then(() => rename(partial, cacheFile)).catch(() => undefined);
  }
  return corpus;
}
