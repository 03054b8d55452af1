import * as tf from '@tensorflow/tfjs';
import { applyChannel, DEFAULT_CHANNEL_AUGMENTATION, telephone, TELEPHONE_TEST_CHANNEL } from '../audio/channel';
import { melBandOrder, N_MELS, powerSpectrogramOf, type MelOrder } from '../audio/features';
import { samplesForFrames } from '../audio/frames';
import type { Network } from '../dcl/network';
import { copyWeights, importWeights, type SavedWeights } from '../dcl/weights';
import { widthSpecs } from '../dcl/widthSpec';
import { stackScenes } from '../data/batches';
import type { Corpus } from '../data/corpus';
import { createRng } from '../data/random';
import type { FrequencyMasking } from '../data/frequencyMasks';
import { inlineBatches, type BatchSource, type TrainingBatchSpec } from '../data/trainingBatches';
import { fixedScenes, type SceneOptions } from '../data/scenes';
import type { FeatureNormalisation } from '../models/logMel';
import { MODEL_FAMILIES } from '../models/registry';
import { buildNetwork, type ModelArchitecture, type NamedArrays } from '../runtime/architecture';
import { readWeights, type ExportedModel } from '../runtime/exportModel';
import { savedAttentionContext, savedNormalisation } from '../runtime/model';
import { concatArrays } from '../concatArrays';
import { gatherMelInputs } from '../models/crnn';
import { frameBinaryCrossEntropy } from '../models/vad';
import { runsOnCpu, type Evaluation, type ModelId, type RunConfig } from '../protocol';
import { detectionMetrics } from './metrics';
import type { TrainingTask } from './task';

export interface VadTaskOptions {
  /** Length of each training scene. */
  segmentSeconds: number;
  /** Held-out scenes per split (built once, fixed seed) and their length. */
  heldOutScenes: number;
  heldOutSeconds: number;
  /** Weights to start from (config.init = 'pretrained'). */
  pretrained?: SavedWeights;
  /** Full-width weights of config.distillationTeacher, where that is another family than the run's. */
  teacherWeights?: SavedWeights;
  /** How training scenes are made (default TRAINING_SCENE_OPTIONS: channel augmentation and sound events). */
  trainingScenes?: Partial<SceneOptions>;
  /** Frequency masks on the training spectrograms (frequencyMasks.ts; default none). */
  frequencyMasks?: FrequencyMasking;
  /** Where the training batches are made (default: on this thread, from `corpus.splits.train`). */
  openBatches?: (spec: TrainingBatchSpec) => BatchSource;
  /** Log-mel normalisation of a model from scratch (default: the model's own, logMel.ts DEFAULT_FEATURE_NORMALISATION; a run from weights keeps theirs). */
  features?: FeatureNormalisation;
  /** Transformer: attention context in frames of a run from scratch (default TRANSFORMER_CONTEXT). */
  attentionContext?: number;
  /**
   * Which mel bands the run's model lists first, and so which its mel width keeps (default
   * 'ascending', the order every saved model has). A CRNN started from saved weights may take
   * 'spread': the weights are reordered, the same function.
   */
  melOrder?: MelOrder;
  /** Channel variants scored per split (default HELD_OUT_VARIANTS). */
  variants?: Record<'validation' | 'test', readonly HeldOutVariant[]>;
  /**
   * A consolidated model (an export's architecture and tensors) the run trains on at its fixed
   * widths, instead of a model built from scratch or from the bundled weights (config.method
   * 'uniform', config.init 'scratch').
   */
  consolidatedStart?: { architecture: ModelArchitecture; arrays: NamedArrays };
  /** Seed of the training scenes (default config.seed): a run that continues another one takes other scenes than it saw. */
  trainingBatchSeed?: number;
}

export const VAD_TASK_DEFAULTS: VadTaskOptions = { segmentSeconds: 1, heldOutScenes: 24, heldOutSeconds: 8 };

/** Added to the seed of a run that trains a consolidated model on, for its training scenes: it does not see the scenes of the run it continues again. */
const AT_WIDTHS_BATCH_SEED_OFFSET = 1000;

/** The task options of a run (sweep or page) that trains an exported consolidated model on at its widths. */
export function atWidthsOptions(model: ExportedModel, seed: number): Pick<VadTaskOptions, 'consolidatedStart' | 'trainingBatchSeed'> {
  return { consolidatedStart: { architecture: model.architecture, arrays: readWeights(model) }, trainingBatchSeed: AT_WIDTHS_BATCH_SEED_OFFSET + seed };
}

/**
 * Training scenes: the microphone/level/channel chain of audio/channel.ts on every scene (each
 * step with its probability), sound events in half the scenes, and 5 % noise-only scenes.
 */
export const TRAINING_SCENE_OPTIONS: Partial<SceneOptions> = {
  channel: DEFAULT_CHANNEL_AUGMENTATION,
  eventProbability: 0.5,
  eventsPerSecond: 0.5,
  noiseOnlyProbability: 0.05,
};

/** The first corpus's training scenes: no channel, no events (for comparisons). */
export const PLAIN_SCENE_OPTIONS: Partial<SceneOptions> = {};

/** Seeds of the held-out scenes: fixed, so every run is scored on the same audio. */
export const HELD_OUT_SEED = { validation: 20_251_125, test: 19_700_101 } as const;
/**
 * Scenes scored per inference call (bounds memory, and how long Stop waits during validation).
 * On cpu and wasm a call's time grows with the scenes in it, so 2 (about 0.3 s of the CRNN on
 * wasm); on a GPU backend it is set by the recurrence's sequential kernels, whatever the batch,
 * so 8 there.
 */
function evalChunk(): number {
  return runsOnCpu(tf.getBackend()) ? 2 : 8;
}

/**
 * A held-out variant: the split's fixed scenes passed through a fixed channel.
 * - clean: as mixed (levels −40…−15 dBFS RMS);
 * - telephone: 300–3400 Hz, 8 kHz μ-law (TELEPHONE_TEST_CHANNEL);
 * - gsm: the same band with the GSM-like coder;
 * - quiet: 20 dB lower (−60…−35 dBFS);
 * - augmented: the random training chain (EQ, level, clipping, self-noise, DC, band, codecs), seeded per scene.
 */
export type HeldOutVariant = 'clean' | 'telephone' | 'gsm' | 'quiet' | 'augmented';

/**
 * Validation pools clean and every channel variant (its EER, over all their frames, is what a
 * run is chosen on); test reports clean (its headline EER, comparable with earlier runs),
 * telephone and −20 dB side by side. Validation never holds test speakers or noise files.
 */
export const HELD_OUT_VARIANTS: Record<'validation' | 'test', readonly HeldOutVariant[]> = {
  validation: ['clean', 'telephone', 'gsm', 'quiet', 'augmented'],
  test: ['clean', 'telephone', 'quiet'],
};

/** Applies a held-out variant to one scene's audio (scene index seeds the augmented chain). */
export function heldOutVariantAudio(audio: Float32Array, variant: HeldOutVariant, sceneIndex: number): Float32Array {
  switch (variant) {
    case 'clean':
      return audio;
    case 'telephone':
      return telephone(audio, TELEPHONE_TEST_CHANNEL);
    case 'gsm':
      return telephone(audio, { ...TELEPHONE_TEST_CHANNEL, codec: 'gsm' });
    case 'quiet':
      return audio.map((x) => x * 0.1);
    case 'augmented':
      return applyChannel(audio, createRng(HELD_OUT_SEED.validation + 7919 * (sceneIndex + 1))).audio;
  }
}

export interface VariantEvaluation {
  eer: number;
  auc: number;
  /** EER per SNR bin (SNR_BINS order). */
  eerBySnr: number[];
  /** Threshold on the speech probability with the best F1 (is 0.5 meaningful on this variant?). */
  bestF1Threshold: number;
  bestF1: number;
}

/**
 * A VAD evaluation: `value`, `auc`, `eerBySnr` are the pooled figures for validation (clean
 * and every channel variant together) and the clean split's for test; `variants` has each
 * variant alone.
 */
export interface VadEvaluation extends Evaluation {
  variants: Partial<Record<HeldOutVariant, VariantEvaluation>>;
  /** The best-F1 threshold over every variant pooled (validation only): what calibration moves to 0.5. */
  pooledBestF1Threshold?: number;
}

interface HeldOut {
  /** Per variant, the scenes' audio [scenes × samples] row-major. */
  audio: Map<HeldOutVariant, Float32Array>;
  scenes: number;
  samples: number;
  labels: Uint8Array;
  snrDb: Float32Array;
}

/** A VAD family trained on the bundled corpus: scenes of real speech on real noise, frame labels, EER. */
export function createVadTask(config: RunConfig, corpus: Corpus, options: VadTaskOptions = VAD_TASK_DEFAULTS): TrainingTask {
  const family = MODEL_FAMILIES[config.modelId];
  if (family.input !== 'powerSpectrogram') throw new Error(`${config.modelId} is not a VAD model`);
  const network = options.consolidatedStart ? consolidatedNetwork(config, options.consolidatedStart) : family.build({
    seed: config.seed,
    // A run from pretrained weights has their architecture and features; from scratch, the family's or the ones asked for.
    features: config.init === 'pretrained' ? savedNormalisation(pretrainedWeights(config, options)) : options.features,
    context: config.init === 'pretrained' ? savedAttentionContext(pretrainedWeights(config, options)) : options.attentionContext,
    melOrder: options.melOrder,
    widths: widthSpecs(family.fullSizes, config.method, {
      kappaMin: config.kappaMin,
      defaultKappaMin: family.defaultKappaMin,
      uniformFraction: config.uniformFraction,
    }),
  });
  if (config.init === 'pretrained') {
    if (config.method === 'uniform' && config.uniformFraction !== 1) startSliced(network, config, options);
    else importFullWidth(network, pretrainedWeights(config, options), `${config.modelId} pretrained weights`, options.melOrder);
  }
  const teacher = distillationTeacher(config, options);
  const batchSpec: TrainingBatchSpec = { batchSize: config.batchSize, seconds: options.segmentSeconds, seed: options.trainingBatchSeed ?? config.seed, scenes: options.trainingScenes ?? TRAINING_SCENE_OPTIONS, ...(options.frequencyMasks ? { frequencyMasks: options.frequencyMasks } : {}) };
  const batches = options.openBatches?.(batchSpec) ?? inlineBatches(corpus.splits.train, batchSpec);
  const heldOut: Partial<Record<'validation' | 'test', HeldOut>> = {};

  const variants = options.variants ?? HELD_OUT_VARIANTS;
  // Audio, not spectrograms, is kept: five variants of 24 × 8 s as spectrograms would hold ~80 MB of tensors.
  const heldOutSet = (split: 'validation' | 'test'): HeldOut => {
    let set = heldOut[split];
    if (!set) {
      const batch = stackScenes(fixedScenes(corpus.splits[split], options.heldOutScenes, options.heldOutSeconds, HELD_OUT_SEED[split]));
      const audio = new Map<HeldOutVariant, Float32Array>();
      for (const variant of variants[split]) {
        const out = new Float32Array(batch.audio.length);
        for (let b = 0; b < batch.batchSize; b++) {
          out.set(heldOutVariantAudio(batch.audio.subarray(b * batch.samples, (b + 1) * batch.samples), variant, b), b * batch.samples);
        }
        audio.set(variant, out);
      }
      set = { audio, scenes: batch.batchSize, samples: batch.samples, labels: batch.labels, snrDb: batch.snr };
      heldOut[split] = set;
    }
    return set;
  };

  const scoreVariant = async (model: Network, set: HeldOut, audio: Float32Array, chunkDone?: () => Promise<void>): Promise<Float32Array> => {
    const scores = new Float32Array(set.labels.length);
    let offset = 0;
    const chunk = evalChunk();
    for (let start = 0; start < set.scenes; start += chunk) {
      const count = Math.min(chunk, set.scenes - start);
      const input = powerSpectrogramOf(audio.subarray(start * set.samples, (start + count) * set.samples), count);
      const output = model.infer(input);
      input.dispose();
      const values = await output.data();
      output.dispose();
      scores.set(values, offset);
      offset += values.length;
      await chunkDone?.();
    }
    return scores;
  };

  return {
    network,
    taskLoss: frameBinaryCrossEntropy,
    latencyInput: () => powerSpectrogramOf(new Float32Array(samplesForFrames(100)), 1),
    latencyInputSeconds: 1,
    async nextBatch() {
      const { power, labels, batchSize, frames } = await batches.next();
      const input = tf.tensor3d(power, [batchSize, frames, power.length / (batchSize * frames)]);
      const target = tf.tensor3d(labels, [batchSize, frames, 1]);
      if (!teacher) return { input, target };
      const beta = config.distillation!;
      const soft = tf.tidy(() => tf.add(tf.mul(target, 1 - beta), tf.mul(teacher.infer(input), beta)));
      target.dispose();
      return { input, target: soft };
    },
    async evaluate(model: Network, split, progress): Promise<VadEvaluation> {
      const set = heldOutSet(split);
      const total = set.audio.size * Math.ceil(set.scenes / evalChunk());
      let done = 0;
      const chunkDone = progress && (() => progress(++done, total));
      const results: Partial<Record<HeldOutVariant, VariantEvaluation>> = {};
      const pooled = { scores: [] as Float32Array[], labels: [] as Uint8Array[], snr: [] as Float32Array[] };
      for (const [variant, audio] of set.audio) {
        const scores = await scoreVariant(model, set, audio, chunkDone);
        const m = detectionMetrics(scores, set.labels, set.snrDb);
        results[variant] = { eer: m.eer, auc: m.auc, eerBySnr: m.eerBySnr, ...bestF1(scores, set.labels) };
        pooled.scores.push(scores);
        pooled.labels.push(set.labels);
        pooled.snr.push(set.snrDb);
      }
      if (split === 'test' || pooled.scores.length === 1) {
        const headline = results.clean ?? Object.values(results)[0]!;
        return { metric: 'EER', value: headline.eer, auc: headline.auc, eerBySnr: headline.eerBySnr, variants: results };
      }
      const scores = concatArrays(pooled.scores, Float32Array);
      const labels = concatArrays(pooled.labels, Uint8Array);
      const m = detectionMetrics(scores, labels, concatArrays(pooled.snr, Float32Array));
      const pooledBestF1Threshold = bestF1(scores, labels).bestF1Threshold;
      return { metric: 'EER', value: m.eer, auc: m.auc, eerBySnr: m.eerBySnr, variants: results, pooledBestF1Threshold };
    },
    dispose() {
      batches.close();
      network.dispose();
      teacher?.dispose();
    },
  };
}

/**
 * The frozen full-width model whose probabilities a distilled run's targets mix in (null without
 * distillation): the bundled model of the run's own family, which the run starts from, or of
 * config.distillationTeacher (e.g. a CRNN teaching a transformer).
 */
function distillationTeacher(config: RunConfig, options: VadTaskOptions): Network | null {
  const beta = config.distillation ?? 0;
  if (beta === 0) return null;
  if (!(beta > 0 && beta <= 1)) throw new Error(`distillation weight must lie in (0, 1], got ${beta}`);
  const teacherFamily = config.distillationTeacher ?? config.modelId;
  if (teacherFamily === config.modelId) {
    if (config.init !== 'pretrained') throw new Error('distillation learns from the bundled full-width weights: start the run from them (init pretrained)');
    return pretrainedFullWidth(config, options, 'uniform');
  }
  if (MODEL_FAMILIES[teacherFamily]?.input !== 'powerSpectrogram') throw new Error(`distillation teacher ${teacherFamily} is not a VAD model`);
  if (!options.teacherWeights) throw new Error(`no full-width weights for the distillation teacher ${teacherFamily}`);
  const weights = options.teacherWeights;
  return fullWidthNetwork(teacherFamily, weights, { seed: config.seed, features: savedNormalisation(weights), method: 'uniform' }, `${teacherFamily} teacher weights`);
}

/** The trainable network of a consolidated model, checked against the run it starts. */
function consolidatedNetwork(config: RunConfig, start: { architecture: ModelArchitecture; arrays: NamedArrays }): Network {
  if (start.architecture.family !== config.modelId) throw new Error(`the consolidated start is a ${start.architecture.family}, the run trains a ${config.modelId}`);
  if (config.method !== 'uniform' || config.init !== 'scratch') throw new Error('a run from a consolidated model keeps its widths: method uniform, init scratch');
  return buildNetwork(start.architecture, start.arrays);
}

function pretrainedWeights(config: RunConfig, options: VadTaskOptions): SavedWeights {
  if (!options.pretrained) throw new Error(`no pretrained weights bundled for ${config.modelId}`);
  return options.pretrained;
}

/** The bundled full-width model, its widths fixed ('uniform') or learnable at full ('dcl', to consolidate at chosen widths), in the run's band order. */
function pretrainedFullWidth(config: RunConfig, options: VadTaskOptions, method: 'uniform' | 'dcl'): Network {
  const weights = pretrainedWeights(config, options);
  return fullWidthNetwork(config.modelId, weights, { seed: config.seed, features: savedNormalisation(weights), method, melOrder: options.melOrder }, `${config.modelId} pretrained weights`);
}

/** A family's full-width network, at the attention context the saved weights record and the band order asked for, holding those weights. */
function fullWidthNetwork(
  modelId: ModelId,
  saved: SavedWeights,
  { seed, features, method, melOrder }: { seed: number; features?: FeatureNormalisation; method: 'uniform' | 'dcl'; melOrder?: MelOrder },
  source: string,
): Network {
  const family = MODEL_FAMILIES[modelId];
  const network = family.build({ seed, features, context: savedAttentionContext(saved), melOrder, widths: widthSpecs(family.fullSizes, method, { uniformFraction: 1 }) });
  importFullWidth(network, saved, source, melOrder);
  return network;
}

/**
 * Load full-width weights (saved with ascending bands, as every saved model is) into a network
 * whose mel bands are listed in `melOrder`: a CRNN's convolution inputs are reordered to match, so
 * the network computes what the weights computed.
 */
function importFullWidth(network: Network, saved: SavedWeights, source: string, melOrder: MelOrder = 'ascending'): void {
  importWeights(network, saved, source);
  if (melOrder === 'ascending') return;
  if (network.name !== 'crnn') throw new Error(`${source}: only CRNN weights can be reordered to ${melOrder} mel bands`);
  gatherMelInputs(network, melBandOrder(melOrder, N_MELS));
}

/**
 * A uniform model below full width started from the bundled full-width weights: the full model
 * consolidated at the uniform widths, i.e. its first units of every width kept (the units a
 * learned width keeps), the rest sliced away.
 */
function startSliced(network: Network, config: RunConfig, options: VadTaskOptions): void {
  const full = pretrainedFullWidth(config, options, 'dcl');
  const units = new Map(network.layers.flatMap((layer) => layer.widths()).map((w) => [w.name, w.full]));
  let sliced: Network | null = null;
  try {
    sliced = full.consolidate(full.learnableWidths().map((w) => units.get(w.name)!));
    copyWeights(network, sliced, `${config.modelId} pretrained weights sliced to uniform ${config.uniformFraction}`);
  } finally {
    sliced?.dispose();
    full.dispose();
  }
}

/** The threshold with the best F1 (speech = positive) and that F1, over every distinct score. */
export function bestF1(scores: ArrayLike<number>, labels: ArrayLike<number>): { bestF1Threshold: number; bestF1: number } {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i];
  let truePositives = 0;
  let best = { bestF1Threshold: NaN, bestF1: 0 };
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && scores[order[j]] === scores[order[i]]) truePositives += labels[order[j++]];
    // Threshold at this score: everything scored ≥ it is called speech (j frames).
    const f1 = (2 * truePositives) / (j + positives);
    if (f1 > best.bestF1) best = { bestF1Threshold: scores[order[i]], bestF1: f1 };
    i = j;
  }
  return best;
}
