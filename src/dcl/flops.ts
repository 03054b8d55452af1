import * as tf from '@tensorflow/tfjs';

/**
 * FLOPs per call as differentiable functions of (continuous) widths, following the
 * counting conventions of the seed paper's author's profiler (listed in the README's method section).
 * Arguments are scalar tensors so gradients reach the learnable widths.
 */
type S = tf.Scalar;
const mul = (...xs: (S | number)[]): S => xs.reduce<S>((acc, x) => tf.mul(acc, x), tf.scalar(1));
const add = (a: S | number, b: S | number): S => tf.add(a, b);
const sub = (a: S | number, b: S | number): S => tf.sub(a, b);

export const ACTIVATION_FLOPS = { linear: 0, relu: 1, sigmoid: 3, tanh: 7, silu: 4 } as const;
export type Activation = keyof typeof ACTIVATION_FLOPS;

export function linearFlops(inW: S, outW: S): S {
  return mul(2, inW, outW);
}

/** Conv1d: 2·C_out·L_out·C_in·k / groups. */
export function conv1dFlops(cIn: S, cOut: S, kernel: number, lOut: number, groups = 1): S {
  return mul(2, cOut, lOut, cIn, kernel / groups);
}

/** One-layer GRU over T steps: 6·T·H·(H_in + H + 3.5). */
export function gruFlops(inW: S, hidden: S, steps: number): S {
  return mul(6, steps, hidden, add(add(inW, hidden), 3.5));
}

export function activationFlops(fn: Activation, elements: S): S {
  return mul(ACTIVATION_FLOPS[fn], elements);
}

/** LayerNorm over n features: 7n + 4. */
export function layerNormFlops(n: S): S {
  return add(mul(7, n), 4);
}

/** Softmax over n entries: 4n − 1. */
export function softmaxFlops(n: S): S {
  return sub(mul(4, n), 1);
}

/** Attention, per head: L·[2E(3E + 2L − 2) + 4L − 1]. */
export function attentionFlops(length: S, embed: S, heads: number): S {
  const inner = add(mul(2, embed, add(mul(3, embed), sub(mul(2, length), 2))), sub(mul(4, length), 1));
  return mul(heads, length, inner);
}

/** Mel filterbank per frame: (2·n_freq − 1)·n_mels. */
export function melFilterbankFlops(nFreq: number, nMels: S): S {
  return mul(2 * nFreq - 1, nMels);
}

/**
 * Attention per query frame over a context of L frames (a streaming, windowed attention):
 * the per-head attention formula for a block of L frames divided by L,
 * 2E(3E + 2L − 2) + 4L − 1 per head (Q/K/V projections, scores, softmax, weighted sum).
 */
export function windowedAttentionFlops(context: number, embed: S, heads: number): S {
  return tf.div(attentionFlops(tf.scalar(context), embed, heads), context);
}
