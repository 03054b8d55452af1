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
  /** The next training batch as tensors (the caller disposes them); made ahead on another thread where the host can. */
  nextBatch(): Promise<{ input: tf.Tensor; target: tf.Tensor }>;
  /**
   * Score any network with this task's input/output shapes on the validation (or test) split.
   * `progress` is awaited between chunks of the pass (chunks short enough that Stop and Pause
   * act within about a second); it may wait (pause) or throw EvaluationStopped (stop).
   */
  evaluate(network: Network, split: 'validation' | 'test', progress?: EvaluationProgress): Promise<Evaluation>;
  dispose(): void;
}

/** Called after each chunk of a validation pass with the chunks done and their total. */
export type EvaluationProgress = (done: number, total: number) => Promise<void>;

/** Thrown by an EvaluationProgress to abandon the pass (the user pressed Stop). */
export class EvaluationStopped extends Error {
  constructor() {
    super('validation stopped');
    this.name = 'EvaluationStopped';
  }
}
