import * as tf from '@tensorflow/tfjs';
import { gateFactors, gateNoise, unitStd } from './gate';
import type { ApplyContext } from './layer';
import { isLearnable, type Width } from './width';
import { runsOnCpu } from '../protocol';

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
  return runsOnCpu(backend) ? fusedRecurrence : loopRecurrence;
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
      const sigma = unitStd(state, [0]);
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

/** What recurrenceBackward returns: dL/d of the inputs it names, and of gated_{t−1}·kernelN + biasN per row ([B, T, H]). */
interface RecurrenceGradients {
  inputZr: Float32Array;
  inputN: Float32Array;
  recurrentN: Float32Array;
  biasN: Float32Array;
  scale: Float32Array;
  noiseScale: Float32Array;
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
  // Locals rather than property reads in the inner loops (V8 keeps them in registers).
  const { z, r, n, recurrentN, state, gated, sigma } = trace;
  const { inputZr, inputN, kernelZr, kernelN, biasN, scale, noiseScale, nu } = x;
  const h2 = 2 * h;
  const zr = new Float64Array(h2);
  const rn = new Float64Array(h);
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batch; b++) {
      const row = at(b, t, sizes, h);
      const prev = row - h; // the same sequence's step t − 1 (only read when t > 0)
      const rowZr = at(b, t, sizes, h2);
      for (let j = 0; j < h2; j++) zr[j] = inputZr[rowZr + j];
      for (let j = 0; j < h; j++) rn[j] = biasN[j];
      for (let i = 0; t > 0 && i < h; i++) {
        const g = gated[prev + i];
        const kZr = i * h2;
        const kN = i * h;
        for (let j = 0; j < h2; j++) zr[j] += g * kernelZr[kZr + j];
        for (let j = 0; j < h; j++) rn[j] += g * kernelN[kN + j];
      }
      for (let j = 0; j < h; j++) {
        const zj = 1 / (1 + Math.exp(-zr[j]));
        const rj = 1 / (1 + Math.exp(-zr[h + j]));
        const nj = Math.tanh(inputN[row + j] + rj * rn[j]);
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
      const sd = Math.sqrt(variance / batch);
      sigma[t * h + j] = sd;
      for (let b = 0; b < batch; b++) {
        const k = at(b, t, sizes, h) + j;
        gated[k] = scale[j] * state[k] + noiseScale[j] * sd * nu[k];
      }
    }
  }
  return trace;
}

/**
 * Gradients by backpropagation through time from dL/dgated: of every input but ν (which has
 * none) and the recurrent kernels, whose gradients need no step order: they are
 * previousGatedᵀ·inputZr and previousGatedᵀ·recurrentN over all rows, one matmul each (the
 * wrapper below runs them on the backend's matmul kernel).
 */
export function recurrenceBackward(sizes: Sizes, x: Arrays, trace: Trace, dGated: Float32Array): RecurrenceGradients {
  const { batch, steps, hidden: h } = sizes;
  const h2 = 2 * h;
  const { z, r, n, recurrentN, state, sigma } = trace;
  const { kernelZr, kernelN, scale, nu } = x;
  const dInputZr = new Float32Array(batch * steps * h2);
  const dInputN = new Float32Array(batch * steps * h);
  const dRecurrentN = new Float32Array(batch * steps * h);
  const dBiasN = new Float64Array(h);
  const dScale = new Float64Array(h);
  const dNoiseScale = new Float64Array(h);
  // Gradients reaching step t from step t + 1: through gated_t (the recurrent matmuls) and through state_t (z ⊙ state_t).
  const carryGated = new Float64Array(batch * h);
  const carryState = new Float64Array(batch * h);
  const dzr = new Float64Array(h2); // dL/d(pre-activation z|r)
  const dRn = new Float64Array(h);
  for (let t = steps - 1; t >= 0; t--) {
    for (let b = 0; b < batch; b++) {
      const row = at(b, t, sizes, h);
      const prev = row - h;
      const carry = b * h;
      for (let j = 0; j < h; j++) {
        const k = row + j;
        const dg = dGated[k] + carryGated[carry + j];
        dScale[j] += dg * state[k];
        dNoiseScale[j] += dg * sigma[t * h + j] * nu[k];
        const ds = carryState[carry + j] + dg * scale[j];
        const zj = z[k];
        const rj = r[k];
        const nj = n[k];
        const before = t > 0 ? state[prev + j] : 0;
        carryState[carry + j] = ds * zj;
        const dPreN = ds * (1 - zj) * (1 - nj * nj);
        dInputN[k] = dPreN;
        dRn[j] = dPreN * rj;
        dRecurrentN[k] = dRn[j];
        dBiasN[j] += dRn[j];
        dzr[j] = ds * (before - nj) * zj * (1 - zj);
        dzr[h + j] = dPreN * recurrentN[k] * rj * (1 - rj);
      }
      const rowZr = at(b, t, sizes, h2);
      for (let j = 0; j < h2; j++) dInputZr[rowZr + j] = dzr[j];
      for (let i = 0; i < h; i++) {
        const kZr = i * h2;
        const kN = i * h;
        let back = 0;
        for (let j = 0; j < h2; j++) back += dzr[j] * kernelZr[kZr + j];
        for (let j = 0; j < h; j++) back += dRn[j] * kernelN[kN + j];
        carryGated[carry + i] = back;
      }
    }
  }
  const f32 = (a: Float64Array) => Float32Array.from(a);
  return {
    inputZr: dInputZr,
    inputN: dInputN,
    recurrentN: dRecurrentN,
    biasN: f32(dBiasN),
    scale: f32(dScale),
    noiseScale: f32(dNoiseScale),
  };
}

/** Each row's gated_{t−1} (0 at t = 0), transposed: [H, B·T], the left factor of the recurrent kernels' gradients. */
export function previousGatedTransposed(sizes: Sizes, gated: Float32Array): Float32Array {
  const { batch, steps, hidden: h } = sizes;
  const rows = batch * steps;
  const out = new Float32Array(h * rows);
  for (let b = 0; b < batch; b++) {
    for (let t = 1; t < steps; t++) {
      const row = b * steps + t;
      for (let i = 0; i < h; i++) out[i * rows + row] = gated[(row - 1) * h + i];
    }
  }
  return out;
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
    gradFunc: (dy: tf.Tensor) =>
      tf.tidy(() => {
        const g = recurrenceBackward(sizes, arrays, trace, dy.dataSync() as Float32Array);
        const rows = batch * steps;
        const previous = tf.tensor2d(previousGatedTransposed(sizes, trace.gated), [hidden, rows]);
        return [
          tf.tensor3d(g.inputZr, [batch, steps, 2 * hidden]),
          tf.tensor3d(g.inputN, [batch, steps, hidden]),
          tf.matMul(previous, tf.tensor2d(g.inputZr, [rows, 2 * hidden])),
          tf.matMul(previous, tf.tensor2d(g.recurrentN, [rows, hidden])),
          tf.tensor1d(g.biasN),
          tf.tensor1d(g.scale),
          tf.tensor1d(g.noiseScale),
          tf.zerosLike(inputs[7]),
        ];
      }),
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: tf.Tensor[]) => tf.Tensor;
