import { describe, expect, it } from 'vitest';
import { decodeAudioTo16k } from '../src/audio/decodeFile';
import { decodeWav, encodeWav } from '../src/audio/wav';
import { concatArrays } from '../src/concatArrays';

interface WavSpec {
  formatTag?: number;
  channels?: number;
  sampleRate?: number;
  bits?: number;
  /** WAVE_FORMAT_EXTENSIBLE around this sub-format tag. */
  extensible?: number;
  /** Chunks before fmt / between fmt and data. */
  before?: Uint8Array[];
  between?: Uint8Array[];
  /** Override the data chunk's declared size. */
  declaredDataSize?: number;
  blockAlign?: number;
}

function chunk(id: string, body: Uint8Array, declared = body.length): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length & 1));
  out.set(new TextEncoder().encode(id));
  new DataView(out.buffer).setUint32(4, declared, true);
  out.set(body, 8);
  return out;
}

/** A WAV file whose channel c holds `signal(c, i)` in the given format. */
function wav(frames: number, signal: (c: number, i: number) => number, spec: WavSpec = {}): Uint8Array {
  const { channels = 1, sampleRate = 16000, bits = 16, extensible } = spec;
  const formatTag = spec.formatTag ?? 1;
  const bytes = bits / 8;
  const blockAlign = spec.blockAlign ?? bytes * channels;
  const fmt = new Uint8Array(extensible !== undefined ? 40 : 16);
  const f = new DataView(fmt.buffer);
  f.setUint16(0, extensible !== undefined ? 0xfffe : formatTag, true);
  f.setUint16(2, channels, true);
  f.setUint32(4, sampleRate, true);
  f.setUint32(8, sampleRate * blockAlign, true);
  f.setUint16(12, blockAlign, true);
  f.setUint16(14, bits, true);
  if (extensible !== undefined) {
    f.setUint16(16, 22, true);
    f.setUint16(18, bits, true);
    f.setUint32(20, channels === 2 ? 3 : 4, true);
    f.setUint16(24, extensible, true);
    fmt.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  }
  const data = new Uint8Array(frames * channels * bytes);
  const d = new DataView(data.buffer);
  const isFloat = (extensible ?? formatTag) === 3;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const v = signal(c, i);
      const o = (i * channels + c) * bytes;
      if (isFloat) bits === 32 ? d.setFloat32(o, v, true) : d.setFloat64(o, v, true);
      else if (bits === 8) d.setUint8(o, Math.round(v * 127) + 128);
      else if (bits === 16) d.setInt16(o, Math.round(v * 32767), true);
      else if (bits === 24) {
        const x = Math.round(v * 8388607);
        d.setUint8(o, x & 0xff);
        d.setUint8(o + 1, (x >> 8) & 0xff);
        d.setInt8(o + 2, x >> 16);
      } else d.setInt32(o, Math.round(v * 2147483647), true);
    }
  }
  const body = concatArrays([new TextEncoder().encode('WAVE'), ...(spec.before ?? []), chunk('fmt ', fmt), ...(spec.between ?? []), chunk('data', data, spec.declaredDataSize ?? data.length)], Uint8Array);
  return concatArrays([new TextEncoder().encode('RIFF'), new Uint8Array(new Uint32Array([body.length]).buffer), body], Uint8Array);
}

const sine = (rate: number, hz = 440, amplitude = 0.5) => (_c: number, i: number) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate);

describe('WAV sample formats', () => {
  const cases: [string, WavSpec, number][] = [
    ['8-bit PCM', { bits: 8 }, 1 / 100],
    ['16-bit PCM', { bits: 16 }, 1e-4],
    ['24-bit PCM', { bits: 24 }, 1e-6],
    ['32-bit PCM', { bits: 32 }, 1e-7],
    ['32-bit float', { formatTag: 3, bits: 32 }, 1e-7],
    ['64-bit float', { formatTag: 3, bits: 64 }, 1e-7],
    ['extensible 24-bit PCM', { extensible: 1, bits: 24 }, 1e-6],
    ['extensible 32-bit float', { extensible: 3, bits: 32 }, 1e-7],
  ];
  for (const [label, spec, tolerance] of cases) {
    it(`decodes ${label}`, () => {
      const audio = decodeWav(wav(200, sine(16000), spec), label);
      expect(audio.sampleRate).toBe(16000);
      expect(audio.channels).toHaveLength(1);
      audio.channels[0].forEach((v, i) => expect(Math.abs(v - sine(16000)(0, i))).toBeLessThan(tolerance));
    });
  }

  it('skips unknown chunks, also odd-sized ones (padded) and ones before fmt', () => {
    const bytes = wav(100, sine(16000), { before: [chunk('JUNK', new Uint8Array(3))], between: [chunk('LIST', new Uint8Array(7)), chunk('fact', new Uint8Array(4))] });
    expect(decodeWav(bytes, 'chunks.wav').channels[0].length).toBe(100);
  });

  it('mixes channels down and resamples any rate to 16 kHz (a 1 kHz tone stays a 1 kHz tone)', async () => {
    for (const rate of [8000, 11025, 22050, 44100, 48000, 96000]) {
      // Left: the tone; right: its negative plus the tone twice → mean = the tone.
      const seconds = 0.5;
      const frames = Math.round(rate * seconds);
      const bytes = wav(frames, (c, i) => (c === 0 ? -0.2 : 0.6) * Math.sin((2 * Math.PI * 1000 * i) / rate), { channels: 2, sampleRate: rate, bits: 24 });
      const audio = await decodeAudioTo16k(bytes, `${rate}.wav`);
      expect(audio.sourceRate).toBe(rate);
      expect(audio.sourceChannels).toBe(2);
      expect(audio.samples.length).toBe(Math.ceil((frames * 16000) / rate));
      // Away from the edges the resampled tone matches 0.2·sin(2π·1000·t) closely.
      let maxError = 0;
      for (let i = 800; i < audio.samples.length - 800; i++) maxError = Math.max(maxError, Math.abs(audio.samples[i] - 0.2 * Math.sin((2 * Math.PI * 1000 * i) / 16000)));
      expect(maxError).toBeLessThan(2e-3);
    }
  });

  it('filters what lies above 8 kHz instead of folding it into the band (48 kHz, 12 kHz tone)', async () => {
    const rate = 48000;
    const audio = await decodeAudioTo16k(wav(rate / 2, sine(rate, 12000, 0.5), { sampleRate: rate, formatTag: 3, bits: 32 }), 'alias.wav');
    let energy = 0;
    for (let i = 1000; i < audio.samples.length - 1000; i++) energy += audio.samples[i] ** 2;
    const rms = Math.sqrt(energy / (audio.samples.length - 2000));
    // The alias would sit at 4 kHz with rms 0.35; the filter takes it more than 110 dB below that.
    expect(rms).toBeLessThan(0.35 * 10 ** (-110 / 20));
  });

  it('round-trips its own 16-bit encoder', () => {
    const samples = Float32Array.from({ length: 321 }, (_, i) => Math.sin(i / 7) * 0.9);
    const decoded = decodeWav(encodeWav(samples, 22050), 'enc.wav');
    expect(decoded.sampleRate).toBe(22050);
    decoded.channels[0].forEach((v, i) => expect(Math.abs(v - samples[i])).toBeLessThan(1e-4));
  });
});

describe('malformed and odd WAV input gets an error naming the file', () => {
  const good = wav(1000, sine(16000));
  const setU32 = (bytes: Uint8Array, offset: number, value: number) => {
    const copy = bytes.slice();
    new DataView(copy.buffer).setUint32(offset, value, true);
    return copy;
  };
  const setU16 = (bytes: Uint8Array, offset: number, value: number) => {
    const copy = bytes.slice();
    new DataView(copy.buffer).setUint16(offset, value, true);
    return copy;
  };
  const ascii = (text: string) => new TextEncoder().encode(text);
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty.wav', new Uint8Array(0), /empty/],
    ['tiny.wav', ascii('RIF'), /not a WAV file/],
    ['song.mp3.wav', concatArrays([ascii('ID3'), new Uint8Array(200)], Uint8Array), /MP3/],
    ['frames.wav', concatArrays([new Uint8Array([0xff, 0xfb, 0x90, 0x64]), new Uint8Array(400)], Uint8Array), /MP3/],
    ['voice.wav', concatArrays([ascii('OggS'), new Uint8Array(100)], Uint8Array), /Ogg/],
    ['lossless.wav', concatArrays([ascii('fLaC'), new Uint8Array(100)], Uint8Array), /FLAC/],
    ['movie.wav', concatArrays([ascii('RIFF'), new Uint8Array(4), ascii('AVI '), new Uint8Array(100)], Uint8Array), /RIFF file of type "AVI "/],
    ['big.wav', concatArrays([ascii('RF64'), new Uint8Array(100)], Uint8Array), /RF64/],
    ['notes.wav', ascii('just some text that is not audio at all'), /not a WAV file/],
    ['cut.wav', good.subarray(0, good.length - 501), /truncated/],
    ['huge.wav', setU32(good, 40, 2_000_000_000), /header says 2000000000 bytes/],
    ['header-only.wav', good.subarray(0, 36), /no data chunk/],
    ['no-audio.wav', wav(0, sine(16000)), /holds no audio/],
    ['zero-channels.wav', setU16(good, 22, 0), /zero channels/],
    ['zero-rate.wav', setU32(good, 24, 0), /zero sample rate/],
    ['absurd-rate.wav', setU32(good, 24, 3_000_000_000), /sample rate/],
    ['alaw.wav', wav(10, sine(16000), { formatTag: 6, bits: 8 }), /unsupported WAV sample format \(format tag 6/],
    ['12bit.wav', setU16(good, 34, 12), /unsupported/],
    ['misaligned.wav', wav(10, sine(16000), { blockAlign: 3 }), /block align/],
    ['half-frame.wav', wav(10, sine(16000), { channels: 2, declaredDataSize: 38 }), /whole number/],
    ['nan.wav', wav(10, () => NaN, { formatTag: 3, bits: 32 }), /NaN/],
    ['guid.wav', (() => { const b = wav(10, sine(16000), { extensible: 1 }); b[20 + 8 + 30] ^= 0xff; return b; })(), /SubFormat GUID/],
  ];
  for (const [name, bytes, message] of cases) {
    it(name, async () => {
      expect(() => decodeWav(bytes, name)).toThrow(new RegExp(`^${name.replace(/\./g, '\\.')}: `));
      await expect(decodeAudioTo16k(bytes, name)).rejects.toThrow(message);
    });
  }
});
