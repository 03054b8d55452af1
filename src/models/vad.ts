import * as tf from '@tensorflow/tfjs';

/** Frames per second of every VAD model (10 ms hop): its calls per second. */
export const VAD_FRAMES_PER_SECOND = 100;

/**
 * Frame-level binary cross-entropy of the models' speech probabilities [batch, frames, 1]
 * against 0/1 labels of the same shape (probabilities clipped to [1e-7, 1 − 1e-7]).
 */
export function frameBinaryCrossEntropy(probability: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.losses.logLoss(target, probability) as tf.Scalar;
}
