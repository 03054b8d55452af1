/** What the controls do: update the store and tell the worker. */
import type { RunConfig } from '../src/protocol';
import { clearRuns, deleteRun } from './runs/runStore';
import { useAppStore } from './store';
import { setupProblems } from './train/setupRules';
import { sendToWorker } from './worker';

let runCounter = 0;

export function train(): void {
  const { setup, beginRun, reportError } = useAppStore.getState();
  // The form never commits a bad value; this guards any other way a setup might get here.
  const problems = setupProblems(setup);
  if (problems.length > 0) {
    reportError(`Not training: ${problems.join('; ')}`);
    return;
  }
  const runId = `run-${Date.now().toString(36)}-${++runCounter}`;
  beginRun(runId);
  sendToWorker({ type: 'start', runId, config: setup });
}

export const pause = (): void => sendToWorker({ type: 'pause' });
export const resume = (): void => sendToWorker({ type: 'resume' });
export const stop = (): void => sendToWorker({ type: 'stop' });

export function resetCharts(): void {
  useAppStore.getState().resetCharts();
}

/** Edits the setup; α and the budget also reach a running training at once. */
export function editSetup(patch: Partial<RunConfig>): void {
  const state = useAppStore.getState();
  state.setSetup(patch);
  if (state.runState === 'idle') return;
  if (patch.alpha !== undefined) sendToWorker({ type: 'setAlpha', alpha: patch.alpha });
  if (patch.budgetFlopsPerSecond !== undefined) {
    sendToWorker({ type: 'setBudget', flopsPerSecond: patch.budgetFlopsPerSecond });
    // Leaving budget mode hands α back to the slider.
    if (patch.budgetFlopsPerSecond === null) sendToWorker({ type: 'setAlpha', alpha: useAppStore.getState().setup.alpha });
  }
}

export async function deleteFinishedRun(runId: string): Promise<void> {
  await deleteRun(runId);
  useAppStore.getState().removeFinishedRun(runId);
}

export async function clearFinishedRuns(): Promise<void> {
  await clearRuns();
  useAppStore.getState().setFinishedRuns([]);
}
