/**
 * A VAD family trained in the browser: the CRNN chosen in the controls trains a few steps on
 * the bundled corpus (tfjs-wasm), the charts show its validation EER in % with the paper's
 * points beside it, its three widths, and the run ends with a consolidated summary.
 * The test logs how long each phase of the first VAD run takes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { formatFlops } from '../../app/format';
import type { RunConfig } from '../../src/protocol';
import { createTask, PAGE_HELD_OUT } from '../../src/train/tasks';
import { diskSources, useBackend } from '../../scripts/lib/node';
import {
  appUrl,
  describeTasks,
  explorerState,
  launchBrowser,
  longTasksSince,
  mark,
  openExplorer,
  START_MARK,
  tasksOverBudget,
  traceMainThread,
  trainViaUi,
  watchLongTasks,
  type BrowserSession,
} from './helpers';

const STEPS = 6;
/** The weights the built app serves, when the sweep had made them before `vite build`. */
const PRETRAINED = resolve(import.meta.dirname, '../..', process.env.E2E_DIST_DIR ?? 'dist', 'models/crnn-full.weights.json');
/** The paper's CRNN rows in public/paper/vad-results.csv. */
const PAPER_CRNN_POINTS = 9;

interface VadSnapshot {
  runState: string;
  step: number | null;
  progressEvents: number;
  trajectory: { x: number; y: number; step: number }[];
  lastEvaluation: { metric: string; value: number } | null;
  lastSummary: { flopsPerSecond: number; fullFlopsPerSecond: number; parameters: number; fullParameters: number; evaluation: { metric: string; value: number } } | null;
  errors: string[];
}

function vadSnapshot(page: Page): Promise<VadSnapshot> {
  return page.evaluate(() => {
    type Plain = Record<string, unknown> & {
      runState: string;
      latest: { step: number; evaluation: { metric: string; value: number } | null } | null;
      tensorHistory: unknown[];
      trajectory: { x: number; y: number; step: number }[];
      lastSummary: VadSnapshot['lastSummary'];
      errors: string[];
    };
    const state = JSON.parse(JSON.stringify((window as unknown as { __explorer: { state(): unknown } }).__explorer.state())) as Plain;
    return {
      runState: state.runState,
      step: state.latest?.step ?? null,
      progressEvents: state.tensorHistory.length,
      trajectory: state.trajectory,
      lastEvaluation: state.latest?.evaluation ?? null,
      lastSummary: state.lastSummary,
      errors: state.errors,
    };
  });
}

describe('VAD in the browser', () => {
  let session: BrowserSession | undefined;

  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('trains the CRNN VAD a few steps: EER in % on the chart beside the paper, three widths, a consolidated summary', async () => {
    session = await launchBrowser();
    const { page, errors } = session;
    await page.setViewportSize({ width: 1280, height: 1000 });
    await watchLongTasks(page);
    await openExplorer(page, '?backend=wasm&model=synthetic');

    await page.getByTestId('model-select').selectOption('crnn');
    // Pretrained init is offered exactly when the built app serves the sweep's weights.
    const served = existsSync(PRETRAINED);
    await page.getByTestId('init-field').and(page.locator(served ? ':not([title])' : '[title*="npm run sweep -- vad --family crnn"]')).waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('init-pretrained').isDisabled()).resolves.toBe(!served);
    // The worker counts every model's full width at startup, before any run.
    await page.getByTestId('full-flops').filter({ hasText: 'counted from the network' }).waitFor({ timeout: 30_000 });
    const fullBeforeRun = await page.getByTestId('full-flops').innerText();

    const trace = await traceMainThread(page);
    await mark(page, START_MARK);
    const clicked = Date.now();
    const trainAt = await page.evaluate(() => performance.now());
    await trainViaUi(page, { model: 'crnn', steps: STEPS, batchSize: 4, evalEvery: STEPS, seed: 1, waitForFinish: false });
    await page.getByTestId('loading-note').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('loading-note').innerText()).resolves.toContain('Loading corpus…');

    // Phase timings, polled from here (± 50 ms).
    const reached: { running?: number; firstStep?: number; evaluated?: number; finished?: number } = {};
    const steps: [number, number][] = [];
    const deadline = clicked + 600_000;
    let snapshot = await vadSnapshot(page);
    while (snapshot.lastSummary === null && snapshot.errors.length === 0) {
      if (Date.now() > deadline) throw new Error(`VAD run did not finish in time: ${JSON.stringify(snapshot)}`);
      const now = Date.now() - clicked;
      if (snapshot.runState === 'running') reached.running ??= now;
      if (snapshot.step !== null) {
        reached.firstStep ??= now;
        if (steps.at(-1)?.[0] !== snapshot.step) steps.push([snapshot.step, now]);
      }
      if (snapshot.trajectory.length > 0) reached.evaluated ??= now;
      await page.waitForTimeout(50);
      snapshot = await vadSnapshot(page);
    }
    reached.finished = Date.now() - clicked;
    console.log(`validation EER after ${STEPS} steps from scratch: ${snapshot.lastSummary?.evaluation.value}`);
    console.log(`first VAD run (crnn, wasm, batch 4, ${STEPS} steps, one validation pass), ms after Train:`, JSON.stringify(reached), 'steps seen', JSON.stringify(steps));
    expect(snapshot.errors).toEqual([]);
    // From Train to the summary (corpus load, training, a validation pass, consolidation) no
    // task of the page's main thread does over 50 ms of the app's own work (thread CPU time
    // less GC; see traceMainThread): the chart's axes were set before the run.
    await page.getByTestId('run-summary').waitFor();
    const { beforeSummary, summarySeen } = await trace.stop();
    const { tasks: longTasks } = await longTasksSince(page, trainAt);
    console.log(`main thread during the VAD run: ${describeTasks(beforeSummary)}; long-task observer (wall clock, load included): ${JSON.stringify(longTasks.map((t) => Math.round(t.duration)))}`);
    expect(summarySeen).toBe(true);
    expect(tasksOverBudget(beforeSummary, 50)).toEqual([]);

    // Progress arrived, and the validation point is the EER in %.
    expect(snapshot.progressEvents).toBeGreaterThan(0);
    expect(snapshot.step).toBe(STEPS);
    expect(snapshot.trajectory.length).toBeGreaterThanOrEqual(1);
    const point = snapshot.trajectory.at(-1)!;
    expect(snapshot.lastEvaluation?.metric).toBe('EER');
    expect(point.step).toBe(STEPS);
    expect(point.y).toBeCloseTo(100 * snapshot.lastEvaluation!.value, 6);
    expect(point.y).toBeGreaterThan(0);
    expect(point.y).toBeLessThanOrEqual(100);
    expect(point.x).toBeGreaterThan(0);

    const accuracy = page.getByTestId('chart-accuracy-flops');
    await accuracy.locator('.live-trajectory-point').first().waitFor();
    await expect(accuracy.locator('svg text', { hasText: 'validation EER (%)' }).count()).resolves.toBe(1);
    await expect(accuracy.locator('svg text', { hasText: 'MSE' }).count()).resolves.toBe(0);
    await expect(page.getByTestId('paper-legend').innerText()).resolves.toContain("paper's published results");
    await expect(accuracy.locator('.paper-points .point-mark').count()).resolves.toBe(PAPER_CRNN_POINTS);

    const widths = page.getByTestId('chart-widths');
    await expect(widths.locator('.line-chart-series').count()).resolves.toBe(3);
    const legend = await widths.locator('.legend li').allInnerTexts();
    expect(legend.map((label) => label.split(' ')[0])).toEqual(['mel', 'conv', 'gru']);

    // The summary: the consolidated model's measured FLOP/s and parameters.
    const summary = snapshot.lastSummary!;
    expect(summary.evaluation.metric).toBe('EER');
    expect(summary.flopsPerSecond).toBeGreaterThan(0);
    expect(summary.flopsPerSecond).toBeLessThanOrEqual(summary.fullFlopsPerSecond * 1.0001);
    expect(summary.parameters).toBeGreaterThan(0);
    await page.getByTestId('run-summary').waitFor();
    await expect(page.getByTestId('summary-flops').innerText()).resolves.toMatch(/FLOP\/s/);
    await expect(page.getByTestId('summary-parameters').innerText()).resolves.toMatch(/\d/);
    await expect(page.getByTestId('summary-metric').innerText()).resolves.toContain('EER');
    // The run's own count of the full width agrees with the one shown before it.
    await expect(page.getByTestId('full-flops').innerText()).resolves.toBe(fullBeforeRun);
    expect(fullBeforeRun).toContain(formatFlops(summary.fullFlopsPerSecond));

    // The status bar follows the content instead of covering it.
    const bar = await page.locator('.status-bar').boundingBox();
    const last = await page.getByTestId('finished-runs').boundingBox();
    expect(bar!.y).toBeGreaterThanOrEqual(last!.y + last!.height);

    const state = await explorerState(page);
    expect(state.errors).toEqual([]);
    expect(errors).toEqual([]);
  });

  it.skipIf(!existsSync(PRETRAINED))(
    'starts the CRNN from the sweep\'s full-width weights, also as a uniform baseline below full width',
    async () => {
      session = await launchBrowser();
      const { page, errors } = session;
      await openExplorer(page, '?backend=wasm&model=synthetic');
      await page.getByTestId('model-select').selectOption('crnn');
      await page.getByTestId('init-pretrained').and(page.locator(':not([disabled])')).waitFor({ state: 'attached', timeout: 30_000 });
      await page.getByTestId('init-select').selectOption('pretrained');

      await page.getByTestId('method-select').selectOption('uniform');
      await page.getByTestId('uniform-fraction').fill('0.5');
      // A uniform model starts from the full model's first units (vadTask.ts; tested in vadTraining.test.ts).
      await expect(page.getByTestId('init-problem').count()).resolves.toBe(0);
      await expect(page.getByTestId('train').isDisabled()).resolves.toBe(false);

      await page.getByTestId('method-select').selectOption('dcl');
      await expect(page.getByTestId('init-problem').count()).resolves.toBe(0);
      // Steps too small to move the weights: the run scores what the sweep measured for them.
      const state = await trainViaUi(page, { steps: 2, batchSize: 4, learningRate: 1e-6, kappaLearningRate: 0, evalEvery: 2, seed: 1, timeoutMs: 300_000 });
      const eer = state.lastSummary?.evaluation.value;
      // The page scores the first scenes of the sweep's validation split (PAGE_HELD_OUT): score the
      // same weights on the same scenes in Node, as the sweep does.
      await useBackend('wasm');
      const config: RunConfig = {
        modelId: 'crnn', method: 'dcl', alpha: 0, budgetFlopsPerSecond: null, steps: 1, batchSize: 4, learningRate: 0,
        kappaLearningRate: 0, kappaMin: {}, uniformFraction: 1, seed: 1, evalEvery: 1, init: 'pretrained',
      };
      const task = await createTask(config, diskSources, PAGE_HELD_OUT);
      const inNode = (await task.evaluate(task.network, 'validation')).value;
      task.dispose();
      const saved = JSON.parse(readFileSync(PRETRAINED, 'utf8')) as { provenance: { validationEer: number } };
      console.log(`CRNN from pretrained weights, 2 steps at lr 1e-6: validation EER ${eer} in the browser, ${inNode} in Node on the same scenes (${saved.provenance.validationEer} on the sweep's 24 scenes)`);
      expect(state.errors).toEqual([]);
      expect(Math.abs(eer! - inNode)).toBeLessThan(0.01);
      expect(errors).toEqual([]);
    },
  );

  it('disables pretrained init, saying how to make the weights, when the app does not serve them', async () => {
    session = await launchBrowser();
    const { page, errors } = session;
    await page.route(/\/models\/crnn-full\.weights\.json$/, (route) => route.fulfill({ status: 404, body: 'not found' }));
    await page.goto(`${appUrl()}?backend=wasm&model=crnn&init=pretrained`);
    await page.getByTestId('init-field').and(page.locator('[title*="npm run sweep -- vad --family crnn"]')).waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('init-pretrained').isDisabled()).resolves.toBe(true);
    // A copied URL that asks for it cannot start a run that would fail in the worker.
    await expect(page.getByTestId('init-problem').innerText()).resolves.toContain('npm run sweep -- vad --family crnn');
    await expect(page.getByTestId('train').isDisabled()).resolves.toBe(true);
    expect(errors.filter((line) => !line.includes('404'))).toEqual([]);
  });
});
