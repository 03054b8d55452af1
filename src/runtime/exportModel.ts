/**
 * Export and import of a consolidated VAD: a folder (or zip) of
 *   model.json   tfjs-style: { format, generatedBy, modelTopology: architecture, weightsManifest }
 *   weights.bin  tfjs' weights format: the float32 tensors of weightsManifest[0].weights, concatenated
 *   flops.json   FLOP/s and parameters counted from the consolidated layers' shapes (and the full model's)
 *   setup.json   how it was trained (run settings, metrics), as the exporter passed them
 * tf.io.decodeWeights reads weights.bin with the manifest; the runtime reads it without tfjs too.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { countNetwork, type LayerCount } from '../dcl/count';
import type { Network } from '../dcl/network';
import { checkArchitecture, describeNetwork, expectedTensors, tensorName, type ModelArchitecture, type NamedArrays } from './architecture';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const FLOPS_FILE = 'flops.json';
export const SETUP_FILE = 'setup.json';

/** tfjs' weights manifest: groups of files, each listing its tensors in byte order. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}
export interface WeightsManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

export interface FlopsReport {
  /** Counted from the shapes the consolidated layers hold (src/dcl/count.ts). */
  flopsPerSecond: number;
  parameters: number;
  layers: LayerCount[];
  /** The same count for the network before consolidation (all units), when it was given. */
  fullFlopsPerSecond: number | null;
  fullParameters: number | null;
  /** Units kept per width name. */
  widths: Record<string, number>;
}

export interface ExportedModel {
  /** A display name (e.g. "crnn-full", or the run's label). */
  name: string;
  architecture: ModelArchitecture;
  weightsManifest: WeightsManifestGroup[];
  weightData: ArrayBuffer;
  flopsReport: FlopsReport;
  /** Free-form record of how the model was made (RunConfig, steps, validation EER, …). */
  trainingSetup: Record<string, unknown>;
}

export interface ExportMeta {
  name: string;
  trainingSetup?: Record<string, unknown>;
}

/**
 * Export a VAD network. A network with learnable widths is consolidated first (its widths
 * read asynchronously, so this is safe on GPU backends); the caller keeps ownership of `network`.
 */
export async function exportModel(network: Network, meta: ExportMeta): Promise<ExportedModel> {
  const learnable = network.learnableWidths().length > 0;
  const consolidated = learnable ? await network.consolidateAsync() : network;
  try {
    const { architecture, tensors } = describeNetwork(consolidated);
    const values = await Promise.all(tensors.map(({ tensor }) => tensor.data() as Promise<Float32Array>));
    const total = values.reduce((sum, v) => sum + v.length, 0);
    const data = new Float32Array(total);
    let offset = 0;
    for (const v of values) {
      data.set(v, offset);
      offset += v.length;
    }
    const count = countNetwork(consolidated);
    const full = learnable ? countNetwork(network) : null;
    return {
      name: meta.name,
      architecture,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: tensors.map(({ name, tensor }) => ({ name, shape: tensor.shape, dtype: 'float32' })) }],
      weightData: data.buffer,
      flopsReport: {
        flopsPerSecond: count.flopsPerSecond,
        parameters: count.parameters,
        layers: count.layers,
        fullFlopsPerSecond: full?.flopsPerSecond ?? null,
        fullParameters: full?.parameters ?? null,
        widths: architecture.widths,
      },
      trainingSetup: meta.trainingSetup ?? {},
    };
  } finally {
    if (consolidated !== network) consolidated.dispose();
  }
}

/** The tensors of an export as plain arrays, checked against the architecture (names, shapes, byte count). */
export function readWeights(exported: ExportedModel, source = exported.name): NamedArrays {
  const specs = exported.weightsManifest.flatMap((g) => g.weights);
  const expectedBytes = specs.reduce((sum, s) => sum + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
  if (exported.weightData.byteLength !== expectedBytes) {
    throw new Error(`${source}: ${WEIGHTS_FILE} holds ${exported.weightData.byteLength} bytes, the manifest describes ${expectedBytes}`);
  }
  const arrays: NamedArrays = new Map();
  let offset = 0;
  for (const spec of specs) {
    if (spec.dtype !== 'float32') throw new Error(`${source}: tensor ${spec.name} is ${spec.dtype}, only float32 is supported`);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    arrays.set(spec.name, { shape: spec.shape, values: new Float32Array(exported.weightData.slice(offset, offset + 4 * size)) });
    offset += 4 * size;
  }
  exported.architecture.layers.forEach((spec, index) => {
    for (const [key, shape] of Object.entries(expectedTensors(spec, exported.architecture.widths))) {
      const name = tensorName(index, spec.name, key);
      const entry = arrays.get(name);
      if (!entry) throw new Error(`${source}: ${WEIGHTS_FILE} lacks tensor ${name}`);
      if (entry.shape.join() !== shape.join()) throw new Error(`${source}: tensor ${name} has shape [${entry.shape}], the architecture needs [${shape}]`);
    }
  });
  return arrays;
}

export interface ModelFile {
  name: string;
  data: Uint8Array;
}

const json = (value: unknown): Uint8Array => strToU8(JSON.stringify(value, null, 1));

/** The export as files (a folder's contents). */
export function toFiles(exported: ExportedModel): ModelFile[] {
  const modelJson = {
    format: exported.architecture.format,
    generatedBy: 'width-tradeoff-explorer',
    name: exported.name,
    modelTopology: exported.architecture,
    weightsManifest: exported.weightsManifest,
  };
  return [
    { name: MODEL_FILE, data: json(modelJson) },
    { name: WEIGHTS_FILE, data: new Uint8Array(exported.weightData.slice(0)) },
    { name: FLOPS_FILE, data: json(exported.flopsReport) },
    { name: SETUP_FILE, data: json(exported.trainingSetup) },
  ];
}

/** The files in one zip archive, inside a folder named after the model. */
export function toZip(exported: ExportedModel): Uint8Array {
  const folder = exported.name.replace(/[^\w.-]+/g, '_') || 'model';
  return zipSync(Object.fromEntries(toFiles(exported).map((f) => [`${folder}/${f.name}`, f.data])));
}

/**
 * Read an export back from its files (names may carry folders: the base name decides).
 * `source` names the folder or archive in error messages.
 */
export function fromFiles(files: readonly ModelFile[], source = 'model'): ExportedModel {
  const byName = new Map(files.map((f) => [f.name.split(/[\\/]/).pop()!, f.data]));
  const need = (name: string): Uint8Array => {
    const data = byName.get(name);
    if (!data) throw new Error(`${source}: ${name} is missing (an exported model has ${MODEL_FILE}, ${WEIGHTS_FILE}, ${FLOPS_FILE}, ${SETUP_FILE})`);
    return data;
  };
  const parse = (name: string): unknown => {
    try {
      return JSON.parse(strFromU8(need(name)));
    } catch (error) {
      if (error instanceof SyntaxError) throw new Error(`${source}: ${name} is not valid JSON (${error.message})`);
      throw error;
    }
  };
  const model = parse(MODEL_FILE) as { name?: string; modelTopology?: unknown; weightsManifest?: WeightsManifestGroup[] };
  const architecture = checkArchitecture(model.modelTopology, `${source}/${MODEL_FILE}`);
  if (!Array.isArray(model.weightsManifest)) throw new Error(`${source}/${MODEL_FILE}: no weightsManifest`);
  const weights = need(WEIGHTS_FILE);
  const exported: ExportedModel = {
    name: typeof model.name === 'string' ? model.name : source,
    architecture,
    weightsManifest: model.weightsManifest,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
    flopsReport: parse(FLOPS_FILE) as FlopsReport,
    trainingSetup: (parse(SETUP_FILE) as Record<string, unknown>) ?? {},
  };
  readWeights(exported, source); // fail here, on import, rather than on first use
  return exported;
}

/** Read an export from a zip archive (as toZip writes it, or any zip holding the four files). */
export function fromZip(bytes: Uint8Array, source = 'model.zip'): ExportedModel {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (error) {
    throw new Error(`${source}: not a readable zip archive (${error instanceof Error ? error.message : String(error)})`);
  }
  return fromFiles(
    Object.entries(entries).map(([name, data]) => ({ name, data })),
    source,
  );
}
