/**
 * The resampler's quality, measured with tones (src/audio/resampleQuality.ts): what the
 * capture worklet, the file panel and the command line all hear through.
 */
import { describe, expect, it } from 'vitest';
import { resample, StreamingResampler } from '../src/audio/resample';
import { passbandGainDb, rejectionDb, stopbandTones } from '../src/audio/resampleQuality';

const RATES = [48000, 44100, 22050, 96000];

describe('resampler quality (to 16 kHz)', () => {
  it.each(RATES)('rejects every tone above 8 kHz by ≥ 80 dB from %i Hz', (rate) => {
    const tones = [...stopbandTones(rate, 16000, 12), 8500];
    const rejections = tones.map((f) => rejectionDb(resample, rate, 16000, f));
    const worst = Math.min(...rejections);
    console.log(`${rate} Hz → 16 kHz: worst rejection ${worst.toFixed(1)} dB at ${tones[rejections.indexOf(worst)]!.toFixed(0)} Hz; at 8.5 kHz ${rejections.at(-1)!.toFixed(1)} dB`);
    expect(worst).toBeGreaterThanOrEqual(80);
  });

  it.each([...RATES, 8000])('keeps 50 Hz–7 kHz (to 3.5 kHz from 8 kHz) flat within 0.1 dB from %i Hz', (rate) => {
    const top = (0.875 * Math.min(rate, 16000)) / 2;
    const gains = [50, 300, 1000, 2500, 3500, 4000, 5500, 6500, 7000].filter((f) => f <= top).map((f) => passbandGainDb(resample, rate, 16000, f));
    expect(Math.max(...gains.map(Math.abs))).toBeLessThan(0.1);
  });

  it('gives exactly the whole-signal output when fed in blocks of any size', () => {
    let seed = 3;
    const x = Float32Array.from({ length: 44100 }, () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5));
    const whole = resample(x, 44100, 16000);
    for (const block of [128, 882, 1234, 44100]) {
      const streaming = new StreamingResampler(44100, 16000);
      const parts: number[] = [];
      for (let i = 0; i < x.length; i += block) parts.push(...streaming.process(x.subarray(i, i + block)));
      parts.push(...streaming.flush());
      expect(Float32Array.from(parts)).toEqual(whole);
    }
  });
});
