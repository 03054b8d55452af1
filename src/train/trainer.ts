import * as tf from '@tensorflow/tfjs';
import type { GateOptions } from '../dcl/gate';
import { seededContext, type Network } from '../dcl/network';
import { unitsOf } from '../dcl/width';

export interface TrainerConfig {
  /** Adam learning rate of the weights. */
  learningRate: number;
  /** Adam learning rate of the widths κ. */
  kappaLearningRate: number;
  /** Complexity weight α in L = L_task + α·C(K)/C(K_max). */
  alpha: number;
  seed: number;
  gate?: GateOptions;
  /**
   * Budget-interval penalty instead of α·C/C_max (used by the straight-through
   * baseline): weight·(relu(r − high) + relu(low − r)) on r = C/C_max.
   */
  budgetInterval?: { low: number; high: number; weight: number };
}

export interface StepResult {
  step: number;
  loss: number;
  taskLoss: number;
  /** C(K)/C(K_max). */
  complexityRatio: number;
  flopsPerSecond: number;
  /** Continuous K of each learnable width (as this step used them), in network order. */
  widths: number[];
  /** False when the loss was not finite: the step was skipped and the weights kept. */
  finite: boolean;
}

export type TaskLoss = (output: tf.Tensor, target: tf.Tensor) => tf.Scalar;

/**
 * One optimizer step updates weights and widths together. The widths get their own
 * Adam with β2 = 0.9: with the default 0.999 the second moment remembers the large
 * gradients near integer K and κ creeps instead of converging.
 */
export class WidthTrainer {
  alpha: number;
  readonly budgetInterval: TrainerConfig['budgetInterval'];
  stepCount = 0;
  readonly fullFlopsPerSecond: number;
  private readonly weightOptimizer: tf.Optimizer;
  private readonly kappaOptimizer: tf.Optimizer;
  private readonly context;

  constructor(
    readonly network: Network,
    private readonly taskLoss: TaskLoss,
    config: TrainerConfig,
  ) {
    this.alpha = config.alpha;
    this.budgetInterval = config.budgetInterval;
    this.fullFlopsPerSecond = network.fullFlopsPerSecond();
    this.weightOptimizer = tf.train.adam(config.learningRate);
    this.kappaOptimizer = tf.train.adam(config.kappaLearningRate, 0.9, 0.9);
    this.context = seededContext('train', config.seed, config.gate);
  }

  setLearningRates(weights: number, kappa: number): void {
    (this.weightOptimizer as unknown as { learningRate: number }).learningRate = weights;
    (this.kappaOptimizer as unknown as { learningRate: number }).learningRate = kappa;
  }

  private complexityPenalty(ratio: tf.Scalar): tf.Scalar {
    const band = this.budgetInterval;
    if (!band) return tf.mul(ratio, this.alpha);
    return tf.mul(tf.add(tf.relu(tf.sub(ratio, band.high)), tf.relu(tf.sub(band.low, ratio))), band.weight);
  }

  /**
   * One step. Everything the step reports (losses, a finite check, the widths) comes back in
   * one asynchronous read: dataSync stalls the GPU pipeline and returns zeros on some WebGPU
   * adapters.
   */
  async step(input: tf.Tensor, target: tf.Tensor): Promise<StepResult> {
    const widths = this.network.learnableWidths();
    const weights = this.network.weightVariables();
    const kappas = widths.map((w) => w.kappa);
    let parts: tf.Tensor[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const output = this.network.apply(input, this.context);
      const task = this.taskLoss(output, target);
      const ratio: tf.Scalar = tf.div(this.network.flopsPerSecond(), this.fullFlopsPerSecond);
      parts = [tf.keep(task), tf.keep(ratio)];
      return tf.add(task, this.complexityPenalty(ratio)) as tf.Scalar;
    }, [...weights, ...kappas]);
    const gradList = Object.values(grads);
    const summary = tf.tidy(() =>
      tf.stack([value, ...parts, tf.cast(tf.all(tf.stack(gradList.map((g) => tf.all(tf.isFinite(g))))), 'float32'), ...kappas]),
    );
    const read = await summary.data();
    summary.dispose();
    const [loss, taskLoss, complexityRatio, gradsFinite] = read;
    const finite = Number.isFinite(loss) && gradsFinite === 1;
    if (finite) {
      const pick = (vs: tf.Variable[]) => Object.fromEntries(vs.map((v) => [v.name, grads[v.name]]));
      this.weightOptimizer.applyGradients(pick(weights));
      if (kappas.length > 0) this.kappaOptimizer.applyGradients(pick(kappas));
      widths.forEach((w) => w.project());
    }
    tf.dispose([value, ...parts, ...gradList]);
    this.stepCount++;
    // The widths this step's loss and FLOP/s were computed with (before its update).
    const units = widths.map((w, i) => unitsOf(w, read[4 + i]));
    return { step: this.stepCount, loss, taskLoss, complexityRatio, flopsPerSecond: complexityRatio * this.fullFlopsPerSecond, widths: units, finite };
  }

  dispose(): void {
    this.weightOptimizer.dispose();
    this.kappaOptimizer.dispose();
  }
}
