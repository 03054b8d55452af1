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
