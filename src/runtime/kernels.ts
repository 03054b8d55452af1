/**
 * Frame-by-frame inference of a consolidated VAD in plain TypeScript: one object per layer,
 * each turning one frame's features into the next layer's, with its state (conv taps, GRU
 * state, attention keys/values) carried from frame to frame in fixed-size buffers, so the
 * cost per frame does not depend on how long the stream has run. For these tiny layers a
 * loop over Float32Arrays beats a tfjs call per frame, whose fixed overhead is larger than
 * the arithmetic (see `npm run bench -- peer`). The layer formulas mirror the tfjs layers
 * (src/dcl/layers.ts, src/models/*) and are tested equal to them (test/runtime.test.ts).
 */
import type { Activation } from '../dcl/flops';
import { tensorName, type LayerSpec, type ModelArchitecture, type NamedArrays } from './architecture';

export interface FrameKernel {
  /** One frame in, one frame out (the returned array is reused by the next call). */
  step(x: Float32Array): Float32Array;
  reset(): void;
  /** Numbers carried from frame to frame. */
  stateSize?(): number;
}

const RMS_EPSILON = 1e-5;

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

function activate(y: Float32Array, fn: Activation): void {
  switch (fn) {
    case 'linear':
      return;
    case 'relu':
      for (let i = 0; i < y.length; i++) if (y[i] < 0) y[i] = 0;
      return;
    case 'sigmoid':
      for (let i = 0; i < y.length; i++) y[i] = sigmoid(y[i]);
      return;
    case 'tanh':
      for (let i = 0; i < y.length; i++) y[i] = Math.tanh(y[i]);
      return;
    case 'silu':
      for (let i = 0; i < y.length; i++) y[i] = y[i] * sigmoid(y[i]);
      return;
  }
}

/** out = bias + x · W, W row-major [in, out] (rows read contiguously). */
function affine(x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array, wOffset = 0, accumulate = false): void {
  const n = out.length;
  if (!accumulate) {
    if (bias) out.set(bias);
    else out.fill(0);
  }
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const row = wOffset + i * n;
    for (let o = 0; o < n; o++) out[o] += xi * w[row + o];
  }
}

/** RMS norm with a fixed divisor and per-unit statistic weights (RmsNorm in transformerLayers.ts). */
class RmsNormKernel {
  private readonly out: Float32Array;
  constructor(
    private readonly gain: Float32Array,
    private readonly weights: Float32Array,
    private readonly divisor: number,
  ) {
    this.out = new Float32Array(gain.length);
  }
  apply(x: Float32Array): Float32Array {
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum += this.weights[i] * x[i] * x[i];
    const inv = 1 / Math.sqrt(sum / this.divisor + RMS_EPSILON);
    for (let i = 0; i < x.length; i++) this.out[i] = x[i] * inv * this.gain[i];
    return this.out;
  }
}

/**
 * The last `length` frames of `width` features, oldest first via `at(j)`; before the stream
 * has that many frames the missing ones read as zeros (the causal padding of the tfjs layers).
 */
class FrameHistory {
  private readonly buffer: Float32Array;
  private next = 0;
  private filled = 0;
  constructor(
    readonly length: number,
    readonly width: number,
  ) {
    this.buffer = new Float32Array(length * width);
  }
  push(x: Float32Array): void {
    this.buffer.set(x, this.next * this.width);
    this.next = (this.next + 1) % this.length;
    this.filled = Math.min(this.length, this.filled + 1);
  }
  /** Frames held (≤ length). */
  get count(): number {
    return this.filled;
  }
  /** Offset into `data` of the j-th newest frame (j = 0: the latest pushed). */
  offsetOf(j: number): number {
    return ((this.next - 1 - j + 2 * this.length) % this.length) * this.width;
  }
  get data(): Float32Array {
    return this.buffer;
  }
  reset(): void {
    this.buffer.fill(0);
    this.next = 0;
    this.filled = 0;
  }
}

type Tensors = (key: string) => Float32Array;

/**
 * Log-mel with per-band normalisation: fixed constants ('global'), or minus a causal running
 * mean per band ('running': the average of all frames so far while fewer than τ, then an
 * exponential average with time constant τ), as LogMel in src/models/logMel.ts.
 */
class LogMelKernel implements FrameKernel {
  /** The triangular filters are mostly zeros: per band, the first bin and the weights up to the last nonzero one. */
  private readonly bands: { first: number; weights: Float32Array }[];
  private readonly out: Float32Array;
  /** Running mean per band and frames seen ('running' only). */
  private readonly running: Float64Array;
  private frames = 0;
  /** Running mean of the frame's mean power per bin (relative floor only). */
  private level = 0;
  constructor(
    filterbank: Float32Array,
    nFreq: number,
    private readonly mean: Float32Array,
    private readonly invStd: Float32Array,
    private readonly floor: number,
    private readonly timeConstant: number | null,
    /** log(mel + floor + relativeFloor · running mean power per bin); 0 for none. */
    private readonly relativeFloor = 0,
  ) {
    this.running = new Float64Array(timeConstant === null ? 0 : mean.length);
    const n = mean.length;
    this.bands = Array.from({ length: n }, (_, m) => {
      let first = nFreq;
      let last = -1;
      for (let k = 0; k < nFreq; k++) {
        if (filterbank[k * n + m] !== 0) {
          first = Math.min(first, k);
          last = k;
        }
      }
      const weights = new Float32Array(Math.max(0, last - first + 1));
      for (let k = first; k <= last; k++) weights[k - first] = filterbank[k * n + m];
      return { first, weights };
    });
    this.out = new Float32Array(n);
  }
  step(power: Float32Array): Float32Array {
    const rate = this.timeConstant === null ? 0 : Math.max(1 / (this.frames + 1), 1 / this.timeConstant);
    let floor = this.floor;
    if (this.relativeFloor > 0) {
      let total = 0;
      for (let k = 0; k < power.length; k++) total += power[k];
      this.level = (1 - rate) * this.level + (rate * total) / power.length;
      floor += this.relativeFloor * this.level;
    }
    for (let m = 0; m < this.bands.length; m++) {
      const { first, weights } = this.bands[m];
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += power[first + k] * weights[k];
      const logMel = Math.log(Math.fround(sum) + floor);
      if (this.timeConstant === null) this.out[m] = (logMel - this.mean[m]) * this.invStd[m];
      else {
        this.running[m] = (1 - rate) * this.running[m] + rate * logMel;
        this.out[m] = (logMel - this.running[m]) * this.invStd[m];
      }
    }
    this.frames++;
    return this.out;
  }
  reset(): void {
    this.running.fill(0);
    this.frames = 0;
    this.level = 0;
  }
  stateSize(): number {
    return this.running.length + (this.relativeFloor > 0 ? 2 : 1);
  }
}

class DenseKernel implements FrameKernel {
  private readonly out: Float32Array;
  constructor(
    private readonly kernel: Float32Array,
    private readonly bias: Float32Array,
    private readonly activation: Activation,
  ) {
    this.out = new Float32Array(bias.length);
  }
  step(x: Float32Array): Float32Array {
    affine(x, this.kernel, this.bias, this.out);
    activate(this.out, this.activation);
    return this.out;
  }
  reset(): void {}
}

/** Causal conv: tap j of the kernel [k, in, out] reads the frame k − 1 − j steps back. */
class ConvKernel implements FrameKernel {
  private readonly history: FrameHistory;
  private readonly out: Float32Array;
  private readonly tap: Float32Array;
  constructor(
    private readonly kernel: Float32Array,
    private readonly bias: Float32Array,
    private readonly size: number,
    inputs: number,
    private readonly activation: Activation,
  ) {
    this.history = new FrameHistory(size, inputs);
    this.out = new Float32Array(bias.length);
    this.tap = new Float32Array(inputs);
  }
  step(x: Float32Array): Float32Array {
    this.history.push(x);
    this.out.set(this.bias);
    const inputs = this.tap.length;
    for (let back = 0; back < Math.min(this.size, this.history.count); back++) {
      const offset = this.history.offsetOf(back);
      this.tap.set(this.history.data.subarray(offset, offset + inputs));
      affine(this.tap, this.kernel, null, this.out, (this.size - 1 - back) * inputs * this.out.length, true);
    }
    activate(this.out, this.activation);
    return this.out;
  }
  reset(): void {
    this.history.reset();
  }
  stateSize(): number {
    return this.history.data.length;
  }
}

/** GRU, gates z, r, n (as GRU in src/dcl/layers.ts, all units kept). */
class GruKernel implements FrameKernel {
  private readonly state: Float32Array;
  private readonly xp: Float32Array;
  private readonly hp: Float32Array;
  constructor(
    private readonly inputKernel: Float32Array,
    private readonly recurrentKernel: Float32Array,
    private readonly inputBias: Float32Array,
    private readonly recurrentBias: Float32Array,
    hidden: number,
  ) {
    this.state = new Float32Array(hidden);
    this.xp = new Float32Array(3 * hidden);
    this.hp = new Float32Array(3 * hidden);
  }
  step(x: Float32Array): Float32Array {
    const h = this.state.length;
    affine(x, this.inputKernel, this.inputBias, this.xp);
    affine(this.state, this.recurrentKernel, this.recurrentBias, this.hp);
    for (let i = 0; i < h; i++) {
      const z = sigmoid(this.xp[i] + this.hp[i]);
      const r = sigmoid(this.xp[h + i] + this.hp[h + i]);
      const n = Math.tanh(this.xp[2 * h + i] + r * this.hp[2 * h + i]);
      this.state[i] = (1 - z) * n + z * this.state[i];
    }
    return this.state;
  }
  reset(): void {
    this.state.fill(0);
  }
  stateSize(): number {
    return this.state.length;
  }
}

/** x + (Σ_j w_j ⊙ x_{t−(k−1−j)} + b), depthwise. */
class CausalMixKernel implements FrameKernel {
  private readonly history: FrameHistory;
  private readonly out: Float32Array;
  constructor(
    private readonly kernel: Float32Array,
    private readonly bias: Float32Array,
    private readonly size: number,
  ) {
    this.history = new FrameHistory(size, bias.length);
    this.out = new Float32Array(bias.length);
  }
  step(x: Float32Array): Float32Array {
    const n = this.out.length;
    this.history.push(x);
    const mixed = this.out;
    mixed.set(this.bias);
    for (let back = 0; back < Math.min(this.size, this.history.count); back++) {
      const offset = this.history.offsetOf(back);
      const row = (this.size - 1 - back) * n;
      for (let i = 0; i < n; i++) mixed[i] += this.kernel[row + i] * this.history.data[offset + i];
    }
    for (let i = 0; i < n; i++) mixed[i] += x[i];
    return mixed;
  }
  reset(): void {
    this.history.reset();
  }
  stateSize(): number {
    return this.history.data.length;
  }
}

/** One-head attention over the `context` most recent frames (keys and values cached), residual. */
class AttentionKernel implements FrameKernel {
  private readonly keys: FrameHistory;
  private readonly values: FrameHistory;
  private readonly q: Float32Array;
  private readonly k: Float32Array;
  private readonly v: Float32Array;
  private readonly scores: Float64Array;
  private readonly mixed: Float32Array;
  private readonly out: Float32Array;
  constructor(
    private readonly norm: RmsNormKernel,
    t: Tensors,
    context: number,
    private readonly scoreScale: number,
    n: number,
  ) {
    this.keys = new FrameHistory(context, n);
    this.values = new FrameHistory(context, n);
    [this.q, this.k, this.v, this.mixed, this.out] = [0, 1, 2, 3, 4].map(() => new Float32Array(n));
    this.scores = new Float64Array(context);
    // Resolve every tensor once (the getter is a map lookup).
    this.w = { q: t('query'), k: t('key'), v: t('value'), qb: t('queryBias'), kb: t('keyBias'), vb: t('valueBias'), o: t('output'), ob: t('outputBias') };
  }
  private readonly w: Record<'q' | 'k' | 'v' | 'qb' | 'kb' | 'vb' | 'o' | 'ob', Float32Array>;
  step(x: Float32Array): Float32Array {
    const n = x.length;
    const h = this.norm.apply(x);
    affine(h, this.w.q, this.w.qb, this.q);
    affine(h, this.w.k, this.w.kb, this.k);
    affine(h, this.w.v, this.w.vb, this.v);
    this.keys.push(this.k);
    this.values.push(this.v);
    const count = this.keys.count;
    let max = -Infinity;
    for (let j = 0; j < count; j++) {
      const offset = this.keys.offsetOf(j);
      let dot = 0;
      for (let i = 0; i < n; i++) dot += this.q[i] * this.keys.data[offset + i];
      this.scores[j] = dot * this.scoreScale;
      if (this.scores[j] > max) max = this.scores[j];
    }
    let total = 0;
    for (let j = 0; j < count; j++) total += this.scores[j] = Math.exp(this.scores[j] - max);
    this.mixed.fill(0);
    for (let j = 0; j < count; j++) {
      const p = this.scores[j] / total;
      const offset = this.values.offsetOf(j);
      for (let i = 0; i < n; i++) this.mixed[i] += p * this.values.data[offset + i];
    }
    affine(this.mixed, this.w.o, this.w.ob, this.out);
    for (let i = 0; i < n; i++) this.out[i] += x[i];
    return this.out;
  }
  reset(): void {
    this.keys.reset();
    this.values.reset();
  }
  stateSize(): number {
    return this.keys.data.length + this.values.data.length;
  }
}

class FeedForwardKernel implements FrameKernel {
  private readonly u: Float32Array;
  private readonly out: Float32Array;
  constructor(
    private readonly norm: RmsNormKernel,
    private readonly w1: Float32Array,
    private readonly b1: Float32Array,
    private readonly w2: Float32Array,
    private readonly b2: Float32Array,
  ) {
    this.u = new Float32Array(b1.length);
    this.out = new Float32Array(b2.length);
  }
  step(x: Float32Array): Float32Array {
    affine(this.norm.apply(x), this.w1, this.b1, this.u);
    activate(this.u, 'relu');
    affine(this.u, this.w2, this.b2, this.out);
    for (let i = 0; i < x.length; i++) this.out[i] += x[i];
    return this.out;
  }
  reset(): void {}
}

class RmsNormLayerKernel implements FrameKernel {
  constructor(private readonly norm: RmsNormKernel) {}
  step(x: Float32Array): Float32Array {
    return this.norm.apply(x);
  }
  reset(): void {}
}

function layerKernel(spec: LayerSpec, t: Tensors, architecture: ModelArchitecture): FrameKernel {
  const widths = architecture.widths;
  const norm = () => new RmsNormKernel(t('normGain'), t('normWeights'), (spec as { normDivisor: number }).normDivisor);
  switch (spec.kind) {
    case 'logMel':
      return new LogMelKernel(t('filterbank'), spec.nFreq, t('mean'), t('invStd'), architecture.frontEnd.logFloor, spec.normalisation?.kind === 'running' ? spec.normalisation.timeConstantFrames : null, architecture.frontEnd.relativeLogFloor ?? 0);
    case 'dense':
      return new DenseKernel(t('kernel'), t('bias'), spec.activation);
    case 'conv1d':
      return new ConvKernel(t('kernel'), t('bias'), spec.kernelSize, widths[spec.in], spec.activation);
    case 'gru':
      return new GruKernel(t('inputKernel'), t('recurrentKernel'), t('inputBias'), t('recurrentBias'), widths[spec.out]);
    case 'causalMix':
      return new CausalMixKernel(t('kernel'), t('bias'), spec.kernelSize);
    case 'attention':
      return new AttentionKernel(norm(), t, spec.context, spec.scoreScale, widths[spec.in]);
    case 'feedForward':
      return new FeedForwardKernel(norm(), t('w1'), t('b1'), t('w2'), t('b2'));
    case 'rmsNorm':
      return new RmsNormLayerKernel(norm());
  }
}

/** The whole network after the front end: power spectrum frame (201 bins) → speech probability. */
export class FrameNetwork {
  private readonly kernels: FrameKernel[];
  constructor(architecture: ModelArchitecture, arrays: NamedArrays) {
    this.kernels = architecture.layers.map((spec, index) =>
      layerKernel(
        spec,
        (key) => {
          const entry = arrays.get(tensorName(index, spec.name, key));
          if (!entry) throw new Error(`layer ${spec.name}: tensor ${key} is missing`);
          return entry.values;
        },
        architecture,
      ),
    );
    const last = architecture.layers.at(-1)!;
    if (architecture.widths[last.out] !== 1) throw new Error(`${architecture.family}: the last layer writes ${architecture.widths[last.out]} values, a VAD writes 1`);
  }
  /** Speech probability of one frame given its power spectrum. */
  step(power: Float32Array): number {
    let h = power;
    for (const kernel of this.kernels) h = kernel.step(h);
    return h[0];
  }
  reset(): void {
    this.kernels.forEach((k) => k.reset());
  }
  stateSize(): number {
    return this.kernels.reduce((n, k) => n + (k.stateSize?.() ?? 0), 0);
  }
}
