import type { RunConfig } from '../protocol';
import { RunControl, trainSession } from './session';
import { createSyntheticTask } from './syntheticTask';

export const SYNTHETIC_DEFAULTS: RunConfig = {
  modelId: 'synthetic',
  method: 'dcl',
  alpha: 0,
  budgetFlopsPerSecond: null,
  steps: 1500,
  batchSize: 128,
  learningRate: 1e-2,
  kappaLearningRate: 3e-2,
  kappaMin: {},
  uniformFraction: 1,
  seed: 1,
  evalEvery: 250,
  init: 'scratch',
};

export interface SyntheticRunResult {
  alpha: number;
  inputWidth: number;
  hiddenWidth: number;
  /** FLOPs per sample of the consolidated model (independent count) and of the full model. */
  flops: number;
  fullFlops: number;
  validationMse: number;
  testMse: number;
  /** Input width K every `traceEvery` steps. */
  inputWidthTrace: number[];
}

/** Train the synthetic MLP at one α (same loop as the app) and score it on the test draws. */
export async function runSynthetic(overrides: Partial<RunConfig>, traceEvery = 50): Promise<SyntheticRunResult> {
  const config = { ...SYNTHETIC_DEFAULTS, ...overrides };
  const task = createSyntheticTask(config);
  const inputWidthTrace: number[] = [];
  try {
    for await (const e of trainSession({ runId: `alpha-${config.alpha}`, config, task, control: new RunControl(config), backend: 'node', progressEvery: traceEvery })) {
      if (e.type === 'progress' && e.event.step % traceEvery === 0) inputWidthTrace.push(e.event.widths[0].units);
      if (e.type !== 'finished') continue;
      const { summary } = e;
      const small = await task.network.consolidateAsync();
      const testMse = (await task.evaluate(small, 'test')).value;
      small.dispose();
      return {
        alpha: config.alpha,
        inputWidth: summary.widths[0].units,
        hiddenWidth: summary.widths[1].units,
        flops: summary.flopsPerSecond,
        fullFlops: summary.fullFlopsPerSecond,
        validationMse: summary.evaluation.value,
        testMse,
        inputWidthTrace,
      };
    }
    throw new Error('synthetic run ended without a summary');
  } finally {
    task.dispose();
  }
}
