/**
 * Node-only corpus loading from public/ on disk (tests, command-line sweeps). Kept apart
 * from corpus.ts so the browser bundle never imports `fs`.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCorpus } from './corpus';
import type { Corpus, FileLoader, LoadOptions } from './corpus';
import { parseManifest } from './manifest';
import type { Manifest } from './manifest';

/** The repository's public/ directory (this file lives in src/data/). */
export const DEFAULT_PUBLIC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../public');
export const MANIFEST_PATH = 'corpus/manifest.json';

/** Reads files relative to `publicDir`; a missing file rejects with an Error naming it. */
export function diskLoader(publicDir: string = DEFAULT_PUBLIC_DIR): FileLoader {
  return async (path) => {
    const full = join(publicDir, path);
    try {
      return new Uint8Array(await readFile(full));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`corpus file ${path} could not be read (${full}): ${reason}`);
    }
  };
}

export async function readManifestFromDisk(publicDir: string = DEFAULT_PUBLIC_DIR): Promise<Manifest> {
  const bytes = await diskLoader(publicDir)(MANIFEST_PATH);
  return parseManifest(JSON.parse(new TextDecoder().decode(bytes)) as unknown, MANIFEST_PATH);
}

export async function loadCorpusFromDisk(
  publicDir: string = DEFAULT_PUBLIC_DIR,
  options: LoadOptions = {},
): Promise<Corpus> {
  const manifest = await readManifestFromDisk(publicDir);
  return loadCorpus(manifest, diskLoader(publicDir), options);
}
