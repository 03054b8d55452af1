import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameCount } from '../src/audio/frames';
import { decodeAudioTo16k } from '../src/audio/decodeFile';
import { encodeWav } from '../src/audio/wav';
import { crnnNetwork } from '../src/models/crnn';
import { DEFAULT_PUBLIC_DIR } from '../src/data/nodeCorpus';
import { createStreamingVad, exportModel, loadBundledModel, loadModel, toFiles, type FramesReport } from '../src/runtime';

/** `npm run vad` without npm's own output: tsx on the script. */
function vad(...args: string[]): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/vad.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

let dir: string;
let speechWav: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'vad-cli-'));
  // 3 s at 22.05 kHz: quiet noise, a voiced-like burst from 1.0 s to 2.0 s, quiet noise.
  const rate = 22050;
  let seed = 9;
  const noise = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.004;
  const samples = Float32Array.from({ length: 3 * rate }, (_, i) => {
    const t = i / rate;
    const voiced = t >= 1 && t < 2 ? 0.25 * (Math.sin(2 * Math.PI * 150 * t) + 0.5 * Math.sin(2 * Math.PI * 450 * t) + 0.3 * Math.sin(2 * Math.PI * 1200 * t)) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 5 * t)) : 0;
    return voiced + noise();
  });
  speechWav = join(dir, 'speech.wav');
  writeFileSync(speechWav, encodeWav(samples, rate));
  writeFileSync(join(dir, 'song.wav'), new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run vad', () => {
  it('runs an exported folder: segments printed, frames written, equal to the runtime in this process', async () => {
    const network = crnnNetwork({ seed: 4 });
    network.learnableWidths().forEach((w, i) => w.setKappa([0.5, 0.4, 0.3][i]));
    const exported = await exportModel(network, { name: 'small-crnn' });
    network.dispose();
    const folder = join(dir, 'small-crnn');
    mkdirSync(folder);
    for (const f of toFiles(exported)) writeFileSync(join(folder, f.name), f.data);

    const framesJson = join(dir, 'frames.json');
    const { code, stdout, stderr } = vad('--model', folder, '--frames', framesJson, '--threshold', '0.3', speechWav);
    expect(stderr).not.toMatch(/error/);
    expect(code).toBe(0);
    expect(stdout).toMatch(/speech\.wav \(3\.00 s, 22050 Hz, 1 ch\), small-crnn: \d+ speech segments?/);

    const written = JSON.parse(readFileSync(framesJson, 'utf8')) as { model: string; files: FramesReport[] };
    const report = written.files[0];
    const audio = await decodeAudioTo16k(readFileSync(speechWav), speechWav);
    expect(report.probability).toHaveLength(frameCount(audio.samples.length));
    expect(report.time[100]).toBeCloseTo(1.0, 9);
    expect(report.segmentOptions.threshold).toBe(0.3);
    const model = await loadModel(exported);
    const here = createStreamingVad(model).process(audio.samples);
    const whole = await model.inferClip(audio.samples);
    report.probability.forEach((p, f) => {
      expect(Math.abs(p - here[f])).toBeLessThan(1e-6);
      expect(Math.abs(p - whole[f])).toBeLessThan(1e-4);
    });
    // Every printed segment line is a segment of the report.
    const printed = stdout.split('\n').filter((l) => /^\s+\d/.test(l)).map((l) => l.trim().split(/\s+/).map(Number));
    expect(printed).toEqual(report.segments.map((s) => [Number(s.start.toFixed(2)), Number(s.end.toFixed(2))]));
    model.dispose();
  });

  it('finds the burst with the bundled crnn-full and names a file it cannot read, processing the rest', () => {
    const { code, stdout, stderr } = vad('--model', 'crnn-full', join(dir, 'song.wav'), speechWav, join(dir, 'missing.wav'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/song\.wav: not a WAV file, it looks like an MP3 file/);
    expect(stderr).toMatch(/missing\.wav: cannot be read \(ENOENT\)/);
    const lines = stdout.split('\n');
    const header = lines.findIndex((l) => l.includes('speech.wav'));
    const [start, end] = lines[header + 1].trim().split(/\s+/).map(Number);
    expect(start).toBeGreaterThan(0.8);
    expect(start).toBeLessThan(1.2);
    expect(end).toBeGreaterThan(1.8);
    expect(end).toBeLessThan(2.5);
  });

  it('reads FLAC and Ogg Opus too: a FLAC file scores as its WAV, and the Opus of the same prompt finds the same speech', async () => {
    const flac = join(DEFAULT_PUBLIC_DIR, 'corpus/speech/allison/en-US_agent-newlocation.flac');
    const opus = join(import.meta.dirname, 'data/en-US_agent-newlocation.opus');
    const wavCopy = join(dir, 'prompt.wav');
    writeFileSync(wavCopy, encodeWav((await decodeAudioTo16k(readFileSync(flac), flac)).samples, 16000));
    const framesJson = join(dir, 'formats.json');
    const { code, stdout, stderr } = vad('--model', 'crnn-full', '--frames', framesJson, flac, wavCopy, opus);
    expect(stderr).not.toMatch(/error/);
    expect(code).toBe(0);
    expect(stdout).toMatch(/en-US_agent-newlocation\.opus \(3\.29 s, 48000 Hz, 1 ch\)/);
    const [fromFlac, fromWav, fromOpus] = (JSON.parse(readFileSync(framesJson, 'utf8')) as { files: FramesReport[] }).files;
    expect(fromFlac.probability.length).toBe(fromWav.probability.length);
    expect(Math.max(...fromFlac.probability.map((p, i) => Math.abs(p - fromWav.probability[i])))).toBeLessThan(1e-3);
    expect(fromFlac.segments.length).toBeGreaterThan(0);
    expect(fromOpus.segments.length).toBe(fromFlac.segments.length);
    fromOpus.segments.forEach((s, i) => expect(Math.abs(s.start - fromFlac.segments[i].start) + Math.abs(s.end - fromFlac.segments[i].end)).toBeLessThan(0.1));
  });

  it('runs the bundled crnn-small (an export zip under public/models): its frames are the runtime\'s', async () => {
    const framesJson = join(dir, 'small.json');
    const { code, stdout, stderr } = vad('--model', 'crnn-small', '--frames', framesJson, speechWav);
    expect(stderr).not.toMatch(/error/);
    expect(code).toBe(0);
    expect(stdout).toMatch(/speech\.wav \(3\.00 s, 22050 Hz, 1 ch\), crnn-small: \d+ speech segments?/);
    const report = (JSON.parse(readFileSync(framesJson, 'utf8')) as { model: string; files: FramesReport[] }).files[0];
    const audio = await decodeAudioTo16k(readFileSync(speechWav), speechWav);
    const model = await loadBundledModel('crnn-small', async (path) => new Uint8Array(readFileSync(join(DEFAULT_PUBLIC_DIR, path))));
    const here = createStreamingVad(model).process(audio.samples);
    expect(report.probability).toHaveLength(here.length);
    report.probability.forEach((p, f) => expect(Math.abs(p - here[f])).toBeLessThan(1e-6));
    model.dispose();
  });

  it('runs Silero with --peer silero', () => {
    const framesJson = join(dir, 'silero.json');
    const { code, stdout } = vad('--peer', 'silero', '--frames', framesJson, speechWav);
    expect(code).toBe(0);
    expect(stdout).toMatch(/speech\.wav .*silero v5: \d+ speech segment/);
    const report = (JSON.parse(readFileSync(framesJson, 'utf8')) as { files: FramesReport[] }).files[0];
    expect(report.probability).toHaveLength(report.time.length);
    expect(report.probability.every((p) => p >= 0 && p <= 1)).toBe(true);
  });

  it('explains bad arguments', () => {
    expect(vad(speechWav)).toMatchObject({ code: 2, stderr: expect.stringMatching(/give either --model or --peer silero/) });
    expect(vad('--model', join(dir, 'nowhere'), speechWav)).toMatchObject({ code: 2, stderr: expect.stringMatching(/nowhere: no such folder or zip, and not a bundled model/) });
    expect(vad('--model', 'crnn-tiny', speechWav)).toMatchObject({ code: 2, stderr: expect.stringMatching(/crnn-tiny: no such folder or zip, and not a bundled model \(crnn-full, transformer-full, crnn-small, transformer-small\)/) });
    expect(vad('--model', 'crnn-full', '--threshold', 'high', speechWav)).toMatchObject({ code: 2, stderr: expect.stringMatching(/--threshold needs a number/) });
    expect(vad('--model', dir, speechWav)).toMatchObject({ code: 2, stderr: expect.stringMatching(/model\.json is missing/) });
  });
});

describe('npm run sweep', () => {
  it('refuses an option it does not know before it trains anything (a misspelt option would run a long sweep without it)', () => {
    for (const args of [['vad', '--family', 'crnn', '--stpes', '20'], ['merge', 'results/a.json', '--outt', 'b.json'], ['synthetic', '--quik']]) {
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/sweep.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`sweep ${args[0]}: unknown option ${args.find((a) => a.startsWith('--') && !['--family'].includes(a))}`));
      expect(result.stdout).not.toMatch(/VAD sweep|synthetic sweep|written/);
    }
  });
});
