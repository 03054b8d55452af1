import * as tf from '@tensorflow/tfjs';
import { FixedWidth, LearnableWidth, type Width } from '../dcl/width';

/**
 * How one named width of a model is built: learned (a DCL with κ ∈ [κ_min, 1], starting at
 * full width unless told otherwise) or fixed at a number of units (the uniform-width
 * baseline: the same architecture trained from scratch at a smaller size).
 */
export type WidthSpec = { kind: 'learn'; kappaMin: number; initialKappa?: number } | { kind: 'fixed'; units: number };

export type WidthSpecs<Name extends string> = Record<Name, WidthSpec>;

/** The Width a spec describes; `full` is the family's full size for that name. */
export function makeWidth(name: string, full: number, spec: WidthSpec): Width {
  if (spec.kind === 'learn') return new LearnableWidth(name, full, spec.kappaMin, spec.initialKappa ?? 1);
  if (!Number.isInteger(spec.units) || spec.units < 1 || spec.units > full) {
    throw new Error(`width ${name}: fixed size must be an integer in [1, ${full}], got ${spec.units}`);
  }
  return new FixedWidth(name, spec.units);
}

/** Every width learned with the same lower bound κ_min. */
export function learnAll<Name extends string>(names: readonly Name[], kappaMin: number): WidthSpecs<Name> {
  return Object.fromEntries(names.map((n) => [n, { kind: 'learn', kappaMin }])) as WidthSpecs<Name>;
}

/** Every width fixed at the given sizes (the uniform-width baseline). */
export function fixedAt<Name extends string>(sizes: Record<Name, number>): WidthSpecs<Name> {
  const entries = Object.entries(sizes) as [Name, number][];
  return Object.fromEntries(entries.map(([n, units]) => [n, { kind: 'fixed', units }])) as WidthSpecs<Name>;
}

/** Every width fixed at round(fraction · full), at least 1 unit. */
export function uniformFraction<Name extends string>(fullSizes: Record<Name, number>, fraction: number): WidthSpecs<Name> {
  const entries = Object.entries(fullSizes) as [Name, number][];
  return fixedAt(Object.fromEntries(entries.map(([n, full]) => [n, Math.max(1, Math.min(full, Math.round(fraction * full)))])) as Record<Name, number>);
}

/**
 * Frame-level binary cross-entropy of speech probabilities [batch, frames, 1] against
 * 0/1 labels of the same shape (probabilities clipped to [1e-7, 1 − 1e-7]).
 */
export function frameBinaryCrossEntropy(probability: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.losses.logLoss(target, probability) as tf.Scalar;
}
