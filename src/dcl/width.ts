import * as tf from '@tensorflow/tfjs';
import { rampActivity, straightThroughMask } from './gradients';

/** A layer width: either fixed, or learnable through its continuous value K. */
export interface Width {
  readonly name: string;
  /** Number of units at full width (N). */
  readonly full: number;
  /** Continuous width K as a scalar tensor (differentiable for learnable widths). */
  continuous(): tf.Scalar;
}

export class FixedWidth implements Width {
  constructor(
    readonly name: string,
    readonly full: number,
  ) {
    if (!Number.isInteger(full) || full < 1) throw new Error(`width ${name}: full size must be a positive integer, got ${full}`);
  }
  continuous(): tf.Scalar {
    return tf.scalar(this.full);
  }
}

/**
 * How a learnable width reaches the loss:
 * 'noise': the seed paper's feature-noise injection (arXiv 2601.13704);
 * 'straightThrough': baseline, a hard mask at round(K) forward, the soft ramp's
 * gradient backward (our stand-in for the paper's undefined "SG" comparison).
 */
export type WidthMethod = 'noise' | 'straightThrough';

/**
 * A learnable width K = κ·N with κ ∈ [κ_min, 1].
 * κ is stored (not K) so one learning rate suits layers of any size.
 */
export class LearnableWidth implements Width {
  readonly kappa: tf.Variable<tf.Rank.R0>;
  private readonly unitIndex: tf.Tensor1D;

  constructor(
    readonly name: string,
    readonly full: number,
    public kappaMin = 1 / full,
    initialKappa = 1,
    readonly method: WidthMethod = 'noise',
  ) {
    if (!Number.isInteger(full) || full < 1) throw new Error(`width ${name}: full size must be a positive integer, got ${full}`);
    checkKappaMin(name, kappaMin);
    const initial = tf.scalar(clamp(initialKappa, kappaMin, 1));
    this.kappa = tf.variable(initial, true, `kappa_${name}_${nextId++}`);
    initial.dispose();
    this.unitIndex = tf.range(0, full, 1, 'float32') as tf.Tensor1D;
  }

  continuous(): tf.Scalar {
    return tf.mul(this.kappa, this.full);
  }

  /** Per-unit activity a_i = clip(K − i, 0, 1): units below ⌊K⌋ on, one boundary unit partly on. */
  activity(): tf.Tensor1D {
    return tf.tidy(() => rampActivity(tf.sub(this.continuous(), this.unitIndex)) as tf.Tensor1D);
  }

  /** Hard mask of the units a straight-through width keeps (K − i ≥ ½), with the ramp's gradient. */
  hardMask(): tf.Tensor1D {
    return tf.tidy(() => straightThroughMask(tf.sub(this.continuous(), this.unitIndex)) as tf.Tensor1D);
  }

  /**
   * Per-unit factor of the deployed (noise-free) model at width K: √a, or the hard mask for
   * straight-through. Computed in float32 arithmetic like the tensor ops, without a GPU read.
   */
  inferenceScale(units: number = this.value()): Float32Array {
    const scale = new Float32Array(this.full);
    for (let i = 0; i < this.full; i++) {
      const d = Math.fround(units - i);
      scale[i] = this.method === 'noise' ? Math.sqrt(Math.min(1, Math.max(0, d))) : d >= 0.5 ? 1 : 0;
    }
    return scale;
  }

  /** Current K as a plain number (as float32 computes it). Synchronous: CPU-side backends and tests. */
  value(): number {
    return unitsOf(this, this.kappa.dataSync()[0]);
  }

  /** Project κ back into [κ_min, 1]; called after every optimizer step. */
  project(): void {
    tf.tidy(() => this.kappa.assign(tf.clipByValue(this.kappa, this.kappaMin, 1)));
  }

  setKappaMin(kappaMin: number): void {
    checkKappaMin(this.name, kappaMin);
    this.kappaMin = kappaMin;
    this.project();
  }

  /**
   * Set K to exactly `units` in float32 (κ·N must round to the integer, or a
   * sliver of the next unit would stay on).
   */
  setUnits(units: number): void {
    if (units < 0 || units > this.full) throw new Error(`width ${this.name}: ${units} units outside [0, ${this.full}]`);
    this.setKappa(exactKappa(units, this.full));
  }

  setKappa(kappa: number): void {
    // assign() shares the new value's data but leaves the tensor itself to its owner.
    tf.tidy(() => this.kappa.assign(tf.scalar(kappa)));
  }

  dispose(): void {
    this.kappa.dispose();
    this.unitIndex.dispose();
  }
}

let nextId = 0;

/** K = κ·N in float32, as the tensor ops compute it. */
export function unitsOf(width: LearnableWidth, kappa: number): number {
  return Math.fround(kappa * width.full);
}

/**
 * K of every width with one asynchronous read: `dataSync` stalls the GPU pipeline, and on
 * some WebGPU adapters (SwiftShader in headless Chromium) it even reads back zeros.
 */
export async function readUnits(widths: readonly LearnableWidth[]): Promise<number[]> {
  if (widths.length === 0) return [];
  const stacked = tf.stack(widths.map((w) => w.kappa));
  const kappas = await stacked.data();
  stacked.dispose();
  return widths.map((w, i) => unitsOf(w, kappas[i]));
}

function checkKappaMin(name: string, kappaMin: number): void {
  if (!(kappaMin > 0 && kappaMin <= 1)) throw new Error(`width ${name}: κ_min must be in (0, 1], got ${kappaMin}`);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** The float32 κ whose float32 product with N is exactly `units`. */
export function exactKappa(units: number, full: number): number {
  let kappa = Math.fround(units / full);
  const step = (dir: 1 | -1) => {
    const buf = new Float32Array([kappa]);
    const bits = new Int32Array(buf.buffer);
    bits[0] += kappa > 0 ? dir : -dir;
    kappa = buf[0];
  };
  for (let i = 0; i < 8 && Math.fround(kappa * full) > units; i++) step(-1);
  for (let i = 0; i < 8 && Math.fround(kappa * full) < units; i++) step(1);
  return kappa;
}

export function isLearnable(width: Width): width is LearnableWidth {
  return width instanceof LearnableWidth;
}
