import * as tf from '@tensorflow/tfjs';

/**
 * a·b for 2-D tensors, with the same value and gradient as tf.matMul but a backward pass that
 * is fast on tfjs wasm. tf.matMul's gradient multiplies with transpose flags (dy·bᵀ, aᵀ·dy),
 * and tfjs-backend-wasm 4.22 runs a flagged matmul on a slow path: for [1600, 80] operands
 * (a VAD batch of 16 × 100 frames) 7–14× slower than transposing first and multiplying plainly
 * (`npm run bench` prints the ratio). So on wasm the gradient transposes explicitly; on the
 * other backends it keeps the flags, which their kernels handle natively.
 */
export function matMul2d(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return op(a, b) as tf.Tensor2D;
}

const op = tf.customGrad(((a: tf.Tensor2D, b: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor2D, [x, y]: tf.Tensor2D[]) =>
      tf.getBackend() === 'wasm'
        ? [tf.matMul(dy, tf.transpose(y)), tf.matMul(tf.transpose(x), dy)]
        : [tf.matMul(dy, y, false, true), tf.matMul(x, dy, true, false)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
