import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { countNetwork } from '../src/dcl/count';
import { Dense, InputGate } from '../src/dcl/layers';
import { Network, seededContext } from '../src/dcl/network';
import { FixedWidth, LearnableWidth } from '../src/dcl/width';
import { N_FREQ } from '../src/audio/features';
import { importWeights, type SavedWeights } from '../src/dcl/weights';
import { DEFAULT_PUBLIC_DIR } from '../src/data/nodeCorpus';
import { pretrainedWeightsPath } from '../src/models/catalog';
import { MODEL_FAMILIES } from '../src/models/registry';
import { frameBinaryCrossEntropy } from '../src/models/vad';
import { WidthTrainer, type TrainerConfig } from '../src/train/trainer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** x (6) → tanh hidden (learnable, N = 8) → 1, regressing a target that uses every hidden unit. */
function mlp(seed = 1, kappaMin = 1 / 8): { network: Network; hidden: LearnableWidth } {
  const hidden = new LearnableWidth('hidden', 8, kappaMin);
  const network = new Network(
    'mlp',
    [new Dense('h', new FixedWidth('x', 6), hidden, 'tanh', { seed }), new Dense('o', hidden, new FixedWidth('o', 1), 'linear', { seed: seed + 1 })],
    1,
  );
  return { network, hidden };
}

const mse = (out: tf.Tensor, target: tf.Tensor) => tf.losses.meanSquaredError(target, out) as tf.Scalar;

/** dL_task/dκ of one training forward pass (noise drawn from `seed`). */
function taskGradient(network: Network, width: LearnableWidth, x: tf.Tensor, y: tf.Tensor, seed: number): number {
  const { value, grads } = tf.variableGrads(() => mse(network.apply(x, seededContext('train', seed)), y), [width.kappa]);
  const g = grads[width.kappa.name].dataSync()[0];
  tf.dispose([value, grads[width.kappa.name]]);
  return g;
}

describe('width gradient across whole widths', () => {
  it('stays finite and of comparable size just below, at and just above n (no spike at whole widths)', () => {
    // Every hidden unit identical, so that the gradient differs between the two sides of a whole
    // width only through the gate itself (left: the last unit almost fully on; right: the next one
    // just switching on).
    const hidden = new LearnableWidth('hidden', 8, 1 / 8);
    const column = tf.randomNormal([6, 1], 0, 0.5, 'float32', 7);
    const network = new Network(
      'identical units',
      [
        new Dense('h', new FixedWidth('x', 6), hidden, 'tanh', { kernel: tf.tile(column, [1, 8]), bias: tf.zeros([8]) }),
        new Dense('o', hidden, new FixedWidth('o', 1), 'linear', { kernel: tf.fill([8, 1], 0.3), bias: tf.zeros([1]) }),
      ],
      1,
    );
    column.dispose();
    const x = tf.randomNormal([64, 6], 0, 1, 'float32', 3);
    const y = tf.randomNormal([64, 1], 2, 1, 'float32', 4);
    for (const n of [2, 4, 6]) {
      const sizes = [n - 1e-3, n, n + 1e-3].map((k) => {
        hidden.setKappa(k / hidden.full);
        let sum = 0;
        for (let seed = 1; seed <= 16; seed++) {
          const g = taskGradient(network, hidden, x, y, seed);
          expect(Number.isFinite(g)).toBe(true);
          sum += Math.abs(g);
        }
        return sum / 16;
      });
      const ratio = Math.max(...sizes) / Math.min(...sizes);
      expect(ratio, `n = ${n}: mean |dL/dκ| at n − 1e-3, n, n + 1e-3 = ${sizes.map((v) => v.toPrecision(3)).join(', ')}`).toBeLessThan(5);
    }
    tf.dispose([x, y]);
    network.dispose();
  });

  it('the complexity gradient is positive and equals the slope of C(K)/C(K_max)', () => {
    const { network, hidden } = mlp();
    const full = network.fullFlopsPerSecond();
    const ratioAt = (k: number) => {
      hidden.setKappa(k / hidden.full);
      return tf.tidy(() => tf.div(network.flopsPerSecond(), full).dataSync()[0]);
    };
    for (const k of [2, 3.5, 7]) {
      hidden.setKappa(k / hidden.full);
      const { value, grads } = tf.variableGrads(() => tf.div(network.flopsPerSecond(), full) as tf.Scalar, [hidden.kappa]);
      const analytic = grads[hidden.kappa.name].dataSync()[0];
      tf.dispose([value, grads[hidden.kappa.name]]);
      // C is linear in this K: per hidden unit 2·6 (in) + 7 (tanh) + 2·1 (out) FLOPs, so dC/dκ = N·21 / C_max.
      expect(analytic).toBeGreaterThan(0);
      expect(analytic).toBeCloseTo((hidden.full * (2 * 6 + 7 + 2 * 1)) / full, 5);
      const h = 0.25;
      expect(analytic).toBeCloseTo(((ratioAt(k + h) - ratioAt(k - h)) / (2 * h)) * hidden.full, 4);
    }
    network.dispose();
  });
});

const trainerFor = (network: Network, config: Partial<TrainerConfig>) =>
  new WidthTrainer(network, mse, { alpha: 0, learningRate: 1e-2, kappaLearningRate: 3e-2, seed: 1, ...config });

describe('widths move only for a reason', () => {
  it('at α = 0 a full-width model stays at full width', async () => {
    const { network, hidden } = mlp();
    const trainer = trainerFor(network, { alpha: 0 });
    const x = tf.randomNormal([32, 6], 0, 1, 'float32', 3);
    const y = tf.randomNormal([32, 1], 0, 1, 'float32', 4);
    for (let i = 0; i < 200; i++) await trainer.step(x, y);
    expect(hidden.value()).toBe(8);
    tf.dispose([x, y]);
    trainer.dispose();
    network.dispose();
  });

  it('at α = 0 the width of inputs the task ignores does not random-walk', async () => {
    // Inputs 0–1 carry the target; inputs 2–11 are noise. The input width starts part-way
    // (K = 6.5) so that its boundary unit sees only gradient noise.
    const inputs = new LearnableWidth('input', 12, 1 / 12);
    const network = new Network(
      'probe',
      [new InputGate('input gate', inputs), new Dense('o', inputs, new FixedWidth('o', 1), 'linear', { seed: 2 })],
      1,
    );
    inputs.setKappa(6.5 / 12);
    const trainer = trainerFor(network, { alpha: 0, learningRate: 3e-2 });
    const path: number[] = [];
    for (let i = 0; i < 400; i++) {
      const [x, y] = tf.tidy(() => {
        const xs = tf.randomNormal([32, 12], 0, 1, 'float32', 100 + i);
        const target = tf.add(tf.sum(tf.slice(xs, [0, 0], [-1, 2]), 1, true), tf.randomNormal([32, 1], 0, 0.1, 'float32', 900 + i));
        return [xs, target];
      });
      path.push((await trainer.step(x, y)).widths[0]);
      tf.dispose([x, y]);
    }
    // While the noise inputs' weights are still at their initial size the width may move; once
    // the task has taught the model to ignore them, nothing may push it any more.
    const settled = path.slice(50);
    const travelled = Math.max(...settled) - Math.min(...settled);
    expect(travelled, `input width ranged over ${Math.min(...settled).toFixed(3)}…${Math.max(...settled).toFixed(3)} after step 50`).toBeLessThan(0.1);
    trainer.dispose();
    network.dispose();
  });

  it('when κ_min binds, the consolidated model keeps exactly ⌈κ_min·N⌉ units and costs what a uniform model of that width costs', async () => {
    const { network, hidden } = mlp(1, 0.5);
    const trainer = trainerFor(network, { alpha: 5 });
    const x = tf.randomNormal([32, 6], 0, 1, 'float32', 3);
    const y = tf.tanh(tf.matMul(x, tf.randomNormal([6, 1], 0, 1, 'float32', 5)));
    for (let i = 0; i < 150; i++) await trainer.step(x, y);
    expect(hidden.value()).toBe(4);
    const small = network.consolidate();
    expect(small.layers[0].outWidth.full).toBe(4);
    const uniform = new Network(
      'uniform',
      [new Dense('h', new FixedWidth('x', 6), new FixedWidth('hidden', 4), 'tanh', { seed: 1 }), new Dense('o', new FixedWidth('hidden', 4), new FixedWidth('o', 1), 'linear', { seed: 2 })],
      1,
    );
    expect(countNetwork(small).flopsPerSecond).toBe(countNetwork(uniform).flopsPerSecond);
    tf.dispose([x, y]);
    [small, uniform, network].forEach((n) => n.dispose());
    trainer.dispose();
  });
});

describe('VAD families at α = 0 from their pretrained weights', () => {
  for (const id of ['crnn', 'transformer'] as const) {
    it(`${id}: training steps leave every width, and the counted FLOP/s, exactly at full`, async () => {
      const network = MODEL_FAMILIES[id].build({ seed: 1 });
      const saved = JSON.parse(readFileSync(join(DEFAULT_PUBLIC_DIR, pretrainedWeightsPath(id)), 'utf8')) as SavedWeights;
      importWeights(network, saved, pretrainedWeightsPath(id));
      const trainer = new WidthTrainer(network, frameBinaryCrossEntropy, { alpha: 0, learningRate: 3e-3, kappaLearningRate: 3e-2, seed: 1 });
      const [x, y] = tf.tidy(() => [
        tf.exp(tf.randomUniform([1, 16, N_FREQ], Math.log(1e-6), Math.log(10), 'float32', 1)),
        tf.cast(tf.greater(tf.randomUniform([1, 16, 1], 0, 1, 'float32', 2), 0.5), 'float32'),
      ]);
      // The issue's 300 steps, on one short random clip so that both families fit in a unit test.
      const t0 = performance.now();
      for (let i = 0; i < 300; i++) await trainer.step(x, y);
      console.log(`${id} at α = 0 from its pretrained weights: 300 steps in ${((performance.now() - t0) / 1000).toFixed(1)} s; widths ${network.learnableWidths().map((w) => `${w.name} ${w.value()}/${w.full}`).join(', ')}`);
      for (const w of network.learnableWidths()) expect(w.value(), w.name).toBe(w.full);
      const small = network.consolidate();
      expect(countNetwork(small).flopsPerSecond).toBe(network.fullFlopsPerSecond());
      tf.dispose([x, y]);
      small.dispose();
      trainer.dispose();
      network.dispose();
    }, 300_000);
  }
});
