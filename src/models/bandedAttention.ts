import * as tf from '@tensorflow/tfjs';
import { runsOnCpu } from '../protocol';

/**
 * One-head causal attention over a band of `context` frames (each frame sees itself and the
 * context − 1 before it): out_t = Σ_s softmax_s(scale · q_t·k_s) v_s over s in (t − context, t].
 * Shapes [batch, steps, embed] for q, k, v and the output.
 *
 * On cpu and wasm it runs as one fused op, forward and backward as TypeScript loops over the
 * band only: tfjs-wasm's batched 3-D matmuls, which the T × T form needs, run at a fraction of
 * its 2-D matmul speed, and the band is a sixth of T × T for 1 s at 100 frames/s. GPU backends
 * keep the T × T scores under a band mask.
 */
export function bandedAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, context: number, scale: number): tf.Tensor3D {
  return runsOnCpu(tf.getBackend()) ? fusedBandedAttention(q, k, v, context, scale) : maskedAttention(q, k, v, context, scale);
}

/** The T × T form: scores under a band mask, softmax, mix. */
export function maskedAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, context: number, scale: number): tf.Tensor3D {
  return tf.tidy(() => {
    const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), scale), bandMask(q.shape[1], context));
    return tf.matMul(tf.softmax(scores), v) as tf.Tensor3D;
  });
}

function bandMask(steps: number, context: number): tf.Tensor2D {
  const mask = new Float32Array(steps * steps).fill(-1e9);
  for (let t = 0; t < steps; t++) for (let s = Math.max(0, t - context + 1); s <= t; s++) mask[t * steps + s] = 0;
  return tf.tensor2d(mask, [steps, steps]);
}

interface Sizes {
  batch: number;
  steps: number;
  embed: number;
  context: number;
  scale: number;
}

/**
 * Forward pass. probabilities[(b·T + t)·C + j] is the weight of frame s = t − C + 1 + j
 * (zero where s < 0), kept for the backward pass.
 */
function forward({ batch, steps, embed, context, scale }: Sizes, q: Float32Array, k: Float32Array, v: Float32Array) {
  const out = new Float32Array(batch * steps * embed);
  const probabilities = new Float32Array(batch * steps * context);
  const scores = new Float64Array(context);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < steps; t++) {
      const row = (b * steps + t) * embed;
      const first = Math.max(0, t - context + 1);
      const j0 = first - (t - context + 1);
      let max = -Infinity;
      for (let j = j0; j < context; j++) {
        const col = (b * steps + t - context + 1 + j) * embed;
        let dot = 0;
        for (let e = 0; e < embed; e++) dot += q[row + e] * k[col + e];
        scores[j] = dot * scale;
        if (scores[j] > max) max = scores[j];
      }
      let sum = 0;
      for (let j = j0; j < context; j++) {
        scores[j] = Math.exp(scores[j] - max);
        sum += scores[j];
      }
      const p = (b * steps + t) * context;
      for (let j = j0; j < context; j++) {
        const weight = scores[j] / sum;
        probabilities[p + j] = weight;
        const col = (b * steps + t - context + 1 + j) * embed;
        for (let e = 0; e < embed; e++) out[row + e] += weight * v[col + e];
      }
    }
  }
  return { out, probabilities };
}

/** Backward pass: dq, dk, dv from the output's gradient dy and the forward pass's weights. */
function backward({ batch, steps, embed, context, scale }: Sizes, q: Float32Array, k: Float32Array, v: Float32Array, probabilities: Float32Array, dy: Float32Array) {
  const [dq, dk, dv] = [0, 1, 2].map(() => new Float32Array(batch * steps * embed));
  const dp = new Float64Array(context);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < steps; t++) {
      const row = (b * steps + t) * embed;
      const j0 = Math.max(0, t - context + 1) - (t - context + 1);
      const p = (b * steps + t) * context;
      // dL/dp_j = dy_t·v_s, and dv_s += p_j dy_t.
      let mean = 0;
      for (let j = j0; j < context; j++) {
        const col = (b * steps + t - context + 1 + j) * embed;
        const weight = probabilities[p + j];
        let dot = 0;
        for (let e = 0; e < embed; e++) {
          dot += dy[row + e] * v[col + e];
          dv[col + e] += weight * dy[row + e];
        }
        dp[j] = dot;
        mean += weight * dot;
      }
      // Softmax: dL/dscore_j = p_j (dp_j − Σ p dp); the score is scale · q_t·k_s.
      for (let j = j0; j < context; j++) {
        const g = scale * probabilities[p + j] * (dp[j] - mean);
        const col = (b * steps + t - context + 1 + j) * embed;
        for (let e = 0; e < embed; e++) {
          dq[row + e] += g * k[col + e];
          dk[col + e] += g * q[row + e];
        }
      }
    }
  }
  return { dq, dk, dv };
}

function fusedBandedAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, context: number, scale: number): tf.Tensor3D {
  const [batch, steps, embed] = q.shape;
  for (const [name, x] of [['k', k], ['v', v]] as const) {
    if (x.shape.join() !== q.shape.join()) throw new Error(`bandedAttention: ${name} has shape [${x.shape}], q has [${q.shape}]`);
  }
  const sizes: Sizes = { batch, steps, embed, context, scale };
  const op = tf.customGrad(((qIn: tf.Tensor, kIn: tf.Tensor, vIn: tf.Tensor) => {
    const [qa, ka, va] = [qIn, kIn, vIn].map((x) => x.dataSync() as Float32Array);
    const { out, probabilities } = forward(sizes, qa, ka, va);
    return {
      value: tf.tensor3d(out, [batch, steps, embed]),
      gradFunc: (dy: tf.Tensor) => {
        const { dq, dk, dv } = backward(sizes, qa, ka, va, probabilities, dy.dataSync() as Float32Array);
        return [dq, dk, dv].map((g) => tf.tensor3d(g, [batch, steps, embed]));
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.Tensor;
  return op(q, k, v) as tf.Tensor3D;
}
