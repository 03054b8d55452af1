import * as tf from '@tensorflow/tfjs';
import { powerSpectrogram } from '../audio/features';
import { frameCount } from '../audio/frames';
import { importWeights, type SavedWeights } from '../dcl/weights';
import type { Network } from '../dcl/network';
import {
  BUNDLED_MODELS,
  BUNDLED_SMALL_MODELS,
  pretrainedWeightsPath,
  type BundledFullModelName,
  type BundledModelName,
  type BundledSmallModelName,
} from '../models/catalog';
import { MODEL_FAMILIES } from '../models/registry';
import { UNRECORDED_TRANSFORMER_CONTEXT } from '../models/transformer';
import { buildNetwork, VAD_FAMILIES, type ModelArchitecture, type NamedArrays, type VadFamily } from './architecture';
import type { FeatureNormalisation } from '../models/logMel';
import { exportModel, fromZip, readWeights, type ExportedModel, type ExportMeta } from './exportModel';
import { FRAME_SECONDS, KernelStreamingVad, type StreamingVad } from './streaming';

/** A loaded (consolidated) VAD: its description, its tensors, and the same model as a tfjs network. */
export interface VadModel {
  readonly name: string;
  readonly exported: ExportedModel;
  readonly architecture: ModelArchitecture;
  /** The tensors as plain float32 arrays (what the streaming kernels read). */
  readonly arrays: NamedArrays;
  /** An ordinary tfjs network built with the repo's own layers, every width fixed. */
  readonly network: Network;
  readonly frameSeconds: number;
  /** Whole-clip inference with tfjs: the speech probability of every frame of 16 kHz audio. */
  inferClip(samples16k: Float32Array): Promise<Float32Array>;
  dispose(): void;
}

/** Rebuild an exported model (checked: architecture, tensor names, shapes and sizes). */
export async function loadModel(exported: ExportedModel): Promise<VadModel> {
  const arrays = readWeights(exported);
  const network = buildNetwork(exported.architecture, arrays);
  return {
    name: exported.name,
    exported,
    architecture: exported.architecture,
    arrays,
    network,
    frameSeconds: FRAME_SECONDS,
    inferClip: (samples) => inferClip(network, samples),
    dispose: () => network.dispose(),
  };
}

/** A model from a live network (consolidated when its widths are learnable); the caller keeps `network`. */
export async function modelFromNetwork(network: Network, meta: ExportMeta): Promise<VadModel> {
  return loadModel(await exportModel(network, meta));
}

/**
 * The app's bundled models, served from public/ (the app's base URL) and read from there by the
 * command line: the full-width models as saved training weights, the small models as export zips
 * (consolidated and calibrated, as the sweep keeps its models; their widths, FLOP/s and training
 * setup are whatever their zips say).
 */
export { BUNDLED_MODELS, BUNDLED_SMALL_MODELS, type BundledFullModelName, type BundledModelName, type BundledSmallModelName };

export function isBundledModelName(name: string): name is BundledModelName {
  return (BUNDLED_MODELS as readonly string[]).includes(name);
}

/** The family of a bundled model name ("crnn-full" → "crnn", "crnn-small" → "crnn"). */
export function bundledFamily(name: BundledModelName): VadFamily {
  const family = name.replace(/-(full|small)$/, '') as VadFamily;
  if (!VAD_FAMILIES.includes(family)) throw new Error(`unknown bundled model ${name}`);
  return family;
}

/** Where a bundled model's file lies, relative to public/ (and to the app's base URL). */
export function bundledModelPath(name: BundledModelName): string {
  return name.endsWith('-full') ? pretrainedWeightsPath(bundledFamily(name)) : `models/${name}.zip`;
}

/**
 * Loads a bundled model by name; `read` returns the bytes of a path relative to public/ (the
 * command line reads the disk, the listen worker fetches from the app's origin).
 */
export async function loadBundledModel(name: BundledModelName, read: (path: string) => Promise<Uint8Array>): Promise<VadModel> {
  const path = bundledModelPath(name);
  const bytes = await read(path);
  if (!name.endsWith('-full')) {
    const exported = fromZip(bytes, `public/${path}`);
    const family = exported.architecture.family;
    if (family !== bundledFamily(name)) throw new Error(`public/${path}: holds a ${family} model, ${name} must be a ${bundledFamily(name)}`);
    return loadModel({ ...exported, name });
  }
  let saved: SavedWeights;
  try {
    saved = JSON.parse(new TextDecoder().decode(bytes)) as SavedWeights;
  } catch (error) {
    throw new Error(`public/${path}: not JSON (${(error as Error).message})`);
  }
  return bundledModel(name as BundledFullModelName, saved);
}

/**
 * The log-mel normalisation saved weights were trained with: provenance.features 'global' or
 * 'running:<τ frames>', then ',floor=<log floor>' where the floor is not the first one
 * (LOG_MEL_FLOOR) and ',relative=<r>' where the floor follows the level (running only); weights
 * without it predate the option and used global constants.
 */
export function savedNormalisation(saved: SavedWeights): FeatureNormalisation {
  const value = saved.provenance?.features;
  if (value === undefined) return { kind: 'global' };
  const number = '(\\d+(?:\\.\\d+)?(?:e-?\\d+)?)';
  const match = new RegExp(`^(?:(global)|running:(\\d+(?:\\.\\d+)?))(?:,floor=${number})?(?:,relative=${number})?$`).exec(String(value));
  if (!match || (match[1] && match[4] !== undefined)) {
    throw new Error(`saved weights: unknown features "${String(value)}" in their provenance (expected global or running:<frames>, optionally ,floor=<value>, and for running ,relative=<value>)`);
  }
  const floor = match[3] === undefined ? {} : { logFloor: Number(match[3]) };
  const relative = match[4] === undefined ? {} : { relativeFloor: Number(match[4]) };
  return match[1] ? { kind: 'global', ...floor } : { kind: 'running', timeConstantFrames: Number(match[2]), ...floor, ...relative };
}

/** The name savedNormalisation reads back: how saved weights record their log-mel normalisation. */
export function normalisationName(normalisation: FeatureNormalisation): string {
  const kind = normalisation.kind === 'global' ? 'global' : `running:${normalisation.timeConstantFrames}`;
  const floor = normalisation.logFloor === undefined ? '' : `,floor=${normalisation.logFloor}`;
  return `${kind}${floor}${normalisation.relativeFloor === undefined ? '' : `,relative=${normalisation.relativeFloor}`}`;
}

/**
 * The attention context saved transformer weights were trained with: provenance.attentionContext,
 * or for weights that predate it the context they all used (UNRECORDED_TRANSFORMER_CONTEXT).
 */
export function savedAttentionContext(saved: SavedWeights): number {
  const value = saved.provenance?.attentionContext;
  if (value === undefined) return UNRECORDED_TRANSFORMER_CONTEXT;
  if (!(Number.isInteger(value) && Number(value) >= 1)) throw new Error(`saved weights: attention context "${String(value)}" in their provenance is not a whole number of frames`);
  return Number(value);
}

/** How to build the network saved weights belong to (log-mel normalisation, attention context). */
export function savedBuildOptions(saved: SavedWeights): { features: FeatureNormalisation; context: number } {
  return { features: savedNormalisation(saved), context: savedAttentionContext(saved) };
}

/** A bundled full-width model from its saved weights (public/models/<family>-full.weights.json). */
export async function bundledModel(name: BundledFullModelName, saved: SavedWeights): Promise<VadModel> {
  const family = bundledFamily(name);
  const network = MODEL_FAMILIES[family].build({ seed: 0, ...savedBuildOptions(saved) });
  try {
    importWeights(network, saved, `${name} weights`);
    return await modelFromNetwork(network, { name, trainingSetup: { source: `public/models/${family}-full.weights.json`, ...saved.provenance } });
  } finally {
    network.dispose();
  }
}

/** Frame-by-frame inference of a loaded model (plain-TypeScript kernels, state carried across pushes). */
export function createStreamingVad(model: VadModel): KernelStreamingVad & StreamingVad {
  return new KernelStreamingVad(model.name, model.architecture, model.arrays);
}

/** Whole-clip tfjs inference: the reference the streaming path is tested against. */
export async function inferClip(network: Network, samples16k: Float32Array): Promise<Float32Array> {
  if (frameCount(samples16k.length) < 1) return new Float32Array(0);
  const output = tf.tidy(() => network.infer(powerSpectrogram(tf.tensor2d(samples16k, [1, samples16k.length]))));
  try {
    return (await output.data()) as Float32Array;
  } finally {
    output.dispose();
  }
}
