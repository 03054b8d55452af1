import * as tf from '@tensorflow/tfjs';
import { powerSpectrogramOf } from '../audio/features';
import { samplesForFrames } from '../audio/frames';
import type { Network } from '../dcl/network';
import { importWeights, type SavedWeights } from '../dcl/weights';
import { widthSpecs } from '../dcl/widthSpec';
import { sampleBatch, stackScenes, type Batch } from '../data/batches';
import type { Corpus } from '../data/corpus';
import { createRng } from '../data/random';
import { fixedScenes } from '../data/scenes';
import { MODEL_FAMILIES } from '../models/registry';
import { frameBinaryCrossEntropy } from '../models/vad';
import type { Evaluation, RunConfig } from '../protocol';
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
}

export const VAD_TASK_DEFAULTS: VadTaskOptions = { segmentSeconds: 1, heldOutScenes: 24, heldOutSeconds: 8 };

/** Seeds of the held-out scenes: fixed, so every run is scored on the same audio. */
export const HELD_OUT_SEED = { validation: 20_251_125, test: 19_700_101 } as const;
/**
 * Scenes scored per inference call (bounds memory, and how long Stop waits during validation).
 * On cpu and wasm a call's time grows with the scenes in it, so 2 (about 0.3 s of the CRNN on
 * wasm); on a GPU backend it is set by the recurrence's sequential kernels, whatever the batch,
 * so 8 there.
 */
function evalChunk(): number {
  const backend = tf.getBackend();
  return backend === 'cpu' || backend === 'wasm' ? 2 : 8;
}

interface HeldOut {
  inputs: tf.Tensor3D[];
  labels: Uint8Array;
  snrDb: Float32Array;
}

/** A VAD family trained on the bundled corpus: scenes of real speech on real noise, frame labels, EER. */
export function createVadTask(config: RunConfig, corpus: Corpus, options: VadTaskOptions = VAD_TASK_DEFAULTS): TrainingTask {
  const family = MODEL_FAMILIES[config.modelId];
  if (family.input !== 'powerSpectrogram') throw new Error(`${config.modelId} is not a VAD model`);
  const network = family.build({
    seed: config.seed,
    widths: widthSpecs(family.fullSizes, config.method, {
      kappaMin: config.kappaMin,
      defaultKappaMin: family.defaultKappaMin,
      uniformFraction: config.uniformFraction,
    }),
  });
  if (config.init === 'pretrained') {
    if (!options.pretrained) throw new Error(`no pretrained weights bundled for ${config.modelId}`);
    if (config.method === 'uniform' && config.uniformFraction !== 1) {
      throw new Error('pretrained weights are full width: a uniform baseline below full width trains from scratch');
    }
    importWeights(network, options.pretrained, `${config.modelId} pretrained weights`);
  }
  const rng = createRng(config.seed);
  const heldOut: Partial<Record<'validation' | 'test', HeldOut>> = {};

  const heldOutSet = (split: 'validation' | 'test'): HeldOut => {
    let set = heldOut[split];
    if (!set) {
      const batch = stackScenes(fixedScenes(corpus.splits[split], options.heldOutScenes, options.heldOutSeconds, HELD_OUT_SEED[split]));
      const inputs: tf.Tensor3D[] = [];
      const chunk = evalChunk();
      for (let start = 0; start < batch.batchSize; start += chunk) {
        const count = Math.min(chunk, batch.batchSize - start);
        const audio = batch.audio.subarray(start * batch.samples, (start + count) * batch.samples);
        inputs.push(powerSpectrogramOf(audio, count));
      }
      set = { inputs, labels: batch.labels, snrDb: batch.snr };
      heldOut[split] = set;
    }
    return set;
  };

  return {
    network,
    taskLoss: frameBinaryCrossEntropy,
    latencyInput: () => powerSpectrogramOf(new Float32Array(samplesForFrames(100)), 1),
    latencyInputSeconds: 1,
    nextBatch() {
      return batchTensors(sampleBatch(corpus, 'train', config.batchSize, options.segmentSeconds, rng));
    },
    async evaluate(model: Network, split, progress): Promise<Evaluation> {
      const set = heldOutSet(split);
      const scores = new Float32Array(set.labels.length);
      let offset = 0;
      let done = 0;
      for (const input of set.inputs) {
        const output = model.infer(input);
        const chunk = await output.data();
        output.dispose();
        scores.set(chunk, offset);
        offset += chunk.length;
        await progress?.(++done, set.inputs.length);
      }
      const m = detectionMetrics(scores, set.labels, set.snrDb);
      return { metric: 'EER', value: m.eer, auc: m.auc, eerBySnr: m.eerBySnr };
    },
    dispose() {
      for (const set of Object.values(heldOut)) tf.dispose(set?.inputs ?? []);
      network.dispose();
    },
  };
}

function batchTensors(batch: Batch): { input: tf.Tensor; target: tf.Tensor } {
  return tf.tidy(() => ({
    input: powerSpectrogramOf(batch.audio, batch.batchSize),
    target: tf.tensor3d(Float32Array.from(batch.labels), [batch.batchSize, batch.frames, 1]),
  }));
}
