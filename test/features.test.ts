import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { N_FREQ, hannWindow, melBandCentres, melFilterbank, melFilterbankWeights, powerSpectrogram, powerSpectrogramOf, type SpectrogramMethod } from '../src/audio/features';
import { RealFramePower } from '../src/audio/fft';
import { FRAME_HOP, FRAME_LENGTH, SAMPLE_RATE, frameCount } from '../src/audio/frames';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function tone(hz: number, samples: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length: samples }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / SAMPLE_RATE));
}

describe('power spectrogram', () => {
  for (const samples of [400, 401, 559, 560, 1000, 16000, 16240]) {
    it(`has frameCount(${samples}) = ${frameCount(samples)} frames of ${N_FREQ} bins`, () => {
      const audio = tf.randomNormal([3, samples], 0, 0.1, 'float32', samples) as tf.Tensor2D;
      const spec = powerSpectrogram(audio);
      expect(spec.shape).toEqual([3, frameCount(samples), N_FREQ]);
      tf.dispose([audio, spec]);
    });
  }

  it('rejects audio shorter than one window', () => {
    const audio = tf.zeros([1, 399]) as tf.Tensor2D;
    expect(() => powerSpectrogram(audio)).toThrow(/shorter than one/);
    audio.dispose();
  });

  for (const method of ['fft', 'matmul'] as SpectrogramMethod[]) {
    it(`(${method}) equals a direct DFT of each Hann-windowed frame (frame f starts at sample 160·f)`, () => {
      const samples = FRAME_LENGTH + 3 * FRAME_HOP;
      const signal = Float32Array.from({ length: samples }, (_, i) => Math.sin(i * 0.37) + 0.3 * Math.cos(i * 1.91 + 0.2));
      const audio = tf.tensor2d(signal, [1, samples]);
      const spec = powerSpectrogram(audio, method);
      const data = spec.dataSync();
      const window = hannWindow(FRAME_LENGTH);
      for (const f of [0, 3]) {
        for (const k of [0, 7, 100, 200]) {
          let re = 0;
          let im = 0;
          for (let n = 0; n < FRAME_LENGTH; n++) {
            const x = signal[f * FRAME_HOP + n] * window[n];
            re += x * Math.cos((2 * Math.PI * k * n) / FRAME_LENGTH);
            im -= x * Math.sin((2 * Math.PI * k * n) / FRAME_LENGTH);
          }
          const expected = re * re + im * im;
          expect(Math.abs(data[f * N_FREQ + k] - expected)).toBeLessThan(1e-3 * Math.max(1, expected));
        }
      }
      tf.dispose([audio, spec]);
    });
  }

  // The matmul runs in float32 over 400 products per bin, the FFT in float64: they agree to a
  // few 1e-5 of each bin (measured 2e-5 on 16 × 1 s); 1e-4 fails for any real FFT mistake.
  it('the JS FFT on samples equals the matmul front end on a batch (relative 1e-4)', () => {
    const audio = tf.randomNormal([4, 3000], 0, 0.2, 'float32', 21) as tf.Tensor2D;
    const samples = audio.dataSync() as Float32Array;
    const diff = tf.tidy(() => {
      const [fft, matmul] = [powerSpectrogramOf(samples, 4), powerSpectrogram(audio, 'matmul')];
      expect(fft.shape).toEqual(matmul.shape);
      return tf.max(tf.div(tf.abs(tf.sub(fft, matmul)), tf.add(matmul, 1e-3))).dataSync()[0];
    });
    expect(diff).toBeLessThan(1e-4);
    audio.dispose();
  });

  it('rejects samples that do not split into the batch', () => {
    expect(() => powerSpectrogramOf(new Float32Array(1001), 2)).toThrow(/do not split into 2 rows/);
  });

  // Frame lengths whose halves use every butterfly: 4·2·5·5 (400), 3·3·7 (126: the generic radix), 4·4 (32), 2 (4).
  for (const length of [400, 126, 32, 4]) {
    it(`the ${length}-point real FFT equals a float64 DFT of the windowed frame`, () => {
      const window = Float32Array.from({ length }, (_, n) => 0.5 + 0.4 * Math.sin(n));
      const signal = Float32Array.from({ length: length + 3 }, (_, i) => Math.sin(i * 0.37) + 0.3 * Math.cos(i * 1.91 + 0.2));
      const out = new Float32Array(length / 2 + 4);
      new RealFramePower(length, window).power(signal, 3, out, 2);
      for (let k = 0; k <= length / 2; k++) {
        let re = 0;
        let im = 0;
        for (let n = 0; n < length; n++) {
          re += signal[3 + n] * window[n] * Math.cos((2 * Math.PI * k * n) / length);
          im -= signal[3 + n] * window[n] * Math.sin((2 * Math.PI * k * n) / length);
        }
        const expected = re * re + im * im;
        expect(Math.abs(out[2 + k] - expected)).toBeLessThan(1e-5 * Math.max(1, expected));
      }
    });
  }

  it('rejects odd frame lengths and windows of another length', () => {
    expect(() => new RealFramePower(401, new Float32Array(401))).toThrow(/must be even/);
    expect(() => new RealFramePower(400, new Float32Array(399))).toThrow(/window has 399/);
  });

  it('puts a 1 kHz tone in bin 25 (40 Hz bins)', () => {
    const audio = tf.tensor2d(tone(1000, 4000), [1, 4000]);
    const spec = powerSpectrogram(audio);
    const frame = tf.tidy(() => tf.argMax(tf.slice(spec, [0, 5, 0], [1, 1, -1]), 2).dataSync()[0]);
    expect(frame).toBe(25);
    tf.dispose([audio, spec]);
  });
});

describe('mel filterbank', () => {
  it('has 80 non-empty triangular bands, lowest first, peak at most 1', () => {
    const weights = melFilterbankWeights(80, N_FREQ, SAMPLE_RATE);
    const centres = melBandCentres(80, SAMPLE_RATE);
    expect(centres).toHaveLength(80);
    for (let m = 1; m < 80; m++) expect(centres[m]).toBeGreaterThan(centres[m - 1]);
    for (let m = 0; m < 80; m++) {
      let peak = 0;
      for (let k = 0; k < N_FREQ; k++) peak = Math.max(peak, weights[k * 80 + m]);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(1);
    }
  });

  // Tones on a bin centre (40 Hz grid): below ~500 Hz the bands are narrower than a bin.
  for (const hz of [520, 1000, 4000]) {
    it(`a ${hz} Hz tone peaks in the band whose centre is nearest ${hz} Hz`, () => {
      const centres = melBandCentres(80, SAMPLE_RATE);
      const nearest = centres.reduce((best, c, i) => (Math.abs(c - hz) < Math.abs(centres[best] - hz) ? i : best), 0);
      const audio = tf.tensor2d(tone(hz, 4000), [1, 4000]);
      const bank = melFilterbank(80, N_FREQ, SAMPLE_RATE);
      const band = tf.tidy(() => {
        const spec = powerSpectrogram(audio);
        const mel = tf.matMul(tf.reshape(spec, [-1, N_FREQ]) as tf.Tensor2D, bank);
        return tf.argMax(tf.sum(mel, 0)).dataSync()[0];
      });
      expect(band).toBe(nearest);
      tf.dispose([audio, bank]);
    });
  }
});
