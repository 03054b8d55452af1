/**
 * The bundled small model in the listen panels. On a fresh page the consolidated lane holds
 * crnn-small (public/models/crnn-small.zip) once the listen section is in view, labelled with
 * what its zip says (widths, counted FLOP/s, "bundled"), and a file runs through it exactly as
 * the runtime runs the same zip in Node; an imported zip then replaces it, and the user's pick of
 * the bundled small transformer replaces that (measured against the full transformer). A zip
 * that cannot be read leaves the lane empty with a message, and the rest keeps working.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFlops } from '../../app/format';
import { SAMPLE_RATE } from '../../src/audio/frames';
import { decodeAudioTo16k } from '../../src/audio/decodeFile';
import { encodeWav } from '../../src/audio/wav';
import { createStreamingVad, loadBundledModel, toZip, type FramesReport, type VadModel } from '../../src/runtime';
import { crnnAt } from './crnnAt';
import { launchBrowser, openExplorer, type BrowserSession } from './helpers';

const PUBLIC = resolve(import.meta.dirname, '../../public');

let dir = '';
let wavPath = '';
let importZipPath = '';
let small: VadModel;
let smallTransformer: VadModel;

/** "mel 20/80, conv 8/32, gru 8/32" from a CRNN's widths, as the panel writes them. */
const crnnWidths = (widths: Record<string, number>): string => `mel ${widths.mel}/80, conv ${widths.conv}/32, gru ${widths.gru}/32`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bundled-small-e2e-'));
  await tf.setBackend('cpu');
  const readPublic = async (path: string): Promise<Uint8Array> => new Uint8Array(readFileSync(join(PUBLIC, path)));
  small = await loadBundledModel('crnn-small', readPublic);
  smallTransformer = await loadBundledModel('transformer-small', readPublic);
  // 2 s: quiet noise with a voiced-like burst in the middle (the lanes must move, not their accuracy).
  let seed = 5;
  const noise = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.004;
  const audio = Float32Array.from({ length: 2 * SAMPLE_RATE }, (_, i) => {
    const t = i / SAMPLE_RATE;
    return (t >= 0.6 && t < 1.4 ? 0.25 * (Math.sin(2 * Math.PI * 150 * t) + 0.5 * Math.sin(2 * Math.PI * 450 * t)) : 0) + noise();
  });
  wavPath = join(dir, 'burst.wav');
  writeFileSync(wavPath, encodeWav(audio, SAMPLE_RATE));
  // A user's zip to import: the bundled full CRNN cut to 60 % widths and exported.
  importZipPath = join(dir, 'crnn-60.zip');
  writeFileSync(importZipPath, toZip((await crnnAt(0.6)).exported));
});

afterAll(() => {
  small?.dispose();
  smallTransformer?.dispose();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('bundled small model', () => {
  let session: BrowserSession | undefined;

  afterAll(async () => {
    await session?.close();
  });

  it('fills the consolidated lane of a fresh page, runs a file like the runtime, gives way to an import and to the small transformer; a broken zip leaves the lane empty with a message', async () => {
    session = await launchBrowser();
    const { page, errors } = session;
    const section = page.getByTestId('listen-section');
    const model = page.getByTestId('consolidated-model');

    // A zip that cannot be read: the lane says so and stays empty; the full and Silero lanes still come.
    await page.route('**/models/crnn-small.zip', (route) => route.fulfill({ status: 200, contentType: 'application/zip', body: Buffer.from('not a zip') }));
    await openExplorer(page, '?backend=wasm');
    await section.scrollIntoViewIfNeeded();
    await expect(page.getByTestId('bundled-error').innerText({ timeout: 60_000 })).resolves.toMatch(/bundled small model crnn-small could not be loaded, so the consolidated lane is empty.*crnn-small\.zip: not a readable zip/);
    await section.and(page.locator('[data-lanes="full,silero"]')).waitFor({ timeout: 60_000 });
    await expect(model.count()).resolves.toBe(0);
    await page.unroute('**/models/crnn-small.zip');

    // A fresh page: once the section is in view, the lane holds crnn-small, labelled from its zip.
    await page.reload();
    await page.getByTestId('train').waitFor();
    await section.scrollIntoViewIfNeeded();
    await model.and(page.locator('[data-source="bundled"]')).waitFor({ timeout: 60_000 });
    await section.and(page.locator('[data-lanes="full,consolidated,silero"]')).waitFor({ timeout: 60_000 });
    const report = small.exported.flopsReport;
    const label = await model.innerText();
    console.log(`fresh page: ${label}`);
    expect(label).toContain('crnn-small');
    expect(label).toContain('bundled');
    await expect(page.getByTestId('consolidated-model-size').innerText()).resolves.toContain(`${crnnWidths(report.widths)} · ${formatFlops(report.flopsPerSecond)} (counted)`);
    await expect(page.getByTestId('bundled-error').count()).resolves.toBe(0);

    // A file runs through both of our lanes; the small lane's frames are the runtime's on the same zip.
    await page.getByTestId('audio-file').setInputFiles(wavPath);
    await page.getByTestId('file-panel').and(page.locator('[data-file-status="done"]')).waitFor({ timeout: 120_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('file-export-json').click()]);
    const lanes = (JSON.parse(readFileSync(await download.path(), 'utf8')) as { lanes: Record<string, FramesReport> }).lanes;
    const offline = createStreamingVad(small).process((await decodeAudioTo16k(readFileSync(wavPath), wavPath)).samples);
    const inApp = lanes.consolidated!.probability;
    expect(inApp).toHaveLength(offline.length);
    let worst = 0;
    inApp.forEach((p, f) => (worst = Math.max(worst, Math.abs(p - offline[f]!))));
    console.log(`consolidated lane vs runtime on crnn-small: ${inApp.length} frames, largest difference ${worst}`);
    expect(worst).toBeLessThan(1e-4);
    expect(lanes.full!.probability).toHaveLength(offline.length);

    // Importing a zip replaces the bundled model.
    await page.getByTestId('import-model').setInputFiles(importZipPath);
    await model.filter({ hasText: 'imported from crnn-60.zip' }).waitFor({ timeout: 60_000 });
    // The lane's description is the worker's (it names the model the lane now runs).
    await page.getByTestId('consolidated-model-size').filter({ hasText: 'mel 48/80, conv 20/32, gru 20/32' }).waitFor({ timeout: 60_000 });
    await expect(model.getAttribute('data-source')).resolves.toBe('imported from crnn-60.zip');

    // The user picks the bundled small transformer: it replaces the import, the full lane turns
    // to the full transformer, and the two are measured side by side, labelled from its zip.
    const transformerReport = smallTransformer.exported.flopsReport;
    const transformerWidths = `mel ${transformerReport.widths.mel}/80, ff1 ${transformerReport.widths.ff1}/128, ff2 ${transformerReport.widths.ff2}/128`;
    // The buttons stay disabled while the lane is busy with the import, which takes longer on a loaded machine.
    await page.getByTestId('load-transformer-small').click({ timeout: 120_000 });
    await model.filter({ hasText: 'transformer-small' }).and(page.locator('[data-source="bundled"]')).waitFor({ timeout: 60_000 });
    await page.getByTestId('consolidated-model-size').filter({ hasText: `${transformerWidths} · ${formatFlops(transformerReport.flopsPerSecond)} (counted)` }).waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('load-transformer-small').isDisabled()).resolves.toBe(true);
    const comparison = page.getByTestId('comparison');
    await comparison.waitFor({ timeout: 240_000 });
    await expect(page.getByTestId('comparison-widths').innerText()).resolves.toBe(transformerWidths);
    await expect(comparison.innerText()).resolves.toContain('mel 80/80, ff1 128/128, ff2 128/128');
    await expect(page.getByTestId('bundled-error').count()).resolves.toBe(0);

    expect(errors).toEqual([]);
  });
});
