/**
 * Backend choice by measurement: the worker times a few real CRNN training steps on every
 * backend the page may use and trains on the fastest. With the backends named in the URL,
 * as a user picks them by hand, the automatic choice must be the fastest of them; without the
 * parameter the software WebGPU adapter is left untimed and said so. The measured steps/s are
 * logged. (The software adapter is not in the first list: its first CRNN step alone took
 * 179 s on the 2-core machine, and the WebGPU e2e test trains on it by hand anyway.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, openExplorer, trainViaUi, type BrowserSession } from './helpers';

interface Measured {
  backend: string;
  reason: string;
  measurements: { backend: string; stepsPerSecond: number | null; timedSteps: number; note: string }[] | null;
  errors: string[];
}

/** Waits until the worker has timed the backends for the run just started (the run then trains on; the browser is closed after the test). */
async function measurementsOf(page: Page): Promise<Measured> {
  await page.waitForFunction(() => (window as unknown as { __explorer: { state(): { backendMeasurements: unknown } } }).__explorer.state().backendMeasurements !== null, undefined, {
    timeout: 300_000,
    polling: 250,
  });
  return page.evaluate(() => {
    const s = (window as unknown as { __explorer: { state(): Record<string, unknown> } }).__explorer.state();
    return JSON.parse(JSON.stringify({ backend: s.backend, reason: s.backendReason, measurements: s.backendMeasurements, errors: s.errors })) as Measured;
  });
}

const CRNN_SETUP = 'model=crnn&method=dcl&batch=4&steps=1&eval=1000';

describe('backend choice by measurement', () => {
  let session: BrowserSession | undefined;

  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('trains the CRNN on the fastest of the backends a user picks by hand, and shows each one\'s steps/s', async () => {
    session = await launchBrowser();
    const { page, errors } = session;
    await openExplorer(page, `?backend=webgl,wasm,cpu&${CRNN_SETUP}`);
    await trainViaUi(page, { waitForFinish: false });
    const result = await measurementsOf(page);
    console.log(`CRNN batch 4, chosen ${result.backend}: ${result.measurements?.map((m) => `${m.backend} ${m.stepsPerSecond?.toFixed(2) ?? '–'} steps/s (${m.note})`).join('; ')}`);
    expect(result.errors).toEqual([]);
    const timed = (result.measurements ?? []).filter((m) => m.stepsPerSecond !== null);
    expect(timed.map((m) => m.backend).sort()).toEqual(['cpu', 'wasm', 'webgl']);
    const fastest = Math.max(...timed.map((m) => m.stepsPerSecond!));
    expect(timed.find((m) => m.backend === result.backend)?.stepsPerSecond).toBe(fastest);
    expect(result.reason).toContain(`fastest for crnn at batch 4, measured here: `);
    // The page lists every backend with its rate and marks the one in use.
    const rows = page.getByTestId('backend-measurements').locator('li');
    await expect(rows.count()).resolves.toBe(3);
    await expect(page.getByTestId('backend-measurements').innerText()).resolves.toContain(`${result.backend}: `);
    await expect(page.getByTestId('backend-measurements').innerText()).resolves.toContain('← in use');
    await expect(page.getByTestId('stat-backend').innerText()).resolves.toBe(result.backend);
    expect(errors).toEqual([]);
  });

  it('the select sets backend= in the URL; without it the software WebGPU adapter is left untimed, and the page says so', async () => {
    session = await launchBrowser();
    const { page, errors } = session;
    await openExplorer(page, `?${CRNN_SETUP}`);
    await page.getByTestId('backend-select').selectOption('wasm');
    await page.waitForURL(/backend=wasm/);
    await page.getByTestId('train').and(page.locator(':not([disabled])')).waitFor({ timeout: 120_000 });
    await expect(page.getByTestId('stat-backend').innerText()).resolves.toBe('wasm');
    await expect(page.getByTestId('backend-select').inputValue()).resolves.toBe('wasm');
    await page.getByTestId('backend-select').selectOption('auto');
    await page.waitForURL((url) => !url.search.includes('backend='));
    await page.getByTestId('train').and(page.locator(':not([disabled])')).waitFor({ timeout: 120_000 });
    await trainViaUi(page, { waitForFinish: false });
    const result = await measurementsOf(page);
    console.log(`CRNN batch 4 (automatic), chosen ${result.backend}: ${result.measurements?.map((m) => `${m.backend} ${m.stepsPerSecond?.toFixed(2) ?? '–'} (${m.note})`).join('; ')}`);
    const webgpu = result.measurements?.find((m) => m.backend === 'webgpu');
    expect(webgpu).toMatchObject({ stepsPerSecond: null });
    expect(webgpu?.note).toMatch(/software adapter \(.*swiftshader.*\), not timed/i);
    expect(result.backend).not.toBe('webgpu');
    await expect(page.getByTestId('backend-measurements').innerText()).resolves.toContain('webgpu: not timed');
    expect(errors).toEqual([]);
  });

  // Issue 9: WebGPU (SwiftShader) read the transformer's FLOP/s as 0, 1.04 k, then 1.84 G where
  // the other backends read 23 M. Tolerance: loss, complexity term and FLOP/s within relative
  // 1e-3 of wasm's; each dL/dκ within 1e-2 of the largest |dL/dκ| (GPU float32 transcendental
  // functions differ from wasm's in the last bits; the failure was off by orders of magnitude).
  it('the transformer\'s loss, complexity term, FLOP/s and κ gradients agree on webgpu, webgl, wasm and cpu', async () => {
    session = await launchBrowser();
    const { page, errors } = session;
    await openExplorer(page, '?backend=wasm&model=transformer');
    await page.getByTestId('check-backends').click();
    await page.getByTestId('backend-check').locator('tbody tr').nth(3).waitFor({ timeout: 180_000 });
    const check = await page.evaluate(() => {
      const s = (window as unknown as { __explorer: { state(): { backendCheck: unknown } } }).__explorer.state();
      return JSON.parse(JSON.stringify(s.backendCheck)) as {
        modelId: string;
        results: { backend: string; loss: number; complexityTerm: number; flopsPerSecond: number; kappaGradients: number[]; error?: string }[];
      };
    });
    for (const r of check.results) console.log(`${r.backend}: loss ${r.loss}, complexity term ${r.complexityTerm}, FLOP/s ${r.flopsPerSecond}, dL/dκ ${r.kappaGradients.join(' ')}${r.error ? ` (${r.error})` : ''}`);
    expect(check.modelId).toBe('transformer');
    expect(check.results.map((r) => [r.backend, r.error ?? ''])).toEqual([['webgpu', ''], ['webgl', ''], ['wasm', ''], ['cpu', '']]);
    const reference = check.results.find((r) => r.backend === 'wasm')!;
    const largest = Math.max(...reference.kappaGradients.map(Math.abs));
    expect(largest).toBeGreaterThan(0);
    for (const r of check.results) {
      for (const key of ['loss', 'complexityTerm', 'flopsPerSecond'] as const) {
        expect(Math.abs(r[key] - reference[key]), `${r.backend} ${key}`).toBeLessThanOrEqual(1e-3 * Math.abs(reference[key]));
      }
      expect(r.kappaGradients).toHaveLength(reference.kappaGradients.length);
      r.kappaGradients.forEach((g, i) => expect(Math.abs(g - reference.kappaGradients[i]!), `${r.backend} dL/dκ ${i}`).toBeLessThanOrEqual(1e-2 * largest));
    }
    await expect(page.getByTestId('stat-backend').innerText()).resolves.toBe('wasm');
    expect(errors).toEqual([]);
  });
});
