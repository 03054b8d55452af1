/**
 * A second FLOP count of the two VAD models that shares no formula with src/dcl/flops.ts or
 * count.ts: each model is written out here, per frame, as the operations it performs (every
 * dot product with its length, every element-wise op with its element count, the GRU gate by
 * gate, the attention as projections, scores, scale, softmax and weighted sum). It must equal
 * the complexity polynomial at integer widths and every MFLOP/s figure the README prints.
 * The written-out architecture is itself checked against the code: the consolidated model is
 * run once on `context` frames and every matmul and non-linearity kernel tfjs executes is
 * recorded with its shapes (tf.profile); their multiplications and element counts per frame
 * must equal the ones written here.
 *
 * Only the per-element costs are the convention's definitions (the seed paper's profiler,
 * as the README lists them): they cannot be derived, so they sit in one table below.
 * Where the convention leaves out work the model does run, the op is listed with
 * `counted: false` and the reason, so the gap between "counted" and "run" stays visible.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { N_FREQ } from '../src/audio/features';
import { countNetwork } from '../src/dcl/count';
import type { Network } from '../src/dcl/network';
import { crnnNetwork } from '../src/models/crnn';
import { GLOBAL_NORMALISATION } from '../src/models/logMel';
import { fullFlopsOfModels } from '../src/models/registry';
import { TRANSFORMER_CONTEXT, TRANSFORMER_MIX_KERNEL, transformerNetwork, UNRECORDED_TRANSFORMER_CONTEXT } from '../src/models/transformer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// tf.profile sees the kernels a model runs; on cpu the GRU's recurrence is one fused op whose
// arithmetic runs in TypeScript, so here it runs as the tfjs loop the GPU backends use (equal
// to the fused op in value and gradient: test/gruRecurrence.test.ts).
vi.mock('../src/dcl/gruRecurrence', async (original) => {
  const actual = await original<typeof import('../src/dcl/gruRecurrence')>();
  return { ...actual, recurrenceFor: () => actual.loopRecurrence };
});
// Likewise the transformer's banded attention runs as the masked T × T form (equal to the fused op:
// test/bandedAttention.test.ts).
vi.mock('../src/models/bandedAttention', async (original) => {
  const actual = await original<typeof import('../src/models/bandedAttention')>();
  return { ...actual, bandedAttention: actual.maskedAttention };
});

/** Per-element costs by definition (README: ReLU 1, Sigmoid 3, Tanh 7; LayerNorm 7n + 4; Softmax 4n − 1). */
const CONVENTION = {
  relu: 1,
  sigmoid: 3,
  tanh: 7,
  /** A norm over n features (the models' RMS norm is counted as a LayerNorm). */
  norm: (n: number) => 7 * n + 4,
  softmax: (n: number) => 4 * n - 1,
};

const FRAMES_PER_SECOND = 100;
const CRNN_KERNEL = 3;

interface Op {
  what: string;
  flops: number;
  /** false: the model runs it but the counting convention leaves it out (reason in `what`). */
  counted: boolean;
  /** Multiplications inside dot products (matmul work), for the check against the executed kernels. */
  multiplies?: number;
  /** Elements passed through a non-linearity, for the same check. */
  nonlinear?: { kind: 'Relu' | 'Sigmoid' | 'Tanh' | 'Softmax'; elements: number };
}

/** `count` dot products of length k: k multiplies and k − 1 adds each, plus one bias add when `bias`. */
function dots(what: string, count: number, k: number, bias: boolean): Op {
  return { what, flops: count * (2 * k - 1 + (bias ? 1 : 0)), counted: true, multiplies: count * k };
}

function elementwise(what: string, elements: number, costPerElement: number, counted = true): Op {
  return { what, flops: elements * costPerElement, counted };
}

function nonlinearity(kind: 'Relu' | 'Sigmoid' | 'Tanh', elements: number): Op {
  const cost = { Relu: CONVENTION.relu, Sigmoid: CONVENTION.sigmoid, Tanh: CONVENTION.tanh }[kind];
  return { what: kind, flops: elements * cost, counted: true, nonlinear: { kind, elements } };
}

/** The log-mel front end: one dot product over the N_FREQ power bins per band. Log and per-band normalisation are not counted (paper convention). */
function logMelOps(bands: number): Op[] {
  return [
    dots('mel filterbank', bands, N_FREQ, false),
    elementwise('log(mel + floor) and (x − mean)·invStd: not counted by the convention', bands, 4, false),
  ];
}

/** CRNN per frame: log-mel (m) → causal conv (c, kernel 3, ReLU) → GRU (h) → dense 1 → sigmoid. */
function crnnOps({ mel: m, conv: c, gru: h }: { mel: number; conv: number; gru: number }): Op[] {
  return [
    ...logMelOps(m),
    dots('conv: c outputs over 3 frames × m bands, + bias', c, CRNN_KERNEL * m, true),
    nonlinearity('Relu', c),
    // GRU, one time step, gate order z, r, n.
    dots('GRU input projection W_i·x + b_i (3 gates)', 3 * h, c, true),
    dots('GRU recurrent projection W_h·h + b_h (3 gates)', 3 * h, h, true),
    elementwise('z: x_z + h_z', h, 1),
    nonlinearity('Sigmoid', h),
    elementwise('r: x_r + h_r', h, 1),
    nonlinearity('Sigmoid', h),
    elementwise('n: r ⊙ h_n, then x_n + that', h, 2),
    nonlinearity('Tanh', h),
    elementwise("h' = (1 − z) ⊙ n + z ⊙ h: sub, mul, mul, add", h, 4),
    dots('output dense h → 1, + bias', 1, h, true),
    nonlinearity('Sigmoid', 1),
  ];
}

/**
 * One windowed self-attention block per frame, E = stream width, L = context frames: the new
 * frame's query, key and value, its scores against the L cached keys, softmax, the weighted
 * sum of the L values, the output projection.
 */
function attentionOps(e: number, l: number): Op[] {
  return [
    elementwise('pre-norm (RMS norm, counted as a LayerNorm)', 1, CONVENTION.norm(e)),
    dots('Q, K, V projections (3E dot products of length E)', 3 * e, e, false),
    elementwise('Q, K, V bias adds: not counted (the convention counts attention projections without bias)', 3 * e, 1, false),
    dots('scores q·k over L frames', l, e, false),
    elementwise('scale scores by 1/√E', l, 1),
    { what: 'softmax over L', flops: CONVENTION.softmax(l), counted: true, nonlinear: { kind: 'Softmax', elements: l } },
    dots('weighted sum of L values (E outputs)', e, l, false),
    dots('output projection E → E, + bias', e, e, true),
    elementwise('residual add: not counted by the convention', e, 1, false),
  ];
}

function feedForwardOps(e: number, f: number): Op[] {
  return [
    elementwise('pre-norm (RMS norm, counted as a LayerNorm)', 1, CONVENTION.norm(e)),
    dots('W1: E → F, + bias', f, e, true),
    nonlinearity('Relu', f),
    dots('W2: F → E, + bias', e, f, true),
    elementwise('residual add: not counted by the convention', e, 1, false),
  ];
}

/** Transformer per frame: log-mel (E) → causal depthwise mix → 2 × [attention, feed-forward] → RMS norm → dense 1 → sigmoid. */
function transformerOps({ mel: e, ff1, ff2, context: l = TRANSFORMER_CONTEXT }: { mel: number; ff1: number; ff2: number; context?: number }): Op[] {
  return [
    ...logMelOps(e),
    // Depthwise: each channel reads its own last 3 frames.
    { what: 'causal mix: per channel 3 taps + bias', flops: e * (2 * TRANSFORMER_MIX_KERNEL), counted: true },
    elementwise('causal mix residual add: not counted by the convention', e, 1, false),
    ...attentionOps(e, l),
    ...feedForwardOps(e, ff1),
    ...attentionOps(e, l),
    ...feedForwardOps(e, ff2),
    elementwise('final RMS norm (counted as a LayerNorm)', 1, CONVENTION.norm(e)),
    dots('output dense E → 1, + bias', 1, e, true),
    nonlinearity('Sigmoid', 1),
  ];
}

const sum = (ops: Op[], pick: (op: Op) => number) => ops.reduce((s, op) => s + pick(op), 0);
const countedPerSecond = (ops: Op[]) => FRAMES_PER_SECOND * sum(ops, (op) => (op.counted ? op.flops : 0));
const runPerSecond = (ops: Op[]) => FRAMES_PER_SECOND * sum(ops, (op) => op.flops);

type Widths = Record<string, number>;

interface Family {
  name: 'crnn' | 'transformer';
  ops(w: Widths): Op[];
  build(seed: number): Network;
  full: Widths;
  /** Integer widths at which the executed kernels are checked (different from each other, so a swapped width shows). */
  probe: Widths;
  /** Width names as the README's widths column writes them (its second and third). */
  readmeNames: [string, string];
}

const FAMILIES: Family[] = [
  // Built with fixed log-mel constants: whole-clip inference computes the running mean as a T × T
  // matmul (streaming does it recursively), front-end work outside the FLOP conventions like the STFT.
  {
    name: 'crnn',
    ops: (w) => crnnOps(w as { mel: number; conv: number; gru: number }),
    build: (seed) => crnnNetwork({ seed, features: GLOBAL_NORMALISATION }),
    full: { mel: 80, conv: 32, gru: 32 },
    probe: { mel: 41, conv: 17, gru: 13 },
    readmeNames: ['conv', 'gru'],
  },
  {
    name: 'transformer',
    ops: (w) => transformerOps(w as { mel: number; ff1: number; ff2: number; context?: number }),
    build: (seed) => transformerNetwork({ seed, features: GLOBAL_NORMALISATION }),
    full: { mel: 80, ff1: 128, ff2: 128 },
    probe: { mel: 37, ff1: 65, ff2: 22 },
    readmeNames: ['ff1', 'ff2'],
  },
];

/**
 * Every README row with a widths cell of this family ("mel 41/80, conv 17/32, gru 17/32")
 * followed by its MFLOP/s. A row merged over seeds names seed 1's widths and, where the seeds
 * differ, the others' ("… (seed 1; others 40, 17, 17; …)"), and prints its MFLOP/s as mean ±
 * half the range over them. A transformer row names its attention context (", context 32")
 * unless it is the one all its earlier models used (UNRECORDED_TRANSFORMER_CONTEXT).
 */
function readmeRows(family: Family): { widths: Widths[]; mflops: string; row: string }[] {
  // The README's tables and the archived ones of the first corpus (same architectures).
  const readme = ['../README.md', '../docs/results-v1.md'].map((file) => readFileSync(resolve(import.meta.dirname, file), 'utf8')).join('\n');
  const [a, b] = family.readmeNames;
  const pattern = new RegExp(`^mel (\\d+)/80, ${a} (\\d+)/\\d+, ${b} (\\d+)/\\d+(?:, context (\\d+))?(?: \\(seed 1; others ([\\d, ;]+)\\))?$`);
  const rows = [];
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const at = cells.findIndex((c) => pattern.test(c));
    if (at < 0) continue;
    const [, mel, first, second, context, others] = pattern.exec(cells[at])!;
    const attention: Widths = family.name === 'transformer' ? { context: context ? Number(context) : UNRECORDED_TRANSFORMER_CONTEXT } : {};
    const named = (w1: number, w2: number, w3: number): Widths => ({ mel: w1, [a]: w2, [b]: w3, ...attention });
    const widths = [named(Number(mel), Number(first), Number(second))];
    for (const seed of others ? others.split(';') : []) widths.push(named(...(seed.split(',').map(Number) as [number, number, number])));
    rows.push({ widths, mflops: cells[at + 1], row: line });
  }
  return rows;
}

/** What a row's MFLOP/s cell should read at these widths: one value, or mean ± half the range over seeds. */
function expectedMflops(family: Family, widths: Widths[]): { mean: number; halfRange: number } {
  const values = widths.map((w) => countedPerSecond(family.ops(w)) / 1e6);
  return { mean: values.reduce((x, y) => x + y, 0) / values.length, halfRange: (Math.max(...values) - Math.min(...values)) / 2 };
}

/** A learnable-width network set to integer widths (in learnableWidths order = the family's names). */
function atWidths(family: Family, widths: Widths, seed = 3): Network {
  const network = family.build(seed);
  for (const w of network.learnableWidths()) w.setUnits(widths[w.name]);
  return network;
}

const readScalar = (t: tf.Scalar) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

/** What tfjs executes for one inference of `network` on `frames` frames: matmul multiplies and non-linearity elements. */
async function executedWork(network: Network, frames: number) {
  const x = tf.tidy(() => tf.abs(tf.randomNormal([1, frames, N_FREQ], 1, 0.5, 'float32', 5)));
  const profile = await tf.profile(() => network.infer(x));
  tf.dispose([x, profile.result as tf.Tensor]);
  const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  let multiplies = 0;
  const nonlinear: Record<string, number> = {};
  for (const kernel of profile.kernels) {
    if (kernel.name === 'BatchMatMul' || kernel.name === '_FusedMatMul') {
      // Every matMul here is called with transposeA = false: the contracted length is A's last axis.
      const a = kernel.inputShapes[0];
      multiplies += size(kernel.outputShapes[0]) * a[a.length - 1];
    } else if (['Relu', 'Sigmoid', 'Tanh', 'Softmax'].includes(kernel.name)) {
      // Softmax is counted per distribution (its last axis holds one distribution's L entries).
      nonlinear[kernel.name] = (nonlinear[kernel.name] ?? 0) + size(kernel.outputShapes[0]);
    }
  }
  return { multiplies: multiplies / frames, nonlinear: Object.fromEntries(Object.entries(nonlinear).map(([k, v]) => [k, v / frames])) };
}

for (const family of FAMILIES) {
  describe(`${family.name}: FLOPs counted by hand`, () => {
    it('full width: the hand count equals the polynomial, the full model\'s count and the page\'s full width', () => {
      const ops = family.ops(family.full);
      const network = family.build(1);
      const polynomial = readScalar(network.flopsPerSecond());
      const hand = countedPerSecond(ops);
      console.log(`${family.name} full width: counted ${(hand / 1e6).toFixed(4)} MFLOP/s, run (incl. uncounted ops) ${(runPerSecond(ops) / 1e6).toFixed(4)} MFLOP/s`);
      expect(polynomial).toBeCloseTo(hand, 0);
      expect(countNetwork(network).flopsPerSecond).toBeCloseTo(hand, 0);
      expect(fullFlopsOfModels()[family.name]).toBeCloseTo(hand, 0);
      network.dispose();
    });

    it('every MFLOP/s in the README tables equals the hand count at that row\'s widths', () => {
      const rows = readmeRows(family);
      expect(rows.length, 'README rows found').toBeGreaterThanOrEqual(3);
      expect(rows.some((r) => Object.entries(family.full).every(([k, v]) => r.widths[0][k] === v)), 'a full-width row').toBe(true);
      expect(rows.some((r) => r.widths.length > 1), 'a row whose seeds kept different widths').toBe(true);
      // The README prints 3 decimals: agree to its rounding. Every disagreeing row is listed.
      const disagreeing = rows
        .filter(({ widths, mflops }) => {
          const [mean, halfRange = '0'] = mflops.split('±').map((x) => x.trim());
          const hand = expectedMflops(family, widths);
          return !(Math.abs(hand.mean - Number(mean)) <= 0.0005 + 1e-9 && Math.abs(hand.halfRange - Number(halfRange)) <= 0.0005 + 1e-9);
        })
        .map(({ widths, mflops, row }) => {
          const hand = expectedMflops(family, widths);
          return `${row.split('|').slice(1, 3).join('|').trim()}: README ${mflops}, by hand ${hand.mean.toFixed(4)} ± ${hand.halfRange.toFixed(4)} MFLOP/s`;
        });
      expect(disagreeing).toEqual([]);
    });

    it('at integer widths the polynomial and the consolidated model\'s count equal the hand count', () => {
      const network = family.build(2);
      const names = Object.keys(family.full);
      let seed = 17;
      const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
      for (let trial = 0; trial < 6; trial++) {
        const widths = Object.fromEntries(names.map((n) => [n, 1 + Math.floor(rand() * family.full[n])]));
        for (const w of network.learnableWidths()) w.setUnits(widths[w.name]);
        const hand = countedPerSecond(family.ops(widths));
        expect(readScalar(network.flopsPerSecond()), JSON.stringify(widths)).toBeCloseTo(hand, 0);
        const small = network.consolidate();
        expect(countNetwork(small).flopsPerSecond, JSON.stringify(widths)).toBeCloseTo(hand, 0);
        small.dispose();
      }
      network.dispose();
    });

    it('the written-out architecture is what runs: matmul multiplications and non-linearities per frame of the consolidated model', async () => {
      const widths = family.probe;
      const network = atWidths(family, widths);
      const small = network.consolidate();
      // On exactly `context` frames the full T×T attention the model runs does the work of one
      // streaming frame over its L-frame window, so the executed work per frame is the counted one.
      const executed = await executedWork(small, TRANSFORMER_CONTEXT);
      const ops = family.ops(widths);
      const nonlinear: Record<string, number> = {};
      for (const op of ops) if (op.nonlinear) nonlinear[op.nonlinear.kind] = (nonlinear[op.nonlinear.kind] ?? 0) + op.nonlinear.elements;
      console.log(`${family.name} ${JSON.stringify(widths)}: executed per frame ${JSON.stringify(executed)}; by hand ${sum(ops, (op) => op.multiplies ?? 0)} multiplies ${JSON.stringify(nonlinear)}`);
      expect(executed.multiplies).toBeCloseTo(sum(ops, (op) => op.multiplies ?? 0), 6);
      // Softmax: the model runs it over L entries per frame per block; the hand count lists its L entries.
      expect(executed.nonlinear).toEqual(nonlinear);
      small.dispose();
      network.dispose();
    });
  });
}
