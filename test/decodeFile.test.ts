import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAudioFile, decodeAudioTo16k } from '../src/audio/decodeFile';
import { FRAME_HOP } from '../src/audio/frames';
import { audioFileFormat } from '../src/audio/fileFormat';
import { encodeWav } from '../src/audio/wav';
import { DEFAULT_PUBLIC_DIR } from '../src/data/nodeCorpus';
import { hopEnergies, pearson } from './signals';

/** A training-split prompt of the corpus (16 kHz FLAC) and the same prompt as Ogg Opus, made by
 * `opusenc --bitrate 32 --comp 10 public/corpus/speech/allison/en-US_agent-newlocation.flac test/data/en-US_agent-newlocation.opus`. */
const flacPath = join(DEFAULT_PUBLIC_DIR, 'corpus/speech/allison/en-US_agent-newlocation.flac');
const opusPath = join(__dirname, 'data/en-US_agent-newlocation.opus');

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
    const hops = Math.floor(Math.min(opus.samples.length, flac.samples.length) / FRAME_HOP);
    const flacHops = hopEnergies(flac.samples, 0, hops);
    expect(pearson(hopEnergies(opus.samples, 0, hops), (i) => flacHops[i]!, hops)).toBeGreaterThan(0.95);
  });

  it('names the file when it cannot decode it', async () => {
    const opus = readFileSync(opusPath);
    const broken = opus.slice(0, 200); // the headers, then nothing
    await expect(decodeAudioTo16k(broken, 'cut.opus')).rejects.toThrow(/cut\.opus: /);
    await expect(decodeAudioTo16k(new Uint8Array([1, 2, 3]), 'x.mp3')).rejects.toThrow(/x\.mp3: not a WAV file \(missing RIFF\/WAVE header\)/);
    await expect(decodeAudioTo16k(readFileSync(flacPath).subarray(0, 2000), 'cut.flac')).rejects.toThrow(/cut\.flac: FLAC decoded \d+ of its \d+ samples \(truncated file\?\)/);
    // Cut inside its first frame: nothing decodes, and the header still says how much there was.
    await expect(decodeAudioTo16k(readFileSync(flacPath).subarray(0, 200), 'cut.flac')).rejects.toThrow(/cut\.flac: FLAC decoded 0 of its \d+ samples \(truncated file\?\)/);
  });
});
