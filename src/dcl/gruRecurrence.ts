import * as tf from '@tensorflow/tfjs';
import { gateFactors, gateNoise } from './gate';
import { stopGradient } from './gradients';
import type { ApplyContext } from './layer';
import { isLearnable, type Width } from './width';

/**
 * The GRU's recurrence over time, everything that does not depend on the state already done
 * for the whole sequence (shapes: batch B, steps T, hidden H). Per step t, from zero state and
 * zero gated state:
 *   z|r = σ(inputZr_t + gated_{t−1}·kernelZr)
 *   n = tanh(inputN_t + r ⊙ (gated_{t−1}·kernelN + biasN))
 *   state_t = n + z ⊙ (state_{t−1} − n)
 *   gated_t = scale ⊙ state_t + noiseScale ⊙ σ_t ⊙ ν_t   (σ_t: std over the batch, no gradient)
 * Output: gated, [B, T, H].
 */
export interface Recurrence {
  inputZr: tf.Tensor3D; // [B, T, 2H], the recurrent z|r bias folded in
  inputN: tf.Tensor3D; // [B, T, H]
  kernelZr: tf.Tensor2D; // [H, 2H]
  kernelN: tf.Tensor2D; // [H, H]
  biasN: tf.Tensor1D; // [H]
  /** The width gate on the state; null for a fixed width (gated = state). */
  gate: StateGate | null;
}

export interface StateGate {
  scale: tf.Tensor1D;
  /** null where the gate injects no noise (infer mode, straight-through). */
  noise: { scale: tf.Tensor1D; nu: tf.Tensor3D } | null;
}

/** The gate of a GRU's state for one sequence: its factors computed once, its noise drawn for every step at once. */
export function recurrenceGate(width: Width, ctx: ApplyContext, shape: [number, number, number]): StateGate | null {
  if (!isLearnable(width)) return null;
  const { scale, noiseScale } = gateFactors(width, ctx.mode);
  if (!noiseScale) return { scale, noise: null };
  const nu = tf.tidy(() => tf.broadcastTo(gateNoise(shape, { ...ctx.gate, seed: ctx.nextSeed() }), shape)) as tf.Tensor3D;
  return { scale, noise: { scale: noiseScale, nu } };
}

/** The fused recurrence where tensors live in CPU memory (cpu, wasm); the tfjs loop on GPU backends. */
export function recurrenceFor(backend: string): (r: Recurrence) => tf.Tensor3D {
  return backend === 'cpu' || backend === 'wasm' ? fusedRecurrence : loopRecurrence;
}

/**
 * The recurrence as a tfjs loop over time: ~12 small kernels a step plus the gate's, forward
 * and again backward. Used on GPU backends, where reading the tensors back would stall.
 */
export function loopRecurrence({ inputZr, inputN, kernelZr, kernelN, biasN, gate }: Recurrence): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, steps, hidden] = inputN.shape;
    const zrSteps = tf.unstack(inputZr, 1) as tf.Tensor2D[];
    const nSteps = tf.unstack(inputN, 1) as tf.Tensor2D[];
    const nuSteps = gate?.noise ? (tf.unstack(gate.noise.nu, 1) as tf.Tensor2D[]) : [];
    const gateState = (state: tf.Tensor2D, t: number): tf.Tensor2D => {
      if (!gate) return state;
      const scaled = tf.mul(gate.scale, state) as tf.Tensor2D;
      if (!gate.noise) return scaled;
      // sqrt after the stop: its infinite slope at zero variance would turn 0 into NaN.
      const sigma = tf.sqrt(stopGradient(tf.moments(state, 0).variance));
      return tf.add(scaled, tf.mul(tf.mul(gate.noise.scale, sigma), nuSteps[t]));
    };
    let state: tf.Tensor2D = tf.zeros([batch, hidden]);
    let gated = state;
    const outputs: tf.Tensor2D[] = [];
    for (let t = 0; t < steps; t++) {
      const [z, r] = tf.split(tf.sigmoid(tf.add(zrSteps[t], tf.matMul(gated, kernelZr))), 2, 1);
      const n = tf.tanh(tf.add(nSteps[t], tf.mul(r, tf.add(tf.matMul(gated, kernelN), biasN))));
      state = tf.add(n, tf.mul(z, tf.sub(state, n)));
      gated = gateState(state, t);
      outputs.push(gated);
    }
    return tf.stack(outputs, 1) as tf.Tensor3D;
  });
}

/**
 * The recurrence as one op whose forward and backward (through time) run as plain loops over
 * the typed arrays: on cpu and wasm the loop's thousands of tiny kernels cost far more than
 * their arithmetic, and reading a tensor there is a copy, not a GPU stall.
 */
export function fusedRecurrence({ inputZr, inputN, kernelZr, kernelN, biasN, gate }: Recurrence): tf.Tensor3D {
  return tf.tidy(() => {
    const hidden = biasN.shape[0];
    const scale = gate?.scale ?? tf.ones([hidden]);
    const noiseScale = gate?.noise?.scale ?? tf.zeros([hidden]);
    const nu = gate?.noise?.nu ?? tf.zeros(inputN.shape);
    return fusedOp(inputZr, inputN, kernelZr, kernelN, biasN, scale, noiseScale, nu) as tf.Tensor3D;
  });
}

interface Sizes {
  batch: number;
  steps: number;
  hidden: number;
}

/** Typed-array views of the op's inputs, in the order the op takes them. */
interface Arrays {
  inputZr: Float32Array;
  inputN: Float32Array;
  kernelZr: Float32Array;
  kernelN: Float32Array;
  biasN: Float32Array;
  scale: Float32Array;
  noiseScale: Float32Array;
  nu: Float32Array;
}

/** What the backward pass reads from the forward one, each [B, T, H] except sigma [T, H]. */
interface Trace {
  z: Float32Array;
  r: Float32Array;
  n: Float32Array;
  /** gated_{t−1}·kernelN + biasN, the part the reset gate multiplies. */
  recurrentN: Float32Array;
  state: Float32Array;
  gated: Float32Array;
  sigma: Float32Array;
}

/** Row-major [B, T, W] index of element (b, t, 0). */
const at = (b: number, t: number, sizes: Sizes, width: number) => (b * sizes.steps + t) * width;

export function recurrenceForward(sizes: Sizes, x: Arrays): Trace {
  const { batch, steps, hidden: h } = sizes;
  const size = batch * steps * h;
  const trace: Trace = {
    z: new Float32Array(size),
    r: new Float32Array(size),
    n: new Float32Array(size),
    recurrentN: new Float32Array(size),
    state: new Float32Array(size),
    gated: new Float32Array(size),
    sigma: new Float32Array(steps * h),
  };
  const { z, r, n, recurrentN, state, gated, sigma } = trace;
  const zr = new Float64Array(2 * h);
  const rn = new Float64Array(h);
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batch; b++) {
      const row = at(b, t, sizes, h);
      const prev = row - h; // the same sequence's step t − 1 (only read when t > 0)
      zr.set(x.inputZr.subarray(at(b, t, sizes, 2 * h), at(b, t, sizes, 2 * h) + 2 * h));
      rn.set(x.biasN);
      for (let i = 0; t > 0 && i < h; i++) {
        const g = gated[prev + i];
        for (let j = 0; j < 2 * h; j++) zr[j] += g * x.kernelZr[i * 2 * h + j];
        for (let j = 0; j < h; j++) rn[j] += g * x.kernelN[i * h + j];
      }
      for (let j = 0; j < h; j++) {
        const zj = 1 / (1 + Math.exp(-zr[j]));
        const rj = 1 / (1 + Math.exp(-zr[h + j]));
        const nj = Math.tanh(x.inputN[row + j] + rj * rn[j]);
        const before = t > 0 ? state[prev + j] : 0;
        z[row + j] = zj;
        r[row + j] = rj;
        n[row + j] = nj;
        recurrentN[row + j] = rn[j];
        state[row + j] = nj + zj * (before - nj);
      }
    }
    // σ_t per unit over the batch (population std, as tf.moments), then the gate.
    for (let j = 0; j < h; j++) {
      let mean = 0;
      for (let b = 0; b < batch; b++) mean += state[at(b, t, sizes, h) + j];
      mean /= batch;
      let variance = 0;
      for (let b = 0; b < batch; b++) variance += (state[at(b, t, sizes, h) + j] - mean) ** 2;
      sigma[t * h + j] = Math.sqrt(variance / batch);
      for (let b = 0; b < batch; b++) {
        const k = at(b, t, sizes, h) + j;
        gated[k] = x.scale[j] * state[k] + x.noiseScale[j] * sigma[t * h + j] * x.nu[k];
      }
    }
  }
  return trace;
}

/** Gradients of every input but ν (which has none), by backpropagation through time from dL/dgated. */
export function recurrenceBackward(sizes: Sizes, x: Arrays, trace: Trace, dGated: Float32Array): Omit<Arrays, 'nu'> {
  const { batch, steps, hidden: h } = sizes;
  const { z, r, n, recurrentN, state, gated, sigma } = trace;
  const grads = {
    inputZr: new Float32Array(batch * steps * 2 * h),
    inputN: new Float32Array(batch * steps * h),
  };
  const kernelZr = new Float64Array(h * 2 * h);
  const kernelN = new Float64Array(h * h);
  const biasN = new Float64Array(h);
  const scale = new Float64Array(h);
  const noiseScale = new Float64Array(h);
  // Gradients reaching step t from step t + 1: through gated_t (the recurrent matmuls) and through state_t (z ⊙ state_t).
  const carryGated = new Float64Array(batch * h);
  const carryState = new Float64Array(batch * h);
  const dzr = new Float64Array(2 * h); // dL/d(pre-activation z|r)
  const dRecurrentN = new Float64Array(h);
  for (let t = steps - 1; t >= 0; t--) {
    for (let b = 0; b < batch; b++) {
      const row = at(b, t, sizes, h);
      const prev = row - h;
      for (let j = 0; j < h; j++) {
        const k = row + j;
        const dg = dGated[k] + carryGated[b * h + j];
        scale[j] += dg * state[k];
        noiseScale[j] += dg * sigma[t * h + j] * x.nu[k];
        const ds = carryState[b * h + j] + dg * x.scale[j];
        const [zj, rj, nj] = [z[k], r[k], n[k]];
        const before = t > 0 ? state[prev + j] : 0;
        carryState[b * h + j] = ds * zj;
        const dPreN = ds * (1 - zj) * (1 - nj * nj);
        grads.inputN[k] = dPreN;
        dRecurrentN[j] = dPreN * rj;
        biasN[j] += dPreN * rj;
        dzr[j] = ds * (before - nj) * zj * (1 - zj);
        dzr[h + j] = dPreN * recurrentN[k] * rj * (1 - rj);
      }
      grads.inputZr.set(dzr, at(b, t, sizes, 2 * h));
      for (let i = 0; i < h; i++) {
        const g = t > 0 ? gated[prev + i] : 0;
        let back = 0;
        for (let j = 0; j < 2 * h; j++) {
          kernelZr[i * 2 * h + j] += g * dzr[j];
          back += dzr[j] * x.kernelZr[i * 2 * h + j];
        }
        for (let j = 0; j < h; j++) {
          kernelN[i * h + j] += g * dRecurrentN[j];
          back += dRecurrentN[j] * x.kernelN[i * h + j];
        }
        carryGated[b * h + i] = back;
      }
    }
  }
  const f32 = (a: Float64Array) => Float32Array.from(a);
  return { ...grads, kernelZr: f32(kernelZr), kernelN: f32(kernelN), biasN: f32(biasN), scale: f32(scale), noiseScale: f32(noiseScale) };
}

const fusedOp = tf.customGrad(((...args: unknown[]) => {
  const inputs = args.slice(0, 8) as tf.Tensor[];
  const [batch, steps, hidden] = inputs[1].shape;
  const sizes = { batch, steps, hidden };
  const names = ['inputZr', 'inputN', 'kernelZr', 'kernelN', 'biasN', 'scale', 'noiseScale', 'nu'] as const;
  const arrays = Object.fromEntries(names.map((name, i) => [name, inputs[i].dataSync() as Float32Array])) as unknown as Arrays;
  const trace = recurrenceForward(sizes, arrays);
  return {
    value: tf.tensor3d(trace.gated, [batch, steps, hidden]),
    gradFunc: (dy: tf.Tensor) => {
      const grads = recurrenceBackward(sizes, arrays, trace, dy.dataSync() as Float32Array);
      return [...names.slice(0, 7).map((name, i) => tf.tensor(grads[name as Exclude<typeof name, 'nu'>], inputs[i].shape)), tf.zerosLike(inputs[7])];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: tf.Tensor[]) => tf.Tensor;
