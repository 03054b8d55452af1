import * as tf from '@tensorflow/tfjs';

/** Clamp for the square roots' gradients: d√a/da is infinite at a = 0. */
export const SQRT_EPSILON = 1e-6;

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

/** tfjs has no stopGradient: identity forward, zero gradient backward. */
export const stopGradient = unaryWithGrad(
  (x) => tf.clone(x),
  (dy) => tf.zerosLike(dy),
);

/**
 * √a with an exact forward value and a gradient evaluated at max(a, ε), so
 * units that are exactly on or off stay exact while gradients stay finite.
 */
export const safeSqrt = unaryWithGrad(
  (a) => tf.sqrt(tf.relu(a)),
  (dy, a) => tf.div(dy, tf.mul(2, tf.sqrt(tf.maximum(a, SQRT_EPSILON)))),
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
