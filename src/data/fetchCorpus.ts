/**
 * Browser corpus loading (page or Web Worker) with fetch from the app's own origin.
 *
 * A worker's relative URLs resolve against the worker script (e.g. /assets/…), not the
 * page, so the base URL is explicit: pass the app's base (Vite: import.meta.env.BASE_URL
 * resolved against location.origin). The default is the origin's root.
 */
import { loadCorpus } from './corpus';
import type { Corpus, FileLoader, LoadOptions } from './corpus';
import { parseManifest } from './manifest';
import type { Manifest } from './manifest';

export const MANIFEST_URL_PATH = 'corpus/manifest.json';

function defaultBase(): string {
  return new URL('/', globalThis.location.href).href;
}

/** Fetches files relative to `baseUrl`; HTTP errors reject with an Error naming the file. */
export function fetchLoader(baseUrl: string = defaultBase()): FileLoader {
  return async (path) => {
    const url = new URL(path, baseUrl).href;
    let response: Response;
    try {
      response = await fetch(url);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`corpus file ${path} could not be fetched (${url}): ${reason}`);
    }
    if (!response.ok) throw new Error(`corpus file ${path} could not be fetched (${url}): HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  };
}

export async function fetchManifest(baseUrl: string = defaultBase()): Promise<Manifest> {
  const bytes = await fetchLoader(baseUrl)(MANIFEST_URL_PATH);
  return parseManifest(JSON.parse(new TextDecoder().decode(bytes)) as unknown, MANIFEST_URL_PATH);
}

export async function fetchCorpus(baseUrl: string = defaultBase(), options: LoadOptions = {}): Promise<Corpus> {
  const manifest = await fetchManifest(baseUrl);
  return loadCorpus(manifest, fetchLoader(baseUrl), options);
}
