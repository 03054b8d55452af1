import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import type { Mode } from '../src/dcl/gate';
import { fusedRecurrence, loopRecurrence, recurrenceFor, type Recurrence } from '../src/dcl/gruRecurrence';
import { GRU } from '../src/dcl/layers';
import { seededContext } from '../src/dcl/network';
import { FixedWidth, LearnableWidth, type Width } from '../src/dcl/width';

/**
 * The fused GRU recurrence (typed-array loops with a hand-written backward pass through time)
 * against the tfjs loop it replaces on cpu and wasm: same output and same gradients of every
 * weight and of κ, given the same noise (both draw it from the context's seed).
 */
const [BATCH, STEPS, IN, HIDDEN] = [3, 7, 4, 5];

interface Case {
  name: string;
  width: () => Width;
  mode: Mode;
  noise?: 'element' | 'sequence';
}

// κ = 0.7 puts K = 3.5 between units: three units on, one on its ramp (noisy in train mode), one off.
const cases: Case[] = [
  { name: 'learnable, train', width: () => new LearnableWidth('gru', HIDDEN, 0.2, 0.7), mode: 'train' },
  { name: 'learnable, train, sequence noise', width: () => new LearnableWidth('gru', HIDDEN, 0.2, 0.7), mode: 'train', noise: 'sequence' },
  { name: 'learnable, infer', width: () => new LearnableWidth('gru', HIDDEN, 0.2, 0.7), mode: 'infer' },
  { name: 'straight-through, train', width: () => new LearnableWidth('gru', HIDDEN, 0.2, 0.7, 'straightThrough'), mode: 'train' },
  { name: 'fixed', width: () => new FixedWidth('gru', HIDDEN), mode: 'train' },
];

/** Output and gradients of Σ w ⊙ GRU(x) with respect to the GRU's weights and κ, as arrays by name. */
function outputAndGradients(gru: GRU, width: Width, mode: Mode, noise: Case['noise'], recurrence: (r: Recurrence) => tf.Tensor3D): Record<string, Float32Array> {
  return tf.tidy(() => {
    const x = tf.randomUniform([BATCH, STEPS, IN], -1, 1, 'float32', 11);
    const weighting = tf.randomUniform([BATCH, STEPS, HIDDEN], -1, 1, 'float32', 12);
    const output = () => gru.apply(x, seededContext(mode, 3, { noise }), recurrence);
    const variables = [...gru.variables(), ...(width instanceof LearnableWidth ? [width.kappa] : [])];
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(weighting, output())) as tf.Scalar, variables);
    const names = ['inputKernel', 'recurrentKernel', 'inputBias', 'recurrentBias', 'kappa'];
    return {
      output: output().dataSync() as Float32Array,
      ...Object.fromEntries(variables.map((v, i) => [names[i], grads[v.name].dataSync() as Float32Array])),
    };
  });
}

/** Largest |a − b| beyond 1e-6 + 1e-5·|b|, over all entries (0 when all are within it). */
function worstExcess(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) - (1e-6 + 1e-5 * Math.abs(b[i])));
  return worst;
}

describe('fused GRU recurrence', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is the path GRU.apply takes on cpu and wasm, the tfjs loop on GPU backends', () => {
    expect([recurrenceFor('cpu'), recurrenceFor('wasm'), recurrenceFor('webgl'), recurrenceFor('webgpu')]).toEqual([fusedRecurrence, fusedRecurrence, loopRecurrence, loopRecurrence]);
  });

  for (const backend of ['cpu', 'wasm']) {
    for (const c of cases) {
      it(`equals the tfjs loop in output and every gradient on ${backend}: ${c.name} (1e-5 relative, 1e-6 absolute)`, async () => {
        await tf.setBackend(backend);
        const uniform = (shape: number[], seed: number) => tf.randomUniform(shape, -0.8, 0.8, 'float32', seed);
        const width = c.width();
        const gru = new GRU('gru', new FixedWidth('in', IN), width, {
          inputKernel: uniform([IN, 3 * HIDDEN], 1),
          recurrentKernel: uniform([HIDDEN, 3 * HIDDEN], 2),
          inputBias: uniform([3 * HIDDEN], 3),
          recurrentBias: uniform([3 * HIDDEN], 4),
        });
        const before = tf.memory().numTensors;
        const fused = outputAndGradients(gru, width, c.mode, c.noise, fusedRecurrence);
        const loop = outputAndGradients(gru, width, c.mode, c.noise, loopRecurrence);
        expect(tf.memory().numTensors).toBe(before);
        expect(Object.keys(fused).sort()).toEqual(Object.keys(loop).sort());
        expect(Object.keys(fused).length).toBe(width instanceof LearnableWidth ? 6 : 5);
        for (const name of Object.keys(loop)) {
          expect(loop[name].some((v) => v !== 0), `${name} is not all zero`).toBe(true);
          expect(worstExcess(fused[name], loop[name]), name).toBeLessThanOrEqual(0);
        }
        gru.dispose();
        if (width instanceof LearnableWidth) width.dispose();
      });
    }
  }
});
