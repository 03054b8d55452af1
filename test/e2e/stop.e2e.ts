/**
 * Responsive control: Stop pressed while the page shows "validating… n/m" (a validation pass
 * in the middle of a run) ends the run within 1 s and keeps it, scored by its last completed
 * pass. The time is taken in the page, from the click to the idle state with the run listed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { launchBrowser, openExplorer, type BrowserSession } from './helpers';

describe('Stop during validation', () => {
  let session: BrowserSession | undefined;

  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('ends the run within 1 s and keeps it', async () => {
    session = await launchBrowser();
    const { page, errors } = session;
    await openExplorer(page, '?backend=wasm&model=crnn&init=pretrained&steps=4&eval=1&batch=2');
    await page.getByTestId('train').click();
    // The pass after step 1 (the one at step 0 scores the starting point).
    await page.waitForFunction(
      () => {
        const s = (window as unknown as { __explorer: { state(): { latest: { step: number } | null; runDetail: string } } }).__explorer.state();
        return (s.latest?.step ?? 0) >= 1 && /^validating… [1-9]/.test(s.runDetail);
      },
      undefined,
      { timeout: 600_000, polling: 50 },
    );
    const detail = await page.getByTestId('run-detail').innerText();
    const elapsedMs = await page.evaluate(async () => {
      type State = { runState: string; finishedRuns: unknown[] };
      const state = () => (window as unknown as { __explorer: { state(): State } }).__explorer.state();
      const before = state().finishedRuns.length;
      const start = performance.now();
      (document.querySelector('[data-testid=stop]') as HTMLButtonElement).click();
      await new Promise<void>((done) => {
        const check = () => (state().runState === 'idle' && state().finishedRuns.length > before ? done() : requestAnimationFrame(check));
        check();
      });
      return performance.now() - start;
    });
    const summary = await page.getByTestId('summary-metric').innerText();
    console.log(`Stop pressed at "${detail}": run ended and kept after ${elapsedMs.toFixed(0)} ms; summary: ${summary}`);
    expect(detail).toMatch(/^validating… \d+\/\d+$/);
    expect(summary).toMatch(/validated at step \d+, the last pass before Stop/);
    // Issue 10's bound. Measured 87–122 ms with a second test suite loading the machine: Stop is
    // seen between validation chunks of a fraction of a second, and a stopped run keeps its last
    // pass instead of scoring again.
    expect(elapsedMs).toBeLessThan(1000);
    expect(errors).toEqual([]);
  });
});
