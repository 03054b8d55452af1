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
  /** false leaves out Chromium's fake capture device, so the page sees the machine's real inputs (none in CI). */
  fakeMicrophone?: boolean;
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
  const dropped = new Set([...(options.webgpu === false ? ['--enable-unsafe-webgpu'] : []), ...(options.fakeMicrophone === false ? ['--use-fake-device-for-media-stream'] : [])]);
  const baseArgs = CHROMIUM_ARGS.filter((arg) => !dropped.has(arg));
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
  /** FLOP/s budget (typed into the field in its unit): switches the complexity control to budget mode. */
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
    // The field takes kFLOP/s for the synthetic MLP and MFLOP/s for the VADs (its label says which).
    const scale = (await page.getByTestId('model-select').inputValue()) === 'synthetic' ? 1e3 : 1e6;
    await page.getByTestId('budget-input').fill(String(options.budget / scale));
  }
  const before = (await explorerState(page)).finishedRuns.length;
  await page.getByTestId('train').click();
  // Polled on a timer, not on animation frames, and as long as the run may take: on a loaded
  // machine the page's frames can stall past the default 30 s.
  await page.waitForFunction(
    (count) => {
      const state = (window as unknown as { __explorer: { state(): { runState: string; finishedRuns: unknown[]; errors: string[] } } }).__explorer.state();
      return state.runState !== 'idle' || state.finishedRuns.length > count || state.errors.length > 0;
    },
    before,
    { timeout: options.timeoutMs ?? 240_000, polling: 250 },
  );
  if (options.waitForFinish === false) return explorerState(page);
  await waitForFinishedRun(page, before, options.timeoutMs);
  return explorerState(page);
}

/** Waits until the page is idle with more than `before` finished runs, or shows an error (polled on a timer, as trainViaUi's waits). */
export async function waitForFinishedRun(page: Page, before: number, timeoutMs = 240_000): Promise<void> {
  await page.waitForFunction(
    (count) => {
      const state = (window as unknown as { __explorer: { state(): { runState: string; finishedRuns: unknown[]; errors: string[] } } }).__explorer.state();
      return (state.runState === 'idle' && state.finishedRuns.length > count) || state.errors.length > 0;
    },
    before,
    { timeout: timeoutMs, polling: 250 },
  );
}

export interface LongTask {
  start: number;
  duration: number;
}

/**
 * Records every long task (> 50 ms) of the main thread from page load on, and when the
 * run summary first shows (`__summaryAt`: the end of training, after its last progress)
 * with the accuracy chart's plot render count then (`__rendersAtSummary`).
 */
export async function watchLongTasks(page: Page): Promise<void> {
  await page.addInitScript((SUMMARY_MARK) => {
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
      // The same moment in a Chromium trace (traceMainThread).
      console.timeStamp(SUMMARY_MARK);
      const plot = document.querySelector('[data-testid=chart-accuracy-flops] .accuracy-plot');
      scope.__rendersAtSummary = Number(plot?.getAttribute('data-renders') ?? NaN);
      observer.disconnect();
    }).observe(document, { childList: true, subtree: true });
  }, SUMMARY_MARK);
}

export async function longTasksSince(page: Page, since: number): Promise<{ tasks: LongTask[]; summaryAt: number | null; rendersAtSummary: number | null }> {
  return page.evaluate((from) => {
    const scope = window as unknown as { __longTasks: LongTask[]; __summaryAt: number | null; __rendersAtSummary: number | null };
    return { tasks: scope.__longTasks.filter((t) => t.start >= from), summaryAt: scope.__summaryAt, rendersAtSummary: scope.__rendersAtSummary };
  }, since);
}

/** Trace markers (console.timeStamp): the test's own start mark, and the run summary's first appearance (watchLongTasks). */
export const START_MARK = 'wte-start';
const SUMMARY_MARK = 'wte-summary';

/** One task of the page's main thread, from a Chromium trace. Times in ms. */
export interface MainThreadTask {
  /** Trace clock, ms. */
  start: number;
  /** Wall-clock length: includes the time the OS gave the thread's core to other processes. */
  wall: number;
  /** Thread CPU time: the work the task itself did, whatever else the machine ran meanwhile. */
  cpu: number;
  /** CPU time of V8/Blink garbage collection inside the task (the engine's, not the app's code). */
  gc: number;
  /** cpu − gc: the app's own work in the task (its scripts, and the style, layout and paint its DOM costs). */
  own: number;
  /** The scripts (URLs) and functions that ran in the task, for the failure message. */
  scripts: string[];
}

export interface MainThreadTrace {
  /** Stops tracing; the page's main-thread tasks between START_MARK and the summary, and after the summary. */
  stop(): Promise<{ beforeSummary: MainThreadTask[]; afterSummary: MainThreadTask[]; summarySeen: boolean }>;
}

/** Chromium trace categories: main-thread tasks with thread CPU time, the scripts they call, GC, timeStamp marks. */
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8'];
const GC_EVENT = /^(MinorGC|MajorGC|V8\.GC|BlinkGC)/;

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { data?: { message?: string; url?: string; functionName?: string } };
}

/**
 * Records the page's main thread with Chromium's tracing (CDP) from now on, to judge its tasks
 * by what they themselves cost. A long-task observer sees wall-clock time: on a loaded 2-core
 * machine a 5 ms task that waits 100 ms for a core reads as a 105 ms long task (measured: tasks
 * of 100–265 ms wall held 1–5 ms of CPU). The trace gives each task's thread CPU time, and the
 * GC inside it, so a test can bound the app's own work deterministically while a task that
 * does 50 ms of work still counts as 50 ms. Call `mark(START_MARK)` where the window starts;
 * watchLongTasks marks the run summary.
 */
export async function traceMainThread(page: Page): Promise<MainThreadTrace> {
  const client = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  client.on('Tracing.dataCollected', ({ value }) => events.push(...(value as unknown as TraceEvent[])));
  await client.send('Tracing.start', { traceConfig: { includedCategories: TRACE_CATEGORIES, recordMode: 'recordContinuously' }, transferMode: 'ReportEvents' });
  return {
    async stop() {
      const complete = new Promise<void>((done) => client.once('Tracing.tracingComplete', () => done()));
      await client.send('Tracing.end');
      await complete;
      await client.detach();
      return mainThreadTasks(events);
    },
  };
}

/** console.timeStamp(label) in the page: a mark in the trace. */
export async function mark(page: Page, label: string): Promise<void> {
  await page.evaluate((l) => console.timeStamp(l), label);
}

function mainThreadTasks(events: TraceEvent[]): Awaited<ReturnType<MainThreadTrace['stop']>> {
  const markAt = (label: string) => events.find((e) => e.name === 'TimeStamp' && e.args?.data?.message === label);
  const start = markAt(START_MARK);
  if (start === undefined) throw new Error(`the trace holds no ${START_MARK} mark: call mark(page, START_MARK) after traceMainThread`);
  const summary = markAt(SUMMARY_MARK);
  // The page's main thread is the one that ran the marks.
  const thread = events.filter((e) => e.pid === start.pid && e.tid === start.tid && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts);
  const outermost = (matches: (e: TraceEvent) => boolean) => {
    const kept: TraceEvent[] = [];
    for (const e of thread) if (matches(e) && !(kept.length > 0 && e.ts < kept.at(-1)!.ts + kept.at(-1)!.dur!)) kept.push(e);
    return kept;
  };
  const gcEvents = outermost((e) => GC_EVENT.test(e.name));
  const within = (outer: TraceEvent, inner: TraceEvent) => inner.ts >= outer.ts && inner.ts + inner.dur! <= outer.ts + outer.dur!;
  const tasks = outermost((e) => e.name === 'RunTask' && e.ts >= start.ts).map((task): MainThreadTask => {
    const cpu = (task.tdur ?? task.dur!) / 1000;
    const gc = gcEvents.filter((g) => within(task, g)).reduce((sum, g) => sum + (g.tdur ?? g.dur!) / 1000, 0);
    const scripts = [
      ...new Set(
        thread
          .filter((e) => e.name === 'FunctionCall' && within(task, e))
          .map((e) => `${e.args?.data?.url ?? '?'} ${e.args?.data?.functionName ?? ''}`.trim()),
      ),
    ];
    return { start: task.ts / 1000, wall: task.dur! / 1000, cpu, gc, own: cpu - gc, scripts };
  });
  const summaryAt = summary === undefined ? Infinity : summary.ts / 1000;
  return {
    beforeSummary: tasks.filter((t) => t.start < summaryAt),
    afterSummary: tasks.filter((t) => t.start >= summaryAt),
    summarySeen: summary !== undefined,
  };
}

/**
 * What a host takes when it preempts this VM's vCPU. The guest does not see the preemption: it
 * charges the time to whichever thread was running, so that task's thread CPU time jumps by
 * about this much. Measured in traces on the loaded 2-core machine: ~100 ms (100.6–113 ms in
 * all) landed inside a Layout, a Paint, an UpdateLayoutTree, a message handler or a timer whose
 * other instances cost 0–10 ms, and in tasks with no event inside at all.
 */
const HOST_PREEMPTION_MS = 100;

/**
 * The tasks that break a main-thread budget of `limitMs` own work (thread CPU time less GC) per
 * task, described for a failure message. A task whose own work is at most one host preemption
 * plus the budget is let pass while such tasks stay few (at most 5, or 1 % of the tasks): a
 * loaded host preempts now and then, while work the app does on every update would put many
 * tasks there, and any other task over the budget fails.
 */
export function tasksOverBudget(tasks: MainThreadTask[], limitMs: number): string[] {
  const over = tasks.filter((t) => t.own > limitMs);
  // A preemption is not always a whole slice (99 ms landed in an empty task once): any task within one of the budget counts.
  const preempted = over.filter((t) => t.own - HOST_PREEMPTION_MS <= limitMs);
  const failing = preempted.length <= Math.max(5, tasks.length / 100) ? over.filter((t) => !preempted.includes(t)) : over;
  return failing.map((t) => `own ${t.own.toFixed(0)} ms (CPU ${t.cpu.toFixed(0)}, GC ${t.gc.toFixed(0)}, wall ${t.wall.toFixed(0)}): ${t.scripts.join(', ') || 'no script'}`);
}

/** A one-line digest of the tasks: how many, the longest by wall clock and by own work. */
export function describeTasks(tasks: MainThreadTask[]): string {
  const longestWall = tasks.reduce((m, t) => Math.max(m, t.wall), 0);
  const longestOwn = tasks.reduce((m, t) => Math.max(m, t.own), 0);
  const overWall = tasks.filter((t) => t.wall > 50).length;
  return `${tasks.length} tasks; longest wall ${longestWall.toFixed(0)} ms (${overWall} over 50 ms), longest own work ${longestOwn.toFixed(0)} ms`;
}
