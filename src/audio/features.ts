import * as tf from '@tensorflow/tfjs';
import { FRAME_HOP, FRAME_LENGTH, SAMPLE_RATE, frameCount } from './frames';
import { RealFramePower } from './fft';
import { runsOnCpu } from '../protocol';

/**
 * Spectral features for the VAD models. Framework-free: plain tfjs, so it runs in Node
 * and in the browser worker on every backend.
 *
 * The DFT size equals the window (n_fft = 400, no zero padding): n_freq = 201 bins, 40 Hz
 * apart. Two ways to compute it: a mixed-radix FFT in plain JS (`fft.ts`) on samples held on
 * the CPU, or a matmul with a fixed [400, 2·201] cos/sin matrix with the Hann window folded
 * in, for audio that already lives in a tensor on a GPU backend (reading it back would stall
 * the GPU). `npm run bench` measures both: for batch 16 × 1 s the FFT takes milliseconds, the
 * matmul on tfjs wasm hundreds; tf.signal.stft and tf.spectral.rfft were slower still (≈ 30 s
 * and ≈ 20 s on the tfjs CPU backend).
 */
export const N_FFT = FRAME_LENGTH;
export const N_FREQ = N_FFT / 2 + 1;
export const N_MELS = 80;

/** Periodic Hann window (as torch.hann_window): w[n] = 0.5 − 0.5·cos(2πn/N). */
export function hannWindow(length: number): Float32Array {
  const w = new Float32Array(length);
  for (let n = 0; n < length; n++) w[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / length);
  return w;
}

/** Windowed DFT basis, [n_fft, 2·n_freq]: columns 0…n_freq−1 are w·cos, the rest w·sin. */
function dftBasis(): Float32Array {
  const window = hannWindow(N_FFT);
  const basis = new Float32Array(N_FFT * 2 * N_FREQ);
  for (let n = 0; n < N_FFT; n++) {
    for (let k = 0; k < N_FREQ; k++) {
      // Reduce the phase index modulo n_fft before the trig call: exact angles, no drift for large n·k.
      const angle = (2 * Math.PI * ((n * k) % N_FFT)) / N_FFT;
      basis[n * 2 * N_FREQ + k] = window[n] * Math.cos(angle);
      basis[n * 2 * N_FREQ + N_FREQ + k] = -window[n] * Math.sin(angle);
    }
  }
  return basis;
}

/** Constant tensors are cached per backend (a tensor belongs to the backend that made it). */
const constants = new Map<string, { basis: tf.Tensor2D; frameIndex: Map<number, tf.Tensor2D> }>();

function backendConstants() {
  const backend = tf.getBackend();
  let entry = constants.get(backend);
  if (!entry) {
    entry = { basis: tf.keep(tf.tensor2d(dftBasis(), [N_FFT, 2 * N_FREQ])), frameIndex: new Map() };
    constants.set(backend, entry);
  }
  return entry;
}

/** Sample indices of every frame, [frames, FRAME_LENGTH] (int32), cached per frame count. */
function frameIndices(frames: number): tf.Tensor2D {
  const cache = backendConstants().frameIndex;
  let idx = cache.get(frames);
  if (!idx) {
    const data = new Int32Array(frames * FRAME_LENGTH);
    for (let f = 0; f < frames; f++) for (let i = 0; i < FRAME_LENGTH; i++) data[f * FRAME_LENGTH + i] = f * FRAME_HOP + i;
    idx = tf.keep(tf.tensor2d(data, [frames, FRAME_LENGTH], 'int32'));
    cache.set(frames, idx);
  }
  return idx;
}

/** One FFT plan (twiddles and scratch buffers) for every call. */
let framePower: RealFramePower | null = null;

/**
 * Power spectrogram of a batch of signals of equal length in plain JS:
 * [batch · samples] row-major → [batch · frames · 201] row-major (same values as powerSpectrogram).
 */
export function powerSpectrogramSamples(audio: Float32Array, batch: number): Float32Array {
  const samples = audio.length / batch;
  if (!Number.isInteger(samples)) throw new Error(`powerSpectrogramSamples: ${audio.length} samples do not split into ${batch} rows`);
  const frames = frameCount(samples);
  if (frames < 1) throw new Error(`powerSpectrogram: ${samples} samples is shorter than one ${FRAME_LENGTH}-sample window`);
  framePower ??= new RealFramePower(N_FFT, hannWindow(N_FFT));
  const out = new Float32Array(batch * frames * N_FREQ);
  for (let b = 0; b < batch; b++) {
    for (let f = 0; f < frames; f++) framePower.power(audio, b * samples + f * FRAME_HOP, out, (b * frames + f) * N_FREQ);
  }
  return out;
}

/**
 * Power spectrogram of a batch of equally long signals given as samples ([batch · samples],
 * row-major) → [batch, frames, 201]: the JS FFT, then one upload. The training and validation
 * batches are built on the CPU, so this is the path they take on every backend (no readback).
 */
export function powerSpectrogramOf(audio: Float32Array, batch: number): tf.Tensor3D {
  const power = powerSpectrogramSamples(audio, batch);
  return tf.tensor3d(power, [batch, power.length / (batch * N_FREQ), N_FREQ]);
}

/**
 * Power spectrogram |STFT|² of 16 kHz audio: [batch, samples] → [batch, frames, 201],
 * frames = frameCount(samples) (25 ms Hann window, 10 ms hop, no padding; frame f covers
 * samples [160·f, 160·f + 400), the same grid as the frame labels).
 */
export function powerSpectrogram(audio: tf.Tensor2D, method: SpectrogramMethod = 'auto'): tf.Tensor3D {
  const [batch, samples] = audio.shape;
  const frames = frameCount(samples);
  if (frames < 1) throw new Error(`powerSpectrogram: ${samples} samples is shorter than one ${FRAME_LENGTH}-sample window`);
  // Where a read-back is cheap the JS FFT beats the matmul (`npm run bench` prints the ratio).
  if (method === 'fft' || (method === 'auto' && runsOnCpu(tf.getBackend()))) {
    return tf.tensor3d(powerSpectrogramSamples(audio.dataSync() as Float32Array, batch), [batch, frames, N_FREQ]);
  }
  return tf.tidy(() => {
    const framed = tf.gather(audio, frameIndices(frames), 1); // [batch, frames, 400]
    const spectrum = tf.matMul(tf.reshape(framed, [batch * frames, N_FFT]) as tf.Tensor2D, backendConstants().basis);
    const power = tf.sum(tf.reshape(tf.square(spectrum), [batch * frames, 2, N_FREQ]), 1);
    return tf.reshape(power, [batch, frames, N_FREQ]) as tf.Tensor3D;
  });
}

/** 'fft': plain-JS FFT on the samples read back; 'matmul': tf ops; 'auto': the FFT on cpu and wasm, the matmul on GPU backends. */
export type SpectrogramMethod = 'auto' | 'fft' | 'matmul';

export type MelScale = 'htk' | 'slaney';

/** Hz → mel. HTK: 2595·log10(1 + f/700). Slaney (librosa default): linear below 1 kHz, logarithmic above. */
export function hzToMel(hz: number, scale: MelScale = 'htk'): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + hz / 700);
  const fSp = 200 / 3;
  const minLogHz = 1000;
  const minLogMel = minLogHz / fSp;
  const logStep = Math.log(6.4) / 27;
  return hz < minLogHz ? hz / fSp : minLogMel + Math.log(hz / minLogHz) / logStep;
}

export function melToHz(mel: number, scale: MelScale = 'htk'): number {
  if (scale === 'htk') return 700 * (10 ** (mel / 2595) - 1);
  const fSp = 200 / 3;
  const minLogHz = 1000;
  const minLogMel = minLogHz / fSp;
  const logStep = Math.log(6.4) / 27;
  return mel < minLogMel ? mel * fSp : minLogHz * Math.exp(logStep * (mel - minLogMel));
}

export interface MelOptions {
  scale?: MelScale;
  fMin?: number;
  /** Defaults to the Nyquist frequency. */
  fMax?: number;
}

/** Centre frequency (Hz) of each of the nMels bands, lowest first. */
export function melBandCentres(nMels = N_MELS, sampleRate = SAMPLE_RATE, options: MelOptions = {}): number[] {
  return melEdges(nMels, sampleRate, options).slice(1, -1);
}

function melEdges(nMels: number, sampleRate: number, { scale = 'htk', fMin = 0, fMax = sampleRate / 2 }: MelOptions): number[] {
  const lo = hzToMel(fMin, scale);
  const hi = hzToMel(fMax, scale);
  return Array.from({ length: nMels + 2 }, (_, i) => melToHz(lo + ((hi - lo) * i) / (nMels + 1), scale));
}

/**
 * How a log-mel layer lists its bands, which decides the bands a width keeps (a width keeps its
 * first units): 'ascending', lowest band first, so a narrower model hears a narrower spectrum;
 * 'spread' (spreadBandOrder), so any first K bands sample the whole spectrum and a narrower model
 * hears it at a coarser resolution.
 */
export type MelOrder = 'ascending' | 'spread';

/**
 * The bands 0…n−1 in an order whose every prefix is spread over them: band ⌊x_j·n⌋ for the van der
 * Corput sequence x_j = 0, 1/2, 1/4, 3/4, 1/8, … (binary digits of j mirrored), a band already
 * listed skipped. A prefix of 2^m bands (m ≤ log2 n) is evenly spaced, one in between is that plus
 * a few bands halfway between them, spread over the spectrum too.
 */
export function spreadBandOrder(n: number): number[] {
  const bits = Math.ceil(Math.log2(Math.max(1, n)));
  const order: number[] = [];
  const listed = new Set<number>();
  for (let j = 0; j < 2 ** bits; j++) {
    let mirrored = 0;
    for (let bit = 0; bit < bits; bit++) if (j & (1 << bit)) mirrored |= 1 << (bits - 1 - bit);
    const band = Math.floor((mirrored / 2 ** bits) * n);
    if (!listed.has(band)) {
      listed.add(band);
      order.push(band);
    }
  }
  return order;
}

/** The band listed at each position under `order`: band order[j] is the layer's unit j. */
export function melBandOrder(order: MelOrder, n: number): number[] {
  return order === 'spread' ? spreadBandOrder(n) : Array.from({ length: n }, (_, b) => b);
}

/**
 * Triangular mel filters as a row-major [nFreq, nMels] matrix, lowest band first, peak 1
 * (torchaudio's default: HTK scale, no area normalisation). Each triangle rises from the
 * previous band's centre to its own and falls to the next band's, evaluated at the
 * frequencies of the nFreq bins (bin k at k·sampleRate/n_fft with n_fft = 2·(nFreq − 1)).
 */
export function melFilterbankWeights(nMels = N_MELS, nFreq = N_FREQ, sampleRate = SAMPLE_RATE, options: MelOptions = {}): Float32Array {
  const edges = melEdges(nMels, sampleRate, options);
  const binHz = sampleRate / (2 * (nFreq - 1));
  const weights = new Float32Array(nFreq * nMels);
  for (let m = 0; m < nMels; m++) {
    const [left, centre, right] = [edges[m], edges[m + 1], edges[m + 2]];
    for (let k = 0; k < nFreq; k++) {
      const f = k * binHz;
      const rising = (f - left) / (centre - left);
      const falling = (right - f) / (right - centre);
      weights[k * nMels + m] = Math.max(0, Math.min(rising, falling));
    }
  }
  return weights;
}

/** melFilterbankWeights as a tensor, [nFreq, nMels]. */
export function melFilterbank(nMels = N_MELS, nFreq = N_FREQ, sampleRate = SAMPLE_RATE, options: MelOptions = {}): tf.Tensor2D {
  return tf.tensor2d(melFilterbankWeights(nMels, nFreq, sampleRate, options), [nFreq, nMels]);
}

/** Floor added to the mel energies before the log (silence maps to log(1e-6) ≈ −13.8). */
export const LOG_MEL_FLOOR = 1e-6;

/** log(power · filterbank + floor): [batch, frames, nFreq] × [nFreq, nMels] → [batch, frames, nMels]. */
export function logMel(power: tf.Tensor, filterbank: tf.Tensor2D): tf.Tensor {
  return tf.tidy(() => {
    const [nFreq, nMels] = filterbank.shape;
    const flat = tf.reshape(power, [-1, nFreq]) as tf.Tensor2D;
    const mel = tf.log(tf.add(tf.matMul(flat, filterbank), LOG_MEL_FLOOR));
    return tf.reshape(mel, [...power.shape.slice(0, -1), nMels]);
  });
}

export interface BandStatistics {
  mean: Float32Array;
  std: Float32Array;
}

/**
 * Per-band mean and standard deviation of log-mel features over every batch element and
 * frame (estimate once on training data, then fixed in the model).
 */
export function logMelStatistics(power: tf.Tensor, filterbank: tf.Tensor2D): BandStatistics {
  const [mean, std] = tf.tidy(() => {
    const features = logMel(power, filterbank);
    const flat = tf.reshape(features, [-1, filterbank.shape[1]]);
    const moments = tf.moments(flat, 0);
    return [moments.mean.dataSync(), tf.sqrt(tf.maximum(moments.variance, 1e-6)).dataSync()];
  });
  return { mean: Float32Array.from(mean), std: Float32Array.from(std) };
}
