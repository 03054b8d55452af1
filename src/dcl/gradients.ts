import * as tf from '@tensorflow/tfjs';

/**
 * Where the square roots' gradients are evaluated at the latest: d√a/da is infinite at a = 0,
 * and a unit sits exactly at a = 0 (or a = 1) whenever K is a whole number, which the κ_min
 * projection makes common. A clamp at 1e-2 caps the slope at 5 (a hair from the edge it is
 * the same), so the width gradient has the same size on both sides of a whole width instead of
 * spiking there; inside [ε, 1 − ε] the gradient is exact.
 */
export const SQRT_EPSILON = 0.1;

/** A one-input op with a hand-written gradient (tf.customGrad with its variadic typing pinned down). */
function unaryWithGrad(
  forward: (x: tf.Tensor) => tf.Tensor,
  backward: (dy: tf.Tensor, x: tf.Tensor) => tf.Tensor,
): (x: tf.Tensor) => tf.Tensor {
  const op = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    return { value: forward(x), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => backward(dy, saved[0]) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (x) => op(x);
}

/**
 * `compute`'s value as a constant of the gradient tape. tfjs has no stopGradient; a custom
 * gradient returning zeros would still have backpropagation run the gradients of every op
 * behind it (for a gate's σ, full-size passes through the moments) only to add zeros. Here the
 * ops run inside the forward of a custom gradient with no inputs, which the tape does not
 * record: nothing behind the value is ever differentiated.
 */
export function withoutGradient<T extends tf.Tensor>(compute: () => T): T {
  const op = tf.customGrad((() => ({
    value: compute(),
    gradFunc: () => {
      throw new Error('withoutGradient: a constant has no gradient to take');
    },
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (op as unknown as () => T)();
}

/**
 * √a with an exact forward value and a gradient evaluated at max(a, ε), so
 * units that are exactly on or off stay exact while gradients stay finite.
 */
export const safeSqrt = unaryWithGrad(
  (a) => tf.sqrt(tf.relu(a)),
  (dy, a) => tf.div(dy, tf.mul(2, tf.sqrt(tf.maximum(a, SQRT_EPSILON)))),
);

/**
 * Unit activity a = clip(d, 0, 1) from d_i = K − i. Its gradient passes on [0, 1), not on the
 * closed interval: at a whole K = n only unit n (just off) carries dL/dK, asking whether turning
 * it on would help, instead of units n − 1 and n both answering at once. At K = N no unit is at
 * d ∈ [0, 1), so the full width feels no task gradient: with α = 0 nothing pulls it down.
 */
export const rampActivity = unaryWithGrad(
  (d) => tf.clipByValue(d, 0, 1),
  (dy, d) => tf.mul(dy, tf.cast(tf.logicalAnd(tf.greaterEqual(d, 0), tf.less(d, 1)), 'float32')),
);

/** Mask of units with a > 0; built inside a custom gradient because comparison ops have none. */
export const activeMask = unaryWithGrad(
  (a) => tf.cast(tf.greater(a, 0), 'float32'),
  (dy) => tf.zerosLike(dy),
);

/**
 * Straight-through unit mask from d_i = K − i: forward the hard mask d ≥ ½ (units below
 * round(K)); backward the gradient of the soft ramp clip(d, 0, 1).
 */
export const straightThroughMask = unaryWithGrad(
  (d) => tf.cast(tf.greaterEqual(d, 0.5), 'float32'),
  (dy, d) => tf.mul(dy, tf.cast(tf.logicalAnd(tf.greaterEqual(d, 0), tf.lessEqual(d, 1)), 'float32')),
);
