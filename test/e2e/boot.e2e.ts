import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { appUrl, launchBrowser, type BrowserSession } from './helpers';

/** Waits until the worker has reported a backend; returns it and the fallback reason. */
async function reportedBackend(page: Page): Promise<{ backend: string | null; reason: string }> {
  const status = page.locator('.status-bar');
  await status.locator('[data-backend]:not([data-backend=""])').waitFor({ timeout: 120_000 });
  const backend = await status.locator('[data-backend]').getAttribute('data-backend');
  const reasonLocator = status.locator('.status-reason');
  const reason = (await reasonLocator.count()) > 0 ? await reasonLocator.innerText() : '';
  return { backend, reason };
}

describe('app boot', () => {
  let session: BrowserSession | undefined;

  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('loads without errors and tries the software WebGPU adapter of headless Chromium last, saying why', async () => {
    session = await launchBrowser();
    const { page, errors } = session;
    await page.goto(appUrl());

    await expect(page.getByRole('heading', { name: 'Width trade-off explorer' }).isVisible()).resolves.toBe(true);
    const { backend, reason } = await reportedBackend(page);
    expect(['webgl', 'wasm', 'cpu']).toContain(backend);
    expect(reason).toMatch(/the WebGPU adapter computes on the CPU \(.*swiftshader.*\), so it is tried last/i);
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
    expect(errors).toEqual([]);
  });

  it('falls back from WebGPU and says why when there is no adapter', async () => {
    session = await launchBrowser({ webgpu: false });
    const { page, errors } = session;
    await page.goto(appUrl());

    const { backend, reason } = await reportedBackend(page);
    expect(['webgl', 'wasm', 'cpu']).toContain(backend);
    expect(reason).toContain('requestAdapter() returned null');
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
    expect(errors).toEqual([]);
  });

  it('runs on WASM, loading its binaries from the app origin, when asked with ?backend=wasm', async () => {
    session = await launchBrowser();
    const { page, context, errors } = session;
    const wasmRequests: string[] = [];
    context.on('request', (request) => {
      if (request.url().endsWith('.wasm')) wasmRequests.push(request.url());
    });
    await page.goto(`${appUrl()}?backend=wasm`);

    const { backend, reason } = await reportedBackend(page);
    expect(backend).toBe('wasm');
    expect(reason).toContain('webgpu not among the requested backends');
    const origin = new URL(appUrl()).origin;
    expect(wasmRequests.length).toBeGreaterThan(0);
    expect(wasmRequests.every((url) => url.startsWith(`${origin}/tfjs-wasm/`))).toBe(true);
    expect(errors).toEqual([]);
  });

  it('shows an uncaught error inside a running worker without marking it crashed', async () => {
    session = await launchBrowser();
    const { page } = session;
    await page.goto(appUrl());
    await reportedBackend(page);
    const worker = page.workers()[0];
    if (worker === undefined) throw new Error('the page has no worker');
    await worker.evaluate(() => {
      setTimeout(() => {
        throw new Error('late worker boom');
      }, 0);
    });

    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 60_000 });
    expect(await alert.innerText()).toContain('Uncaught error in trainer worker');
    expect(await alert.innerText()).toContain('late worker boom');
    await expect(page.locator('.status-bar').getAttribute('data-worker-status')).resolves.toBe('ready');
  });

  it('shows a worker that fails to load as a visible error, not a blank page', async () => {
    session = await launchBrowser();
    const { page } = session;
    await page.route(/trainer\.worker[^/]*\.js$/, (route) =>
      route.fulfill({ status: 200, contentType: 'text/javascript', body: 'throw new Error("worker boom");' }),
    );
    await page.goto(appUrl());

    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 60_000 });
    expect(await alert.innerText()).toContain('Trainer worker crashed');
    await expect(page.locator('.status-bar').getAttribute('data-worker-status')).resolves.toBe('crashed');
    await expect(page.getByRole('heading', { name: 'Width trade-off explorer' }).isVisible()).resolves.toBe(true);
  });
});
