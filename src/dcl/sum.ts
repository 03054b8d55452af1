import * as tf from '@tensorflow/tfjs';

/**
 * Most inputs one tf.addN gets. tfjs-backend-webgpu 4.22 binds every input of AddN, plus its
 * output, as a storage buffer of one shader and does not split a long list (its Concat does).
 * WebGPU guarantees only 8 storage buffers per shader stage, and software adapters such as
 * SwiftShader have exactly that: an addN of 8 or more tensors fails validation there, and its
 * output, and every read-back after it, is garbage or zeros. The transformer's complexity
 * sums 8 layers, which is how WebGPU came to read its FLOP/s as 0, 1.04 k or 1.84 G (issue 9).
 */
export const MAX_ADDN_INPUTS = 4;

/** Σ tensors (same shape), as tf.addN in groups of at most MAX_ADDN_INPUTS. */
export function sumAll(tensors: readonly tf.Tensor[]): tf.Tensor {
  if (tensors.length === 0) throw new Error('sumAll: nothing to add');
  return tf.tidy(() => {
    let level = [...tensors];
    while (level.length > 1) {
      const next: tf.Tensor[] = [];
      for (let i = 0; i < level.length; i += MAX_ADDN_INPUTS) {
        const group = level.slice(i, i + MAX_ADDN_INPUTS);
        next.push(group.length === 1 ? group[0]! : tf.addN(group));
      }
      level = next;
    }
    return tf.clone(level[0]!);
  });
}
