import FFT from 'fft.js';
import { describe, expect, it } from 'vitest';
import {
  aLaw,
  applyChannel,
  biquad,
  convolve,
  DEFAULT_CHANNEL_AUGMENTATION,
  firFilter,
  FIR_TRANSITION_HZ,
  gsmLike,
  lowPass,
  muLaw,
  NO_CHANNEL_AUGMENTATION,
  peakOf,
  rmsDbfs,
  roomImpulseResponse,
  setLevel,
  telephone,
  TELEPHONE_NYQUIST_HZ,
  TELEPHONE_TEST_CHANNEL,
} from '../src/audio/channel';
import * as tf from '@tensorflow/tfjs';
import { LOG_MEL_FLOOR, powerSpectrogramOf } from '../src/audio/features';
import { SAMPLE_RATE } from '../src/audio/frames';
import { seededContext } from '../src/dcl/network';
import { FixedWidth } from '../src/dcl/width';
import { LogMel, GLOBAL_NORMALISATION, levelRelativeNormalisation, RELATIVE_FLOOR_LOG_FLOOR, RUNNING_NORMALISATION, runningMeanWeights } from '../src/models/logMel';
import { createRng } from '../src/data/random';

const N = 1 << 15; // 2 s at 16 kHz

function whiteNoise(seed: number, rmsDb = -20, length = N): Float32Array {
  const rng = createRng(seed);
  const sigma = 10 ** (rmsDb / 20);
  return Float32Array.from({ length }, () => sigma * rng.normal());
}

/** A voiced, speech-like test signal: 120 Hz pulse train through two formant resonances, syllable-rate loudness. */
function voiced(seed: number, length = N, sampleRate = SAMPLE_RATE): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(length);
  const resonate = (f: number, bw: number) => {
    const r = Math.exp((-Math.PI * bw) / sampleRate);
    return { a1: 2 * r * Math.cos((2 * Math.PI * f) / sampleRate), a2: -r * r, y1: 0, y2: 0 };
  };
  const formants = [resonate(700, 100), resonate(1800, 150)];
  for (let i = 0; i < length; i++) {
    let v = i % Math.round(sampleRate / 120) === 0 ? 1 : 0;
    v += 0.01 * rng.normal();
    for (const f of formants) {
      const y = v + f.a1 * f.y1 + f.a2 * f.y2;
      [f.y2, f.y1] = [f.y1, y];
      v = y;
    }
    x[i] = v * (0.6 + 0.4 * Math.sin((2 * Math.PI * 4 * i) / sampleRate));
  }
  return setLevel(x, -20);
}

/** Fraction of the signal's energy (dB re total) in [lowHz, highHz), from one FFT of the whole signal. */
function bandEnergyDb(x: Float32Array, lowHz: number, highHz: number, sampleRate = SAMPLE_RATE): number {
  const size = x.length;
  const fft = new FFT(size);
  const out = fft.createComplexArray() as number[];
  // Hann window: keeps the leakage of the pass band far below the levels checked here.
  fft.realTransform(out, Array.from(x, (v, i) => v * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size))));
  let band = 0;
  let total = 0;
  for (let k = 1; k < size / 2; k++) {
    const p = out[2 * k] ** 2 + out[2 * k + 1] ** 2;
    const hz = (k * sampleRate) / size;
    total += p;
    if (hz >= lowHz && hz < highHz) band += p;
  }
  return 10 * Math.log10(band / total + 1e-30);
}

function snrDb(clean: Float32Array, coded: Float32Array, from = 0, to = clean.length): number {
  let signal = 0;
  let error = 0;
  for (let i = from; i < to; i++) {
    signal += clean[i] ** 2;
    error += (coded[i] - clean[i]) ** 2;
  }
  return 10 * Math.log10(signal / error);
}

describe('band limiting', () => {
  it('the overlap-save FIR equals the direct delay-compensated sum, at the edges too and for any odd kernel', () => {
    const rng = createRng(11);
    for (const [length, taps] of [[16_000, 161], [100, 161], [1000, 7], [3, 1]]) {
      const x = Float32Array.from({ length }, () => rng.normal());
      const h = Float32Array.from({ length: taps }, () => rng.normal()); // not symmetric
      const centre = (taps - 1) / 2;
      const y = firFilter(x, h);
      expect(y.length).toBe(length);
      let worst = 0;
      for (let n = 0; n < length; n++) {
        let sum = 0;
        for (let k = 0; k < taps; k++) {
          const i = n + k - centre;
          if (i >= 0 && i < length) sum += h[k] * x[i];
        }
        worst = Math.max(worst, Math.abs(y[n] - sum) / (1 + Math.abs(sum)));
      }
      expect(worst).toBeLessThan(1e-5);
    }
  });

  it('a low-pass leaves no energy above its cut-off (plus the transition band)', () => {
    for (const cutoff of [3000, 3500, 4000, 6000]) {
      const y = lowPass(whiteNoise(1), cutoff);
      expect(bandEnergyDb(y, cutoff + FIR_TRANSITION_HZ, SAMPLE_RATE / 2), `${cutoff} Hz`).toBeLessThan(-65);
      // …and keeps the pass band: below the cut-off the noise is as strong as before.
      expect(bandEnergyDb(y, 0, cutoff - FIR_TRANSITION_HZ), `${cutoff} Hz`).toBeGreaterThan(-1);
    }
  });

  it('the telephone channel leaves nothing above 4 kHz and little below its high-pass', () => {
    const x = whiteNoise(2);
    const y = telephone(x, TELEPHONE_TEST_CHANNEL);
    expect(bandEnergyDb(y, TELEPHONE_NYQUIST_HZ, SAMPLE_RATE / 2)).toBeLessThan(-65);
    // White noise: 0–150 Hz is 150/3400 of the pass band (−13.6 dB) unfiltered; the 4th-order high-pass at 300 Hz takes it far lower.
    expect(bandEnergyDb(y, 0, 150)).toBeLessThan(-35);
    expect(bandEnergyDb(y, 500, 3000)).toBeGreaterThan(-1.5);
  });

  it('keeps the level of in-band speech through the telephone channel without a codec', () => {
    const x = lowPass(voiced(3), 3000);
    const y = telephone(x, { ...TELEPHONE_TEST_CHANNEL, codec: 'none' });
    // Only the high-pass at 300 Hz removes a little of the 120 Hz fundamental.
    expect(Math.abs(rmsDbfs(y) - rmsDbfs(x))).toBeLessThan(1.5);
  });
});

describe('codecs', () => {
  it('μ-law and A-law code with the ≈ 38 dB SNR of 8-bit companding over a wide range of levels', () => {
    // Theory for 8-bit logarithmic companding: SNR ≈ 6.02·8 + 4.77 − 20·log10(ln(1 + μ)) ≈ 38.0 dB (A-law ≈ 38.2 dB).
    // (Above −15 dBFS Gaussian noise starts to clip at full scale, which is not the codec's doing.)
    for (const level of [-15, -20, -30]) {
      const x = whiteNoise(4, level);
      for (const [name, code] of [['μ-law', muLaw], ['A-law', aLaw]] as const) {
        const snr = snrDb(x, code(x));
        expect(snr, `${name} at ${level} dBFS`).toBeGreaterThan(35.5);
        expect(snr, `${name} at ${level} dBFS`).toBeLessThan(40.5);
      }
    }
  });

  it('μ-law keeps quiet audio usable where 8-bit linear coding would drown it (fine steps near zero)', () => {
    const x = whiteNoise(5, -60);
    expect(snrDb(x, muLaw(x))).toBeGreaterThan(20);
    const linear8 = x.map((v) => Math.round(v * 127) / 127);
    expect(snrDb(x, linear8)).toBeLessThan(1);
  });

  it('the GSM-like coder keeps the envelope but not the waveform', () => {
    // At 8 kHz, as the telephone channel runs it.
    const x = lowPass(voiced(6, 16000, 8000), 3400, 8000);
    const y = gsmLike(x);
    // Waveform-matching of a ~13 kbit/s coder without long-term prediction: clearly lossy, not noise.
    const snr = snrDb(x, y, 800, x.length);
    expect(snr).toBeGreaterThan(1);
    expect(snr).toBeLessThan(20);
    // Level within 3 dB (the excitation is rescaled per 5 ms block).
    expect(Math.abs(rmsDbfs(y) - rmsDbfs(x))).toBeLessThan(3);
    // Silence in, silence out.
    expect(peakOf(gsmLike(new Float32Array(800)))).toBe(0);
  });
});

describe('room, level and the random chain', () => {
  it('FFT convolution equals the direct sum', () => {
    const x = whiteNoise(7, -20, 300);
    const h = whiteNoise(8, -20, 50);
    const y = convolve(x, h);
    for (const n of [0, 1, 49, 150, 299]) {
      let direct = 0;
      for (let k = 0; k < h.length && k <= n; k++) direct += h[k] * x[n - k];
      expect(y[n]).toBeCloseTo(direct, 5);
    }
  });

  it('a room impulse response decays by 60 dB over its RT60 and has the requested direct-to-reverberant ratio', () => {
    const rt60 = 0.5;
    const h = roomImpulseResponse(createRng(9), rt60, 6);
    const tail = h.slice(1);
    const drr = 10 * Math.log10(1 / tail.reduce((s, v) => s + v * v, 0));
    expect(drr).toBeCloseTo(6, 1);
    // Schroeder backward integration: the time from −5 dB to −25 dB, ×3, is the RT60.
    const energy = new Float64Array(tail.length);
    let sum = 0;
    for (let i = tail.length - 1; i >= 0; i--) energy[i] = sum += tail[i] * tail[i];
    const at = (db: number) => energy.findIndex((e) => 10 * Math.log10(e / energy[0]) < db) / SAMPLE_RATE;
    const measured = 3 * (at(-25) - at(-5));
    expect(measured).toBeGreaterThan(0.8 * rt60);
    expect(measured).toBeLessThan(1.2 * rt60);
  });

  it('levels stay within −45…−10 dBFS RMS and the peak below full scale unless clipping', () => {
    const x = voiced(10);
    const options = { ...NO_CHANNEL_AUGMENTATION, levelRangeDb: DEFAULT_CHANNEL_AUGMENTATION.levelRangeDb };
    const levels: number[] = [];
    for (let seed = 0; seed < 60; seed++) {
      const { audio } = applyChannel(x, createRng(seed), options);
      levels.push(rmsDbfs(audio));
      expect(peakOf(audio)).toBeLessThanOrEqual(0.99 + 1e-6);
    }
    expect(Math.min(...levels)).toBeGreaterThanOrEqual(-45 - 1e-3);
    expect(Math.max(...levels)).toBeLessThanOrEqual(-10 + 1e-3);
    // The draws cover the range, not one spot of it.
    expect(Math.max(...levels) - Math.min(...levels)).toBeGreaterThan(25);
  });

  it('clipping caps samples at full scale; DC and self-noise add what they say', () => {
    const x = voiced(11);
    const clipped = applyChannel(x, createRng(1), { ...NO_CHANNEL_AUGMENTATION, clip: 1 });
    expect(clipped.applied).toContain('clip');
    expect(peakOf(clipped.audio)).toBeLessThanOrEqual(1);
    const silence = new Float32Array(N);
    silence[0] = 1; // a non-silent input, so the level stage has something to scale
    const dc = applyChannel(silence, createRng(2), { ...NO_CHANNEL_AUGMENTATION, dc: 1 });
    const mean = dc.audio.slice(1).reduce((s, v) => s + v, 0) / (N - 1);
    expect(Math.abs(mean)).toBeGreaterThan(0);
    expect(Math.abs(mean)).toBeLessThanOrEqual(0.01);
    const noisy = applyChannel(silence, createRng(3), { ...NO_CHANNEL_AUGMENTATION, selfNoise: 1, selfNoiseRangeDb: [-70, -70] });
    expect(rmsDbfs(noisy.audio.slice(1))).toBeCloseTo(-70, 0);
  });

  it('the full chain is reproducible from its seed and uses every augmentation over many scenes', () => {
    const x = voiced(12, 8000);
    const a = applyChannel(x, createRng(42));
    const b = applyChannel(x, createRng(42));
    expect(a.applied).toEqual(b.applied);
    expect(Array.from(a.audio)).toEqual(Array.from(b.audio));
    const seen = new Set<string>();
    for (let seed = 0; seed < 80; seed++) for (const step of applyChannel(x, createRng(seed)).applied) seen.add(step.split(' ')[0] + (step.startsWith('telephone') ? ` ${step.split(' ')[1]}` : ''));
    for (const name of ['eq', 'level', 'clip', 'selfNoise', 'dc', 'telephone muLaw', 'telephone aLaw', 'telephone gsm', 'wideband']) expect(seen, name).toContain(name);
  });
});

describe('running log-mel normalisation (features that ignore level and fixed EQ)', () => {
  const features = (audio: Float32Array, normalisation = RUNNING_NORMALISATION) => {
    const layer = new LogMel('log-mel', new FixedWidth('mel', 80), {}, normalisation);
    const power = powerSpectrogramOf(audio, 1);
    const y = layer.apply(power, seededContext('infer', 0));
    const values = Float32Array.from(y.dataSync());
    tf.dispose([power, y]);
    layer.dispose();
    return values;
  };
  const maxDifference = (a: Float32Array, b: Float32Array, from: number) => {
    let max = 0;
    for (let i = from; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
    return max;
  };

  it('weights form a causal average: rows sum to 1, nothing from the future, 1/(t+1) at first', () => {
    const w = runningMeanWeights(6, 3);
    for (let t = 0; t < 6; t++) {
      expect(w.slice(t * 6, t * 6 + 6).reduce((a, v) => a + v, 0)).toBeCloseTo(1, 6);
      for (let s = t + 1; s < 6; s++) expect(w[t * 6 + s]).toBe(0);
    }
    expect(Array.from(w.slice(6, 8))).toEqual([0.5, 0.5]);
  });

  it('gives the same features at −20 dB and through a fixed EQ (after the first frame); global constants do not', () => {
    // A −40 dBFS noise floor keeps every band's power far above log-mel's 1e-6 floor even 20 dB down
    // (the invariance holds where the floor does not bite).
    const floor = createRng(14);
    const x = Float32Array.from(voiced(13, 16000), (v) => v + 0.01 * floor.normal());
    const quiet = x.map((v) => v * 0.1);
    const tilted = biquadTilt(x);
    const first = 80; // frame 0's bands equal their own mean: skip it
    expect(maxDifference(features(x), features(quiet), first)).toBeLessThan(0.06); // the narrowest low bands still feel the floor a little
    expect(maxDifference(features(x), features(tilted), first)).toBeLessThan(0.3);
    // With fixed constants the whole input moves by log(100)/3.5 ≈ 1.3.
    expect(maxDifference(features(x, GLOBAL_NORMALISATION), features(quiet, GLOBAL_NORMALISATION), first)).toBeGreaterThan(1);
  });

  it('with a log floor below 16-bit quantisation noise, also 40 dB down on a −60 dBFS noise floor, where the default floor flattens the quiet bands', () => {
    const noise = createRng(15);
    const x = Float32Array.from(voiced(13, 16000), (v) => v + 0.001 * noise.normal());
    const quiet = x.map((v) => v * 0.01);
    const first = 80;
    // 16-bit quantisation noise leaves about 1e-8 in each DFT bin of this front end.
    const levelIndependent = { ...RUNNING_NORMALISATION, logFloor: 1e-10 };
    expect(maxDifference(features(x, levelIndependent), features(quiet, levelIndependent), first)).toBeLessThan(0.01);
    expect(maxDifference(features(x, { ...RUNNING_NORMALISATION, logFloor: LOG_MEL_FLOOR }), features(quiet, { ...RUNNING_NORMALISATION, logFloor: LOG_MEL_FLOOR }), first)).toBeGreaterThan(0.5);
  });

  it('with a level-relative floor, the same features 40 dB down from the first frame, where the floor still bites on the quiet bands', () => {
    const noise = createRng(15);
    // −100 dBFS self-noise: the weakest bands lie below the relative floor.
    const x = Float32Array.from(voiced(13, 16000), (v) => v + 0.00001 * noise.normal());
    const quiet = x.map((v) => v * 0.01);
    const relative = levelRelativeNormalisation();
    expect(maxDifference(features(x, relative), features(quiet, relative), 0)).toBeLessThan(0.01);
    // Not by vanishing: without it the quietest bands come out far more differently than that.
    expect(maxDifference(features(x, relative), features(x, { ...RUNNING_NORMALISATION, logFloor: RELATIVE_FLOOR_LOG_FLOOR }), 0)).toBeGreaterThan(0.1);
  });
});

/** A fixed EQ: +6 dB shelf above 2 kHz, −6 dB below 300 Hz. */
function biquadTilt(x: Float32Array): Float32Array {
  return biquad(biquad(x, 'highShelf', 2000, 0.7, 6), 'lowShelf', 300, 0.7, -6);
}
