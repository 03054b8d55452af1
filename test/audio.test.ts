import { describe, expect, it } from 'vitest';
import { FRAME_HOP, FRAME_LENGTH, SAMPLE_RATE, frameCount, samplesForFrames } from '../src/audio/frames';
import { speechLabels } from '../src/audio/labels';
import { measureSnrDb, mixAtSnr } from '../src/audio/mix';
import { createResampler, downmixToMono, resample } from '../src/audio/resample';
import { decodeWav, encodeWav } from '../src/audio/wav';
import { createRng } from '../src/data/random';

function tone(frequency: number, rate: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / rate));
}

/** Writes an arbitrary-format WAV for the decoder tests. */
function wavBytes(channels: Float32Array[], rate: number, bits: number, float: boolean): Uint8Array {
  const frames = channels[0].length;
  const blockAlign = (bits / 8) * channels.length;
  const bytes = new Uint8Array(44 + frames * blockAlign);
  const view = new DataView(bytes.buffer);
  const id = (o: number, s: string): void => [...s].forEach((c, i) => view.setUint8(o + i, c.charCodeAt(0)));
  id(0, 'RIFF');
  view.setUint32(4, 36 + frames * blockAlign, true);
  id(8, 'WAVE');
  id(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, float ? 3 : 1, true);
  view.setUint16(22, channels.length, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bits, true);
  id(36, 'data');
  view.setUint32(40, frames * blockAlign, true);
  let o = 44;
  for (let i = 0; i < frames; i++) {
    for (const channel of channels) {
      const x = channel[i];
      if (float) view.setFloat32(o, x, true);
      else if (bits === 16) view.setInt16(o, Math.round(x * 32767), true);
      else if (bits === 32) view.setInt32(o, Math.round(x * 2147483647), true);
      else {
        const v = Math.round(x * 8388607);
        view.setUint8(o, v & 0xff);
        view.setUint8(o + 1, (v >> 8) & 0xff);
        view.setUint8(o + 2, (v >> 16) & 0xff);
      }
      o += bits / 8;
    }
  }
  return bytes;
}

/** Power of x at `frequency` (single-bin DFT). */
function powerAt(x: Float32Array, frequency: number, rate: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    re += x[i] * Math.cos((2 * Math.PI * frequency * i) / rate);
    im -= x[i] * Math.sin((2 * Math.PI * frequency * i) / rate);
  }
  return (re * re + im * im) / x.length;
}

describe('frames', () => {
  it('uses a 400-sample window and 160-sample hop without padding', () => {
    expect([SAMPLE_RATE, FRAME_LENGTH, FRAME_HOP]).toEqual([16000, 400, 160]);
    expect(frameCount(399)).toBe(0);
    expect(frameCount(400)).toBe(1);
    expect(frameCount(559)).toBe(1);
    expect(frameCount(560)).toBe(2);
    expect(frameCount(16000)).toBe(98);
    expect(frameCount(samplesForFrames(37))).toBe(37);
  });
});

describe('wav', () => {
  it('roundtrips PCM16 within quantisation', () => {
    const x = tone(440, 16000, 0.25);
    const decoded = decodeWav(encodeWav(x, 16000), 'roundtrip.wav');
    expect(decoded.sampleRate).toBe(16000);
    expect(decoded.channels).toHaveLength(1);
    expect(decoded.channels[0]).toHaveLength(x.length);
    for (let i = 0; i < x.length; i++) expect(Math.abs(decoded.channels[0][i] - x[i])).toBeLessThan(1 / 16000);
  });

  it.each([
    [16, false],
    [24, false],
    [32, false],
    [32, true],
  ])('decodes %i-bit (float %s) stereo', (bits, float) => {
    const left = tone(300, 22050, 0.1, 0.4);
    const right = tone(500, 22050, 0.1, -0.3);
    const decoded = decodeWav(wavBytes([left, right], 22050, bits, float), 'stereo.wav');
    expect(decoded.sampleRate).toBe(22050);
    expect(decoded.channels).toHaveLength(2);
    for (let i = 0; i < left.length; i += 97) {
      expect(decoded.channels[0][i]).toBeCloseTo(left[i], 4);
      expect(decoded.channels[1][i]).toBeCloseTo(right[i], 4);
    }
  });

  it('names the file when it is garbage, truncated or has zero channels', () => {
    const garbage = new Uint8Array(100).map((_, i) => (i * 37) & 0xff);
    expect(() => decodeWav(garbage, 'garbage.wav')).toThrow(/garbage\.wav.*RIFF/);
    expect(() => decodeWav(new Uint8Array(0), 'empty.wav')).toThrow(/empty\.wav/);
    const good = encodeWav(tone(440, 16000, 0.1), 16000);
    expect(() => decodeWav(good.slice(0, good.length - 100), 'cut.wav')).toThrow(/cut\.wav.*truncated/);
    expect(() => decodeWav(good.slice(0, 30), 'header.wav')).toThrow(/header\.wav/);
    const zero = good.slice();
    new DataView(zero.buffer).setUint16(22, 0, true);
    expect(() => decodeWav(zero, 'zero.wav')).toThrow(/zero\.wav.*zero channels/);
    const adpcm = good.slice();
    new DataView(adpcm.buffer).setUint16(20, 2, true);
    expect(() => decodeWav(adpcm, 'adpcm.wav')).toThrow(/adpcm\.wav.*unsupported/);
  });
});

describe('resample', () => {
  it('keeps a 1 kHz tone at 1 kHz when going from 48 kHz to 16 kHz', async () => {
    const y = await resample(tone(1000, 48000, 0.5), 48000, 16000);
    expect(y.length).toBe(8000);
    const body = y.subarray(800, 7200);
    const at1k = powerAt(body, 1000, 16000);
    for (const other of [500, 900, 1100, 1500, 3000]) expect(powerAt(body, other, 16000)).toBeLessThan(at1k * 1e-3);
    // Amplitude is preserved (0.5 → RMS 0.354).
    const rms = Math.sqrt(body.reduce((s, v) => s + v * v, 0) / body.length);
    expect(rms).toBeCloseTo(0.5 / Math.SQRT2, 2);
  });

  it('removes content above the new Nyquist frequency (no aliasing)', async () => {
    // 11 kHz at 48 kHz would alias to 5 kHz at 16 kHz; 110 dB below the tone's RMS is under 1.2e-6.
    const y = (await resample(tone(11000, 48000, 0.5), 48000, 16000)).subarray(800, 7200);
    const rms = Math.sqrt(y.reduce((s, v) => s + v * v, 0) / y.length);
    expect(rms).toBeLessThan((0.5 / Math.SQRT2) * 10 ** (-110 / 20));
  });

  it('gives the same output when streamed in chunks', async () => {
    const x = tone(700, 44100, 0.3);
    const whole = await resample(x, 44100, 16000);
    const streaming = await createResampler(44100, 16000);
    const parts: Float32Array[] = [];
    for (let i = 0; i < x.length; i += 1234) parts.push(streaming.process(x.subarray(i, i + 1234)));
    parts.push(streaming.flush());
    const joined = Float32Array.from(parts.flatMap((p) => Array.from(p)));
    expect(joined.length).toBe(whole.length);
    expect(joined).toEqual(whole);
  });

  it('downmixes by averaging', () => {
    expect(Array.from(downmixToMono([Float32Array.of(1, 0), Float32Array.of(0, 1)]))).toEqual([0.5, 0.5]);
  });
});

describe('labels and mixing', () => {
  it('marks silence as non-speech and a burst as speech, with hangover', () => {
    const rng = createRng(1);
    const x = new Float32Array(16000);
    for (let i = 0; i < x.length; i++) x[i] = 1e-4 * rng.normal();
    for (let i = 4000; i < 12000; i++) x[i] += 0.3 * Math.sin(i / 5);
    const labels = speechLabels(x);
    expect(labels.length).toBe(frameCount(x.length));
    expect(labels[5]).toBe(0);
    expect(labels[50]).toBe(1);
    expect(labels[90]).toBe(0);
    // last window touching the burst is frame floor((12000 − 1) / 160); hangover extends it by ≤ 4 frames.
    const lastSpeech = labels.lastIndexOf(1);
    expect(lastSpeech).toBeGreaterThanOrEqual(74);
    expect(lastSpeech).toBeLessThanOrEqual(74 + 4);
  });

  it('mixes at the requested SNR within 0.5 dB', () => {
    const rng = createRng(7);
    const speech = new Float32Array(32000);
    for (let i = 8000; i < 24000; i++) speech[i] = Math.sin(i / 7) * (0.5 + 0.5 * Math.sin(i / 900));
    const labels = speechLabels(speech);
    const noise = Float32Array.from({ length: speech.length }, () => 0.1 * rng.normal());
    for (const snr of [-5, 0, 10, 20, 35]) {
      const { mixture, speechGain } = mixAtSnr(speech, labels, noise, snr);
      // Measure independently from the mixture: the speech part is mixture − noise.
      const speechPart = mixture.map((m, i) => m - noise[i]);
      expect(Math.abs(measureSnrDb(speechPart, labels, noise) - snr)).toBeLessThan(0.5);
      expect(speechGain).toBeGreaterThan(0);
    }
  });
});
