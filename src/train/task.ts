import type * as tf from '@tensorflow/tfjs';
import type { Network } from '../dcl/network';
import type { Evaluation } from '../protocol';
import type { TaskLoss } from './trainer';

/** What a training session needs from a model family: a network, batches, a loss and held-out scoring. */
export interface TrainingTask {
  readonly network: Network;
  readonly taskLoss: TaskLoss;
  /** Seconds of input one call of `evaluate` covers per example (for latency per second of input). */
  readonly latencyInput: () => tf.Tensor;
  readonly latencyInputSeconds: number;
  nextBatch(): { input: tf.Tensor; target: tf.Tensor };
  /** Score any network with this task's input/output shapes on the validation (or test) split. */
  evaluate(network: Network, split: 'validation' | 'test'): Promise<Evaluation>;
  dispose(): void;
}
