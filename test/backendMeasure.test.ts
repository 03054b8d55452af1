import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackendByMeasurement, TIMED_STEPS, type MeasureHost } from '../src/backendMeasure';
import type { BackendName } from '../src/protocol';
import { createTask } from '../src/train/tasks';
import { syntheticConfig } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const config = syntheticConfig({ alpha: 0.1 });

/**
 * Real training steps of the synthetic task (on tfjs cpu), on a virtual clock that advances by
 * each "backend"'s cost per step: the choice is then a deterministic function of the costs.
 */
function fakeHost(costMs: Partial<Record<BackendName, number>>, failing: BackendName[] = []) {
  let clock = 0;
  let current: BackendName | null = null;
  const switches: BackendName[] = [];
  const host: MeasureHost = {
    async switchTo(name) {
      if (failing.includes(name)) return `${name} is not available here`;
      current = name;
      switches.push(name);
      return '';
    },
    async createTask(c) {
      const task = await createTask(c, { loadCorpus: () => Promise.reject(new Error('no corpus')), loadPretrained: () => Promise.reject(new Error('none')) });
      const next = task.nextBatch.bind(task);
      task.nextBatch = () => {
        clock += costMs[current!]!;
        return next();
      };
      return task;
    },
    now: () => clock,
  };
  return { host, switches };
}

describe('backend choice by measurement', () => {
  it('trains on the fastest measured backend, scores a slow first step alone, and lists failures and skips', async () => {
    const { host, switches } = fakeHost({ webgpu: 5000, wasm: 40, cpu: 100 }, ['webgl']);
    const before = tf.memory().numTensors;
    const choice = await chooseBackendByMeasurement(config, ['wasm', 'webgl', 'webgpu', 'cpu'], host);
    expect(choice.backend).toBe('wasm');
    expect(switches.at(-1)).toBe('wasm');
    const by = Object.fromEntries(choice.measurements.map((m) => [m.backend, m]));
    expect(by.wasm).toMatchObject({ stepsPerSecond: 25, timedSteps: TIMED_STEPS });
    expect(by.cpu).toMatchObject({ stepsPerSecond: 10, timedSteps: TIMED_STEPS });
    // 5 s for its first step: over 3× the fastest step so far and over the 2 s floor, so scored from that step alone.
    expect(by.webgpu).toMatchObject({ stepsPerSecond: 0.2, timedSteps: 0 });
    expect(by.webgl).toMatchObject({ stepsPerSecond: null, note: 'webgl is not available here' });
    expect(choice.reason).toContain('wasm 25.0 steps/s');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('does not time a skipped backend, and says why', async () => {
    const { host, switches } = fakeHost({ webgpu: 1, cpu: 100 });
    const choice = await chooseBackendByMeasurement(config, ['webgpu', 'cpu'], host, new Map([['webgpu', 'software adapter']]));
    expect(choice.backend).toBe('cpu');
    expect(switches).not.toContain('webgpu');
    expect(choice.measurements[0]).toMatchObject({ backend: 'webgpu', stepsPerSecond: null, note: 'software adapter' });
  });

  it('fails with every reason when no backend can train', async () => {
    const { host } = fakeHost({}, ['wasm', 'cpu']);
    await expect(chooseBackendByMeasurement(config, ['wasm', 'cpu'], host)).rejects.toThrow(/wasm: wasm is not available here; cpu: cpu is not available here/);
  });
});
