/**
 * The same training computation on whichever tfjs backend is current: one network (seed 1),
 * fixed fractional widths, one deterministic batch, the noise of one seed. The loss, the
 * complexity ratio and FLOP/s, and the gradients of the loss with respect to every κ are
 * read back asynchronously, so the results of two backends can be compared number for number
 * (test/backendCheck.test.ts: cpu and wasm; test/e2e/backends.e2e.ts: webgl, webgpu too).
 */
import * as tf from '@tensorflow/tfjs';
import { seededContext } from './dcl/network';
import { createRng } from './data/random';
import { MODEL_FAMILIES } from './models/registry';
import type { BackendCheckResult, ModelId } from './protocol';

/** The complexity weight of the check: large enough that the complexity gradient shows in dκ. */
export const CHECK_ALPHA = 0.5;
const BATCH = 2;
const FRAMES = 40;

/** Runs the check on the current backend. */
export async function backendCheck(modelId: ModelId): Promise<Omit<BackendCheckResult, 'backend'>> {
  const family = MODEL_FAMILIES[modelId];
  const network = family.build({ seed: 1 });
  const widths = network.learnableWidths();
  // Fractional widths, different per layer, so every boundary unit is partly on.
  widths.forEach((w, i) => w.setKappa(Math.max(w.kappaMin, 0.9 - 0.13 * i) + 0.37 / w.full));
  const rng = createRng(7);
  const inputShape = family.input === 'powerSpectrogram' ? [BATCH, FRAMES, network.layers[0]!.inWidth.full] : [BATCH * FRAMES, network.layers[0]!.inWidth.full];
  const outputs = family.input === 'powerSpectrogram' ? [BATCH, FRAMES, 1] : [BATCH * FRAMES, 1];
  const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  // Power-like inputs (positive, wide range) for the VADs; standard normal features otherwise.
  const inputValues = Float32Array.from({ length: count(inputShape) }, () => (family.input === 'powerSpectrogram' ? Math.exp(4 * rng.normal()) : rng.normal()));
  const targetValues = Float32Array.from({ length: count(outputs) }, () => (family.input === 'powerSpectrogram' ? (rng.next() < 0.5 ? 1 : 0) : rng.normal()));
  const input = tf.tensor(inputValues, inputShape);
  const target = tf.tensor(targetValues, outputs);
  const loss = family.input === 'powerSpectrogram' ? (y: tf.Tensor) => tf.losses.logLoss(target, y) : (y: tf.Tensor) => tf.losses.meanSquaredError(target, y);
  const full = network.fullFlopsPerSecond();
  const context = seededContext('train', 11);
  let parts: tf.Tensor[] = [];
  try {
    const { value, grads } = tf.variableGrads(() => {
      const task = loss(network.apply(input, context)) as tf.Scalar;
      const flops = network.flopsPerSecond();
      parts = [tf.keep(task), tf.keep(flops)];
      return tf.add(task, tf.mul(tf.div(flops, full), CHECK_ALPHA)) as tf.Scalar;
    }, widths.map((w) => w.kappa));
    const summary = tf.stack([value, ...parts, ...widths.map((w) => grads[w.kappa.name]!)]);
    const read = await summary.data();
    tf.dispose([summary, value, ...parts, ...Object.values(grads)]);
    const [lossValue, taskLoss, flopsPerSecond] = read;
    return {
      loss: lossValue,
      complexityTerm: lossValue - taskLoss,
      flopsPerSecond,
      fullFlopsPerSecond: full,
      kappaGradients: Array.from(read.slice(3)),
    };
  } finally {
    tf.dispose([input, target]);
    network.dispose();
  }
}
