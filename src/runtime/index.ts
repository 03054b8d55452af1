/**
 * The VAD runtime: run a trained (consolidated) model on any audio, outside the training app.
 * Framework-free: Node (the command line, `npm run vad`), a browser worker, or any bundler.
 *
 * Export / import (exportModel.ts):
 *   exportModel(network, { name, trainingSetup }) → Promise<ExportedModel>
 *       consolidates a network with learnable widths (read asynchronously), counts its FLOP/s
 *       and parameters; ExportedModel = { name, architecture, weightsManifest, weightData,
 *       flopsReport, trainingSetup }.
 *   toFiles(exported) → { name, data: Uint8Array }[]   model.json, weights.bin, flops.json, setup.json
 *   toZip(exported) → Uint8Array                       the same four files in <name>/ in a zip
 *   fromFiles(files, source) / fromZip(bytes, source) → ExportedModel (checked; errors name `source`)
 *   model.json is tfjs-style ({ modelTopology: architecture, weightsManifest }); weights.bin is
 *   tfjs' weights format (tf.io.decodeWeights reads it with the manifest).
 *
 * Models (model.ts):
 *   loadModel(exported) → Promise<VadModel>      rebuilt with the repo's own layers (VadModel.network)
 *   modelFromNetwork(network, meta)              = loadModel(await exportModel(network, meta))
 *   BUNDLED_MODELS = crnn-full, transformer-full, crnn-small, transformer-small: the app's bundled
 *       models, under public/ (bundledModelPath(name): models/<family>-full.weights.json,
 *       models/<family>-small.zip; BUNDLED_SMALL_MODELS lists the small ones)
 *   loadBundledModel(name, read)                 any of them; read(path relative to public/) → bytes
 *       (the command line reads the disk, the listen worker fetches). A small model is an export
 *       zip (a consolidated, calibrated DCL model from the sweep): its widths, FLOP/s and training
 *       setup are in its flops report and setup (VadModel.exported), nothing else states them.
 *   bundledModel('crnn-full' | 'transformer-full', savedWeights)   the full-width models from their
 *       saved weights, built as their provenance names: log-mel normalisation (none: global) and the
 *       transformer's attention context (none: 16 frames) (savedBuildOptions)
 *   VadModel.inferClip(samples16k)               whole-clip tfjs inference (the reference)
 *
 * Streaming (streaming.ts, kernels.ts, silero.ts), one shape for every lane:
 *   StreamingVad = { name, frameSeconds (0.01), push(samples16k) → Promise<Float32Array>,
 *                    flush() → Promise<Float32Array>, reset(), dispose() }
 *   push returns the probabilities of the frames completed so far (in order, continuing the
 *   previous calls); frame f covers samples [160f, 160f + 400) and starts at f · frameSeconds.
 *   createStreamingVad(model)     our models, plain-TypeScript kernels; also process(samples)
 *                                 synchronously. Equal to inferClip within 1e-4 (tested).
 *   createSileroVad(onnxBytes, { wasmPaths })   Silero v5 on onnxruntime-web (1 thread, wasm).
 *       In the browser pass wasmPaths = `${import.meta.env.BASE_URL}${ORT_WASM_DIR}/` and fetch
 *       `${BASE_URL}${SILERO_MODEL_PATH}`: the build serves both from the app's origin (vite.config.ts).
 *   sileroSize(onnxBytes) → SileroSize   its 16 kHz model's learned parameters, counted from the ONNX
 *       file's weight tensors (onnxGraph.ts reads the protobuf; no weights are decoded), and the
 *       multiply-adds of one call, counted by running the graph on shapes (onnxMacs.ts)
 *
 * Segments and reports (segments.ts):
 *   detectSegments(probs, frameSeconds, { threshold = 0.5, minSpeech = 0.1 s, hangover = 0.2 s })
 *   framesReport(file, model, probs, frameSeconds, options) / framesCsv(probs, frameSeconds)
 *
 * Audio files: await decodeAudioTo16k(bytes, name) in src/audio/decodeFile.ts → 16 kHz mono (WAV, FLAC or Ogg Opus; errors name the file).
 */
export { ARCHITECTURE_FORMAT, VAD_FAMILIES, type LayerSpec, type ModelArchitecture, type Normalisation, type VadFamily } from './architecture';
export {
  exportModel,
  fromFiles,
  fromZip,
  readWeights,
  toFiles,
  toZip,
  FLOPS_FILE,
  MODEL_FILE,
  SETUP_FILE,
  WEIGHTS_FILE,
  type ExportedModel,
  type ExportMeta,
  type FlopsReport,
  type ModelFile,
} from './exportModel';
export {
  BUNDLED_MODELS,
  BUNDLED_SMALL_MODELS,
  bundledFamily,
  bundledModel,
  bundledModelPath,
  createStreamingVad,
  savedAttentionContext,
  savedBuildOptions,
  savedNormalisation,
  normalisationName,
  inferClip,
  isBundledModelName,
  loadBundledModel,
  loadModel,
  modelFromNetwork,
  type BundledFullModelName,
  type BundledModelName,
  type BundledSmallModelName,
  type VadModel,
} from './model';
export { FRAME_SECONDS, KernelStreamingVad, StreamingSpectrum, type StreamingVad } from './streaming';
export { createSileroVad, SILERO_WINDOW, type SileroOptions } from './silero';
export { sileroSize, type SileroSize } from './sileroSize';
export { detectSegments, framesCsv, framesReport, SEGMENT_DEFAULTS, type FramesReport, type Segment, type SegmentOptions } from './segments';

/** Where the build serves onnxruntime-web's wasm files and the Silero model (relative to the app's base URL). */
export const ORT_WASM_DIR = 'ort-wasm';
export const SILERO_MODEL_PATH = 'models/silero_vad_v5.onnx';
