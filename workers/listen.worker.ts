/// <reference lib="webworker" />
/**
 * Listen worker: runs the listening lanes off the main thread and apart from the trainer,
 * so listening is never blocked by training. It holds the full-width model of a family
 * (the bundled weights), the consolidated model (at first the bundled small CRNN, then the
 * one handed over by a run or imported), and
 * Silero VAD; resamples the microphone audio the capture worklet sends to 16 kHz and streams it
 * through all three frame by frame (state carried across chunks), analyses files, and measures the two models side by
 * side (per-frame latency until stable, validation EER).
 */
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../src/backend';
import { FRAME_HOP, SAMPLE_RATE } from '../src/audio/frames';
import { toMono16k } from '../src/audio/resample';
import { concatArrays } from '../src/concatArrays';
import { decodeAudioTo16k } from '../src/audio/decodeFile';
import { encodeWav } from '../src/audio/wav';
import type { Corpus } from '../src/data/corpus';
import { fetchCorpus } from '../src/data/fetchCorpus';
import { CaptureResampler } from '../src/listen/captureResampler';
import { evaluateHeldOut } from '../src/listen/heldOut';
import { FrameAligner } from '../src/listen/frameAligner';
import { LaneClock, measureUntilStable } from '../src/listen/timing';
import {
  LANE_IDS,
  RECORDING_SECONDS,
  type BundledOrigin,
  type CaptureChunk,
  type FromListener,
  type LaneId,
  type LaneInfo,
  type LaneTiming,
  type ModelLaneId,
  type ModelMeasurement,
  type ToListener,
} from '../src/protocol';
import {
  createSileroVad,
  createStreamingVad,
  fromFiles,
  fromZip,
  loadBundledModel,
  loadModel,
  toZip,
  ORT_WASM_DIR,
  SILERO_MODEL_PATH,
  type BundledSmallModelName,
  type ExportedModel,
  type StreamingVad,
  type VadFamily,
  type VadModel,
} from '../src/runtime';

declare const self: DedicatedWorkerGlobalScope;

function post(message: FromListener, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const base = new URL(import.meta.env.BASE_URL, self.location.origin).href;

// ---- models of the lanes -------------------------------------------------------------

const models: Record<ModelLaneId, VadModel | null> = { full: null, consolidated: null };
let fullFamily: VadFamily | null = null;
let sileroBytes: Promise<Uint8Array> | null = null;
let sileroFailed: string | null = null;

const backendReady = chooseBackend({ wasmPath: new URL('tfjs-wasm/', base).href, order: ['wasm', 'cpu'] }).then((b) => b.backend);

function laneInfo(lane: LaneId): LaneInfo | null {
  if (lane === 'silero') return sileroFailed === null ? { lane, name: 'Silero VAD v5 (onnxruntime-web, wasm)', widths: null, flopsPerSecond: null, parameters: null } : null;
  const model = models[lane];
  if (model === null) return null;
  const report = model.exported.flopsReport;
  return { lane, name: model.name, widths: report.widths, flopsPerSecond: report.flopsPerSecond, parameters: report.parameters };
}

function postLanes(): void {
  post({ type: 'lanes', lanes: LANE_IDS.map(laneInfo).filter((info): info is LaneInfo => info !== null) });
}

async function setModel(lane: ModelLaneId, exported: ExportedModel): Promise<void> {
  await backendReady;
  await installModel(lane, await loadModel(exported), null);
}

/** Puts a loaded model into a lane; `bundled` tells the page whether it is one of the app's bundled small models. */
async function installModel(lane: ModelLaneId, loaded: VadModel, bundled: BundledOrigin): Promise<void> {
  models[lane]?.dispose();
  models[lane] = loaded;
  if (lane === 'consolidated') {
    const { name, architecture, trainingSetup } = loaded.exported;
    if (architecture.family !== fullFamily) await loadFull(architecture.family);
    post({ type: 'consolidatedModel', name, family: architecture.family, trainingSetup, bundled });
  }
  postLanes();
}

/** A bundled model's file from the app's origin (paths as bundledModelPath gives them). */
async function fetchBundled(path: string): Promise<Uint8Array> {
  const url = new URL(path, base).href;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The full lane runs the family's bundled full-width model (public/models/<family>-full.weights.json). */
async function loadFull(family: VadFamily): Promise<void> {
  await backendReady;
  const loaded = await loadBundledModel(`${family}-full`, fetchBundled);
  models.full?.dispose();
  models.full = loaded;
  fullFamily = family;
}

/**
 * A bundled small model (public/models/<family>-small.zip) into the consolidated lane. The lane
 * starts with the small CRNN, so a first visit hears it beside the full model; the user can pick
 * the small transformer instead, and a consolidated run, an import or a kept run replaces either.
 */
async function loadBundledSmall(name: BundledSmallModelName, origin: Exclude<BundledOrigin, null>): Promise<void> {
  await backendReady;
  try {
    await installModel('consolidated', await loadBundledModel(name, fetchBundled), origin);
  } catch (error) {
    post({ type: 'error', scope: 'bundled', message: `The bundled small model ${name} could not be loaded, so the consolidated lane ${models.consolidated === null ? 'is empty' : 'keeps its model'}: ${describe(error)}` });
  }
}

function sileroModelBytes(): Promise<Uint8Array> {
  sileroBytes ??= fetch(new URL(SILERO_MODEL_PATH, base).href).then(async (response) => {
    if (!response.ok) throw new Error(`${SILERO_MODEL_PATH}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  });
  return sileroBytes;
}

/** A fresh Silero stream (its own session and state), or null when Silero cannot run here. */
async function sileroStream(): Promise<StreamingVad | null> {
  if (sileroFailed !== null) return null;
  try {
    return await createSileroVad(await sileroModelBytes(), { wasmPaths: new URL(`${ORT_WASM_DIR}/`, base).href, name: 'silero' });
  } catch (error) {
    sileroFailed = describe(error);
    post({ type: 'error', scope: 'silero', message: `Silero VAD lane is off: ${sileroFailed}. The other lanes keep working.` });
    postLanes();
    return null;
  }
}

/** One stream per lane that has a model, each starting at frame 0. */
async function openStreams(): Promise<Map<LaneId, StreamingVad>> {
  const streams = new Map<LaneId, StreamingVad>();
  for (const lane of ['full', 'consolidated'] as const) {
    const model = models[lane];
    if (model !== null) streams.set(lane, createStreamingVad(model));
  }
  const silero = await sileroStream();
  if (silero !== null) streams.set('silero', silero);
  return streams;
}

/** Pushes samples through one lane, timing it; a lane that throws is reported and dropped. */
async function pushTimed(lane: LaneId, stream: StreamingVad, samples: Float32Array, clock: LaneClock, final = false): Promise<Float32Array | null> {
  const start = performance.now();
  try {
    const head = await stream.push(samples);
    const tail = final ? await stream.flush() : new Float32Array(0);
    const out = tail.length === 0 ? head : Float32Array.of(...head, ...tail);
    clock.add(performance.now() - start, samples.length / SAMPLE_RATE, out.length);
    return out;
  } catch (error) {
    post({ type: 'error', scope: lane === 'silero' ? 'silero' : 'worker', message: `The ${lane} lane failed and was stopped: ${describe(error)}` });
    return null;
  }
}

function timings(clocks: Map<LaneId, LaneClock>): Partial<Record<LaneId, LaneTiming>> {
  const out: Partial<Record<LaneId, LaneTiming>> = {};
  for (const [lane, clock] of clocks) {
    const timing = clock.timing();
    if (timing !== null) out[lane] = timing;
  }
  return out;
}

// ---- microphone ------------------------------------------------------------------------

/** Batches to the page at most this often: the chart redraws per batch. */
const MIC_POST_MS = 100;
/** Timings (shown as text) change at most this often: a text change costs the page a layout. */
const MIC_TIMING_MS = 1000;

interface MicSession {
  id: number;
  port: MessagePort;
  streams: Map<LaneId, StreamingVad>;
  clocks: Map<LaneId, LaneClock>;
  aligner: FrameAligner<LaneId>;
  /** The worklet's native-rate blocks → 16 kHz. */
  capture: CaptureResampler;
  lastPost: number;
  capturedAt: number;
  lastTiming: number;
  /** Chunks are processed one after another (Silero's push is async). */
  queue: Promise<void>;
  stopped: boolean;
}

let mic: MicSession | null = null;
/** The microphone audio kept for "save recording": a ring of the last RECORDING_SECONDS. */
const recording = { ring: new Float32Array(RECORDING_SECONDS * SAMPLE_RATE), written: 0 };

function record(samples: Float32Array): void {
  const { ring } = recording;
  for (let i = 0; i < samples.length; i++) ring[(recording.written + i) % ring.length] = samples[i]!;
  recording.written += samples.length;
}

function recordedAudio(): Float32Array {
  const { ring, written } = recording;
  const length = Math.min(written, ring.length);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = ring[(written - length + i) % ring.length]!;
  return out;
}

async function startMic(port: MessagePort, id: number): Promise<void> {
  stopMic();
  const streams = await openStreams();
  const session: MicSession = {
    id,
    port,
    streams,
    clocks: new Map([...streams.keys()].map((lane) => [lane, new LaneClock()])),
    aligner: new FrameAligner([...streams.keys()]),
    capture: new CaptureResampler(),
    lastPost: performance.now(),
    capturedAt: 0,
    lastTiming: -Infinity,
    queue: Promise.resolve(),
    stopped: false,
  };
  mic = session;
  recording.written = 0;
  port.onmessage = (event: MessageEvent<CaptureChunk>) => {
    const chunk = event.data;
    session.queue = session.queue.then(() => micChunk(session, chunk));
  };
}

async function micChunk(session: MicSession, chunk: CaptureChunk): Promise<void> {
  if (session.stopped) return;
  let samples: Float32Array;
  try {
    samples = await session.capture.push(chunk);
  } catch (error) {
    // Every later chunk would fail alike: report it once and end the session's listening.
    post({ type: 'error', scope: 'worker', message: `The microphone audio could not be resampled, so listening stopped: ${describe(error)}` });
    if (mic === session) stopMic();
    return;
  }
  session.capturedAt = chunk.capturedAt;
  record(samples);
  session.aligner.addAudio(samples);
  for (const [lane, stream] of session.streams) {
    const probabilities = await pushTimed(lane, stream, samples, session.clocks.get(lane)!);
    if (probabilities === null) {
      session.streams.delete(lane);
      session.clocks.delete(lane);
      session.aligner.removeLane(lane);
      stream.dispose();
    } else session.aligner.addFrames(lane, probabilities);
  }
  const now = performance.now();
  if (now - session.lastPost < MIC_POST_MS) return;
  const batch = session.aligner.take();
  if (batch === null) return;
  session.lastPost = now;
  const timing = now - session.lastTiming >= MIC_TIMING_MS ? timings(session.clocks) : {};
  if (Object.keys(timing).length > 0) session.lastTiming = now;
  const transfer = [batch.level.buffer, ...Object.values<Float32Array>(batch.probabilities).map((p) => p.buffer)];
  post(
    {
      type: 'micFrames',
      session: session.id,
      firstFrame: batch.firstFrame,
      level: batch.level,
      probabilities: batch.probabilities,
      timing,
      capturedAt: session.capturedAt,
      numTensors: tf.memory().numTensors,
    },
    transfer,
  );
}

function stopMic(): void {
  if (mic === null) return;
  const session = mic;
  mic = null;
  session.stopped = true;
  session.port.onmessage = null;
  session.port.close();
  void session.queue.then(() => {
    session.streams.forEach((stream) => stream.dispose());
    session.capture.close();
  });
  post({ type: 'micStopped' });
}

// ---- files -----------------------------------------------------------------------------

/** Seconds of audio per push while analysing a file (progress is reported between them). */
const FILE_CHUNK_SECONDS = 2;

async function analyseFile(message: Extract<ToListener, { type: 'analyseFile' }>): Promise<void> {
  const { fileId, name, source } = message;
  let audio: Float32Array;
  try {
    audio = 'encoded' in source ? (await decodeAudioTo16k(source.encoded, name)).samples : await toMono16k(source);
  } catch (error) {
    post({ type: 'error', scope: 'file', message: `${name} could not be decoded: ${describe(error)}` });
    return;
  }
  const streams = await openStreams();
  if (streams.size === 0) {
    post({ type: 'error', scope: 'file', message: `${name}: no lane has a model yet.` });
    return;
  }
  const clocks = new Map<LaneId, LaneClock>([...streams.keys()].map((lane) => [lane, new LaneClock(Infinity)]));
  const outputs = new Map<LaneId, Float32Array[]>([...streams.keys()].map((lane) => [lane, []]));
  const step = FILE_CHUNK_SECONDS * SAMPLE_RATE;
  try {
    for (let start = 0; start < audio.length || start === 0; start += step) {
      const chunk = audio.subarray(start, Math.min(audio.length, start + step));
      const final = start + step >= audio.length;
      for (const [lane, stream] of streams) {
        const out = await pushTimed(lane, stream, chunk, clocks.get(lane)!, final);
        if (out === null) {
          streams.delete(lane);
          outputs.delete(lane);
          clocks.delete(lane);
        } else outputs.get(lane)!.push(out);
      }
      post({ type: 'fileProgress', fileId, fraction: Math.min(1, (start + step) / Math.max(1, audio.length)) });
      if (final) break;
    }
  } finally {
    streams.forEach((stream) => stream.dispose());
  }
  const probabilities: Partial<Record<LaneId, Float32Array>> = {};
  for (const [lane, parts] of outputs) probabilities[lane] = concatArrays(parts, Float32Array);
  const aligner = new FrameAligner<never>([]);
  aligner.addAudio(audio);
  const frames = Math.max(0, ...Object.values<Float32Array>(probabilities).map((p) => p.length));
  const level = aligner.take()?.level.subarray(0, frames) ?? new Float32Array(0);
  post({ type: 'fileResult', fileId, name, seconds: audio.length / SAMPLE_RATE, level, probabilities, timing: timings(clocks) });
}

// ---- full vs consolidated --------------------------------------------------------------

let corpus: Promise<Corpus> | null = null;

/** Frames streamed per latency round: 1 s of audio, pushed one 10 ms hop at a time as the microphone does. */
const LATENCY_FRAMES = 100;

function latencyAudio(): Float32Array {
  // Deterministic noise: the kernels' cost does not depend on the values.
  const audio = new Float32Array(LATENCY_FRAMES * FRAME_HOP + 400);
  let s = 1;
  for (let i = 0; i < audio.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    audio[i] = (s / 2 ** 32 - 0.5) * 0.2;
  }
  return audio;
}

/** Mean time per frame of one round: a fresh stream fed one 10 ms hop at a time, as the microphone feeds it. */
function latencyRound(model: VadModel, audio: Float32Array): number {
  const stream = createStreamingVad(model);
  const start = performance.now();
  let frames = 0;
  for (let offset = 0; offset < audio.length; offset += FRAME_HOP) frames += stream.process(audio.subarray(offset, offset + FRAME_HOP)).length;
  return (performance.now() - start) / Math.max(1, frames);
}

function measurement(model: VadModel, latency: ModelMeasurement['latency'], validation: ModelMeasurement['validation']): ModelMeasurement {
  const report = model.exported.flopsReport;
  return { name: model.name, widths: report.widths, flopsPerSecond: report.flopsPerSecond, parameters: report.parameters, latency, validation };
}

async function compare(): Promise<void> {
  const { full, consolidated } = models;
  if (full === null || consolidated === null) {
    post({ type: 'error', scope: 'compare', message: 'Nothing to compare yet: consolidate a run or import a model first.' });
    return;
  }
  if (full.architecture.family !== consolidated.architecture.family) {
    post({ type: 'error', scope: 'compare', message: `The full-width model is a ${full.architecture.family}, the consolidated one a ${consolidated.architecture.family}.` });
    return;
  }
  const audio = latencyAudio();
  // The two loops await each round, so their rounds alternate: a change of load on the
  // machine hits both models alike.
  const latency = await Promise.all([full, consolidated].map((model) => measureUntilStable(() => latencyRound(model, audio))));
  corpus ??= fetchCorpus(base, { splits: ['validation'] }).catch((error: unknown) => {
    corpus = null;
    throw error;
  });
  const corpusData = await corpus;
  post({
    type: 'comparison',
    full: measurement(full, latency[0]!, await evaluateHeldOut(full, corpusData, 'validation')),
    consolidated: measurement(consolidated, latency[1]!, await evaluateHeldOut(consolidated, corpusData, 'validation')),
  });
}

// ---- messages --------------------------------------------------------------------------

async function handle(message: ToListener): Promise<void> {
  switch (message.type) {
    case 'init':
      try {
        await loadFull('crnn');
      } catch (error) {
        post({ type: 'error', scope: 'model', message: `Could not load the full-width model: ${describe(error)}` });
      }
      await loadBundledSmall('crnn-small', 'start');
      postLanes();
      // Silero loads in the background; a failure turns its lane off with a message.
      void sileroStream().then((stream) => {
        stream?.dispose();
        postLanes();
      });
      return;
    case 'setModel':
      try {
        await setModel(message.lane, message.model);
      } catch (error) {
        post({ type: 'error', scope: 'model', message: `Could not load ${message.model.name}: ${describe(error)}` });
      }
      return;
    case 'importModel': {
      const { source, files } = message;
      try {
        const zip = files.length === 1 && files[0]!.name.toLowerCase().endsWith('.zip');
        await setModel('consolidated', zip ? fromZip(files[0]!.data, source) : fromFiles(files, source));
      } catch (error) {
        post({ type: 'error', scope: 'model', message: `Could not import ${source}: ${describe(error)}` });
      }
      return;
    }
    case 'loadBundled':
      await loadBundledSmall(message.name, 'asked');
      return;
    case 'exportZip': {
      const model = models.consolidated;
      if (model === null) {
        post({ type: 'error', scope: 'model', message: 'No consolidated model to export yet.' });
        return;
      }
      const zip = toZip(model.exported);
      post({ type: 'modelZip', name: model.name, zip }, [zip.buffer]);
      return;
    }
    case 'micStart':
      await startMic(message.port, message.session);
      return;
    case 'micStop':
      stopMic();
      return;
    case 'analyseFile':
      await analyseFile(message);
      return;
    case 'compare':
      try {
        await compare();
      } catch (error) {
        post({ type: 'error', scope: 'compare', message: `Measuring the models failed: ${describe(error)}` });
      }
      return;
    case 'recording': {
      const audio = recordedAudio();
      const wav = encodeWav(audio, SAMPLE_RATE);
      post({ type: 'recording', wav: wav.buffer as ArrayBuffer, seconds: audio.length / SAMPLE_RATE }, [wav.buffer]);
      return;
    }
    default: {
      const unknown: never = message;
      post({ type: 'error', scope: 'worker', message: `Unknown message: ${JSON.stringify(unknown)}` });
    }
  }
}

/**
 * Messages run one after another (a stream must not open before the models it needs have
 * loaded); stopping the microphone and handing out the recording never wait in that line, and
 * an export waits only for the lanes' models to be set, not for a measurement queued after them.
 */
let line: Promise<void> = Promise.resolve();
/** Done when the last message that sets a lane's model has been handled. */
let modelsSet: Promise<void> = Promise.resolve();
const SETS_A_MODEL: ReadonlySet<ToListener['type']> = new Set(['init', 'setModel', 'importModel', 'loadBundled']);
self.onmessage = (event: MessageEvent<ToListener>) => {
  const message = event.data;
  const run = (): Promise<void> => handle(message).catch((error: unknown) => post({ type: 'error', scope: 'worker', message: describe(error) }));
  if (message.type === 'micStop' || message.type === 'recording') void run();
  else if (message.type === 'exportZip') void modelsSet.then(run);
  else {
    line = line.then(run);
    if (SETS_A_MODEL.has(message.type)) modelsSet = line;
  }
};

self.addEventListener('unhandledrejection', (event: PromiseRejectionEvent) => {
  post({ type: 'error', scope: 'worker', message: `Unhandled rejection in the listen worker: ${describe(event.reason)}` });
});
