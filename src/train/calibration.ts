import * as tf from '@tensorflow/tfjs';
import { Dense } from '../dcl/layers';
import type { Network } from '../dcl/network';
import type { Evaluation } from '../protocol';
import type { VadEvaluation } from './vadTask';

/**
 * Post-hoc calibration of a VAD's output so that its 0.5 threshold means something: the logit
 * is shifted so that the best-F1 threshold of the pooled validation variants lands on 0.5. A
 * shift of the logit is monotone, so EER and AUC do not change; only where 0.5 falls does.
 * The shift is folded into the output layer's bias, so the calibrated model has the same
 * architecture and runs unchanged everywhere (app, command line, export).
 */
export function calibrationShift(pooledBestF1Threshold: number): number {
  if (!(pooledBestF1Threshold > 0 && pooledBestF1Threshold < 1)) {
    throw new Error(`calibration needs a threshold strictly between 0 and 1, got ${pooledBestF1Threshold}`);
  }
  return -Math.log(pooledBestF1Threshold / (1 - pooledBestF1Threshold));
}

/** Where a threshold t on the uncalibrated output lies after the logit shift. */
export function shiftedThreshold(threshold: number, shift: number): number {
  const logit = Math.log(threshold / (1 - threshold));
  return 1 / (1 + Math.exp(-(logit + shift)));
}

function outputLayer(network: Network): Dense {
  const output = network.layers.find((layer) => layer.name === 'output');
  if (!(output instanceof Dense) || output.activation !== 'sigmoid' || output.outWidth.full !== 1) {
    throw new Error(`${network.name}: no single sigmoid output layer named "output" to calibrate`);
  }
  return output;
}

/** Add `shift` to the logit of the network's sigmoid output layer (named "output"). */
export function shiftOutputBias(network: Network, shift: number): void {
  const output = outputLayer(network);
  tf.tidy(() => output.bias.assign(tf.add(output.bias, tf.scalar(shift))));
}

/**
 * Runs `use` on the network calibrated on `validation`, then puts the output bias back exactly
 * as it was: a paused run's model leaves calibrated while the run trains on untouched. `use`
 * gets the shift, undefined when the pass has no threshold to move (then the network is as is).
 */
export async function withCalibration<T>(network: Network, validation: Evaluation | null, use: (shift: number | undefined) => Promise<T>): Promise<T> {
  const shift = validationShift(validation);
  if (shift === undefined) return use(undefined);
  const bias = outputLayer(network).bias;
  const before = tf.clone(bias);
  try {
    shiftOutputBias(network, shift);
    return await use(shift);
  } finally {
    bias.assign(before);
    before.dispose();
  }
}

/**
 * Calibrates on a validation pass: folds into each network's output bias the shift that moves
 * the pass's pooled best-F1 threshold to 0.5, and returns it. Undefined, with nothing changed,
 * when the pass has no threshold strictly between 0 and 1 to move (not a VAD, or a degenerate
 * model).
 */
export function calibrateOnValidation(validation: Evaluation, networks: readonly Network[]): number | undefined {
  const shift = validationShift(validation);
  if (shift !== undefined) for (const network of networks) shiftOutputBias(network, shift);
  return shift;
}

/** The shift a validation pass calls for; undefined when it has no pooled best-F1 threshold strictly between 0 and 1. */
function validationShift(validation: Evaluation | null): number | undefined {
  const threshold = (validation as VadEvaluation | null)?.pooledBestF1Threshold;
  return threshold !== undefined && threshold > 0 && threshold < 1 ? calibrationShift(threshold) : undefined;
}
