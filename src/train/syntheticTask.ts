import * as tf from '@tensorflow/tfjs';
import type { Network } from '../dcl/network';
import { widthSpecs } from '../dcl/widthSpec';
import { meanSquaredError, SYNTHETIC_INPUTS, SYNTHETIC_WIDTHS, syntheticNetwork, SyntheticTask } from '../models/synthetic';
import type { Evaluation, RunConfig } from '../protocol';
import type { TrainingTask } from './task';

const HELD_OUT = 2048;

/** The synthetic regression case as a training task (MSE on held-out draws). */
export function createSyntheticTask(config: Pick<RunConfig, 'seed' | 'method' | 'kappaMin' | 'uniformFraction' | 'batchSize'>): TrainingTask {
  const data = new SyntheticTask();
  const network = syntheticNetwork({
    seed: config.seed,
    widths: widthSpecs(SYNTHETIC_WIDTHS, config.method, { kappaMin: config.kappaMin, uniformFraction: config.uniformFraction }),
  });
  const heldOut = { validation: data.batch(HELD_OUT, 555_555_557), test: data.testSet(HELD_OUT) };
  return {
    network,
    taskLoss: meanSquaredError,
    latencyInput: () => tf.randomNormal([1, SYNTHETIC_INPUTS]),
    latencyInputSeconds: 1,
    async nextBatch() {
      const { x, y } = data.batch(config.batchSize);
      return { input: x, target: y };
    },
    async evaluate(model: Network, split): Promise<Evaluation> {
      const { x, y } = heldOut[split];
      const mse = tf.tidy(() => meanSquaredError(model.infer(x), y));
      const value = (await mse.data())[0];
      mse.dispose();
      return { metric: 'MSE', value, auc: null, eerBySnr: null };
    },
    dispose() {
      tf.dispose([heldOut.validation.x, heldOut.validation.y, heldOut.test.x, heldOut.test.y]);
      network.dispose();
      data.dispose();
    },
  };
}
