import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { countNetwork, primitiveFlops, type PrimitiveOp } from '../src/dcl/count';
import { activationFlops, attentionFlops, conv1dFlops, gruFlops, layerNormFlops, melFilterbankFlops, softmaxFlops } from '../src/dcl/flops';
import { fullWidth } from '../src/dcl/layer';
import { gate } from '../src/dcl/gate';
import { withoutGradient } from '../src/dcl/gradients';
import { CausalConv1d, Dense, GRU, InputGate } from '../src/dcl/layers';
import { Network, seededContext } from '../src/dcl/network';
import { FixedWidth, LearnableWidth } from '../src/dcl/width';
import { WidthTrainer, type TrainerConfig } from '../src/train/trainer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Every supported layer kind, each with a learnable width. */
function mixedNetwork(seed = 3): Network {
  const input = new LearnableWidth('input', 12, 1 / 12);
  const channels = new LearnableWidth('conv', 10, 0.1);
  const hidden = new LearnableWidth('gru', 8, 0.125);
  const dense = new LearnableWidth('dense', 6, 1 / 6);
  return new Network(
    'mixed',
    [
      new InputGate('input gate', input),
      new CausalConv1d('conv', input, channels, 3, 'relu', { seed }),
      new GRU('gru', channels, hidden, { seed: seed + 1 }),
      new Dense('dense', hidden, dense, 'tanh', { seed: seed + 2 }),
      new Dense('out', dense, new FixedWidth('out', 1), 'sigmoid', { seed: seed + 3 }),
    ],
    100,
  );
}

const mseTrainer = (network: Network, config: TrainerConfig) =>
  new WidthTrainer(network, (out, target) => tf.losses.meanSquaredError(target, out) as tf.Scalar, config);

const read = (t: tf.Tensor) => {
  const v = t.arraySync();
  t.dispose();
  return v;
};

describe('dynamic complexity layer (gate)', () => {
  for (const shape of [
    [64, 10],
    [16, 7, 10],
  ]) {
    it(`at integer K, training output equals inference output on active units and units ≥ K are 0 (shape ${shape})`, () => {
      const width = new LearnableWidth('w', 10, 0.1);
      width.setUnits(6);
      const x = tf.randomNormal(shape, 0, 2, 'float32', 11);
      const train = gate(x, width, 'train', { seed: 5 });
      const infer = gate(x, width, 'infer');
      const trainData = train.dataSync();
      const inferData = infer.dataSync();
      const xData = x.dataSync();
      for (let i = 0; i < trainData.length; i++) {
        const unit = i % 10;
        if (unit < 6) {
          expect(trainData[i]).toBe(inferData[i]);
          expect(trainData[i]).toBe(xData[i]);
        } else {
          expect(trainData[i] === 0 && inferData[i] === 0).toBe(true);
        }
      }
      tf.dispose([x, train, infer]);
      width.dispose();
    });
  }

  for (const lambda of [0.1, 0.5, 0.9]) {
    it(`the boundary unit preserves variance at λ = ${lambda}`, () => {
      const width = new LearnableWidth('w', 4, 0.1);
      width.setKappa((2 + lambda) / 4);
      const x = tf.add(tf.randomNormal([10_000, 4], 0, 3, 'float32', 17), 1.5);
      const y = gate(x, width, 'train', { seed: 23 });
      const ratio = tf.tidy(() => {
        const yb = tf.slice(y, [0, 2], [-1, 1]);
        const xb = tf.slice(x, [0, 2], [-1, 1]);
        return tf.div(tf.moments(yb).variance, tf.moments(xb).variance).dataSync()[0];
      });
      expect(Math.abs(ratio - 1)).toBeLessThan(0.05);
      y.dispose();
      x.dispose();
      width.dispose();
    });
  }

  // σ carries no gradient (the method's): y = √a·x + √(1−a)·σ·ν is then linear in x, so
  // d(Σ w ⊙ y)/dx = √a ⊙ w exactly, noise or not.
  it('passes √a to the features and nothing through σ', () => {
    const width = new LearnableWidth('w', 6, 0.1);
    width.setKappa(3.4 / 6);
    const x = tf.randomNormal([5, 7, 6], 0, 2, 'float32', 31);
    const w = tf.randomNormal([5, 7, 6], 0, 1, 'float32', 32);
    const dx = tf.grad((features: tf.Tensor) => tf.sum(tf.mul(w, gate(features, width, 'train', { seed: 33 }))))(x);
    const expected = tf.tidy(() => tf.mul(w, tf.sqrt(width.activity())));
    expect(tf.max(tf.abs(tf.sub(dx, expected))).dataSync()[0]).toBeLessThan(1e-6);
    tf.dispose([x, w, dx, expected]);
    width.dispose();
  });

  it('rejects features whose width does not match', () => {
    const width = new LearnableWidth('bands', 8);
    const x = tf.zeros([2, 5]);
    expect(() => gate(x, width, 'infer')).toThrow(/bands: features have 5 units, width expects 8/);
    x.dispose();
    width.dispose();
  });
});

describe('withoutGradient', () => {
  it('is a constant of the tape: its value, no gradient, nothing behind it differentiated', () => {
    const x = tf.tensor1d([1, -2, 3]);
    // d/dx Σ x ⊙ c(x) with c = x² held constant is c = x², not 3x².
    const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, withoutGradient(() => tf.square(v)))))(x);
    expect(Array.from(dx.dataSync())).toEqual([1, 4, 9]);
    tf.dispose([x, dx]);
  });
});

describe('gradients reach the widths', () => {
  it('task-loss gradient on κ is finite and non-zero at fractional K; complexity gradient is positive', () => {
    const network = mixedNetwork();
    const widths = network.learnableWidths();
    [7.4, 6.3, 5.5, 3.7].forEach((k, i) => widths[i].setKappa(k / widths[i].full));
    const x = tf.randomNormal([8, 20, 12], 0, 1, 'float32', 1);
    const y = tf.cast(tf.greater(tf.randomUniform([8, 20, 1], 0, 1, 'float32', 2), 0.5), 'float32');
    const ctx = seededContext('train', 4);
    const task = tf.variableGrads(
      () => tf.losses.sigmoidCrossEntropy(y, tf.log(tf.div(network.apply(x, ctx), tf.sub(1, network.apply(x, ctx))))) as tf.Scalar,
      widths.map((w) => w.kappa),
    );
    for (const w of widths) {
      const g = task.grads[w.kappa.name].dataSync()[0];
      expect(Number.isFinite(g)).toBe(true);
      expect(Math.abs(g)).toBeGreaterThan(0);
    }
    const complexity = tf.variableGrads(() => network.flopsPerSecond(), widths.map((w) => w.kappa));
    for (const w of widths.slice(1)) expect(complexity.grads[w.kappa.name].dataSync()[0]).toBeGreaterThan(0);
    // The input width reaches the FLOPs through the conv that reads it.
    expect(complexity.grads[widths[0].kappa.name].dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([x, y, task.value, complexity.value, ...Object.values(task.grads), ...Object.values(complexity.grads)]);
    network.dispose();
  });
});

describe('FLOP count', () => {
  it('the complexity polynomial equals an independent count of the consolidated model at integer widths', () => {
    const network = mixedNetwork();
    const widths = network.learnableWidths();
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let trial = 0; trial < 6; trial++) {
      const units = widths.map((w) => 1 + Math.floor(rand() * w.full));
      widths.forEach((w, i) => w.setUnits(units[i]));
      const polynomial = read(network.flopsPerSecond()) as number;
      const small = network.consolidate();
      const counted = countNetwork(small);
      expect(small.layers.map((l) => l.outWidth.full).slice(0, 4)).toEqual(units);
      expect(polynomial).toBeCloseTo(counted.flopsPerSecond, 0);
      expect(network.parameterCount()).toBeCloseTo(counted.parameters, 0);
      small.dispose();
    }
    network.dispose();
  });

  it('between integers the polynomial interpolates monotonically', () => {
    const network = mixedNetwork();
    const widths = network.learnableWidths();
    for (const w of widths) {
      let previous = -Infinity;
      for (let k = 1; k <= w.full; k += 0.25) {
        w.setKappa(k / w.full);
        const flops = read(network.flopsPerSecond()) as number;
        expect(flops).toBeGreaterThan(previous);
        previous = flops;
      }
      w.setUnits(w.full);
    }
    network.dispose();
  });

  it('at full width matches a hand count', () => {
    const network = mixedNetwork();
    // conv 2·10·12·3 + relu 10; GRU 6·8·(10+8+3.5); dense 2·8·6 + tanh 7·6; out 2·6·1 + sigmoid 3
    const perFrame = 2 * 10 * 12 * 3 + 10 + 6 * 8 * (10 + 8 + 3.5) + 2 * 8 * 6 + 7 * 6 + 2 * 6 + 3;
    expect(network.fullFlopsPerSecond()).toBeCloseTo(perFrame * 100, 0);
    expect(read(network.flopsPerSecond(fullWidth))).toBeCloseTo(perFrame * 100, 0);
    network.dispose();
  });
});

describe('formula library', () => {
  it('the differentiable formulas agree with the numeric ones for every primitive', () => {
    const s = (v: number) => tf.scalar(v);
    for (const [L, E, heads, n] of [[16, 80, 1, 7], [5, 12, 2, 33]]) {
      const cases: [tf.Scalar, PrimitiveOp][] = [
        [attentionFlops(s(L), s(E), heads), { op: 'attention', length: L, embed: E, heads }],
        [softmaxFlops(s(n)), { op: 'softmax', entries: n, count: 1 }],
        [layerNormFlops(s(n)), { op: 'layernorm', features: n }],
        [melFilterbankFlops(201, s(E)), { op: 'melFilterbank', nFreq: 201, nMels: E }],
        [gruFlops(s(n), s(E), L), { op: 'gru', in: n, hidden: E, steps: L }],
        [conv1dFlops(s(n), s(E), 3, L, 1), { op: 'conv1d', cIn: n, cOut: E, kernel: 3, groups: 1, lOut: L }],
        [activationFlops('tanh', s(n)), { op: 'activation', fn: 'tanh', elements: n }],
      ];
      for (const [tensor, primitive] of cases) expect(read(tensor)).toBeCloseTo(primitiveFlops(primitive), 0);
    }
    // The paper's attention per head, by hand for L = 2, E = 1: 2·[2·1·(3 + 4 − 2) + 8 − 1] = 34.
    expect(primitiveFlops({ op: 'attention', length: 2, embed: 1, heads: 1 })).toBe(34);
  });
});

describe('consolidation', () => {
  it('is exact for every layer kind at fractional widths', () => {
    const network = mixedNetwork();
    const widths = network.learnableWidths();
    [7.4, 6.3, 5.5, 3.7].forEach((k, i) => widths[i].setKappa(k / widths[i].full));
    const small = network.consolidate();
    expect(small.layers.map((l) => l.outWidth.full)).toEqual([8, 7, 6, 4, 1]);
    const x = tf.randomNormal([4, 15, 12], 0, 1, 'float32', 99);
    const full = network.infer(x);
    const sliced = small.infer(x);
    const diff = read(tf.max(tf.abs(tf.sub(full, sliced)))) as number;
    expect(diff).toBeLessThan(1e-5);
    // The consolidated model holds no learnable widths: nothing is masked any more.
    expect(small.learnableWidths()).toHaveLength(0);
    expect(countNetwork(small).parameters).toBeLessThan(countNetwork(network).parameters);
    tf.dispose([x, full, sliced]);
    small.dispose();
    network.dispose();
  });

  it('keeps an interior dense width exact with a boundary unit', () => {
    const a = new LearnableWidth('a', 16, 0.1);
    const network = new Network(
      'mlp',
      [new Dense('h', new FixedWidth('x', 5), a, 'silu', { seed: 1 }), new Dense('o', a, new FixedWidth('o', 3), 'linear', { seed: 2 })],
      1,
    );
    a.setKappa(9.81 / 16);
    const small = network.consolidate();
    const x = tf.randomNormal([32, 5], 0, 1, 'float32', 5);
    const diff = read(tf.max(tf.abs(tf.sub(network.infer(x), small.infer(x))))) as number;
    expect(diff).toBeLessThan(1e-5);
    x.dispose();
    small.dispose();
    network.dispose();
  });
});

describe('straight-through baseline', () => {
  it('masks hard at round(K) forward, passes the ramp gradient to κ, and consolidates to round(K) units', () => {
    const width = new LearnableWidth('st', 10, 0.1, 1, 'straightThrough');
    const network = new Network(
      'st',
      [new Dense('h', new FixedWidth('x', 4), width, 'relu', { seed: 1 }), new Dense('o', width, new FixedWidth('o', 2), 'linear', { seed: 2 })],
      1,
    );
    width.setKappa(6.3 / 10);
    const x = tf.randomNormal([16, 4], 0, 1, 'float32', 3);
    const hidden = network.layers[0].apply(x, seededContext('train', 1));
    const perUnit = read(tf.max(tf.abs(hidden), 0)) as number[];
    perUnit.forEach((v, i) => (i < 6 ? expect(v).toBeGreaterThan(0) : expect(v).toBe(0)));
    const { value, grads } = tf.variableGrads(() => tf.sum(network.apply(x, seededContext('train', 1))) as tf.Scalar, [width.kappa]);
    expect(Math.abs(grads[width.kappa.name].dataSync()[0])).toBeGreaterThan(0);
    const small = network.consolidate();
    expect(small.layers[0].outWidth.full).toBe(6);
    const diff = read(tf.max(tf.abs(tf.sub(network.infer(x), small.infer(x))))) as number;
    expect(diff).toBeLessThan(1e-5);
    tf.dispose([x, hidden, value, grads[width.kappa.name]]);
    small.dispose();
    network.dispose();
  });
});

describe('training loop', () => {
  it('does not leak tensors: numTensors after step 10 equals numTensors after step 200', async () => {
    const network = mixedNetwork();
    const trainer = mseTrainer(network, { alpha: 0.1, learningRate: 1e-3, kappaLearningRate: 1e-2, seed: 1 });
    const x = tf.randomNormal([2, 4, 12], 0, 1, 'float32', 1);
    const y = tf.randomUniform([2, 4, 1], 0, 1, 'float32', 2);
    let after10 = 0;
    for (let i = 1; i <= 200; i++) {
      await trainer.step(x, y);
      if (i === 10) after10 = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(after10);
    tf.dispose([x, y]);
    trainer.dispose();
    network.dispose();
  });

  it('the budget-interval penalty pulls FLOPs into the interval', async () => {
    const network = mixedNetwork();
    const trainer = mseTrainer(network, { alpha: 0, learningRate: 1e-3, kappaLearningRate: 3e-2, seed: 1, budgetInterval: { low: 0.3, high: 0.4, weight: 10 } });
    const x = tf.randomNormal([2, 4, 12], 0, 1, 'float32', 1);
    const y = tf.randomUniform([2, 4, 1], 0, 1, 'float32', 2);
    let ratio = 1;
    for (let i = 0; i < 60; i++) ratio = (await trainer.step(x, y)).complexityRatio;
    expect(ratio).toBeLessThan(0.45);
    tf.dispose([x, y]);
    trainer.dispose();
    network.dispose();
  });

  it('skips a step whose loss is not finite and keeps the weights', async () => {
    const network = mixedNetwork();
    const trainer = mseTrainer(network, { alpha: 0, learningRate: 1e-3, kappaLearningRate: 1e-2, seed: 1 });
    const before = network.weightVariables().map((v) => v.dataSync().slice());
    const x = tf.fill([2, 4, 12], NaN);
    const y = tf.zeros([2, 4, 1]);
    const result = await trainer.step(x, y);
    expect(result.finite).toBe(false);
    network.weightVariables().forEach((v, i) => expect(Array.from(v.dataSync())).toEqual(Array.from(before[i])));
    tf.dispose([x, y]);
    trainer.dispose();
    network.dispose();
  });
});

describe('saved weights', () => {
  it('round-trip through JSON and give the same outputs; a mismatched model is refused by name', async () => {
    const { exportWeights, importWeights } = await import('../src/dcl/weights');
    const source = mixedNetwork(3);
    const target = mixedNetwork(50);
    const json = JSON.parse(JSON.stringify(exportWeights(source, { command: 'test' })));
    importWeights(target, json, 'weights.json');
    const x = tf.randomNormal([2, 6, 12], 0, 1, 'float32', 4);
    const diff = read(tf.max(tf.abs(tf.sub(source.infer(x), target.infer(x))))) as number;
    expect(diff).toBe(0);
    const other = new Network('other', [new Dense('d', new FixedWidth('x', 12), new FixedWidth('y', 1), 'linear', { seed: 1 })], 1);
    expect(() => importWeights(other, json, 'weights.json')).toThrow(/weights.json: weights are for "mixed", not "other"/);
    x.dispose();
    [source, target, other].forEach((n) => n.dispose());
  });
});
