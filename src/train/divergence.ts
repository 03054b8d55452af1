/**
 * When a run has diverged, and the weights to fall back on.
 *
 * A step is bad when its loss or a gradient is not finite, or when its task loss exceeds
 * DIVERGENCE_FACTOR × the run's first task loss (the loss of the starting weights, before
 * any update: an exploding run is above it from its second step on, so an "early median"
 * over several steps could already include the explosion). A run has diverged after
 * DIVERGENCE_PATIENCE bad steps in a row: one odd batch or one skipped NaN step is not
 * divergence, five in a row is. Task loss, not the total: the complexity term is bounded by α.
 */
import * as tf from '@tensorflow/tfjs';

export const DIVERGENCE_FACTOR = 1e3;
export const DIVERGENCE_PATIENCE = 5;

export interface Divergence {
  /** The step at which the run was declared diverged. */
  step: number;
  reason: string;
}

export class DivergenceWatch {
  private reference: number | null = null;
  private streak = 0;
  private firstBad = '';

  /** Takes one step's outcome; true when this step's loss is good (its starting weights are worth keeping). */
  observe(taskLoss: number, finite: boolean): boolean {
    const nonFinite = !finite || !Number.isFinite(taskLoss);
    if (!nonFinite && this.reference === null) this.reference = taskLoss;
    const exploded = !nonFinite && this.reference !== null && taskLoss > DIVERGENCE_FACTOR * this.reference;
    if (!nonFinite && !exploded) {
      this.streak = 0;
      return true;
    }
    if (this.streak === 0) {
      this.firstBad = nonFinite
        ? 'the loss or a gradient was not finite (NaN or ∞)'
        : `the task loss ${taskLoss.toPrecision(3)} exceeded ${DIVERGENCE_FACTOR}× the starting loss ${this.reference!.toPrecision(3)}`;
    }
    this.streak++;
    return false;
  }

  /** Why the run has diverged, or null while it has not. */
  verdict(step: number): Divergence | null {
    if (this.streak < DIVERGENCE_PATIENCE) return null;
    return { step, reason: `${this.streak} steps in a row were bad; from step ${step - this.streak + 1} on, ${this.firstBad}` };
  }
}

/**
 * The weights and widths of one moment, kept without copying: a clone shares its variable's
 * data, and an optimizer's assign gives the variable new data, so the clone keeps the old.
 */
export class WeightSnapshot {
  private constructor(
    private readonly variables: readonly tf.Variable[],
    private readonly values: readonly tf.Tensor[],
  ) {}

  static take(variables: readonly tf.Variable[]): WeightSnapshot {
    return new WeightSnapshot(variables, variables.map((variable) => tf.clone(variable)));
  }

  restore(): void {
    this.variables.forEach((variable, i) => variable.assign(this.values[i]!));
  }

  dispose(): void {
    tf.dispose([...this.values]);
  }
}
