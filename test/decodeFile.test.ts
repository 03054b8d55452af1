import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAudioFile, decodeAudioTo16k } from '../src/audio/decodeFile';
import { audioFileFormat } from '../src/audio/fileFormat';
import { encodeWav } from '../src/audio/wav';
import { DEFAULT_PUBLIC_DIR } from '../src/data/nodeCorpus';

/** A training-split prompt of the corpus (16 kHz FLAC) and the same prompt as Ogg Opus, made by
 * `opusenc --bitrate 32 --comp 10 public/corpus/speech/allison/en-US_agent-newlocation.flac test/data/en-US_agent-newlocation.opus`. */
const flacPath = join(DEFAULT_PUBLIC_DIR, 'corpus/speech/allison/en-US_agent-newlocation.flac');
const opusPath = join(__dirname, 'data/en-US_agent-newlocation.opus');

/** Energy per 10 ms frame, in dB. */
function envelopeDb(samples: Float32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 160 <= samples.length; i += 160) {
    let e = 0;
    for (let j = i; j < i + 160; j++) e += samples[j] * samples[j];
    out.push(10 * Math.log10(e / 160 + 1e-10));
  }
  return out;
}

function correlation(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  const mean = (x: number[]) => x.slice(0, n).reduce((s, v) => s + v, 0) / n;
  const [ma, mb] = [mean(a), mean(b)];
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('audio files the app decodes itself', () => {
  it('tells WAV, FLAC and Ogg Opus from their first bytes, and nothing else', () => {
    expect(audioFileFormat(encodeWav(new Float32Array(10), 16000))).toBe('wav');
    expect(audioFileFormat(readFileSync(flacPath))).toBe('flac');
    expect(audioFileFormat(readFileSync(opusPath))).toBe('ogg-opus');
    expect(audioFileFormat(new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]))).toBeNull(); // MP3's ID3 tag
    const vorbis = new Uint8Array(64);
    vorbis.set([...'OggS'].map((c) => c.charCodeAt(0)));
    vorbis[26] = 1;
    vorbis.set([1, ...[...'vorbis'].map((c) => c.charCodeAt(0))], 28);
    expect(audioFileFormat(vorbis)).toBeNull(); // Ogg, but Vorbis: the browser's
    expect(audioFileFormat(new Uint8Array(0))).toBeNull();
  });

  it('decodes FLAC losslessly: the same samples as its 16-bit WAV', async () => {
    const flac = await decodeAudioTo16k(readFileSync(flacPath), 'prompt.flac');
    const wav = await decodeAudioTo16k(encodeWav(flac.samples, 16000), 'prompt.wav');
    expect(flac.sourceRate).toBe(16000);
    expect(flac.samples.length).toBe(wav.samples.length);
    let worst = 0;
    for (let i = 0; i < flac.samples.length; i++) worst = Math.max(worst, Math.abs(flac.samples[i] - wav.samples[i]));
    expect(worst).toBeLessThan(1 / 16384); // 16-bit rounding, nothing more
  });

  it('decodes Ogg Opus at 48 kHz and resamples it to the prompt it was made from: same length, same envelope', async () => {
    const decoded = await decodeAudioFile(readFileSync(opusPath), 'prompt.opus');
    expect(decoded.sampleRate).toBe(48000);
    const opus = await decodeAudioTo16k(readFileSync(opusPath), 'prompt.opus');
    const flac = await decodeAudioTo16k(readFileSync(flacPath), 'prompt.flac');
    expect(Math.abs(opus.samples.length - flac.samples.length)).toBeLessThanOrEqual(160); // the encoder's pre-skip is dropped
    expect(correlation(envelopeDb(opus.samples), envelopeDb(flac.samples))).toBeGreaterThan(0.95);
  });

  it('names the file when it cannot decode it', async () => {
    const opus = readFileSync(opusPath);
    const broken = opus.slice(0, 200); // the headers, then nothing
    await expect(decodeAudioTo16k(broken, 'cut.opus')).rejects.toThrow(/cut\.opus: /);
    await expect(decodeAudioTo16k(new Uint8Array([1, 2, 3]), 'x.mp3')).rejects.toThrow(/x\.mp3: not a WAV file \(missing RIFF\/WAVE header\)/);
    await expect(decodeAudioTo16k(readFileSync(flacPath).subarray(0, 2000), 'cut.flac')).rejects.toThrow(/cut\.flac: /);
  });
});
