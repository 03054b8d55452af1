/**
 * The resampler (Speex, src/audio/resample.ts) measured with tones (src/audio/resampleQuality.ts)
 * and held to what the app needs from it: what the microphone, the file panel and the command
 * line all hear through.
 */
import { describe, expect, it } from 'vitest';
import { createResampler, resample } from '../src/audio/resample';
import { delaySamples, passbandGainDb, rejectionDb, stopbandTones } from '../src/audio/resampleQuality';

const RATES = [48000, 44100, 22050, 96000];

function noise(length: number, seed: number): Float32Array {
  return Float32Array.from({ length }, () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5));
}

/** A 1 kHz tone that fades in over 2 ms starting at `onset` seconds: band-limited, so resampling must not change it. */
function burst(t: number, onset: number): number {
  const ramp = Math.min(1, Math.max(0, (t - onset) / 0.002));
  return 0.5 * (1 - Math.cos(Math.PI * ramp)) * 0.5 * Math.sin(2 * Math.PI * 1000 * t);
}

describe('resampler quality (to 16 kHz)', () => {
  it.each([
    [48000, 110],
    [44100, 110],
    [22050, 110],
    [96000, 110],
  ])('rejects every tone above 8 kHz from %i Hz by ≥ %i dB', async (rate, floorDb) => {
    const tones = [...stopbandTones(rate, 16000, 12), 8500];
    const rejections = await Promise.all(tones.map((f) => rejectionDb(resample, rate, 16000, f)));
    const worst = Math.min(...rejections);
    console.log(`${rate} Hz → 16 kHz: worst rejection ${worst.toFixed(1)} dB at ${tones[rejections.indexOf(worst)]!.toFixed(0)} Hz; at 8.5 kHz ${rejections.at(-1)!.toFixed(1)} dB`);
    expect(worst).toBeGreaterThanOrEqual(floorDb);
  });

  it.each([...RATES, 8000])('keeps 50 Hz–7 kHz (to 3.5 kHz from 8 kHz) flat within 0.01 dB from %i Hz', async (rate) => {
    const top = (0.875 * Math.min(rate, 16000)) / 2;
    const tones = [50, 300, 1000, 2500, 3500, 4000, 5500, 6500, 7000].filter((f) => f <= top);
    const gains = await Promise.all(tones.map((f) => passbandGainDb(resample, rate, 16000, f)));
    expect(Math.max(...gains.map(Math.abs))).toBeLessThan(0.01);
  });
});

describe('resampler timing', () => {
  it.each([...RATES, 8000])('puts output sample n at input time n · from / 16000 (no filter delay) from %i Hz', async (rate) => {
    for (const f of [300, 1000, 3000].filter((f) => f < rate / 2 - 1000)) {
      expect(Math.abs(await delaySamples(resample, rate, 16000, f))).toBeLessThan(0.001);
    }
  });

  it.each([
    [48000, 16000],
    [44100, 16000],
    [16000, 44100],
  ])('lands an onset on the same sample: %i → %i Hz equals the signal sampled at the new rate', async (from, to) => {
    const onset = 0.1234;
    const input = Float32Array.from({ length: Math.round(0.3 * from) }, (_, i) => burst(i / from, onset));
    const output = await resample(input, from, to);
    let maxError = 0;
    for (let n = 0; n < output.length - Math.round(0.01 * to); n++) maxError = Math.max(maxError, Math.abs(output[n]! - burst(n / to, onset)));
    // One sample early or late would be off by up to 0.5 · 2π · 1000 / rate ≈ 0.07 at 44.1 kHz.
    expect(maxError).toBeLessThan(2e-3);
  });

  it.each([0, 1, 2, 3, 147, 4410, 44101])('gives ceil(length · to / from) samples for %i input samples', async (length) => {
    for (const [from, to] of [
      [44100, 16000],
      [48000, 16000],
      [16000, 44100],
      [8000, 16000],
    ] as const) {
      expect((await resample(noise(length, 1), from, to)).length).toBe(Math.ceil((length * to) / from));
    }
  });
});

describe('resampler streaming', () => {
  it.each([
    [44100, 16000],
    [48000, 16000],
    [16000, 44100],
  ])('gives exactly the whole-buffer output when fed %i → %i Hz in random chunks', async (from, to) => {
    const x = noise(from, 3);
    const whole = await resample(x, from, to);
    let seed = 11;
    const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    for (let trial = 0; trial < 6; trial++) {
      const streaming = await createResampler(from, to);
      const parts: number[] = [];
      // Chunks from empty to over 9000 samples (longer than Speex's internal block).
      for (let i = 0; i < x.length; ) {
        const size = Math.floor(random() ** 3 * 9000);
        parts.push(...streaming.process(x.subarray(i, i + size)));
        i += size;
      }
      parts.push(...streaming.flush());
      expect(Float32Array.from(parts)).toEqual(whole);
    }
  });

  it('passes 16 kHz input through unchanged', async () => {
    const x = noise(1234, 5);
    expect(await resample(x, 16000, 16000)).toEqual(x);
    const streaming = await createResampler(16000);
    expect([...streaming.process(x.subarray(0, 100)), ...streaming.process(x.subarray(100)), ...streaming.flush()]).toEqual([...x]);
  });

  it('refuses a stream once it has been flushed (its wasm memory is freed)', async () => {
    const streaming = await createResampler(48000);
    streaming.process(noise(960, 2));
    streaming.flush();
    expect(() => streaming.process(noise(960, 2))).toThrow(/after flush/);
    streaming.destroy();
  });

  it('rejects rates that are not whole positive numbers', async () => {
    await expect(createResampler(44100.5)).rejects.toThrow(/invalid rates/);
    await expect(createResampler(0)).rejects.toThrow(/invalid rates/);
  });
});
