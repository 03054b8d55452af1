/**
 * The command line and the app agree on the same file. A 44.1 kHz stereo 24-bit WAV built
 * here from the corpus's test split (the two channels differ, so the mixdown matters, and
 * the rate is not 16 kHz, so the resampler runs) is opened in the page's file panel and given
 * to `npm run vad` (scripts/vad.ts, run as a child process) with the same models: the bundled
 * full-width CRNN, an imported consolidated CRNN (its exported zip) and Silero. Every frame's
 * probability in the panel's JSON export must equal the command line's `--frames` output
 * within 1e-4. Both decode the WAV with src/audio/wav.ts and resample with
 * src/audio/resample.ts; the page analyses the file in 2 s chunks, the command line whole.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_RATE } from '../../src/audio/frames';
import { resample } from '../../src/audio/resample';
import { loadCorpusFromDisk } from '../../src/data/nodeCorpus';
import { createRng } from '../../src/data/random';
import { makeScene } from '../../src/data/scenes';
import { toZip, type FramesReport } from '../../src/runtime';
import { crnnAt } from './crnnAt';
import { launchBrowser, openExplorer, type BrowserSession } from './helpers';

const ROOT = resolve(import.meta.dirname, '../..');
const FILE_SECONDS = 6;
const FILE_RATE = 44100;
const TOLERANCE = 1e-4;

let dir = '';
let wavPath = '';
let zipPath = '';
/** The command line's per-frame report of each lane, started in beforeAll and run beside the browser. */
let cli: Promise<Record<'full' | 'consolidated' | 'silero', FramesReport>>;

/** Interleaved 24-bit PCM of the given channels. */
function encodeWav24(channels: readonly Float32Array[], rate: number): Uint8Array {
  const frames = channels[0]!.length;
  const blockAlign = 3 * channels.length;
  const bytes = new Uint8Array(44 + frames * blockAlign);
  const view = new DataView(bytes.buffer);
  const id = (offset: number, text: string): void => [...text].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  id(0, 'RIFF');
  view.setUint32(4, bytes.length - 8, true);
  id(8, 'WAVE');
  id(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, channels.length, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, 24, true);
  id(36, 'data');
  view.setUint32(40, frames * blockAlign, true);
  for (let i = 0; i < frames; i++) {
    channels.forEach((channel, c) => {
      const x = Math.round(Math.max(-1, Math.min(1, channel[i]!)) * 8388607);
      const o = 44 + i * blockAlign + 3 * c;
      view.setUint8(o, x & 0xff);
      view.setUint8(o + 1, (x >> 8) & 0xff);
      view.setInt8(o + 2, x >> 16);
    });
  }
  return bytes;
}

/** `npm run vad` as the user runs it (tsx on scripts/vad.ts); resolves with its --frames report of the one file. */
function runCli(name: string, modelArgs: string[]): Promise<FramesReport> {
  const out = join(dir, `${name}.frames.json`);
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/vad.ts', ...modelArgs, '--frames', out, wavPath], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`npm run vad -- ${modelArgs.join(' ')} exited ${code}:\n${log}`));
      console.log(`cli ${name}: ${log.trim().replace(/\s+/g, ' ')}`);
      const report = JSON.parse(readFileSync(out, 'utf8')) as { files: FramesReport[] };
      done(report.files[0]!);
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-agreement-e2e-'));
  const corpus = await loadCorpusFromDisk(undefined, { splits: ['test'] });
  const scene = makeScene(corpus.splits.test, FILE_SECONDS, createRng(7), { snrRangeDb: [5, 30], levelRangeDb: [-26, -20] });
  // Left: the scene; right: the scene, quieter, under a low hum, so the two channels differ.
  const left = await resample(scene.audio, SAMPLE_RATE, FILE_RATE);
  const right = left.map((v, i) => 0.5 * v + 0.01 * Math.sin((2 * Math.PI * 120 * i) / FILE_RATE));
  wavPath = join(dir, 'scene-44k-stereo-24bit.wav');
  writeFileSync(wavPath, encodeWav24([left, right], FILE_RATE));

  // A consolidated CRNN: the bundled one cut to 60 % widths, exported as the page exports it.
  await tf.setBackend('cpu');
  zipPath = join(dir, 'crnn-60.zip');
  writeFileSync(zipPath, toZip((await crnnAt(0.6)).exported));

  // The three command lines run one after another, beside the browser.
  cli = (async () => ({
    full: await runCli('full', ['--model', 'crnn-full']),
    consolidated: await runCli('consolidated', ['--model', zipPath]),
    silero: await runCli('silero', ['--peer', 'silero']),
  }))();
  cli.catch(() => undefined);
});

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

async function downloadJson<T>(page: Page, testId: string): Promise<T> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return JSON.parse(readFileSync(await download.path(), 'utf8')) as T;
}

describe('command line and app', () => {
  let session: BrowserSession | undefined;

  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('give the same per-frame probabilities for a 44.1 kHz stereo 24-bit WAV, within 1e-4, in every lane', async () => {
    session = await launchBrowser();
    const { page, errors } = session;
    await openExplorer(page, '?backend=wasm');
    await page.getByTestId('import-model').setInputFiles(zipPath);
    // The consolidated lane starts with the bundled small model: wait until the import replaced it.
    await page.getByTestId('consolidated-model').filter({ hasText: 'imported from crnn-60.zip' }).waitFor({ timeout: 120_000 });
    await page.getByTestId('listen-section').and(page.locator('[data-lanes="full,consolidated,silero"]')).waitFor({ timeout: 120_000 });
    await page.getByTestId('audio-file').setInputFiles(wavPath);
    await page.getByTestId('file-panel').and(page.locator('[data-file-status="done"]')).waitFor({ timeout: 240_000 });
    const app = await downloadJson<{ lanes: Record<string, FramesReport> }>(page, 'file-export-json');
    const reports = await cli;

    for (const lane of ['full', 'consolidated', 'silero'] as const) {
      const fromApp = app.lanes[lane]!.probability;
      const fromCli = reports[lane].probability;
      let worst = 0;
      for (let f = 0; f < fromCli.length; f++) worst = Math.max(worst, Math.abs(fromApp[f]! - fromCli[f]!));
      const speech = fromCli.filter((p) => p >= 0.5).length;
      console.log(`${lane}: ${fromCli.length} frames (${speech} at ≥ 0.5), largest difference app vs command line ${worst}`);
      expect(fromApp.length).toBe(fromCli.length);
      expect(fromCli.length).toBeGreaterThanOrEqual(FILE_SECONDS * 100 - 3);
      // The scene has speech and silence: a lane stuck at one value would agree vacuously.
      expect(speech).toBeGreaterThan(50);
      expect(speech).toBeLessThan(fromCli.length - 50);
      expect(worst).toBeLessThanOrEqual(TOLERANCE);
    }
    expect(errors).toEqual([]);
  });
});
