/**
 * A finished run keeps its weights: a short CRNN run (from the bundled weights at α = 2, so its
 * widths move) finishes, the page is reloaded, and in the run's details "Continue training"
 * starts a run whose score before step 1 is the kept run's last score and whose starting widths
 * are the kept run's end widths; "Test this model" puts the kept run's consolidated model into
 * the listen panels' consolidated lane (its name and widths), beside the bundled full model.
 * "Train on at these widths" trains the kept consolidated model on: it starts at the kept run's
 * score, keeps its counted FLOP/s, and its setup cannot be restored into the controls.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { fromZip } from '../../src/runtime/exportModel';
import { explorerState, launchBrowser, openExplorer, trainViaUi, waitForFinishedRun, type BrowserSession } from './helpers';

/** EER in percentage points: the same weights scored on the same held-out scenes (consolidated vs training network, ≤ 1e-5 apart in output). */
const EER_TOLERANCE_PP = 0.05;
const KAPPA_TOLERANCE = 1e-6;
/** Enough steps at α = 2 for the widths to move; validated once at the end (and before step 1). */
const STEPS = 8;

interface RunState {
  runId: string | null;
  runState: string;
  runConfig: { continuedFrom?: string; trainedAtWidthsOf?: { runId: string; learnedBy: string } } | null;
  trajectory: { x: number; y: number; step: number }[];
  widthHistory: ({ step: number } & Record<string, number>)[];
  errors: string[];
}

function runState(page: Page): Promise<RunState> {
  return page.evaluate(() => {
    const state = (window as unknown as { __explorer: { state(): RunState } }).__explorer.state();
    return JSON.parse(JSON.stringify({ runId: state.runId, runState: state.runState, runConfig: state.runConfig, trajectory: state.trajectory, widthHistory: state.widthHistory, errors: state.errors })) as RunState;
  });
}

describe('kept weights', () => {
  let session: BrowserSession | undefined;

  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('continue a finished run after a reload from its last score and widths, and test its model in the listen lanes', async () => {
    session = await launchBrowser();
    const { page, errors } = session;
    const t0 = Date.now();
    const phase = (name: string) => console.log(`${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await openExplorer(page, `?backend=wasm&model=crnn&method=dcl&init=pretrained&alpha=2&steps=${STEPS}&batch=2&eval=${STEPS}`);
    await page.getByTestId('init-pretrained').and(page.locator(':not([disabled])')).waitFor({ state: 'attached', timeout: 60_000 });
    const finished = await trainViaUi(page);
    phase('first run finished');
    expect(finished.errors).toEqual([]);
    const kept = (await page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { __explorer: { state(): { lastSummary: unknown } } }).__explorer.state().lastSummary)))) as {
      runId: string;
      evaluation: { value: number };
      widths: { name: string; units: number; full: number }[];
      flopsPerSecond: number;
      fullFlopsPerSecond: number;
    };
    const lastPoint = (await runState(page)).trajectory.at(-1)!;
    expect(lastPoint.step).toBe(STEPS);
    // The widths moved, so starting at them is not starting at the bundled full-width weights.
    expect(kept.widths.some((w) => w.units < w.full - 0.01)).toBe(true);

    // The weights arrive just after the summary: wait until they are kept before reloading.
    const card = (id: string) => page.locator(`[data-testid=run-card][data-run-id="${id}"]`);
    await page.getByRole('button', { name: `Show run ${kept.runId}` }).click();
    await card(kept.runId).getByTestId('weights-kept').waitFor({ timeout: 30_000 });

    await page.reload();
    await page.getByTestId('train').and(page.locator(':not([disabled])')).waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: `Show run ${kept.runId}` }).click();
    await card(kept.runId).getByTestId('weights-kept').waitFor({ timeout: 30_000 });
    phase('reloaded, weights found');

    await card(kept.runId).getByTestId('continue-training').click();
    await page.waitForFunction(
      () => {
        const state = (window as unknown as { __explorer: { state(): { trajectory: unknown[]; widthHistory: unknown[]; errors: unknown[] } } }).__explorer.state();
        return (state.trajectory.length > 0 && state.widthHistory.length > 0) || state.errors.length > 0;
      },
      null,
      { timeout: 120_000, polling: 100 },
    );
    const continued = await runState(page);
    phase('continued run scored before step 1');
    expect(continued.errors).toEqual([]);
    expect(continued.runConfig?.continuedFrom).toBe(kept.runId);
    expect(continued.runId).not.toBe(kept.runId);
    const start = continued.trajectory[0]!;
    console.log(`kept run: last point ${lastPoint.y.toFixed(3)} % at step ${lastPoint.step}, consolidated ${(100 * kept.evaluation.value).toFixed(3)} %; continued run at step ${start.step}: ${start.y.toFixed(3)} %`);
    expect(start.step).toBe(0);
    expect(Math.abs(start.y - 100 * kept.evaluation.value)).toBeLessThanOrEqual(EER_TOLERANCE_PP);
    expect(Math.abs(start.y - lastPoint.y)).toBeLessThanOrEqual(EER_TOLERANCE_PP);
    const startWidths = continued.widthHistory[0]!;
    expect(startWidths.step).toBe(0);
    for (const w of kept.widths) expect(Math.abs(startWidths[w.name]! - w.units / w.full)).toBeLessThanOrEqual(KAPPA_TOLERANCE);
    await page.getByTestId('stop').click();
    await page.waitForFunction(() => (window as unknown as { __explorer: { state(): { runState: string } } }).__explorer.state().runState === 'idle', null, { timeout: 60_000 });

    // "Train on at these widths": a new run trains the kept consolidated model at its widths.
    const before = (await explorerState(page)).finishedRuns.length;
    await card(kept.runId).getByTestId('train-at-widths').click();
    await waitForFinishedRun(page, before);
    const atWidths = await runState(page);
    const trained = (await explorerState(page)).lastSummary!;
    phase('trained on at its widths');
    expect(atWidths.errors).toEqual([]);
    expect(atWidths.runConfig?.trainedAtWidthsOf).toEqual({ runId: kept.runId, learnedBy: 'dcl' });
    // It started from the kept model itself (its score before step 1 is the kept run's), kept its
    // widths (same counted FLOP/s, nothing learned) and trained every step.
    const first = atWidths.trajectory[0]!;
    console.log(`trained on at its widths: ${first.y.toFixed(3)} % at step ${first.step}, ${(100 * trained.evaluation.value).toFixed(3)} % after ${STEPS} steps`);
    expect(first.step).toBe(0);
    expect(Math.abs(first.y - 100 * kept.evaluation.value)).toBeLessThanOrEqual(EER_TOLERANCE_PP);
    expect(atWidths.trajectory.at(-1)!.step).toBe(STEPS);
    expect(trained.runId).toBe(atWidths.runId);
    expect(trained.widths).toEqual([]);
    expect(Math.abs(trained.flopsPerSecond / kept.flopsPerSecond - 1)).toBeLessThan(1e-9);
    expect(trained.fullFlopsPerSecond).toBe(kept.fullFlopsPerSecond);
    await page.getByRole('button', { name: `Show run ${trained.runId}` }).click();
    await expect.poll(() => card(trained.runId).innerText()).toContain(`Fixed at the consolidated widths of run ${kept.runId}`);
    // The controls cannot hold its widths: its setup is not restored (it is continued instead).
    expect(await card(trained.runId).getByTestId('restore-setup').isDisabled()).toBe(true);

    await page.getByRole('button', { name: `Show run ${kept.runId}` }).click();
    await card(kept.runId).getByTestId('test-model').click();
    await page.getByTestId('consolidated-model').filter({ hasText: kept.runId }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('consolidated-model').innerText()).toContain('from its kept weights');
    // The lane's model as the listen worker holds it: its export names the run and keeps the run's widths.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-model').click()]);
    const lane = fromZip(new Uint8Array(readFileSync(await download.path())), 'consolidated lane');
    phase('kept model in the consolidated lane');
    expect(lane.name).toContain(kept.runId);
    expect(lane.architecture.widths).toMatchObject(Object.fromEntries(kept.widths.map((w) => [w.name, Math.ceil(w.units - 1e-6)])));
    expect((await explorerState(page)).errors).toEqual([]);
    expect(errors).toEqual([]);
  });
});
