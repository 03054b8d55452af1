import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/** Where the tfjs-wasm binaries live in the app: `<base>tfjs-wasm/`. */
const WASM_DIR = 'tfjs-wasm';

function tfjsWasmDirectory(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
}

/**
 * Serves the tfjs-wasm binaries from the app's own origin (dev server) and
 * copies them into the build, so they are never committed nor fetched from a CDN.
 */
function tfjsWasmBinaries(): Plugin {
  const distDir = join(tfjsWasmDirectory(), 'dist');
  const files = readdirSync(distDir).filter((name) => name.endsWith('.wasm'));
  return {
    name: 'tfjs-wasm-binaries',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0] ?? '';
        const prefix = `${server.config.base}${WASM_DIR}/`;
        const name = path.startsWith(prefix) ? path.slice(prefix.length) : '';
        if (!files.includes(name)) {
          next();
          return;
        }
        res.setHeader('Content-Type', 'application/wasm');
        res.end(readFileSync(join(distDir, name)));
      });
    },
    generateBundle() {
      for (const name of files) {
        this.emitFile({ type: 'asset', fileName: `${WASM_DIR}/${name}`, source: readFileSync(join(distDir, name)) });
      }
    },
  };
}

/**
 * The Silero peer lane's files, served from the app's own origin like the tfjs-wasm binaries:
 * onnxruntime-web's single-threaded wasm runtime under `<base>ort-wasm/` and the Silero v5
 * model under `<base>models/` (paths: ORT_WASM_DIR and SILERO_MODEL_PATH in src/runtime/index.ts).
 */
function sileroPeerFiles(): Plugin {
  const require = createRequire(import.meta.url);
  // Both packages' main files live in their dist/ (onnxruntime-web exports no package.json).
  const ortDist = dirname(require.resolve('onnxruntime-web'));
  const vadDist = dirname(require.resolve('@ricky0123/vad-web'));
  const files = new Map([
    ['ort-wasm/ort-wasm-simd-threaded.wasm', join(ortDist, 'ort-wasm-simd-threaded.wasm')],
    ['ort-wasm/ort-wasm-simd-threaded.mjs', join(ortDist, 'ort-wasm-simd-threaded.mjs')],
    ['models/silero_vad_v5.onnx', join(vadDist, 'silero_vad_v5.onnx')],
  ]);
  const contentType = (name: string) => (name.endsWith('.wasm') ? 'application/wasm' : name.endsWith('.mjs') ? 'text/javascript' : 'application/octet-stream');
  return {
    name: 'silero-peer-files',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0] ?? '';
        const source = path.startsWith(server.config.base) ? files.get(path.slice(server.config.base.length)) : undefined;
        if (!source) {
          next();
          return;
        }
        res.setHeader('Content-Type', contentType(path));
        res.end(readFileSync(source));
      });
    },
    generateBundle() {
      for (const [fileName, source] of files) this.emitFile({ type: 'asset', fileName, source: readFileSync(source) });
    },
  };
}

/**
 * Imports the app never takes, answered by a module that says why instead of being bundled:
 * ogg-opus-decoder loads its speech-enhancement decoder (megabytes of model) only when asked
 * for it, which src/audio/opus.ts never does, and the Speex resampler's loader imports Node's
 * `module` only when it runs under Node.
 */
function leaveOutUnusedImports(): Plugin {
  // A Map, not an object: `in` would also answer inherited names such as "constructor".
  const leftOut = new Map([
    ['@wasm-audio-decoders/opus-ml', "throw new Error(\"ogg-opus-decoder's speech-quality enhancement is not part of this app\");"],
    ['module', "export function createRequire() { throw new Error(\"Node's module loader is not available in the browser\"); }"],
  ]);
  const prefix = '\0left-out:';
  return {
    name: 'leave-out-unused-imports',
    enforce: 'pre',
    resolveId(source) {
      return leftOut.has(source) ? prefix + source : null;
    },
    load(id) {
      return id.startsWith(prefix) ? leftOut.get(id.slice(prefix.length)) : null;
    },
  };
}

export default defineConfig({
  plugins: [react(), tfjsWasmBinaries(), sileroPeerFiles(), leaveOutUnusedImports()],
  resolve: {
    // onnxruntime-web's wasm-only build without the runtime files inlined: it loads them from
    // ort.env.wasm.wasmPaths (sileroPeerFiles above), and the build carries no second copy.
    alias: [{ find: /^onnxruntime-web\/wasm$/, replacement: join(dirname(createRequire(import.meta.url).resolve('onnxruntime-web')), 'ort.wasm.min.mjs') }],
  },
  // The Speex resampler's loader finds its .wasm beside itself (new URL(…, import.meta.url)): the
  // build emits it as an asset, and the dev server must serve the package unbundled to keep it there.
  optimizeDeps: { exclude: ['@echogarden/speex-resampler-wasm'] },
  worker: { format: 'es', plugins: () => [leaveOutUnusedImports()] },
  build: {
    target: 'es2022',
    // tfjs is large by nature; the warning would only repeat that.
    chunkSizeWarningLimit: 4096,
  },
  preview: { port: 4173, strictPort: true },
});
