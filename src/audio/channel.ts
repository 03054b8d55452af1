/**
 * Channel and level augmentation for training scenes: what happens to speech between a mouth
 * and our input that the corpus does not already vary. Telephone band (high-pass ~300 Hz,
 * low-pass 3–4 kHz, 8 kHz sampling) with μ-law, A-law or a GSM-like LPC coder, a wideband
 * low-pass, EQ tilt and resonance, reverberation with a synthetic room impulse response,
 * clipping, levels −45…−10 dBFS RMS, DC offset and microphone self-noise.
 *
 * Every function is pure given its arguments (randomness only through the Rng passed in), so
 * augmented scenes are reproducible from a seed. Labels never change: the channel alters how
 * speech sounds, not where it is.
 */
import FFT from 'fft.js';
import type { Rng } from '../data/random';
import { SAMPLE_RATE } from './frames';
import { dbToAmplitude, meanSquare } from './mix';

// ---------------------------------------------------------------------------------------------
// Filters

/** Linear-phase FIR low-pass (Blackman-windowed sinc, unit gain at DC): −74 dB stop band, ≈ 6·fs/taps transition. */
export function lowPassKernel(cutoffHz: number, taps: number, sampleRate = SAMPLE_RATE): Float32Array {
  if (taps % 2 !== 1) throw new Error(`lowPassKernel: taps must be odd, got ${taps}`);
  if (!(cutoffHz > 0 && cutoffHz < sampleRate / 2)) throw new Error(`lowPassKernel: cut-off ${cutoffHz} Hz outside (0, ${sampleRate / 2})`);
  const h = new Float32Array(taps);
  const centre = (taps - 1) / 2;
  const fc = cutoffHz / sampleRate;
  let sum = 0;
  for (let i = 0; i < taps; i++) {
    const n = i - centre;
    const sinc = n === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * n) / (Math.PI * n);
    const w = 0.42 - 0.5 * Math.cos((2 * Math.PI * i) / (taps - 1)) + 0.08 * Math.cos((4 * Math.PI * i) / (taps - 1));
    h[i] = sinc * w;
    sum += h[i];
  }
  for (let i = 0; i < taps; i++) h[i] /= sum;
  return h;
}

/** Taps of the channel's FIR filters: a 16 kHz transition band of ≈ 600 Hz. */
export const FIR_TAPS = 161;
/** Above cutoff + this, a FIR_TAPS low-pass has attenuated by more than 74 dB. */
export const FIR_TRANSITION_HZ = (6 * SAMPLE_RATE) / FIR_TAPS / 2 + 50;

/**
 * y[n] = Σ_k h[k]·x[n + k − centre] for n < x.length (odd-length h, x zero outside its
 * span): the FIR-filtered signal, delay-compensated. Overlap-save with fft.js blocks of at
 * least four kernel lengths, several times faster than the direct sum for the channel's
 * 161-tap filters (which are most of a training scene's synthesis).
 */
export function firFilter(x: Float32Array, h: Float32Array): Float32Array {
  const taps = h.length;
  const centre = (taps - 1) / 2;
  let size = 64;
  while (size < 4 * taps) size *= 2;
  const fft = fftOfSize(size);
  const hop = size - taps + 1;
  // Block input u[m] = x[start − centre + m]; its circular convolution with g[j] = h[taps − 1 − j]
  // at m = taps − 1 + n (free of wrap-around) is Σ_k h[k]·x[start + n + k − centre] = y[start + n].
  const kernel = new Float64Array(size);
  for (let j = 0; j < taps; j++) kernel[j] = h[taps - 1 - j];
  const H = new Float64Array(2 * size);
  fft.realTransform(H, kernel);
  fft.completeSpectrum(H);
  const y = new Float32Array(x.length);
  const block = new Float64Array(size);
  const spectrum = new Float64Array(2 * size);
  const time = new Float64Array(2 * size);
  for (let start = 0; start < x.length; start += hop) {
    const offset = start - centre;
    for (let m = 0; m < size; m++) {
      const i = offset + m;
      block[m] = i >= 0 && i < x.length ? x[i] : 0;
    }
    fft.realTransform(spectrum, block);
    fft.completeSpectrum(spectrum);
    for (let k = 0; k < size; k++) {
      const [re, im, hr, hi] = [spectrum[2 * k], spectrum[2 * k + 1], H[2 * k], H[2 * k + 1]];
      spectrum[2 * k] = re * hr - im * hi;
      spectrum[2 * k + 1] = re * hi + im * hr;
    }
    fft.inverseTransform(time, spectrum);
    for (let n = 0; n < hop && start + n < x.length; n++) y[start + n] = time[2 * (taps - 1 + n)];
  }
  return y;
}

/** The filtered signal at half the rate: every second sample of firFilter. */
function firDecimate(x: Float32Array, h: Float32Array): Float32Array {
  const full = firFilter(x, h);
  const out = new Float32Array(Math.ceil(x.length / 2));
  for (let j = 0; j < out.length; j++) out[j] = full[2 * j];
  return out;
}

export function lowPass(audio: Float32Array, cutoffHz: number, sampleRate = SAMPLE_RATE): Float32Array {
  return firFilter(audio, lowPassKernel(cutoffHz, FIR_TAPS, sampleRate));
}

/** RBJ audio-EQ-cookbook biquad, run in direct form I. */
export type BiquadKind = 'highPass' | 'lowShelf' | 'highShelf' | 'peak';

export function biquad(audio: Float32Array, kind: BiquadKind, frequencyHz: number, q: number, gainDb = 0, sampleRate = SAMPLE_RATE): Float32Array {
  const a = Math.pow(10, gainDb / 40);
  const w0 = (2 * Math.PI * frequencyHz) / sampleRate;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  let [b0, b1, b2, a0, a1, a2] = [1, 0, 0, 1, 0, 0];
  if (kind === 'highPass') {
    [b0, b1, b2] = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2];
    [a0, a1, a2] = [1 + alpha, -2 * cos, 1 - alpha];
  } else if (kind === 'peak') {
    [b0, b1, b2] = [1 + alpha * a, -2 * cos, 1 - alpha * a];
    [a0, a1, a2] = [1 + alpha / a, -2 * cos, 1 - alpha / a];
  } else {
    const s = kind === 'lowShelf' ? 1 : -1;
    const root = 2 * Math.sqrt(a) * alpha;
    b0 = a * (a + 1 - s * (a - 1) * cos + root);
    b1 = s * 2 * a * (a - 1 - s * (a + 1) * cos);
    b2 = a * (a + 1 - s * (a - 1) * cos - root);
    a0 = a + 1 + s * (a - 1) * cos + root;
    a1 = -s * 2 * (a - 1 + s * (a + 1) * cos);
    a2 = a + 1 + s * (a - 1) * cos - root;
  }
  const out = new Float32Array(audio.length);
  const [c0, c1, c2, d1, d2] = [b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0];
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < audio.length; i++) {
    const x0 = audio[i];
    const y0 = c0 * x0 + c1 * x1 + c2 * x2 - d1 * y1 - d2 * y2;
    out[i] = y0;
    x2 = x1;
    x1 = x0;
    y2 = y1;
    y1 = y0;
  }
  return out;
}

/** 4th-order Butterworth-like high-pass (two 2nd-order sections): what a telephone does below ~300 Hz. */
export function highPass(audio: Float32Array, cutoffHz: number, sampleRate = SAMPLE_RATE): Float32Array {
  return biquad(biquad(audio, 'highPass', cutoffHz, 0.5412, 0, sampleRate), 'highPass', cutoffHz, 1.3066, 0, sampleRate);
}

// ---------------------------------------------------------------------------------------------
// Companding and coding at 8 kHz

const MU = 255;
const A = 87.6;

/** G.711-style 8-bit μ-law (continuous companding curve, 8-bit code): encode then decode. */
export function muLaw(audio: Float32Array): Float32Array {
  const scale = Math.log1p(MU);
  const out = new Float32Array(audio.length);
  for (let i = 0; i < audio.length; i++) {
    const c = Math.max(-1, Math.min(1, audio[i]));
    const y = Math.round(((Math.sign(c) * Math.log1p(MU * Math.abs(c))) / scale) * 127) / 127;
    out[i] = (Math.sign(y) * Math.expm1(Math.abs(y) * scale)) / MU;
  }
  return out;
}

/** G.711-style 8-bit A-law: encode then decode. */
export function aLaw(audio: Float32Array): Float32Array {
  const k = 1 + Math.log(A);
  const compress = (v: number) => (v < 1 / A ? (A * v) / k : (1 + Math.log(A * v)) / k);
  const expand = (v: number) => (v < 1 / k ? (v * k) / A : Math.exp(v * k - 1) / A);
  const out = new Float32Array(audio.length);
  for (let i = 0; i < audio.length; i++) {
    const c = Math.max(-1, Math.min(1, audio[i]));
    out[i] = Math.sign(c) * expand(Math.round(compress(Math.abs(c)) * 127) / 127);
  }
  return out;
}

const GSM_FRAME = 160;
const GSM_SUBFRAME = 40;
const LPC_ORDER = 8;
/** Bits of the 8 reflection coefficients, as GSM 06.10 gives its log-area ratios. */
const LPC_BITS = [6, 6, 5, 5, 4, 4, 3, 3];

/**
 * A GSM-full-rate-like coder at 8 kHz (20 ms frames): pre-emphasis, order-8 LPC with coarsely
 * quantised reflection coefficients, and a regular-pulse excitation that keeps every third
 * residual sample (best of three grids per 5 ms) with a 6-bit block scale and 3-bit pulses.
 * No long-term predictor, so it is rougher than real GSM; what matters here is the coarse
 * envelope and noisy excitation that mislead a detector. Encode then decode.
 */
export function gsmLike(audio: Float32Array): Float32Array {
  const out = new Float32Array(audio.length);
  const emphasised = new Float32Array(audio.length);
  for (let i = 0; i < audio.length; i++) emphasised[i] = audio[i] - 0.86 * (i > 0 ? audio[i - 1] : 0);
  const analysisState = new Float64Array(LPC_ORDER + 1);
  const synthesisState = new Float64Array(LPC_ORDER + 1);
  let deemphasis = 0;
  for (let start = 0; start < audio.length; start += GSM_FRAME) {
    const frame = emphasised.subarray(start, Math.min(audio.length, start + GSM_FRAME));
    const k = quantiseReflection(reflectionCoefficients(frame));
    const residual = latticeAnalysis(frame, k, analysisState);
    const excitation = regularPulses(residual);
    const decoded = latticeSynthesis(excitation, k, synthesisState);
    for (let i = 0; i < decoded.length; i++) {
      deemphasis = decoded[i] + 0.86 * deemphasis;
      out[start + i] = deemphasis;
    }
  }
  return out;
}

/** Reflection coefficients of the frame (autocorrelation, Levinson–Durbin; silence gives zeros). */
function reflectionCoefficients(frame: Float32Array): Float64Array {
  const r = new Float64Array(LPC_ORDER + 1);
  for (let lag = 0; lag <= LPC_ORDER; lag++) for (let i = lag; i < frame.length; i++) r[lag] += frame[i] * frame[i - lag];
  const k = new Float64Array(LPC_ORDER);
  if (r[0] <= 1e-12) return k;
  r[0] *= 1 + 1e-4; // a little white-noise correction keeps the recursion stable
  let a = new Float64Array(LPC_ORDER + 1);
  a[0] = 1;
  let error = r[0];
  for (let m = 1; m <= LPC_ORDER; m++) {
    let acc = r[m];
    for (let j = 1; j < m; j++) acc += a[j] * r[m - j];
    // Clamped: a near-singular frame (a pure tone) must not give an unstable filter.
    const km = Math.max(-0.999, Math.min(0.999, -acc / Math.max(error, 1e-12 * r[0])));
    const next = a.slice();
    for (let j = 1; j < m; j++) next[j] = a[j] + km * a[m - j];
    next[m] = km;
    a = next;
    error *= 1 - km * km;
    k[m - 1] = km;
  }
  return k;
}

/** Quantises each coefficient uniformly in the arcsine domain with LPC_BITS[i] bits. */
function quantiseReflection(k: Float64Array): Float64Array {
  return k.map((value, i) => {
    const levels = 2 ** LPC_BITS[i];
    const angle = Math.asin(Math.max(-0.999, Math.min(0.999, value)));
    const step = Math.PI / levels;
    return Math.sin((Math.floor(angle / step) + 0.5) * step);
  });
}

/** Lattice inverse filter A(z): residual of the frame, with the state carried across frames. */
function latticeAnalysis(frame: Float32Array, k: Float64Array, state: Float64Array): Float64Array {
  const out = new Float64Array(frame.length);
  for (let n = 0; n < frame.length; n++) {
    let f = frame[n];
    let bPrev = f;
    for (let m = 0; m < LPC_ORDER; m++) {
      const b = state[m];
      const fNext = f + k[m] * b;
      const bNext = b + k[m] * f;
      state[m] = bPrev;
      bPrev = bNext;
      f = fNext;
    }
    out[n] = f;
  }
  return out;
}

/** Lattice synthesis 1/A(z) of the excitation, state (b_m[n − 1]) carried across frames. */
function latticeSynthesis(excitation: Float64Array, k: Float64Array, state: Float64Array): Float64Array {
  const out = new Float64Array(excitation.length);
  const f = new Float64Array(LPC_ORDER + 1);
  for (let n = 0; n < excitation.length; n++) {
    // f_M = e; f_{m−1} = f_m − k_m·b_{m−1}[n − 1]; then b_m[n] = k_m·f_{m−1} + b_{m−1}[n − 1].
    f[LPC_ORDER] = excitation[n];
    for (let m = LPC_ORDER; m > 0; m--) f[m - 1] = f[m] - k[m - 1] * state[m - 1];
    for (let m = LPC_ORDER - 1; m > 0; m--) state[m] = k[m - 1] * f[m - 1] + state[m - 1];
    state[0] = f[0];
    out[n] = f[0];
  }
  return out;
}

/** GSM 06.10's RPE weighting filter (÷ 8192): a low-pass that lets every third sample carry the residual's lower band. */
const RPE_WEIGHTING = [-134, -374, 0, 2054, 5741, 8192, 5741, 2054, 0, -374, -134].map((c) => c / 8192);

/**
 * Regular-pulse excitation: per 5 ms, the weighted residual's every third sample on the grid
 * with most energy, APCM-quantised (block maximum on a log grid, 3-bit pulses); zeros between.
 */
function regularPulses(residual: Float64Array): Float64Array {
  const out = new Float64Array(residual.length);
  for (let start = 0; start < residual.length; start += GSM_SUBFRAME) {
    const end = Math.min(residual.length, start + GSM_SUBFRAME);
    const weighted = new Float64Array(end - start);
    for (let n = 0; n < weighted.length; n++) {
      let sum = 0;
      for (let k = 0; k < RPE_WEIGHTING.length; k++) {
        const i = n + k - 5;
        if (i >= 0 && i < weighted.length) sum += RPE_WEIGHTING[k] * residual[start + i];
      }
      weighted[n] = sum;
    }
    let bestGrid = 0;
    let bestEnergy = -1;
    for (let grid = 0; grid < 3; grid++) {
      let energy = 0;
      for (let i = grid; i < weighted.length; i += 3) energy += weighted[i] * weighted[i];
      if (energy > bestEnergy) [bestEnergy, bestGrid] = [energy, grid];
    }
    let peak = 0;
    for (let i = bestGrid; i < weighted.length; i += 3) peak = Math.max(peak, Math.abs(weighted[i]));
    if (peak === 0) continue;
    // Block maximum on a log grid (4 steps per octave), rounded up so no pulse overflows.
    const scale = Math.pow(2, Math.ceil(Math.log2(peak) * 4) / 4);
    for (let i = bestGrid; i < weighted.length; i += 3) {
      const level = Math.max(-4, Math.min(3, Math.floor((weighted[i] / scale) * 4)));
      out[start + i] = ((level + 0.5) / 4) * scale;
    }
  }
  return out;
}

export type TelephoneCodec = 'muLaw' | 'aLaw' | 'gsm' | 'none';

export interface TelephoneOptions {
  lowCutHz: number;
  highCutHz: number;
  codec: TelephoneCodec;
}

/** The test split's telephone channel: 300–3400 Hz, 8 kHz μ-law (G.711). */
export const TELEPHONE_TEST_CHANNEL: TelephoneOptions = { lowCutHz: 300, highCutHz: 3400, codec: 'muLaw' };

/** Band-limits to 8 kHz reconstruction: nothing above this survives the channel. */
export const TELEPHONE_NYQUIST_HZ = 4000;

/**
 * A narrowband telephone channel at 16 kHz in and out: high-pass, low-pass, down to 8 kHz,
 * the codec, back up to 16 kHz (its image filter leaves nothing above 4 kHz).
 */
export function telephone(audio: Float32Array, { lowCutHz, highCutHz, codec }: TelephoneOptions): Float32Array {
  if (highCutHz > TELEPHONE_NYQUIST_HZ - FIR_TRANSITION_HZ + 250) {
    throw new Error(`telephone: high cut ${highCutHz} Hz leaves no transition band below ${TELEPHONE_NYQUIST_HZ} Hz`);
  }
  const band = highPass(audio, lowCutHz);
  const narrow = firDecimate(band, lowPassKernel(highCutHz, FIR_TAPS));
  const coded = codec === 'muLaw' ? muLaw(narrow) : codec === 'aLaw' ? aLaw(narrow) : codec === 'gsm' ? gsmLike(narrow) : narrow;
  // Back to 16 kHz, removing the image above 4 kHz (gain 2 restores the level).
  return upsampleByTwo(coded, lowPassKernel(TELEPHONE_NYQUIST_HZ - FIR_TRANSITION_HZ, FIR_TAPS), audio.length);
}

/** The 8 kHz signal zero-stuffed to 16 kHz (×2) and FIR-filtered, cut to `length` samples. */
function upsampleByTwo(x: Float32Array, h: Float32Array, length: number): Float32Array {
  const stuffed = new Float32Array(length);
  for (let j = 0; j < x.length && 2 * j < length; j++) stuffed[2 * j] = 2 * x[j];
  return firFilter(stuffed, h);
}

// ---------------------------------------------------------------------------------------------
// Room, level, clipping, DC, self-noise

/** A synthetic room impulse response: direct path, then exponentially decaying noise (RT60) darkened over time. */
export function roomImpulseResponse(rng: Rng, rt60Sec: number, directToReverbDb: number, sampleRate = SAMPLE_RATE): Float32Array {
  const length = Math.max(2, Math.round(rt60Sec * sampleRate));
  const h = new Float32Array(length);
  const predelay = Math.round(rng.uniform(0.002, 0.015) * sampleRate);
  let tailEnergy = 0;
  let smooth = 0;
  for (let i = predelay; i < length; i++) {
    const t = (i - predelay) / sampleRate;
    // High frequencies die faster: the tail's one-pole low-pass closes as it decays.
    const brightness = Math.exp(-t / (0.5 * rt60Sec));
    smooth += (0.2 + 0.8 * brightness) * (rng.normal() - smooth);
    h[i] = smooth * Math.pow(10, (-3 * t) / rt60Sec);
    tailEnergy += h[i] * h[i];
  }
  const tailGain = tailEnergy > 0 ? Math.sqrt(Math.pow(10, -directToReverbDb / 10) / tailEnergy) : 0;
  for (let i = 0; i < length; i++) h[i] *= tailGain;
  h[0] = 1;
  return h;
}

/** fft.js builds its twiddle and bit-reversal tables in the constructor: one instance per size, kept. */
const fftInstances = new Map<number, FFT>();
function fftOfSize(size: number): FFT {
  let fft = fftInstances.get(size);
  if (!fft) {
    fft = new FFT(size);
    fftInstances.set(size, fft);
  }
  return fft;
}

/** Linear convolution via FFT, cut to the input's length (the direct path at lag 0 keeps alignment). */
export function convolve(x: Float32Array, h: Float32Array): Float32Array {
  let size = 2;
  while (size < x.length + h.length - 1) size *= 2;
  const fft = fftOfSize(size);
  // fft.js indexes plain arrays or typed arrays alike; typed ones skip its boxed Array fill.
  const spectrum = (signal: Float32Array) => {
    const input = new Float64Array(size);
    input.set(signal);
    const out = new Float64Array(2 * size);
    fft.realTransform(out, input);
    fft.completeSpectrum(out);
    return out;
  };
  const X = spectrum(x);
  const H = spectrum(h);
  const product = new Float64Array(2 * size);
  for (let i = 0; i < size; i++) {
    product[2 * i] = X[2 * i] * H[2 * i] - X[2 * i + 1] * H[2 * i + 1];
    product[2 * i + 1] = X[2 * i] * H[2 * i + 1] + X[2 * i + 1] * H[2 * i];
  }
  const time = new Float64Array(2 * size);
  fft.inverseTransform(time, product);
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = time[2 * i];
  return y;
}

export function rmsDbfs(audio: Float32Array): number {
  return 10 * Math.log10(Math.max(meanSquare(audio), 1e-30));
}

export function peakOf(audio: Float32Array): number {
  let peak = 0;
  for (const x of audio) peak = Math.max(peak, Math.abs(x));
  return peak;
}

/** Scales to an RMS level in dBFS, lowered if the peak would pass `maxPeak`. */
export function setLevel(audio: Float32Array, rmsDb: number, maxPeak = 0.99): Float32Array {
  const rms = Math.sqrt(meanSquare(audio));
  if (rms === 0) return audio.slice();
  const gain = Math.min(dbToAmplitude(rmsDb) / rms, maxPeak / Math.max(peakOf(audio), 1e-30));
  const out = new Float32Array(audio.length);
  for (let i = 0; i < audio.length; i++) out[i] = audio[i] * gain;
  return out;
}

/** Drives the peak to `overdrive` × full scale and clips at ±1 (hard) or saturates (soft, tanh). */
export function clip(audio: Float32Array, overdrive: number, soft: boolean): Float32Array {
  const gain = overdrive / Math.max(peakOf(audio), 1e-30);
  const out = new Float32Array(audio.length);
  for (let i = 0; i < audio.length; i++) out[i] = soft ? Math.tanh(audio[i] * gain) : Math.max(-1, Math.min(1, audio[i] * gain));
  return out;
}

/** Adds white noise at an RMS level in dBFS (a microphone and preamp's own hiss). */
export function addSelfNoise(audio: Float32Array, levelDb: number, rng: Rng): Float32Array {
  const sigma = dbToAmplitude(levelDb);
  const out = new Float32Array(audio.length);
  for (let i = 0; i < audio.length; i++) out[i] = audio[i] + sigma * rng.normal();
  return out;
}

// ---------------------------------------------------------------------------------------------
// The random chain used for training scenes

export interface ChannelAugmentation {
  /** Scene RMS level, dBFS (uniform). */
  levelRangeDb: [number, number];
  /** Probability of a random EQ: shelving tilt at both ends and sometimes a resonance. */
  eq: number;
  /** Probability of clipping (peak driven 1.2–4× over full scale; half hard, half soft). */
  clip: number;
  /** Probability of self-noise, and its level range in dBFS. */
  selfNoise: number;
  selfNoiseRangeDb: [number, number];
  /** Probability of a DC offset (up to ±1 % of full scale). */
  dc: number;
  /** Probability of a telephone channel (random band and codec). */
  telephone: number;
  /** Otherwise, probability of a wideband low-pass at 4–7 kHz. */
  wideband: number;
  /** Probability of reverberation of the speech (applied by the scene before mixing). */
  reverb: number;
}

export const DEFAULT_CHANNEL_AUGMENTATION: ChannelAugmentation = {
  levelRangeDb: [-45, -10],
  eq: 0.4,
  clip: 0.08,
  selfNoise: 0.5,
  selfNoiseRangeDb: [-95, -65],
  dc: 0.2,
  telephone: 0.3,
  wideband: 0.15,
  reverb: 0.25,
};

/** No augmentation beyond the level (the first corpus's scenes: −40…−15 dBFS). */
export const NO_CHANNEL_AUGMENTATION: ChannelAugmentation = {
  levelRangeDb: [-40, -15],
  eq: 0,
  clip: 0,
  selfNoise: 0,
  selfNoiseRangeDb: [-95, -65],
  dc: 0,
  telephone: 0,
  wideband: 0,
  reverb: 0,
};

export interface ChannelResult {
  audio: Float32Array;
  /** What was applied, in order (for tests and for inspecting scenes). */
  applied: string[];
}

/** Random reverberation of a speech track (RT60 0.15–0.7 s, direct-to-reverberant 0–12 dB). */
export function randomReverb(speech: Float32Array, rng: Rng): Float32Array {
  return convolve(speech, roomImpulseResponse(rng, rng.uniform(0.15, 0.7), rng.uniform(0, 12)));
}

/** Applies the random microphone/level/channel chain to a mixed scene. */
export function applyChannel(scene: Float32Array, rng: Rng, options: ChannelAugmentation = DEFAULT_CHANNEL_AUGMENTATION): ChannelResult {
  const applied: string[] = [];
  let audio = scene;
  if (rng.next() < options.eq) {
    audio = biquad(audio, 'lowShelf', rng.uniform(100, 400), 0.7, rng.uniform(-15, 6));
    audio = biquad(audio, 'highShelf', rng.uniform(1000, 3000), 0.7, rng.uniform(-12, 8));
    if (rng.next() < 0.5) audio = biquad(audio, 'peak', rng.uniform(1000, 5000), rng.uniform(1, 4), rng.uniform(-6, 10));
    applied.push('eq');
  }
  const clipping = rng.next() < options.clip;
  const level = rng.uniform(options.levelRangeDb[0], options.levelRangeDb[1]);
  audio = setLevel(audio, level);
  applied.push(`level ${level.toFixed(1)} dBFS`);
  if (clipping) {
    audio = clip(audio, rng.uniform(1.2, 4), rng.next() < 0.5);
    applied.push('clip');
  }
  if (rng.next() < options.selfNoise) {
    audio = addSelfNoise(audio, rng.uniform(options.selfNoiseRangeDb[0], options.selfNoiseRangeDb[1]), rng);
    applied.push('selfNoise');
  }
  if (rng.next() < options.dc) {
    const offset = rng.uniform(-0.01, 0.01);
    const shifted = new Float32Array(audio.length);
    for (let i = 0; i < audio.length; i++) shifted[i] = audio[i] + offset;
    audio = shifted;
    applied.push('dc');
  }
  if (rng.next() < options.telephone) {
    const codec = rng.pick<TelephoneCodec>(['muLaw', 'aLaw', 'gsm', 'none']);
    audio = telephone(audio, { lowCutHz: rng.uniform(200, 400), highCutHz: rng.uniform(3000, 3800), codec });
    applied.push(`telephone ${codec}`);
  } else if (rng.next() < options.wideband) {
    audio = lowPass(audio, rng.uniform(4000, 7000));
    applied.push('wideband');
  }
  return { audio, applied };
}
