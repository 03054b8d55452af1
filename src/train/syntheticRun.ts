import * as tf from '@tensorflow/tfjs';
import { meanSquaredError, syntheticNetwork, SyntheticTask } from '../models/synthetic';
import { WidthTrainer, type StepResult } from './trainer';

export interface SyntheticRunConfig {
  alpha: number;
  steps: number;
  batchSize: number;
  seed: number;
  learningRate: number;
  kappaLearningRate: number;
  kappaMin?: number;
  /** Record the widths every this many steps. */
  traceEvery?: number;
}

export const SYNTHETIC_DEFAULTS = { steps: 1500, batchSize: 128, learningRate: 3e-3, kappaLearningRate: 2e-2 } as const;

export interface SyntheticRunResult {
  alpha: number;
  inputWidth: number;
  hiddenWidth: number;
  /** FLOPs per sample: polynomial and the consolidated model's independent count. */
  flops: number;
  fullFlops: number;
  testMse: number;
  consolidatedTestMse: number;
  trace: StepResult[];
}

/** Train the synthetic MLP at one α and evaluate it on the held-out set. */
export function runSynthetic(config: SyntheticRunConfig): SyntheticRunResult {
  const task = new SyntheticTask();
  const network = syntheticNetwork({ seed: config.seed, kappaMin: config.kappaMin });
  const trainer = new WidthTrainer(network, meanSquaredError, {
    alpha: config.alpha,
    learningRate: config.learningRate,
    kappaLearningRate: config.kappaLearningRate,
    seed: config.seed,
  });
  const trace: StepResult[] = [];
  for (let i = 0; i < config.steps; i++) {
    const { x, y } = task.batch(config.batchSize);
    const result = trainer.step(x, y);
    tf.dispose([x, y]);
    if (i % (config.traceEvery ?? 50) === 0 || i === config.steps - 1) trace.push(result);
  }
  const test = task.testSet();
  const small = network.consolidate();
  const [testMse, consolidatedTestMse] = [network, small].map((n) =>
    tf.tidy(() => meanSquaredError(n.infer(test.x), test.y).dataSync()[0]),
  );
  const [inputWidth, hiddenWidth] = network.learnableWidths().map((w) => w.value());
  const flops = tf.tidy(() => network.flopsPerSecond().dataSync()[0]);
  const result = { alpha: config.alpha, inputWidth, hiddenWidth, flops, fullFlops: trainer.fullFlopsPerSecond, testMse, consolidatedTestMse, trace };
  tf.dispose([test.x, test.y]);
  trainer.dispose();
  small.dispose();
  network.dispose();
  task.dispose();
  return result;
}
