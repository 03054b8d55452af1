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

/** Add `shift` to the logit of the network's sigmoid output layer (named "output"). */
export function shiftOutputBias(network: Network, shift: number): void {
  const output = network.layers.find((layer) => layer.name === 'output');
  if (!(output instanceof Dense) || output.activation !== 'sigmoid' || output.outWidth.full !== 1) {
    throw new Error(`${network.name}: no single sigmoid output layer named "output" to calibrate`);
  }
  tf.tidy(() => output.bias.assign(tf.add(output.bias, tf.scalar(shift))));
}

/**
 * Calibrates on a validation pass: folds into each network's output bias the shift that moves
 * the pass's pooled best-F1 threshold to 0.5, and returns it. Undefined, with nothing changed,
 * when the pass has no threshold strictly between 0 and 1 to move (not a VAD, or a degenerate
 * model).
 */
export function calibrateOnValidation(validation: Evaluation, networks: readonly Network[]): number | undefined {
  const threshold = (validation as VadEvaluation).pooledBestF1Threshold;
  if (threshold === undefined || !(threshold > 0 && threshold < 1)) return undefined;
  const shift = calibrationShift(threshold);
  for (const network of networks) shiftOutputBias(network, shift);
  return shift;
}
