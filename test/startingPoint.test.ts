import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../src/protocol';
import { RunControl, trainSession } from '../src/train/session';
import { createSyntheticTask } from '../src/train/syntheticTask';
import { syntheticConfig } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const config = syntheticConfig({ alpha: 1, steps: 20, batchSize: 32, uniformFraction: 1, seed: 3, evalEvery: 10 });

async function progress(evaluateAtStart: boolean): Promise<{ events: ProgressEvent[]; untrained: number }> {
  const task = createSyntheticTask(config);
  const events: ProgressEvent[] = [];
  try {
    for await (const e of trainSession({ runId: 'r', config, task, control: new RunControl(config), backend: 'cpu', evaluateAtStart })) {
      if (e.type === 'progress') events.push(e.event);
    }
    // What the step-0 point must equal: the same model, untrained, scored on the same split.
    const fresh = createSyntheticTask(config);
    const untrained = await fresh.evaluate(fresh.network, 'validation');
    fresh.dispose();
    return { events, untrained: untrained.value };
  } finally {
    task.dispose();
  }
}

describe('the model before its first step', () => {
  it('is scored on the validation split at full width, with no loss yet, when the host asks', async () => {
    const { events, untrained } = await progress(true);
    const first = events[0]!;
    expect(first.step).toBe(0);
    expect(first.evaluation!.value).toBeCloseTo(untrained, 6);
    expect(first.flopsPerSecond).toBeCloseTo(first.fullFlopsPerSecond, 6);
    expect(first.complexityRatio).toBeCloseTo(1, 6);
    expect(first.widths.map((w) => w.units)).toEqual([32, 32]);
    expect(Number.isNaN(first.taskLoss)).toBe(true);
    expect(events.filter((e) => e.evaluation !== null).map((e) => e.step)).toEqual([0, 10, 20]);
  });

  it('is not scored unless asked (the command-line sweep keeps its events)', async () => {
    const { events } = await progress(false);
    expect(events.filter((e) => e.evaluation !== null).map((e) => e.step)).toEqual([10, 20]);
  });
});
