import { DEFAULT_SETUP } from '../app/urlState';
import type { RunConfig, RunSummary } from '../src/protocol';

/** A synthetic-task RunConfig for tests: DCL from scratch, with what a test cares about overridden. */
export function syntheticConfig(overrides: Partial<RunConfig> = {}): RunConfig {
  return {
    modelId: 'synthetic',
    method: 'dcl',
    alpha: 0,
    budgetFlopsPerSecond: null,
    steps: 100,
    batchSize: 16,
    learningRate: 1e-2,
    kappaLearningRate: 3e-2,
    kappaMin: {},
    uniformFraction: 0.5,
    seed: 1,
    evalEvery: 100,
    init: 'scratch',
    ...overrides,
  };
}

/** A stored synthetic run's summary, as the page keeps it. */
export function storedSummary(runId: string, finishedAt: number): RunSummary {
  return {
    runId, config: DEFAULT_SETUP, backend: 'cpu', steps: 100, widths: [{ name: 'input', units: 8.2, full: 32, kappaMin: 1 / 32 }],
    flopsPerSecond: 600, fullFlopsPerSecond: 2144, parameters: 289, fullParameters: 1089,
    evaluation: { metric: 'MSE', value: 0.013, auc: null, eerBySnr: null },
    latencyMsPerSecond: 0.01, fullLatencyMsPerSecond: 0.02, wallSeconds: 10, finishedAt, stoppedEarly: false,
  };
}
