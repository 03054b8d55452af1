/**
 * Browser helpers for the end-to-end tests: a real headless Debian Chromium
 * driven by playwright-core, with console and page errors collected so each
 * test can assert there were none.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { inject } from 'vitest';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * `--enable-unsafe-webgpu` is what gives a WebGPU adapter in headless Debian
 * Chromium on a machine without a GPU: Dawn falls back to its SwiftShader
 * (Vulkan-on-CPU) fallback adapter (vendor 'google', architecture
 * 'swiftshader', isFallbackAdapter true). Checked with Chromium 156 on
 * Debian 12: no `--use-angle`, `--use-webgpu-adapter` or
 * `--enable-features=Vulkan` needed. Without the flag `navigator.gpu` exists
 * but `requestAdapter()` resolves null. WebGPU needs a secure context, which
 * http://localhost / 127.0.0.1 is (about:blank is not).
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

export interface LaunchOptions {
  /** false leaves out `--enable-unsafe-webgpu`, so the page sees no WebGPU adapter. */
  webgpu?: boolean;
  /** Absolute path of a WAV file fed to the page as its microphone. */
  fakeAudioCapture?: string;
  extraArgs?: readonly string[];
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors, in order of arrival. */
  errors: string[];
  /** All console messages as `type: text`, for diagnosing a failure. */
  consoleLog: string[];
  close(): Promise<void>;
}

/** URL of the built app served by the e2e global setup. */
export function appUrl(): string {
  return inject('appUrl');
}

function describeConsole(message: ConsoleMessage): string {
  const location = message.location();
  const where = location.url ? ` (${location.url}:${location.lineNumber})` : '';
  return `${message.type()}: ${message.text()}${where}`;
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<BrowserSession> {
  const baseArgs = options.webgpu === false ? CHROMIUM_ARGS.filter((arg) => arg !== '--enable-unsafe-webgpu') : CHROMIUM_ARGS;
  const args = [...baseArgs, ...(options.extraArgs ?? [])];
  if (options.fakeAudioCapture !== undefined) {
    if (!isAbsolute(options.fakeAudioCapture)) {
      throw new Error(`fakeAudioCapture must be an absolute path, got ${options.fakeAudioCapture}`);
    }
    args.push(`--use-file-for-fake-audio-capture=${options.fakeAudioCapture}`);
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'wte-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args,
  });
  const errors: string[] = [];
  const consoleLog: string[] = [];
  const record = (message: ConsoleMessage): void => {
    const line = describeConsole(message);
    consoleLog.push(line);
    if (message.type() === 'error') errors.push(line);
  };
  const watch = (page: Page): void => {
    // Dedicated workers' console messages arrive here too (playwright 1.65,
    // checked): a separate worker listener would count each one twice.
    page.on('console', record);
    page.on('pageerror', (error) => {
      errors.push(`pageerror: ${error.stack ?? error.message}`);
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    errors,
    consoleLog,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Settings `trainViaUi` types into the explorer's controls (unset ones keep the page's values). */
export interface TrainViaUiOptions {
  model?: 'synthetic' | 'crnn' | 'transformer';
  method?: 'dcl' | 'uniform' | 'straightThrough';
  steps?: number;
  batchSize?: number;
  learningRate?: number;
  kappaLearningRate?: number;
  evalEvery?: number;
  seed?: number;
  /** FLOP/s budget: switches the complexity control to budget mode. */
  budget?: number;
  /** Wait until the run has finished and return its summary (default true). */
  waitForFinish?: boolean;
  timeoutMs?: number;
}

/** A plain copy of the explorer's state, read through its read-only `window.__explorer` hook. */
export interface ExplorerSnapshot {
  runState: string;
  runId: string | null;
  backend: string | null;
  errors: string[];
  latest: { step: number; totalSteps: number; flopsPerSecond: number; fullFlopsPerSecond: number; alpha: number; numTensors: number } | null;
  tensorHistory: { step: number; numTensors: number }[];
  finishedRuns: { runId: string; flopsPerSecond: number; fullFlopsPerSecond: number; config: { alpha: number; seed: number } }[];
  lastSummary: { runId: string; flopsPerSecond: number; fullFlopsPerSecond: number; evaluation: { value: number }; widths: { units: number }[] } | null;
}

export async function explorerState(page: Page): Promise<ExplorerSnapshot> {
  return page.evaluate(() => {
    const hook = (window as unknown as { __explorer?: { state(): unknown } }).__explorer;
    if (hook === undefined) throw new Error('window.__explorer is missing');
    return JSON.parse(JSON.stringify(hook.state())) as ExplorerSnapshot;
  });
}

/** Opens the explorer (with an optional query, e.g. `?backend=wasm`) and waits until it can train. */
export async function openExplorer(page: Page, query = ''): Promise<void> {
  await page.goto(`${appUrl()}${query}`);
  await page.getByTestId('train').and(page.locator(':not([disabled])')).waitFor({ timeout: 120_000 });
}

/** Sets up a run through the controls, presses Train and (by default) waits for its summary. */
export async function trainViaUi(page: Page, options: TrainViaUiOptions = {}): Promise<ExplorerSnapshot> {
  if (options.model !== undefined) await page.getByTestId('model-select').selectOption(options.model);
  if (options.method !== undefined) await page.getByTestId('method-select').selectOption(options.method);
  const numbers: [string, number | undefined][] = [
    ['steps-input', options.steps],
    ['batch-input', options.batchSize],
    ['lr-input', options.learningRate],
    ['kappa-lr-input', options.kappaLearningRate],
    ['eval-input', options.evalEvery],
    ['seed-input', options.seed],
  ];
  for (const [testId, value] of numbers) {
    if (value !== undefined) await page.getByTestId(testId).fill(String(value));
  }
  if (options.budget !== undefined) {
    await page.getByTestId('mode-budget').check();
    await page.getByTestId('budget-input').fill(String(options.budget));
  }
  const before = (await explorerState(page)).finishedRuns.length;
  await page.getByTestId('train').click();
  await page.waitForFunction(() => (window as unknown as { __explorer: { state(): { runState: string } } }).__explorer.state().runState !== 'idle');
  if (options.waitForFinish === false) return explorerState(page);
  await page.waitForFunction(
    (count) => {
      const state = (window as unknown as { __explorer: { state(): { runState: string; finishedRuns: unknown[]; errors: string[] } } }).__explorer.state();
      return (state.runState === 'idle' && state.finishedRuns.length > count) || state.errors.length > 0;
    },
    before,
    { timeout: options.timeoutMs ?? 240_000, polling: 250 },
  );
  return explorerState(page);
}

export interface LongTask {
  start: number;
  duration: number;
}

/**
 * Records every long task (> 50 ms) of the main thread from page load on, and when the
 * run summary first shows (`__summaryAt`: the end of training, after its last progress)
 * with the accuracy chart's Recharts render count then (`__rendersAtSummary`).
 */
export async function watchLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const tasks: { start: number; duration: number }[] = [];
    const scope = window as unknown as { __longTasks: typeof tasks; __summaryAt: number | null; __rendersAtSummary: number | null };
    scope.__longTasks = tasks;
    scope.__summaryAt = null;
    scope.__rendersAtSummary = null;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-testid=run-summary]') === null) return;
      scope.__summaryAt = performance.now();
      const plot = document.querySelector('[data-testid=chart-accuracy-flops] .accuracy-plot');
      scope.__rendersAtSummary = Number(plot?.getAttribute('data-renders') ?? NaN);
      observer.disconnect();
    }).observe(document, { childList: true, subtree: true });
  });
}

export async function longTasksSince(page: Page, since: number): Promise<{ tasks: LongTask[]; summaryAt: number | null; rendersAtSummary: number | null }> {
  return page.evaluate((from) => {
    const scope = window as unknown as { __longTasks: LongTask[]; __summaryAt: number | null; __rendersAtSummary: number | null };
    return { tasks: scope.__longTasks.filter((t) => t.start >= from), summaryAt: scope.__summaryAt, rendersAtSummary: scope.__rendersAtSummary };
  }, since);
}
