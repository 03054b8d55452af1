import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETUP } from '../app/urlState';
import { useAppStore } from '../app/store';
import type { ProgressEvent, RunSummary } from '../src/protocol';

/** Full widths as the worker's startup count reports them (synthetic: 32 → 32 → 1 MLP). */
const STARTUP = { synthetic: 2144, crnn: 2.33e6, transformer: 23e6 };

function uniformEvent(runId: string): ProgressEvent {
  return {
    runId, step: 10, totalSteps: 100, loss: 1, taskLoss: 1, complexityTerm: 0, complexityRatio: 1,
    // A uniform 0.5 run's own network counts itself as "full": 560 FLOP/s.
    flopsPerSecond: 560, fullFlopsPerSecond: 560, widths: [], evaluation: null,
    stepsPerSecond: 10, elapsedSeconds: 1, etaSeconds: 9, numTensors: 10, memoryBytes: 100, gpuBytes: null, alpha: 0, skippedSteps: 0,
  };
}

function uniformSummary(runId: string): RunSummary {
  return {
    runId, config: { ...DEFAULT_SETUP, method: 'uniform', uniformFraction: 0.5 }, backend: 'cpu', steps: 100, widths: [],
    flopsPerSecond: 560, fullFlopsPerSecond: 560, parameters: 289, fullParameters: 289,
    evaluation: { metric: 'MSE', value: 0.1, auc: null, eerBySnr: null },
    latencyMsPerSecond: 0.01, fullLatencyMsPerSecond: 0.01, wallSeconds: 10, finishedAt: 1, stoppedEarly: false,
  };
}

describe('the page\'s full width has one writer: the worker\'s startup count', () => {
  beforeEach(() => {
    useAppStore.setState({ fullFlops: {}, finishedRuns: [], lastSummary: null, runId: null, runConfig: null });
  });

  it('a uniform 0.5 run (progress, finish, stored runs) leaves the synthetic full width at 2144', () => {
    const store = useAppStore.getState();
    store.receive({ type: 'fullFlops', flopsPerSecond: STARTUP });
    expect(useAppStore.getState().fullFlops.synthetic).toBe(2144);

    store.setSetup({ method: 'uniform', uniformFraction: 0.5 });
    store.beginRun('u1');
    useAppStore.getState().receiveProgress([uniformEvent('u1')]);
    useAppStore.getState().receive({ type: 'runFinished', summary: uniformSummary('u1') });
    useAppStore.getState().setFinishedRuns([uniformSummary('u0'), uniformSummary('u1')]);

    expect(useAppStore.getState().latest?.fullFlopsPerSecond).toBe(560);
    expect(useAppStore.getState().finishedRuns).toHaveLength(2);
    expect(useAppStore.getState().fullFlops).toEqual(STARTUP);
  });

  it('stored runs loaded before the worker has counted do not fill it in', () => {
    useAppStore.getState().setFinishedRuns([uniformSummary('u0')]);
    expect(useAppStore.getState().fullFlops.synthetic).toBeUndefined();
  });
});
