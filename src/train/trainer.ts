import * as tf from '@tensorflow/tfjs';
import type { GateOptions } from '../dcl/gate';
import { seededContext, type Network } from '../dcl/network';
import { unitsOf } from '../dcl/width';

export interface TrainerConfig {
  /** Adam learning rate of the weights. */
  learningRate: number;
  /** Plain gradient-descent learning rate of the widths κ. */
  kappaLearningRate: number;
  /** Complexity weight α in L = L_task + α·C(K)/C(K_max). */
  alpha: number;
  seed: number;
  gate?: GateOptions;
  /** Dropout on the residual branches of layers that have them (the transformer's), in training only. */
  dropout?: number;
  /**
   * Decoupled weight decay (AdamW's): after each Adam step every weight matrix shrinks by
   * learning rate × decay. Biases, gains and widths κ are not decayed.
   */
  weightDecay?: number;
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
 * One optimizer step updates weights (Adam) and widths together. The widths get plain
 * gradient descent, not Adam: Adam moves every parameter by about its learning rate whatever
 * the gradient's size, so on a width whose gradient is only noise (no complexity pressure, a
 * unit the task does not need) it would make a random walk that the κ = 1 ceiling turns into a
 * downward drift. With plain descent a width moves in proportion to the reason it has to move;
 * its gradient is capped at ±1 so that no step moves κ by more than its learning rate (a strong
 * α or a rare large task gradient would otherwise throw a width across its whole range at once).
 */
export class WidthTrainer {
  alpha: number;
  readonly budgetInterval: TrainerConfig['budgetInterval'];
  stepCount = 0;
  readonly fullFlopsPerSecond: number;
  private readonly weightOptimizer: tf.Optimizer;
  private readonly kappaOptimizer: tf.SGDOptimizer;
  private readonly context;
  private readonly weightDecay: number;
  /** Adam's current learning rate (tfjs keeps its own protected), which the weight decay scales with. */
  private weightLearningRate: number;

  constructor(
    readonly network: Network,
    private readonly taskLoss: TaskLoss,
    config: TrainerConfig,
  ) {
    this.alpha = config.alpha;
    this.budgetInterval = config.budgetInterval;
    this.fullFlopsPerSecond = network.fullFlopsPerSecond();
    this.weightOptimizer = tf.train.adam(config.learningRate);
    this.kappaOptimizer = tf.train.sgd(config.kappaLearningRate);
    this.context = seededContext('train', config.seed, config.gate, config.dropout);
    this.weightDecay = config.weightDecay ?? 0;
    this.weightLearningRate = config.learningRate;
  }

  setLearningRates(weights: number, kappa: number): void {
    (this.weightOptimizer as unknown as { learningRate: number }).learningRate = weights;
    this.weightLearningRate = weights;
    this.kappaOptimizer.setLearningRate(kappa);
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
      if (this.weightDecay > 0) {
        const keep = 1 - this.weightLearningRate * this.weightDecay;
        tf.tidy(() => weights.filter((w) => w.rank >= 2).forEach((w) => w.assign(tf.mul(w, keep))));
      }
      if (kappas.length > 0) {
        const capped = tf.tidy(() => Object.fromEntries(kappas.map((v) => [v.name, tf.clipByValue(grads[v.name], -1, 1)])));
        this.kappaOptimizer.applyGradients(capped);
        tf.dispose(Object.values(capped));
      }
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
