/**
 * Sample-rate conversion and downmixing. A Kaiser-windowed sinc low-pass at the lower of the
 * two rates: flat up to 7/8 of the lower Nyquist frequency and designed for 100 dB of
 * rejection from the Nyquist frequency on, so downsampling a 44.1/48 kHz microphone to 16 kHz
 * keeps 0–7 kHz and folds nothing audible back into it (test/audio.test.ts measures both;
 * `npm run bench -- peer` prints the rejection beside the Speex resampler's). Works on whole
 * buffers (`resample`) or chunk by chunk (`StreamingResampler`, for the microphone), with
 * identical output either way. The same code runs in the capture worklet, the listen worker
 * (files) and the command line.
 */
import { SAMPLE_RATE } from './frames';

/** Flat up to this fraction of the lower Nyquist frequency; the stop band starts at the Nyquist frequency. */
const PASSBAND = 0.875;
/** Stop-band attenuation the Kaiser window is designed for. */
const DESIGN_ATTENUATION_DB = 100;
/** Kernel table resolution per zero crossing of the sinc; lookups interpolate linearly between entries. */
const STEPS_PER_ZERO_CROSSING = 2048;

/** Walking from the output time backwards, then forwards. */
const SIDES = [-1, 1] as const;

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for the β used here). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; term > sum * 1e-17; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

/**
 * Kaiser's design formulas: the window's β and the filter length (taps) for `attenuationDb`
 * of stop-band rejection with a transition band `transition` wide (cycles per sample).
 */
function kaiserDesign(attenuationDb: number, transition: number): { beta: number; taps: number } {
  return { beta: 0.1102 * (attenuationDb - 8.7), taps: (attenuationDb - 7.95) / (2.285 * 2 * Math.PI * transition) };
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
  /** The kernel at distances 0, 1/stepsPerSample, 2/stepsPerSample, … input samples (zero from halfWidth on). */
  private readonly table: Float32Array;
  private readonly stepsPerSample: number;
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
    // In cycles per input sample: the lower Nyquist frequency, the band kept flat, and the
    // cut-off (−6 dB) halfway between them.
    const nyquist = 0.5 * Math.min(1, toRate / fromRate);
    const passband = PASSBAND * nyquist;
    const cutoff = (passband + nyquist) / 2;
    const { beta, taps } = kaiserDesign(DESIGN_ATTENUATION_DB, nyquist - passband);
    this.halfWidth = taps / 2;
    // Whole steps per input sample: all taps of one output sample then share one interpolation fraction.
    this.stepsPerSample = Math.ceil(STEPS_PER_ZERO_CROSSING * 2 * cutoff);
    const size = Math.ceil(this.halfWidth * this.stepsPerSample) + 2;
    this.table = new Float32Array(size);
    const windowNorm = besselI0(beta);
    for (let i = 0; i < size; i++) {
      const t = i / this.stepsPerSample;
      if (t >= this.halfWidth) break;
      const x = 2 * cutoff * t;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const r = t / this.halfWidth;
      this.table[i] = (2 * cutoff * sinc * besselI0(beta * Math.sqrt(1 - r * r))) / windowNorm;
    }
  }

  /** Input time (in input samples) of output sample n, exact for integer rates. */
  private timeOf(n: number): number {
    return (n * this.fromRate) / this.toRate;
  }

  private outputSample(time: number): number {
    const { table, stepsPerSample: steps, pending, pendingStart, received } = this;
    const first = Math.ceil(time - this.halfWidth);
    const last = Math.floor(time + this.halfWidth);
    const base = Math.floor(time);
    let sum = 0;
    let weights = 0;
    // The taps at and before `time` (distances frac, frac + 1, …), then those after it
    // (1 − frac, 2 − frac, …): on each side all share one interpolation fraction.
    for (const side of SIDES) {
      const position = (side < 0 ? time - base : base + 1 - time) * steps;
      let index = Math.floor(position);
      const fraction = position - index;
      for (let k = side < 0 ? base : base + 1; k >= first && k <= last && index + 1 < table.length; k += side, index += steps) {
        const w = table[index] + fraction * (table[index + 1] - table[index]);
        weights += w;
        // Samples before the start and after the end of the stream count as zeros.
        if (k >= 0 && k < received) sum += w * pending[k - pendingStart];
      }
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
