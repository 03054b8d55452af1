/**
 * The explorer explains itself and draws the trade-off curve: a first visit (empty store, no
 * setting in the URL) scores the pretrained CRNN before step 1 and shrinks it within a few steps;
 * "Draw the curve" on the synthetic task makes DCL runs and matched baselines, survives a reload
 * mid-sweep, and draws each method's Pareto front; every help opens from the keyboard.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeTasks, explorerState, launchBrowser, mark, openExplorer, START_MARK, tasksOverBudget, traceMainThread, trainViaUi, type BrowserSession } from './helpers';

interface SweepView {
  state: string;
  done: number;
  total: number;
  marks: Record<string, number>;
  fronts: Record<string, number>;
}

const sweepView = (page: Page): Promise<SweepView> =>
  page.evaluate(() => {
    const panel = document.querySelector('[data-testid=curve-panel]');
    const progress = document.querySelector('[data-testid=sweep-progress]');
    const count = (selector: string, method: string) => document.querySelectorAll(`[data-testid=curve-chart] ${selector}[data-method=${method}]`).length;
    const methods = ['dcl', 'uniform', 'straightThrough'];
    return {
      state: panel?.getAttribute('data-sweep-state') ?? 'missing',
      done: Number(progress?.getAttribute('data-done') ?? 0),
      total: Number(progress?.getAttribute('data-total') ?? 0),
      marks: Object.fromEntries(methods.map((m) => [m, count('.curve-mark', m)])),
      fronts: Object.fromEntries(methods.map((m) => [m, count('.curve-front', m)])),
    };
  });

async function waitForSweep(page: Page, done: (view: SweepView) => boolean, timeoutMs = 240_000): Promise<SweepView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await sweepView(page);
    if (done(view)) return view;
    const { errors } = await explorerState(page);
    if (errors.length > 0) throw new Error(`explorer errors: ${errors.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for the sweep: ${JSON.stringify(view)}`);
    await page.waitForTimeout(250);
  }
}

describe('explains itself and draws the curve', () => {
  let session: BrowserSession | undefined;

  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('first visit: the pretrained CRNN is scored before step 1, then its counted FLOP/s fall', async () => {
    session = await launchBrowser();
    const { page, errors } = session;
    // No setting in the URL and an empty store: the first-visit setup.
    await openExplorer(page, '?backend=wasm');
    await expect(page.getByTestId('model-select').inputValue()).resolves.toBe('crnn');
    await expect(page.getByTestId('init-select').inputValue()).resolves.toBe('pretrained');
    await expect(page.getByTestId('finished-run').count()).resolves.toBe(0);
    // The test's step budget: 12 steps of 4 clips, then Stop (the setup's α and weights unchanged). A validation
    // pass of the CRNN is the slow part here, so only the one before step 1 and the summary's run.
    const pressedTrain = Date.now();
    await trainViaUi(page, { batchSize: 4, evalEvery: 10_000, waitForFinish: false });
    // Issue 10's figure: the time from Train to the first accuracy point (logged; the bound is generous).
    await page.waitForFunction(() => (window as unknown as { __explorer: { state(): { trajectory: unknown[] } } }).__explorer.state().trajectory.length >= 1, undefined, { timeout: 300_000, polling: 50 });
    const firstPointSeconds = (Date.now() - pressedTrain) / 1000;
    console.log(`first visit: first accuracy point ${firstPointSeconds.toFixed(1)} s after Train`);
    expect(firstPointSeconds).toBeLessThan(120);
    await page.waitForFunction(() => ((window as unknown as { __explorer: { state(): { latest: { step: number } | null } } }).__explorer.state().latest?.step ?? 0) >= 12, undefined, { timeout: 300_000, polling: 250 });
    await page.getByTestId('stop').click();
    await page.getByTestId('run-summary').waitFor({ timeout: 300_000 });
    const state = await explorerState(page);
    expect(state.errors).toEqual([]);
    const trajectory = (await page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { __explorer: { state(): { trajectory: unknown } } }).__explorer.state().trajectory)))) as { x: number; y: number; step: number }[];
    const summary = state.lastSummary!;
    console.log(`first visit: trajectory ${JSON.stringify(trajectory)}; consolidated ${summary.flopsPerSecond} of ${summary.fullFlopsPerSecond} FLOP/s; widths ${summary.widths.map((w) => w.units.toFixed(1))}`);
    // The first point is the pretrained model before step 1: full width, and a real EER.
    expect(trajectory).toHaveLength(1);
    expect(trajectory[0]!.step).toBe(0);
    expect(trajectory[0]!.x / summary.fullFlopsPerSecond).toBeCloseTo(1, 3);
    expect(trajectory[0]!.y).toBeGreaterThan(0);
    // Better than chance (50 %).
    expect(trajectory[0]!.y).toBeLessThan(50);
    // Within the step budget the widths fell: the consolidated model's counted FLOP/s are below full width.
    expect(summary.flopsPerSecond).toBeLessThan(0.98 * summary.fullFlopsPerSecond);
    expect(state.latest!.flopsPerSecond).toBeLessThan(0.97 * summary.fullFlopsPerSecond);
    await expect(page.locator('[data-testid=chart-accuracy-flops] .live-trajectory-point').count()).resolves.toBe(trajectory.length);

    // The finished run as an object: its per-SNR chart, and its setup restored into the controls exactly.
    await page.getByTestId('seed-input').fill('9');
    await page.getByTestId('steps-input').fill('33');
    await page.getByTestId('show-run').first().click();
    await page.getByTestId('run-card').waitFor();
    await expect(page.locator('[data-testid=snr-chart] .snr-bar').count()).resolves.toBe(4);
    // Its training curves were kept: three widths, task loss and complexity term.
    await page.getByTestId('run-curves').waitFor();
    await expect(page.locator('[data-testid=run-curves] .line-chart-series').count()).resolves.toBe(5);
    await page.getByTestId('restore-setup').click();
    const { setup, stored } = await page.evaluate(() => {
      const app = (window as unknown as { __explorer: { state(): { setup: unknown; finishedRuns: { config: unknown }[] } } }).__explorer.state();
      return JSON.parse(JSON.stringify({ setup: app.setup, stored: app.finishedRuns[0]!.config })) as { setup: Record<string, unknown>; stored: Record<string, unknown> };
    });
    expect(setup).toEqual(stored);
    // The fields show the restored values once React has rendered them (the store changes first).
    await page.waitForFunction(
      ([seed, steps]) =>
        document.querySelector<HTMLInputElement>('[data-testid=seed-input]')?.value === seed &&
        document.querySelector<HTMLInputElement>('[data-testid=steps-input]')?.value === steps,
      [String(stored.seed), String(stored.steps)],
      { timeout: 60_000, polling: 50 },
    );
    await expect(page.getByTestId('seed-input').inputValue()).resolves.toBe(String(stored.seed));
    await expect(page.getByTestId('steps-input').inputValue()).resolves.toBe(String(stored.steps));
    expect(errors).toEqual([]);
  });

  it('every help opens from the keyboard; "Draw the curve" survives a reload and ends with matched baselines and three fronts', async () => {
    session = await launchBrowser();
    const { page, errors } = session;
    await page.setViewportSize({ width: 1280, height: 1000 });
    await openExplorer(page, '?backend=wasm&model=synthetic&steps=60&eval=30&batch=32&seed=2');

    // Keyboard: Tab visits every help's "?" (and the "How it works" panel); Enter opens it.
    const helps = await page.locator('details.help').count();
    const reached = new Set<string>();
    for (let i = 0; i < 300 && reached.size < helps + 1; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const element = document.activeElement;
        const details = element?.tagName === 'SUMMARY' ? element.parentElement : null;
        return details === null || details === undefined ? null : (details.getAttribute('data-help-topic') ?? details.getAttribute('data-testid'));
      });
      if (focused === null || reached.has(focused)) continue;
      reached.add(focused);
      await page.keyboard.press('Enter');
      const open = await page.evaluate(() => {
        const details = document.activeElement?.parentElement as HTMLDetailsElement;
        const text = details.querySelector('.help-text, .how-it-works-body') as HTMLElement;
        return details.open && text.getBoundingClientRect().height > 0 && text.innerText.length > 40;
      });
      expect(open, `help ${focused} opens with Enter`).toBe(true);
      await page.keyboard.press('Enter');
    }
    console.log(`helps reached by Tab: ${[...reached].join(', ')}`);
    expect(helps).toBeGreaterThanOrEqual(10);
    expect(reached.size).toBe(helps + 1);
    await expect(page.getByTestId('paper-link').getAttribute('href')).resolves.toBe('https://arxiv.org/abs/2601.13704');

    await page.getByTestId('sweep-alphas').fill('0.01, 0.3, 3, 30');
    // The main thread's tasks while the sweep trains, judged by their own CPU time (helpers.ts: traceMainThread).
    let trace = await traceMainThread(page);
    await mark(page, START_MARK);
    await page.getByTestId('draw-curve').click();
    const before = await waitForSweep(page, (view) => view.done >= 3);
    const beforeReload = (await trace.stop()).beforeSummary;
    await page.reload();

    // The reload lost the run in progress; the page says what is left and keeps what finished.
    await page.getByTestId('sweep-interrupted').waitFor({ timeout: 60_000 });
    const interrupted = await sweepView(page);
    console.log(`reloaded after ${before.done} runs: ${await page.getByTestId('sweep-interrupted').innerText()}`);
    expect(interrupted.done).toBeGreaterThanOrEqual(before.done);
    expect(interrupted.state).toBe('interrupted');
    // Polled so that a failure names the table's count beside the status's.
    await expect.poll(() => page.getByTestId('finished-runs').getAttribute('data-count'), { timeout: 30_000, message: `runs in the table, against the kept status's ${interrupted.done}` }).toBe(String(interrupted.done));
    await page.getByTestId('resume-sweep').and(page.locator(':not([disabled])')).waitFor();
    await page.getByTestId('train').and(page.locator(':not([disabled])')).waitFor({ timeout: 120_000 });
    // The sweep's end (the panel leaves "running") is marked in the trace as its "summary": the table and
    // the big chart take the sweep's runs after it, in tasks of their own.
    await page.evaluate(() => {
      const panel = document.querySelector('[data-testid=curve-panel]')!;
      new MutationObserver((_, observer) => {
        if (panel.getAttribute('data-sweep-state') === 'running') return;
        console.timeStamp('wte-summary');
        observer.disconnect();
      }).observe(panel, { attributes: true, attributeFilter: ['data-sweep-state'] });
    });
    trace = await traceMainThread(page);
    await mark(page, START_MARK);
    await page.getByTestId('resume-sweep').click();
    const last = await waitForSweep(page, (view) => view.state === 'finished' || view.state === 'cancelled');
    await page.waitForTimeout(500);
    const traced = await trace.stop();
    expect(traced.summarySeen).toBe(true);
    const afterReload = traced.beforeSummary;
    console.log(`sweep: ${JSON.stringify(last)}; main thread before the reload: ${describeTasks(beforeReload)}; after: ${describeTasks(afterReload)}; once it ended: ${describeTasks(traced.afterSummary)}`);

    expect(last.state).toBe('finished');
    expect(last.marks.dcl).toBeGreaterThanOrEqual(4);
    expect(last.marks.uniform).toBe(last.marks.dcl);
    expect(last.marks.straightThrough).toBe(last.marks.dcl);
    expect(last.fronts).toEqual({ dcl: 1, uniform: 1, straightThrough: 1 });
    await expect(page.getByTestId('sweep-failed').count()).resolves.toBe(0);
    // Every finished run of the sweep is in the table (none lost to the reload).
    await page.getByTestId('finished-runs').and(page.locator('[data-count="12"]')).waitFor({ timeout: 30_000 });
    // The main thread kept to the 50 ms budget while the sweep trained (helpers.ts: tasksOverBudget).
    expect(tasksOverBudget(beforeReload, 50)).toEqual([]);
    expect(tasksOverBudget(afterReload, 50)).toEqual([]);

    // Two of the sweep's runs side by side.
    await page.getByTestId('show-run').first().click();
    await page.getByTestId('compare-select').selectOption({ index: 1 });
    await expect(page.getByTestId('run-card').count()).resolves.toBe(2);

    const download = page.waitForEvent('download');
    await page.getByTestId('export-curve-svg').click();
    const svg = readFileSync((await (await download).path())!, 'utf8');
    expect(svg).toMatch(/^<\?xml/);
    expect(svg.match(/class="curve-mark"/g)?.length).toBe(12);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(errors).toEqual([]);
  });
});
