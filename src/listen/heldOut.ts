/**
 * A loaded model scored exactly as a training run scores its network (the training task's
 * held-out scenes, channel variants and metrics: src/train/vadTask.ts), but run by the
 * runtime's plain-TypeScript kernels instead of tfjs. The task hands its network power
 * spectrograms [scenes, frames, 201]; the adapter steps every scene through a fresh
 * FrameNetwork, frame by frame, as the microphone lanes do. The kernels equal tfjs within
 * 1e-4 (tested in the runtime) and are several times faster than a tfjs GRU on wasm, so the
 * page can score two models in seconds.
 */
import * as tf from '@tensorflow/tfjs';
import type { Network } from '../dcl/network';
import type { Corpus } from '../data/corpus';
import { MODEL_CATALOG } from '../models/catalog';
import type { Evaluation, RunConfig } from '../protocol';
import type { VadModel } from '../runtime';
import { FrameNetwork } from '../runtime/kernels';
import { createVadTask } from '../train/vadTask';

/** The run settings a task needs to be built; only the family matters for its held-out scenes. */
export function evaluationConfig(family: VadModel['architecture']['family']): RunConfig {
  return { modelId: family, method: 'dcl', alpha: 0, budgetFlopsPerSecond: null, ...MODEL_CATALOG[family].training, kappaMin: {}, uniformFraction: 1, seed: 1, init: 'scratch' };
}

/** What the task's evaluate() calls on a network: infer on power spectrograms, probabilities [B, T, 1] back. */
export function kernelNetwork(model: VadModel): Pick<Network, 'infer'> {
  const frames = new FrameNetwork(model.architecture, model.arrays);
  return {
    infer(input: tf.Tensor): tf.Tensor {
      const [batch, steps, bins] = input.shape as [number, number, number];
      const power = input.dataSync() as Float32Array;
      const out = new Float32Array(batch * steps);
      for (let b = 0; b < batch; b++) {
        frames.reset();
        for (let t = 0; t < steps; t++) {
          const offset = (b * steps + t) * bins;
          out[b * steps + t] = frames.step(power.subarray(offset, offset + bins));
        }
      }
      return tf.tensor3d(out, [batch, steps, 1]);
    },
  };
}

/** The model's validation (or test) evaluation, as the trainer reports it for a run. */
export async function evaluateHeldOut(model: VadModel, corpus: Corpus, split: 'validation' | 'test'): Promise<Evaluation> {
  const task = createVadTask(evaluationConfig(model.architecture.family), corpus);
  try {
    const { metric, value, auc, eerBySnr } = await task.evaluate(kernelNetwork(model) as Network, split);
    return { metric, value, auc, eerBySnr };
  } finally {
    task.dispose();
  }
}
