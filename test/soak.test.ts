/**
 * Soak: 1000 training steps of one session (the worker's loop, on tfjs cpu in Node): the tensor
 * count stays constant after warm-up and the memory (JS heap and array buffers, after a full
 * collection) stays bounded. Prints the figures.
 */
import * as tf from '@tensorflow/tfjs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../src/protocol';
import { RunControl, trainSession } from '../src/train/session';
import { createSyntheticTask } from '../src/train/syntheticTask';
import { syntheticConfig } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const config = syntheticConfig({ alpha: 0.1, steps: 1000 });

// The heap is read after a full collection: otherwise it measures when the collector last ran
// (on a loaded machine it swung by over 64 MiB between samples with nothing retained).
setFlagsFromString('--expose_gc');
const collectGarbage = runInNewContext('gc') as () => void;

describe('soak', () => {
  it('1000 steps: tensor count constant after warm-up, heap bounded', { timeout: 600_000 }, async () => {
    const before = tf.memory().numTensors;
    const task = createSyntheticTask(config);
    const control = new RunControl(config);
    const tensors: { step: number; numTensors: number }[] = [];
    const heap: number[] = [];
    let summary: RunSummary | null = null;
    for await (const e of trainSession({ runId: 'soak', config, task, control, backend: 'cpu', progressEvery: 50 })) {
      if (e.type === 'progress') {
        tensors.push({ step: e.event.step, numTensors: e.event.numTensors });
        // Steer α now and then, as the slider would, so the live path is exercised too.
        control.alpha = e.event.step % 200 === 0 ? 0.3 : 0.1;
        collectGarbage();
        const memory = process.memoryUsage();
        // The JS heap and the typed arrays' backing stores (tfjs cpu keeps tensor data there).
        heap.push(memory.heapUsed + memory.arrayBuffers);
      } else if (e.type === 'finished') summary = e.summary;
    }
    task.dispose();
    const after = tf.memory().numTensors;
    const warm = tensors.filter((t) => t.step >= 100);
    const counts = new Set(warm.map((t) => t.numTensors));
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    const heapWarm = heap.slice(2);
    console.log(
      `soak: ${summary?.steps} steps; worker tensors after warm-up ${[...counts].join(', ')} (step 50: ${tensors[0]?.numTensors}); ` +
        `tensors before/after the run ${before}/${after}; heap + array buffers after collection ${mb(Math.min(...heapWarm))}–${mb(Math.max(...heapWarm))} MiB`,
    );
    expect(summary?.steps).toBe(1000);
    expect(counts.size).toBe(1);
    expect(after).toBe(before);
    // Bounded: after warm-up the collected heap does not grow by more than 8 MiB over 900 steps.
    expect(Math.max(...heapWarm) - Math.min(...heapWarm)).toBeLessThan(8 * 2 ** 20);
  });
});
