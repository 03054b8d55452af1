import type { RunConfig } from '../src/protocol';

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
