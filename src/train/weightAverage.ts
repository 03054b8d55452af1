/**
 * The mean of a network's weights over moments of a run: stochastic weight averaging
 * (Izmailov et al., 2018). Late in a run the weights wander around a minimum with the batch
 * noise; their mean may sit nearer its middle and generalise better than any one moment, so
 * the sweep scores it on validation and keeps it only where it wins there. Only for weights
 * whose shapes and roles do not change while they are averaged (fixed widths).
 */
import * as tf from '@tensorflow/tfjs';

export class WeightAverage {
  private sums: tf.Tensor[] | null = null;
  private added = 0;

  constructor(private readonly variables: readonly tf.Variable[]) {}

  /** How many moments the mean is over. */
  get count(): number {
    return this.added;
  }

  /** Adds the variables' current values to the mean. */
  add(): void {
    const sums = this.sums;
    const next = sums === null ? this.variables.map((v) => tf.clone(v)) : tf.tidy(() => sums.map((sum, i) => tf.add(sum, this.variables[i]!)));
    if (sums !== null) tf.dispose(sums);
    this.sums = next;
    this.added++;
  }

  /** Sets every variable to its mean over the moments added. */
  assign(): void {
    const sums = this.sums;
    if (sums === null) throw new Error('no weights were added to the average');
    tf.tidy(() => this.variables.forEach((v, i) => v.assign(tf.div(sums[i]!, this.added))));
  }

  dispose(): void {
    if (this.sums !== null) tf.dispose(this.sums);
    this.sums = null;
  }
}
