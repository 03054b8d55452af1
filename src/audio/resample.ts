/**
 * Sample-rate conversion and downmixing. Windowed-sinc interpolation with the cut-off at
 * the lower Nyquist frequency, so downsampling a 44.1/48 kHz microphone to 16 kHz does not
 * alias. Works on whole buffers (`resample`) or chunk by chunk (`StreamingResampler`, for
 * the microphone), with identical output either way.
 */
import { SAMPLE_RATE } from './frames';

/** Zero crossings of the sinc on each side; more is sharper and slower. */
const ZERO_CROSSINGS = 16;
/** Cut-off as a fraction of the lower Nyquist frequency, leaving room for the transition band. */
const ROLLOFF = 0.94;
/** Kernel table resolution (entries per input sample); lookups interpolate linearly. */
const TABLE_STEPS = 512;

function blackman(x: number): number {
  // x in [-1, 1]
  const t = (x + 1) / 2;
  return 0.42 - 0.5 * Math.cos(2 * Math.PI * t) + 0.08 * Math.cos(4 * Math.PI * t);
}

/** Averages all channels into one. */
export function downmixToMono(channels: readonly Float32Array[]): Float32Array {
  if (channels.length === 0) throw new Error('downmixToMono: no channels');
  if (channels.length === 1) return channels[0].slice();
  const length = channels[0].length;
  const out = new Float32Array(length);
  for (const channel of channels) {
    if (channel.length !== length) throw new Error('downmixToMono: channels differ in length');
    for (let i = 0; i < length; i++) out[i] += channel[i];
  }
  const scale = 1 / channels.length;
  for (let i = 0; i < length; i++) out[i] *= scale;
  return out;
}

/** Converts audio chunk by chunk; output does not depend on how the input is chunked. */
export class StreamingResampler {
  readonly fromRate: number;
  readonly toRate: number;
  /** Half length of the kernel, in input samples. */
  private readonly halfWidth: number;
  private readonly table: Float32Array;
  /** Kernel argument (input samples) × this = table index. */
  private readonly tableScale: number;
  private pending = new Float32Array(0);
  /** Absolute input index of pending[0]. */
  private pendingStart = 0;
  /** Input samples received so far. */
  private received = 0;
  /** Absolute index of the next output sample. */
  private nextOutput = 0;

  constructor(fromRate: number, toRate: number = SAMPLE_RATE) {
    if (!(fromRate > 0) || !(toRate > 0)) throw new Error(`resample: invalid rates ${fromRate} → ${toRate}`);
    this.fromRate = fromRate;
    this.toRate = toRate;
    // Cut-off in cycles per input sample.
    const cutoff = 0.5 * Math.min(1, toRate / fromRate) * ROLLOFF;
    this.halfWidth = ZERO_CROSSINGS / (2 * cutoff);
    const size = Math.ceil(this.halfWidth * TABLE_STEPS) + 2;
    this.table = new Float32Array(size);
    this.tableScale = TABLE_STEPS;
    for (let i = 0; i < size; i++) {
      const t = i / TABLE_STEPS;
      const x = 2 * cutoff * t;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      this.table[i] = t >= this.halfWidth ? 0 : 2 * cutoff * sinc * blackman(t / this.halfWidth);
    }
  }

  private kernel(distance: number): number {
    const position = Math.abs(distance) * this.tableScale;
    const index = Math.floor(position);
    if (index + 1 >= this.table.length) return 0;
    const fraction = position - index;
    return this.table[index] + fraction * (this.table[index + 1] - this.table[index]);
  }

  /** Input time (in input samples) of output sample n, exact for integer rates. */
  private timeOf(n: number): number {
    return (n * this.fromRate) / this.toRate;
  }

  private outputSample(time: number): number {
    let sum = 0;
    let weights = 0;
    for (let k = Math.ceil(time - this.halfWidth); k <= Math.floor(time + this.halfWidth); k++) {
      const w = this.kernel(time - k);
      weights += w;
      // Samples before the start and after the end of the stream count as zeros.
      if (k >= 0 && k < this.received) sum += w * this.pending[k - this.pendingStart];
    }
    // Dividing by the weight sum removes the small ripple of the tabulated kernel's DC gain.
    return weights > 0 ? sum / weights : 0;
  }

  private append(chunk: Float32Array): void {
    const merged = new Float32Array(this.pending.length + chunk.length);
    merged.set(this.pending);
    merged.set(chunk, this.pending.length);
    this.pending = merged;
    this.received += chunk.length;
  }

  /** Emits outputs up to `limit` (exclusive), or while their kernel support has arrived when not final. */
  private produce(limit: number, final: boolean): Float32Array {
    const out: number[] = [];
    while (this.nextOutput < limit) {
      const time = this.timeOf(this.nextOutput);
      if (!final && Math.floor(time + this.halfWidth) >= this.received) break;
      out.push(this.outputSample(time));
      this.nextOutput++;
    }
    // Drop input that no later output sample can reach.
    const keepFrom = Math.ceil(this.timeOf(this.nextOutput) - this.halfWidth);
    const drop = Math.min(this.pending.length, keepFrom - this.pendingStart);
    if (drop > 0) {
      this.pending = this.pending.slice(drop);
      this.pendingStart += drop;
    }
    return Float32Array.from(out);
  }

  /** Feeds input; returns the output samples whose whole kernel support has now arrived. */
  process(chunk: Float32Array): Float32Array {
    this.append(chunk);
    return this.produce(Infinity, false);
  }

  /** Ends the stream: returns the remaining output, treating samples after the end as zeros. */
  flush(): Float32Array {
    const total = Math.ceil((this.received * this.toRate) / this.fromRate - 1e-9);
    return this.produce(total, true);
  }
}

/** Resamples a whole buffer; output length is ceil(length · toRate / fromRate). */
export function resample(input: Float32Array, fromRate: number, toRate: number = SAMPLE_RATE): Float32Array {
  if (fromRate === toRate) return input.slice();
  const resampler = new StreamingResampler(fromRate, toRate);
  const head = resampler.process(input);
  const tail = resampler.flush();
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

/** Downmixes to mono and resamples to the corpus rate. */
export function toMono16k(audio: { sampleRate: number; channels: readonly Float32Array[] }): Float32Array {
  const mono = downmixToMono(audio.channels);
  return audio.sampleRate === SAMPLE_RATE ? mono : resample(mono, audio.sampleRate, SAMPLE_RATE);
}
