import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { N_FREQ, logMelStatistics, melFilterbank, spreadBandOrder } from '../src/audio/features';
import { countNetwork } from '../src/dcl/count';
import { trainingDropout } from '../src/dcl/layer';
import { CausalConv1d } from '../src/dcl/layers';
import { FixedWidth, isLearnable } from '../src/dcl/width';
import { Network, seededContext } from '../src/dcl/network';
import type { WidthSpec } from '../src/dcl/widthSpec';
import { CRNN_FULL_SIZES, crnnNetwork, gatherMelInputs } from '../src/models/crnn';
import { copyWeights } from '../src/dcl/weights';
import { LogMel } from '../src/models/logMel';
import { fullFlopsOfModels, MODEL_FAMILIES } from '../src/models/registry';
import { TRANSFORMER_CONTEXT, TRANSFORMER_FULL_SIZES, transformerNetwork } from '../src/models/transformer';
import { frameBinaryCrossEntropy } from '../src/models/vad';
import { WidthTrainer } from '../src/train/trainer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

interface Family {
  name: string;
  fullSizes: Readonly<Record<string, number>>;
  build(seed: number, widths?: Record<string, WidthSpec>): Network;
  /** A fractional K per width, in network order. */
  fractional: number[];
}

const FAMILIES: Family[] = [
  { name: 'crnn', fullSizes: CRNN_FULL_SIZES, build: (seed, widths) => crnnNetwork({ seed, widths }), fractional: [41.3, 17.6, 9.45] },
  {
    name: 'transformer',
    fullSizes: TRANSFORMER_FULL_SIZES,
    build: (seed, widths) => transformerNetwork({ seed, widths }),
    fractional: [37.4, 50.7, 21.2],
  },
];

/**
 * A power spectrogram with the dynamic range of real audio: log-uniform bins over 1e-6 … 10,
 * times a loudness per frame over 1e-4 … 10 (so every mel band varies from frame to frame).
 */
function spectrogram(batch: number, frames: number, seed: number): tf.Tensor3D {
  return tf.tidy(() => {
    const bins = tf.randomUniform([batch, frames, N_FREQ], Math.log(1e-6), Math.log(10), 'float32', seed);
    const loudness = tf.randomUniform([batch, frames, 1], Math.log(1e-4), Math.log(10), 'float32', seed + 1);
    return tf.exp(tf.add(bins, loudness)) as tf.Tensor3D;
  });
}

const read = (t: tf.Tensor) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

for (const family of FAMILIES) {
  describe(`${family.name} VAD`, () => {
    it('has the family widths, learnable by default, and outputs a probability per frame', () => {
      const network = family.build(1);
      const widths = network.learnableWidths();
      expect(widths.map((w) => [w.name, w.full])).toEqual(Object.entries(family.fullSizes));
      expect(network.callsPerSecond).toBe(100);
      const x = spectrogram(2, 30, 1);
      const y = network.infer(x);
      expect(y.shape).toEqual([2, 30, 1]);
      const values = y.dataSync();
      expect(values.every((v) => v > 0 && v < 1)).toBe(true);
      tf.dispose([x, y]);
      network.dispose();
    });

    it('consolidates exactly at fractional widths of every DCL', () => {
      const network = family.build(2);
      const widths = network.learnableWidths();
      widths.forEach((w, i) => w.setKappa(family.fractional[i] / w.full));
      const small = network.consolidate();
      expect(small.learnableWidths()).toHaveLength(0);
      const kept = family.fractional.map(Math.ceil);
      for (const layer of small.layers) {
        for (const w of layer.widths()) {
          const i = widths.findIndex((l) => l.name === w.name);
          if (i >= 0) expect(w.full).toBe(kept[i]);
        }
      }
      const x = spectrogram(3, 2 * TRANSFORMER_CONTEXT + 7, 2);
      const diff = tf.tidy(() => {
        const full = network.infer(x);
        const sliced = small.infer(x);
        // Not saturated: the comparison would be vacuous at 0 or 1.
        expect(tf.moments(full).variance.dataSync()[0]).toBeGreaterThan(1e-6);
        return tf.max(tf.abs(tf.sub(full, sliced))).dataSync()[0];
      });
      expect(diff).toBeLessThan(1e-5);
      expect(countNetwork(small).parameters).toBeLessThan(countNetwork(network).parameters);
      x.dispose();
      small.dispose();
      network.dispose();
    });

    it('keeps the stream exact layer by layer: units past ⌈K⌉ are 0 and the kept ones are √a × the consolidated ones', () => {
      const network = family.build(3);
      const widths = network.learnableWidths();
      widths.forEach((w, i) => w.setKappa(family.fractional[i] / w.full));
      const small = network.consolidate();
      const x = spectrogram(2, 24, 3);
      let full: tf.Tensor = x.clone();
      let sliced: tf.Tensor = x.clone();
      const infer = seededContext('infer', 0);
      for (let i = 0; i < network.layers.length - 1; i++) {
        const [nextFull, nextSliced] = [network.layers[i].apply(full, infer), small.layers[i].apply(sliced, infer)];
        tf.dispose([full, sliced]);
        [full, sliced] = [nextFull, nextSliced];
        const width = network.layers[i].outWidth;
        if (!isLearnable(width)) continue;
        const n = small.layers[i].outWidth.full;
        const [past, kept] = tf.tidy(() => {
          const gain = tf.sqrt(width.activity()).slice(0, n);
          const head = tf.slice(full, [0, 0, 0], [-1, -1, n]);
          const tail = tf.slice(full, [0, 0, n], [-1, -1, -1]);
          return [tf.max(tf.abs(tail)).dataSync()[0], tf.max(tf.abs(tf.sub(head, tf.mul(sliced, gain)))).dataSync()[0]];
        });
        expect(past, network.layers[i].name).toBe(0);
        expect(kept, network.layers[i].name).toBeLessThan(1e-4);
      }
      tf.dispose([x, full, sliced]);
      small.dispose();
      network.dispose();
    });

    it('FLOP polynomial and parameter count equal the independent count of the consolidated model at integer widths', () => {
      const network = family.build(4);
      const widths = network.learnableWidths();
      let seed = 11;
      const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
      for (let trial = 0; trial < 5; trial++) {
        widths.forEach((w) => w.setUnits(1 + Math.floor(rand() * w.full)));
        const polynomial = read(network.flopsPerSecond());
        const small = network.consolidate();
        const counted = countNetwork(small);
        expect(polynomial).toBeCloseTo(counted.flopsPerSecond, 0);
        expect(network.parameterCount()).toBeCloseTo(counted.parameters, 0);
        small.dispose();
      }
      // The full width and the README's totals are counted by hand in flopHandCount.test.ts.
      network.dispose();
    });

    it('gives every κ a finite, non-zero task gradient at fractional K, and a positive complexity gradient', () => {
      const network = family.build(5);
      const widths = network.learnableWidths();
      widths.forEach((w, i) => w.setKappa(family.fractional[i] / w.full));
      const x = spectrogram(8, 32, 5);
      const target = tf.cast(tf.greater(tf.randomUniform([8, 32, 1], 0, 1, 'float32', 6), 0.5), 'float32');
      const ctx = seededContext('train', 7);
      const kappas = widths.map((w) => w.kappa);
      const task = tf.variableGrads(() => frameBinaryCrossEntropy(network.apply(x, ctx), target), kappas);
      const complexity = tf.variableGrads(() => network.flopsPerSecond(), kappas);
      for (const w of widths) {
        const g = task.grads[w.kappa.name].dataSync()[0];
        expect(Number.isFinite(g), w.name).toBe(true);
        expect(Math.abs(g), w.name).toBeGreaterThan(0);
        expect(complexity.grads[w.kappa.name].dataSync()[0], w.name).toBeGreaterThan(0);
      }
      tf.dispose([x, target, task.value, complexity.value, ...Object.values(task.grads), ...Object.values(complexity.grads)]);
      network.dispose();
    });

    it('does not leak tensors across training steps', async () => {
      const network = family.build(6);
      const trainer = new WidthTrainer(network, frameBinaryCrossEntropy, { alpha: 0.5, learningRate: 1e-3, kappaLearningRate: 1e-2, seed: 1 });
      const x = spectrogram(2, 12, 8);
      const y = tf.cast(tf.greater(tf.randomUniform([2, 12, 1], 0, 1, 'float32', 9), 0.5), 'float32');
      let after3 = 0;
      for (let i = 1; i <= 15; i++) {
        await trainer.step(x, y);
        if (i === 3) after3 = tf.memory().numTensors;
      }
      expect(tf.memory().numTensors).toBe(after3);
      tf.dispose([x, y]);
      trainer.dispose();
      network.dispose();
    });

    // A short batch leaves some ReLU units at 0 on every frame: their σ is 0, where a gradient
    // through √variance would be 0/0 = NaN (σ carries none: src/dcl/gate.ts unitStd).
    it('trains with finite steps when a ReLU unit is 0 over the whole batch', async () => {
      const network = family.build(6);
      const trainer = new WidthTrainer(network, frameBinaryCrossEntropy, { alpha: 0.5, learningRate: 1e-3, kappaLearningRate: 1e-2, seed: 1 });
      const x = spectrogram(2, 12, 8);
      const y = tf.cast(tf.greater(tf.randomUniform([2, 12, 1], 0, 1, 'float32', 9), 0.5), 'float32');
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await trainer.step(x, y));
      expect(results.map((r) => r.finite)).toEqual([true, true, true]);
      expect(results[2].loss).not.toBe(results[0].loss);
      tf.dispose([x, y]);
      trainer.dispose();
      network.dispose();
    });

    it('builds the uniform-width baseline at the requested fixed sizes', () => {
      const sizes = Object.fromEntries(Object.entries(family.fullSizes).map(([name, full]) => [name, Math.max(1, Math.round(full * 0.3))]));
      const specs = Object.fromEntries(Object.entries(sizes).map(([name, units]) => [name, { kind: 'fixed', units } as WidthSpec]));
      const network = family.build(7, specs);
      expect(network.learnableWidths()).toHaveLength(0);
      const seen = new Map<string, number>();
      for (const layer of network.layers) for (const w of layer.widths()) seen.set(w.name, w.full);
      for (const [name, units] of Object.entries(sizes)) expect(seen.get(name), name).toBe(units);
      const x = spectrogram(2, 20, 10);
      const y = network.infer(x);
      expect(y.shape).toEqual([2, 20, 1]);
      // Its FLOPs are those of a learned model consolidated to the same sizes.
      const learned = family.build(7);
      learned.learnableWidths().forEach((w) => w.setUnits(sizes[w.name]));
      expect(network.fullFlopsPerSecond()).toBeCloseTo(read(learned.flopsPerSecond()), 0);
      expect(countNetwork(network).parameters).toBeCloseTo(learned.parameterCount(), 0);
      tf.dispose([x, y]);
      learned.dispose();
      network.dispose();
    });
  });
}

describe('log-mel layer', () => {
  it('normalises each band with statistics measured on the data, and keeps the lowest bands at a fixed width', () => {
    const x = spectrogram(4, 50, 30);
    const bank = melFilterbank();
    const statistics = logMelStatistics(x, bank);
    const full = new LogMel('log-mel', new FixedWidth('mel', 80), { statistics });
    const y = full.apply(x, seededContext('infer', 0));
    const { mean, variance } = tf.moments(tf.reshape(y, [-1, 80]), 0);
    expect(Math.max(...Array.from(mean.dataSync()).map(Math.abs))).toBeLessThan(1e-3);
    expect(Math.max(...Array.from(variance.dataSync()).map((v) => Math.abs(v - 1)))).toBeLessThan(1e-2);
    const low = new LogMel('log-mel', new FixedWidth('mel', 20), { statistics });
    const z = low.apply(x, seededContext('infer', 0));
    expect(tf.max(tf.abs(tf.sub(z, tf.slice(y, [0, 0, 0], [-1, -1, 20])))).dataSync()[0]).toBeLessThan(1e-5);
    expect(low.primitives()).toEqual([{ op: 'melFilterbank', nFreq: N_FREQ, nMels: 20 }]);
    expect(low.variables()).toHaveLength(0);
    tf.dispose([x, bank, y, mean, variance, z]);
    full.dispose();
    low.dispose();
  });
});

describe('mel bands spread over the spectrum', () => {
  it('lists every band once, each prefix of 2^m bands evenly spaced and any prefix spanning the spectrum', () => {
    const order = spreadBandOrder(80);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 80 }, (_, b) => b));
    expect(order.slice(0, 16).sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, j) => 5 * j));
    for (const k of [4, 10, 20, 24, 40]) {
      const prefix = order.slice(0, k).sort((a, b) => a - b);
      expect(prefix[k - 1]! - prefix[0]!).toBeGreaterThanOrEqual(60);
      expect(Math.max(...prefix.slice(1).map((b, i) => b - prefix[i]!))).toBeLessThanOrEqual(Math.ceil((2 * 80) / k));
    }
  });

  it('a fixed width keeps those bands, with their statistics', () => {
    const x = spectrogram(2, 30, 31);
    const bank = melFilterbank();
    const statistics = logMelStatistics(x, bank);
    const full = new LogMel('log-mel', new FixedWidth('mel', 80), { statistics });
    const spread = new LogMel('log-mel', new FixedWidth('mel', 20), { statistics, order: 'spread' });
    const diff = tf.tidy(() => {
      const picked = tf.gather(full.apply(x, seededContext('infer', 0)), spreadBandOrder(80).slice(0, 20), 2);
      return tf.max(tf.abs(tf.sub(spread.apply(x, seededContext('infer', 0)), picked))).dataSync()[0];
    });
    expect(diff).toBeLessThan(1e-5);
    tf.dispose([x, bank]);
    full.dispose();
    spread.dispose();
  });

  it('a CRNN with spread bands, given weights of ascending bands and its convolution inputs gathered, computes the same', () => {
    const widths = { mel: { kind: 'fixed' as const, units: 80 }, conv: { kind: 'fixed' as const, units: 32 }, gru: { kind: 'fixed' as const, units: 32 } };
    const ascending = crnnNetwork({ seed: 5, widths });
    const spread = crnnNetwork({ seed: 6, widths, melOrder: 'spread' });
    copyWeights(spread, ascending, 'test');
    gatherMelInputs(spread, spreadBandOrder(80));
    const x = spectrogram(2, 40, 32);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(ascending.infer(x), spread.infer(x)))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-5);
    x.dispose();
    ascending.dispose();
    spread.dispose();
  });
});

describe('causal convolution as a matmul over causal taps', () => {
  it('equals tf.conv1d on the left-padded input, sequence by sequence', () => {
    const inWidth = new FixedWidth('in', 6);
    const outWidth = new FixedWidth('out', 5);
    const conv = new CausalConv1d('conv', inWidth, outWidth, 4, 'tanh', { seed: 3 });
    conv.bias.assign(tf.randomNormal([5], 0, 1, 'float32', 4));
    const x = tf.randomNormal([3, 9, 6], 0, 1, 'float32', 5);
    const diff = tf.tidy(() => {
      const padded = tf.pad(x as tf.Tensor3D, [[0, 0], [3, 0], [0, 0]]);
      const reference = tf.tanh(tf.add(tf.conv1d(padded, conv.kernel as tf.Tensor3D, 1, 'valid'), conv.bias));
      return tf.max(tf.abs(tf.sub(reference, conv.apply(x, seededContext('infer', 0))))).dataSync()[0];
    });
    expect(diff).toBeLessThan(1e-5);
    tf.dispose(x);
    conv.dispose();
  });
});

describe('model registry', () => {
  it('lists every family with its widths, and builds each', () => {
    for (const family of Object.values(MODEL_FAMILIES)) {
      const network = family.build({ seed: 1 });
      expect(network.learnableWidths().map((w) => w.name)).toEqual([...family.widthNames]);
      expect(network.learnableWidths().map((w) => w.full)).toEqual(family.widthNames.map((n) => family.fullSizes[n]));
      network.dispose();
    }
  });

  it("counts each model's full-width FLOP/s for the page (synthetic by hand here, the VADs in flopHandCount.test.ts), leaking no tensor", () => {
    const before = tf.memory().numTensors;
    const full = fullFlopsOfModels();
    expect(tf.memory().numTensors).toBe(before);
    // Synthetic MLP 32 → 32 → 1 per call: hidden Dense 2·32·32, ReLU 32, output Dense 2·32.
    expect(full.synthetic).toBe(2 * 32 * 32 + 32 + 2 * 32);
  });

  it('a model built, consolidated and disposed leaves no tensor behind', () => {
    for (const family of Object.values(MODEL_FAMILIES)) {
      const before = tf.memory().numTensors;
      const network = family.build({ seed: 3 });
      network.learnableWidths().forEach((w) => w.setUnits(Math.ceil(w.full / 2)));
      const small = network.consolidate();
      network.dispose();
      small.dispose();
      expect(tf.memory().numTensors, family.id).toBe(before);
    }
  });
});

describe('dropout while training (sweep --dropout)', () => {
  const fixed = Object.fromEntries(Object.entries(TRANSFORMER_FULL_SIZES).map(([name, units]) => [name, { kind: 'fixed', units } as WidthSpec]));
  const run = (network: Network, mode: 'train' | 'infer', dropout: number, seed = 5) =>
    tf.tidy(() => Array.from(network.apply(tf.randomUniform([2, 30, N_FREQ], 0, 1, 'float32', 3), seededContext(mode, seed, {}, dropout)).dataSync()));

  it('changes the transformer in training only, repeats with its seed, and is off by default', () => {
    const network = transformerNetwork({ seed: 2, widths: fixed });
    const plain = run(network, 'train', 0);
    const dropped = run(network, 'train', 0.3);
    expect(Math.max(...dropped.map((v, i) => Math.abs(v - plain[i])))).toBeGreaterThan(1e-3);
    expect(run(network, 'train', 0.3)).toEqual(dropped);
    expect(run(network, 'train', 0.3, 6)).not.toEqual(dropped);
    // Fixed widths have no gate noise: without dropout training and inference agree, and inference ignores the rate.
    expect(run(network, 'infer', 0.3)).toEqual(run(network, 'infer', 0));
    expect(Math.max(...plain.map((v, i) => Math.abs(v - run(network, 'infer', 0)[i])))).toBeLessThan(1e-6);
    network.dispose();
  });

  it('zeroes about the rate of a branch and scales the rest by 1/(1 − rate), drawing no seed when off', () => {
    const ctx = seededContext('train', 1, {}, 0.25);
    const y = tf.tidy(() => Array.from(trainingDropout(tf.ones([100, 100]), ctx).dataSync()));
    const zeros = y.filter((v) => v === 0).length / y.length;
    expect(zeros).toBeGreaterThan(0.22);
    expect(zeros).toBeLessThan(0.28);
    expect(new Set(y.filter((v) => v !== 0).map((v) => v.toFixed(5)))).toEqual(new Set([(1 / 0.75).toFixed(5)]));
    const off = seededContext('train', 1);
    const x = tf.ones([3]);
    expect(trainingDropout(x, off)).toBe(x);
    expect(off.nextSeed()).toBe(seededContext('train', 1).nextSeed());
    x.dispose();
  });
});

describe('decoupled weight decay (sweep --weight-decay)', () => {
  const fixed = Object.fromEntries(Object.entries(TRANSFORMER_FULL_SIZES).map(([name, units]) => [name, { kind: 'fixed', units } as WidthSpec]));

  /** Each weight variable's values after one step from the same start, with the given decay. */
  async function oneStep(weightDecay?: number): Promise<{ rank: number; values: Float32Array }[]> {
    const network = transformerNetwork({ seed: 2, widths: fixed });
    const trainer = new WidthTrainer(network, frameBinaryCrossEntropy, { alpha: 0, learningRate: 1e-2, kappaLearningRate: 1e-2, seed: 1, weightDecay });
    const input = tf.randomUniform([2, 30, N_FREQ], 0, 1, 'float32', 3);
    const target = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([2, 30, 1], 0, 1, 'float32', 4), 0.5), 'float32'));
    await trainer.step(input, target);
    const after = network.weightVariables().map((w) => ({ rank: w.rank, values: w.dataSync() as Float32Array }));
    tf.dispose([input, target]);
    trainer.dispose();
    network.dispose();
    return after;
  }

  it('shrinks every weight matrix by learning rate × decay after the Adam step and leaves biases and gains alone', async () => {
    const plain = await oneStep();
    const decayed = await oneStep(0.5);
    const keep = 1 - 1e-2 * 0.5;
    expect(plain.filter((w) => w.rank >= 2).length).toBeGreaterThan(4);
    expect(plain.filter((w) => w.rank < 2).length).toBeGreaterThan(4);
    plain.forEach((w, i) => {
      const factor = w.rank >= 2 ? keep : 1;
      const worst = Math.max(...Array.from(w.values, (v, j) => Math.abs(decayed[i].values[j] - v * factor)));
      expect(worst, `weight ${i} (rank ${w.rank})`).toBeLessThan(1e-6);
    });
  });
});
