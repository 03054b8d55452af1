/**
 * The Speex resampler's wasm module (@echogarden/speex-resampler-wasm), loaded once per thread
 * (Node, the listen worker). Its Emscripten loader finds the .wasm beside itself with
 * `new URL(…, import.meta.url)`: in Node that is the file in node_modules, in the app an asset
 * Vite emits into the build, so the binary comes from the app's own origin.
 *
 * The plain (non-SIMD) build: it runs on every wasm engine. The SIMD build can stream faster
 * (`npm run bench -- peer` times both), but either takes a small fraction of real time beside
 * the models, so the gain does not pay for a build some engines cannot run.
 */
import createSpeexModule, { type SpeexModule } from '@echogarden/speex-resampler-wasm';

export type { SpeexModule };

let loading: Promise<SpeexModule> | null = null;

/** The module, instantiated on first use; a failed load is retried by the next call. */
export function loadSpeex(): Promise<SpeexModule> {
  loading ??= createSpeexModule().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}
