import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../src/protocol';
import { RunControl, trainSession } from '../src/train/session';
import { createSyntheticTask } from '../src/train/syntheticTask';
import type { EvaluationProgress, TrainingTask } from '../src/train/task';
import { syntheticConfig } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const config = syntheticConfig({ steps: 20, evalEvery: 5 });

const CHUNKS = 10;

/** The synthetic task with a validation pass in CHUNKS chunks; `onChunk` sees each one (pass number, chunk). */
function chunkedTask(onChunk: (pass: number, chunk: number) => void): { task: TrainingTask; passes: number[] } {
  const task = createSyntheticTask(config);
  const passes: number[] = [];
  const evaluate = task.evaluate.bind(task);
  task.evaluate = async (network, split, progress?: EvaluationProgress) => {
    const pass = passes.push(0) - 1;
    for (let chunk = 1; chunk <= CHUNKS; chunk++) {
      passes[pass] = chunk;
      onChunk(pass, chunk);
      await progress?.(chunk, CHUNKS);
    }
    return evaluate(network, split);
  };
  return { task, passes };
}

async function run(task: TrainingTask, control: RunControl, statuses: string[]): Promise<RunSummary> {
  let summary: RunSummary | null = null;
  const session = trainSession({ runId: 'r', config, task, control, backend: 'cpu', evaluateAtStart: true, onStatus: (s) => statuses.push(`${s.state}:${s.detail}`) });
  for await (const event of session) if (event.type === 'finished') summary = event.summary;
  task.dispose();
  return summary!;
}

describe('Stop and Pause during validation', () => {
  it('Stop in the middle of a validation pass abandons it after that chunk and keeps the run, scored by its last completed pass', async () => {
    const control = new RunControl(config);
    const statuses: string[] = [];
    // Pass 0 is the starting point (step 0), pass 1 runs at step 5: Stop arrives during its chunk 3.
    const { task, passes } = chunkedTask((pass, chunk) => {
      if (pass === 1 && chunk === 3) control.stop();
    });
    const summary = await run(task, control, statuses);
    expect(passes).toEqual([CHUNKS, 3]);
    expect(summary.steps).toBe(5);
    expect(summary.stoppedEarly).toBe(true);
    expect(summary.evaluationStep).toBe(0);
    expect(summary.evaluation.metric).toBe('MSE');
    expect(statuses).toContain('running:validating… 2/10');
    expect(statuses.at(-1)).toBe('running:');
  });

  it('Pause in the middle of a pass waits there and says so; Resume finishes the pass and the run', async () => {
    const control = new RunControl(config);
    const statuses: string[] = [];
    const { task, passes } = chunkedTask((pass, chunk) => {
      if (pass === 1 && chunk === 4) {
        control.pause();
        setTimeout(() => control.resume(), 20);
      }
    });
    const summary = await run(task, control, statuses);
    expect(statuses).toContain('paused:paused while validating (4/10)');
    expect(summary.steps).toBe(20);
    expect(summary.stoppedEarly).toBe(false);
    expect(summary.evaluationStep).toBeUndefined();
    // Start, steps 5, 10, 15, 20, and the consolidated model's own pass.
    expect(passes).toEqual(Array(6).fill(CHUNKS));
  });
});
