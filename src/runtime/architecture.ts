/**
 * A consolidated VAD network as plain data: an architecture (one spec per layer, JSON) plus
 * named float32 tensors, and back. The tensor names and shapes become the tfjs weights
 * manifest of an export (exportModel.ts); the same plain tensors feed the streaming kernels
 * (kernels.ts), so a model runs without tfjs once loaded.
 */
import * as tf from '@tensorflow/tfjs';
import { FRAME_HOP, FRAME_LENGTH, SAMPLE_RATE } from '../audio/frames';
import { LOG_MEL_FLOOR, N_FFT, N_MELS } from '../audio/features';
import type { Activation } from '../dcl/flops';
import type { Layer } from '../dcl/layer';
import { CausalConv1d, Dense, GRU } from '../dcl/layers';
import { Network } from '../dcl/network';
import { FixedWidth } from '../dcl/width';
import { LogMel, logFloorOf, type FeatureNormalisation } from '../models/logMel';
import { CausalMix, FeedForwardBlock, RmsNorm, RmsNormLayer, WindowedAttentionBlock } from '../models/transformerLayers';

export const ARCHITECTURE_FORMAT = 'width-explorer-vad/1';
export type VadFamily = 'crnn' | 'transformer';
export const VAD_FAMILIES: readonly VadFamily[] = ['crnn', 'transformer'];

/** What every layer spec carries: its kind, name, and the widths (by name) it reads and writes. */
interface SpecBase {
  name: string;
  in: string;
  out: string;
}
export type LayerSpec = SpecBase &
  (
    | { kind: 'logMel'; nFreq: number; bands: number; normalisation?: Normalisation }
    | { kind: 'conv1d'; kernelSize: number; activation: Activation }
    | { kind: 'dense'; activation: Activation }
    | { kind: 'gru' }
    | { kind: 'causalMix'; kernelSize: number }
    | { kind: 'attention'; context: number; scoreScale: number; normDivisor: number }
    | { kind: 'feedForward'; inner: string; normDivisor: number }
    | { kind: 'rmsNorm'; normDivisor: number }
  );

/**
 * Per-band normalisation of the log-mel features (absent in older exports: 'global'). The log
 * floor it was made with is the front end's (FrontEndSettings.logFloor), written once.
 */
export type Normalisation = { kind: 'global' } | { kind: 'running'; timeConstantFrames: number };

/** The fixed signal processing in front of the network (what the log-mel layer's filterbank was made for). */
export interface FrontEndSettings {
  sampleRate: number;
  frameLength: number;
  frameHop: number;
  nFft: number;
  window: 'hann-periodic';
  /** Bands of the full filterbank the kept bands were cut from (lowest first, HTK scale). */
  fullMelBands: number;
  melScale: 'htk';
  /** log(mel + logFloor): the log-mel layer's floor (logMel.ts logFloorOf). */
  logFloor: number;
  /**
   * Where the model has a level-relative floor (logMel.ts FeatureNormalisation.relativeFloor):
   * log(mel + logFloor + relativeLogFloor · P̄_t), P̄_t the running mean (the normalisation's
   * weights) of the frame's mean power per bin. Absent: none.
   */
  relativeLogFloor?: number;
}

export interface ModelArchitecture {
  format: typeof ARCHITECTURE_FORMAT;
  family: VadFamily;
  /** Units of every width of the (consolidated) network, by width name. */
  widths: Record<string, number>;
  frontEnd: FrontEndSettings;
  callsPerSecond: number;
  layers: LayerSpec[];
}

/** Tensor name → values and shape. Names are `<layer index>/<layer name>/<tensor>`. */
export type NamedArrays = Map<string, { shape: number[]; values: Float32Array }>;

/** The front end of every export, but for the log floors, which are the model's. */
const FRONT_END: Omit<FrontEndSettings, 'logFloor' | 'relativeLogFloor'> = {
  sampleRate: SAMPLE_RATE,
  frameLength: FRAME_LENGTH,
  frameHop: FRAME_HOP,
  nFft: N_FFT,
  window: 'hann-periodic',
  fullMelBands: N_MELS,
  melScale: 'htk',
};

/** An export's spec of a log-mel normalisation: the floors go to the front end. */
function specNormalisation({ logFloor: _floor, relativeFloor: _relative, ...normalisation }: FeatureNormalisation): Normalisation {
  return normalisation;
}

/** The front end's floors of a log-mel normalisation. */
function frontEndFloors(normalisation: FeatureNormalisation): Pick<FrontEndSettings, 'logFloor' | 'relativeLogFloor'> {
  const logFloor = logFloorOf(normalisation);
  return normalisation.relativeFloor === undefined ? { logFloor } : { logFloor, relativeLogFloor: normalisation.relativeFloor };
}

/** A log-mel layer's normalisation from its spec and the front end's floors (LOG_MEL_FLOOR is left implicit, as weights that predate the choice have it). */
function layerNormalisation(spec: Normalisation | undefined, { logFloor, relativeLogFloor }: FrontEndSettings): FeatureNormalisation {
  const normalisation: FeatureNormalisation = spec ?? { kind: 'global' };
  const withFloor = logFloor === LOG_MEL_FLOOR ? normalisation : { ...normalisation, logFloor };
  return relativeLogFloor === undefined ? withFloor : { ...withFloor, relativeFloor: relativeLogFloor };
}

export function tensorName(index: number, layer: string, tensor: string): string {
  return `${index}/${layer}/${tensor}`;
}

/** Describe a network whose widths are all fixed (a consolidated one): its specs and its tensors in order. */
export function describeNetwork(network: Network): { architecture: ModelArchitecture; tensors: { name: string; tensor: tf.Tensor }[] } {
  if (network.learnableWidths().length > 0) throw new Error(`${network.name}: consolidate the network before exporting it`);
  const family = network.name;
  if (!(VAD_FAMILIES as readonly string[]).includes(family)) throw new Error(`${family}: only the VAD families (crnn, transformer) can be exported`);
  const widths: Record<string, number> = {};
  const tensors: { name: string; tensor: tf.Tensor }[] = [];
  const layers = network.layers.map((layer, index) => {
    for (const w of layer.widths()) widths[w.name] = w.full;
    widths[layer.inWidth.name] = layer.inWidth.full;
    const { spec, parts } = describeLayer(layer);
    for (const [key, tensor] of Object.entries(parts)) tensors.push({ name: tensorName(index, layer.name, key), tensor });
    return spec;
  });
  return {
    architecture: { format: ARCHITECTURE_FORMAT, family: family as VadFamily, widths, frontEnd: { ...FRONT_END, ...frontEndFloors(logMelOf(network).normalisation) }, callsPerSecond: network.callsPerSecond, layers },
    tensors,
  };
}

function logMelOf(network: Network): LogMel {
  const logMel = network.layers.find((layer): layer is LogMel => layer instanceof LogMel);
  if (!logMel) throw new Error(`${network.name}: no log-mel layer to describe the front end by`);
  return logMel;
}

function describeLayer(layer: Layer): { spec: LayerSpec; parts: Record<string, tf.Tensor> } {
  const base = { name: layer.name, in: layer.inWidth.name, out: layer.outWidth.name };
  const normParts = (norm: RmsNorm) => ({ normGain: norm.gain, normWeights: norm.statisticWeights ?? tf.ones([norm.features]) });
  if (layer instanceof LogMel) {
    const { filterbank, mean, invStd } = layer.tensors;
    return { spec: { ...base, kind: 'logMel', nFreq: filterbank.shape[0], bands: filterbank.shape[1], normalisation: specNormalisation(layer.normalisation) }, parts: { filterbank, mean, invStd } };
  }
  if (layer instanceof CausalConv1d) {
    return { spec: { ...base, kind: 'conv1d', kernelSize: layer.kernelSize, activation: layer.activation }, parts: { kernel: layer.kernel, bias: layer.bias } };
  }
  if (layer instanceof Dense) return { spec: { ...base, kind: 'dense', activation: layer.activation }, parts: { kernel: layer.kernel, bias: layer.bias } };
  if (layer instanceof GRU) {
    const { inputKernel, recurrentKernel, inputBias, recurrentBias } = layer;
    return { spec: { ...base, kind: 'gru' }, parts: { inputKernel, recurrentKernel, inputBias, recurrentBias } };
  }
  if (layer instanceof CausalMix) return { spec: { ...base, kind: 'causalMix', kernelSize: layer.kernelSize }, parts: { kernel: layer.kernel, bias: layer.bias } };
  if (layer instanceof WindowedAttentionBlock) {
    const { query, key, value, queryBias, keyBias, valueBias, output, outputBias } = layer;
    return {
      spec: { ...base, kind: 'attention', context: layer.context, scoreScale: layer.scoreScale, normDivisor: layer.norm.divisor },
      parts: { ...normParts(layer.norm), query, key, value, queryBias, keyBias, valueBias, output, outputBias },
    };
  }
  if (layer instanceof FeedForwardBlock) {
    const { w1, b1, w2, b2 } = layer;
    return { spec: { ...base, kind: 'feedForward', inner: layer.inner.name, normDivisor: layer.norm.divisor }, parts: { ...normParts(layer.norm), w1, b1, w2, b2 } };
  }
  if (layer instanceof RmsNormLayer) return { spec: { ...base, kind: 'rmsNorm', normDivisor: layer.norm.divisor }, parts: normParts(layer.norm) };
  throw new Error(`layer ${layer.name}: kind ${layer.kind} cannot be exported`);
}

/** Every tensor a spec needs, with its shape from the widths (checked on import). */
export function expectedTensors(spec: LayerSpec, widths: Record<string, number>): Record<string, number[]> {
  const w = (name: string): number => {
    const units = widths[name];
    if (!Number.isInteger(units) || units < 1) throw new Error(`layer ${spec.name}: width "${name}" is not in the architecture`);
    return units;
  };
  const [i, o] = [w(spec.in), w(spec.out)];
  const norm = { normGain: [i], normWeights: [i] };
  switch (spec.kind) {
    case 'logMel':
      return { filterbank: [i, o], mean: [o], invStd: [o] };
    case 'conv1d':
      return { kernel: [spec.kernelSize, i, o], bias: [o] };
    case 'dense':
      return { kernel: [i, o], bias: [o] };
    case 'gru':
      return { inputKernel: [i, 3 * o], recurrentKernel: [o, 3 * o], inputBias: [3 * o], recurrentBias: [3 * o] };
    case 'causalMix':
      return { kernel: [spec.kernelSize, i], bias: [i] };
    case 'attention':
      return { ...norm, query: [i, i], key: [i, i], value: [i, i], queryBias: [i], keyBias: [i], valueBias: [i], output: [i, i], outputBias: [i] };
    case 'feedForward': {
      const f = w(spec.inner);
      return { ...norm, w1: [i, f], b1: [f], w2: [f, i], b2: [i] };
    }
    case 'rmsNorm':
      return norm;
    default:
      throw new Error(`layer ${(spec as LayerSpec).name}: unknown kind ${(spec as { kind: string }).kind}`);
  }
}

/** Check an architecture read from a file before anything is built from it. */
export function checkArchitecture(value: unknown, source: string): ModelArchitecture {
  const a = value as ModelArchitecture;
  if (!a || a.format !== ARCHITECTURE_FORMAT) throw new Error(`${source}: not a model of this app (format ${String(a?.format)}, expected ${ARCHITECTURE_FORMAT})`);
  if (!VAD_FAMILIES.includes(a.family)) throw new Error(`${source}: unknown model family ${String(a.family)}`);
  if (!Array.isArray(a.layers) || a.layers.length === 0) throw new Error(`${source}: the architecture lists no layers`);
  const fe = a.frontEnd;
  if (!fe || fe.sampleRate !== SAMPLE_RATE || fe.frameHop !== FRAME_HOP || fe.frameLength !== FRAME_LENGTH || fe.nFft !== N_FFT) {
    throw new Error(`${source}: front end ${JSON.stringify(fe)} differs from this runtime's (16 kHz, 400-sample window, 160-sample hop)`);
  }
  if (!(fe.logFloor > 0 && Number.isFinite(fe.logFloor))) throw new Error(`${source}: the front end's log floor ${String(fe.logFloor)} is not a positive number`);
  if (fe.relativeLogFloor !== undefined) {
    if (!(fe.relativeLogFloor > 0 && Number.isFinite(fe.relativeLogFloor))) throw new Error(`${source}: the front end's relative log floor ${String(fe.relativeLogFloor)} is not a positive number`);
    if (!a.layers.some((spec) => spec.kind === 'logMel' && spec.normalisation?.kind === 'running')) throw new Error(`${source}: a relative log floor needs a log-mel layer with running normalisation`);
  }
  for (const spec of a.layers) {
    expectedTensors(spec, a.widths);
    const n = spec.kind === 'logMel' ? spec.normalisation : undefined;
    if (n && !(n.kind === 'global' || (n.kind === 'running' && n.timeConstantFrames >= 1))) {
      throw new Error(`${source}: layer ${spec.name} has an unknown normalisation ${JSON.stringify(n)}`);
    }
  }
  return a;
}

/** Build an ordinary tfjs network (every width fixed) from an architecture and its tensors. */
export function buildNetwork(architecture: ModelArchitecture, arrays: NamedArrays): Network {
  const widths = new Map(Object.entries(architecture.widths).map(([name, units]) => [name, new FixedWidth(name, units)]));
  const created: tf.Tensor[] = [];
  try {
    const layers = architecture.layers.map((spec, index) => {
      const t = (key: string): tf.Tensor => {
        const entry = arrays.get(tensorName(index, spec.name, key));
        if (!entry) throw new Error(`layer ${spec.name}: tensor ${key} is missing`);
        const tensor = tf.tensor(entry.values, entry.shape);
        created.push(tensor);
        return tensor;
      };
      const [inW, outW] = [widths.get(spec.in)!, widths.get(spec.out)!];
      const norm = () => new RmsNorm(inW.full, (spec as { normDivisor: number }).normDivisor, { gain: t('normGain'), statisticWeights: t('normWeights') as tf.Tensor1D });
      switch (spec.kind) {
        case 'logMel':
          return new LogMel(
            spec.name,
            outW,
            { tensors: { filterbank: t('filterbank') as tf.Tensor2D, mean: t('mean') as tf.Tensor1D, invStd: t('invStd') as tf.Tensor1D } },
            layerNormalisation(spec.normalisation, architecture.frontEnd),
          );
        case 'conv1d':
          return new CausalConv1d(spec.name, inW, outW, spec.kernelSize, spec.activation, { kernel: t('kernel'), bias: t('bias') });
        case 'dense':
          return new Dense(spec.name, inW, outW, spec.activation, { kernel: t('kernel'), bias: t('bias') });
        case 'gru':
          return new GRU(spec.name, inW, outW, { inputKernel: t('inputKernel'), recurrentKernel: t('recurrentKernel'), inputBias: t('inputBias'), recurrentBias: t('recurrentBias') });
        case 'causalMix':
          return new CausalMix(spec.name, inW, spec.kernelSize, { kernel: t('kernel'), bias: t('bias') });
        case 'attention': {
          const parts = { query: t('query'), key: t('key'), value: t('value'), queryBias: t('queryBias'), keyBias: t('keyBias'), valueBias: t('valueBias'), output: t('output'), outputBias: t('outputBias') };
          return new WindowedAttentionBlock(spec.name, inW, spec.context, { norm: norm(), scoreScale: spec.scoreScale, ...parts });
        }
        case 'feedForward':
          return new FeedForwardBlock(spec.name, inW, widths.get(spec.inner)!, { norm: norm(), w1: t('w1'), b1: t('b1'), w2: t('w2'), b2: t('b2') });
        case 'rmsNorm':
          return new RmsNormLayer(spec.name, inW, norm());
      }
    });
    return new Network(architecture.family, layers, architecture.callsPerSecond);
  } catch (error) {
    // Variables took over most tensors; whatever was made before the failure goes.
    tf.dispose(created.filter((t) => !t.isDisposed));
    throw error;
  }
}
