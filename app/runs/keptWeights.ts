/**
 * A finished run's kept weights in its details: whether they are there (and how big), and the
 * two things they allow: continue training the run from them, or test its consolidated model
 * in the listen panels.
 */
import { useEffect, useState } from 'react';
import type { RunConfig, RunSummary } from '../../src/protocol';
import { atWidthsConfig, keptWeightBytes } from '../../src/train/keptWeights';
import { testKeptModel } from '../listen/listenActions';
import { loadRunWeights, useKeptWeightIds } from './runStore';
import { useAppStore } from '../store';
import { setupProblems } from '../train/setupRules';
import { sendToWorker } from '../worker';

export interface KeptWeightsInfo {
  /** Bytes stored for the run: training weights (with κ) plus, for a VAD, the consolidated model. */
  bytes: number;
  /** Whether a consolidated model (VAD) is kept to test. */
  testable: boolean;
}

/** The run's kept weights: 'loading' until known, null when none are kept. Follows saves and deletes. */
export function useKeptWeights(runId: string): KeptWeightsInfo | null | 'loading' {
  const loaded = useKeptWeightIds((s) => s.loaded);
  const kept = useKeptWeightIds((s) => s.ids.has(runId));
  const [info, setInfo] = useState<KeptWeightsInfo | null | 'loading'>('loading');
  useEffect(() => {
    if (!loaded) return;
    if (!kept) {
      setInfo(null);
      return;
    }
    let live = true;
    loadRunWeights(runId)
      .then((record) => live && setInfo(record === null ? null : { bytes: keptWeightBytes(record.weights) + (record.model?.weightData.byteLength ?? 0), testable: record.model !== null }))
      .catch(() => live && setInfo(null));
    return () => {
      live = false;
    };
  }, [runId, loaded, kept]);
  return loaded ? info : 'loading';
}

/** The run's setup as the controls hold it: without the marker of the run it continued. */
export function setupOf(run: RunSummary): RunConfig {
  const { continuedFrom: _, ...setup } = run.config;
  return setup;
}

/** Whether the controls can hold the run's setup: not a run at another run's consolidated widths, which only its model gives. */
export function restorable(run: RunSummary): boolean {
  return run.config.trainedAtWidthsOf === undefined;
}

let continued = 0;

/**
 * Starts a new run with the run's setup from its kept weights and widths (the α and budget in
 * force when it ended). The controls take the same setup, so the slider steers the new run.
 */
export async function continueTraining(run: RunSummary): Promise<void> {
  const { reportError } = useAppStore.getState();
  if (useAppStore.getState().runState !== 'idle') {
    reportError('Stop the running training before continuing another run.');
    return;
  }
  // Its weights are those of a consolidated model: it goes on at the same widths.
  if (!restorable(run)) return trainAtWidths(run);
  const kept = await loadRunWeights(run.runId).catch(() => null);
  if (kept === null) {
    reportError(`Run ${run.runId} cannot be continued: its weights are no longer kept.`);
    return;
  }
  const setup = setupOf(run);
  const problems = setupProblems(setup);
  if (problems.length > 0) {
    reportError(`Not continuing run ${run.runId}: ${problems.join('; ')}`);
    return;
  }
  const state = useAppStore.getState();
  state.setSetup({ ...setup, budgetInterval: setup.budgetInterval });
  const runId = `run-${Date.now().toString(36)}-c${++continued}`;
  const config: RunConfig = { ...setup, continuedFrom: run.runId };
  state.beginRun(runId, config);
  sendToWorker({ type: 'start', runId, config, startWeights: kept.weights });
}

/**
 * Starts a new run that trains the run's kept consolidated model on at its widths (the smaller
 * network, every unit trained, no α): what a learned-width run needs before it is compared at its
 * FLOP/s. The controls keep their setup: they cannot express these widths.
 */
export async function trainAtWidths(run: RunSummary): Promise<void> {
  const { reportError } = useAppStore.getState();
  if (useAppStore.getState().runState !== 'idle') {
    reportError('Stop the running training before training another run on.');
    return;
  }
  const kept = await loadRunWeights(run.runId).catch(() => null);
  if (kept?.model == null) {
    reportError(`Run ${run.runId} cannot be trained on at its widths: no consolidated model of it is kept.`);
    return;
  }
  const config = atWidthsConfig(run.config, run.runId);
  const runId = `run-${Date.now().toString(36)}-w${++continued}`;
  useAppStore.getState().beginRun(runId, config);
  sendToWorker({ type: 'start', runId, config, startModel: kept.model });
}

/** Puts the run's kept consolidated model into the listen panels' consolidated lane. */
export async function testRunModel(run: RunSummary): Promise<void> {
  const kept = await loadRunWeights(run.runId).catch(() => null);
  if (kept?.model == null) {
    useAppStore.getState().reportError(`Run ${run.runId} cannot be tested: no consolidated model of it is kept.`);
    return;
  }
  testKeptModel(run.runId, kept.model);
  document.querySelector('[data-testid=listen-section]')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
}
