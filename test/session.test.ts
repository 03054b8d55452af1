import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunConfig, RunSummary } from '../src/protocol';
import { latencyMs, RunControl, trainSession, type SessionEvent } from '../src/train/session';
import { createSyntheticTask } from '../src/train/syntheticTask';
import { syntheticConfig } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const base = syntheticConfig({ steps: 300, batchSize: 64 });

async function run(config: RunConfig, onStep?: (step: number, control: RunControl) => void) {
  const task = createSyntheticTask(config);
  const control = new RunControl(config);
  const events: SessionEvent[] = [];
  let fakeClock = 0;
  for await (const e of trainSession({ runId: 'r', config, task, control, backend: 'cpu', now: () => (fakeClock += 7) })) {
    events.push(e);
    if (e.type === 'progress') onStep?.(e.event.step, control);
  }
  task.dispose();
  const summary = (events.at(-1) as { summary: RunSummary }).summary;
  return { events, summary };
}

describe('training session', () => {
  it('a raised α mid-run ends with fewer FLOP/s than the same run without it', async () => {
    const plain = await run(base);
    const raised = await run(base, (step, control) => {
      if (step >= 100) control.alpha = 3;
    });
    expect(raised.summary.flopsPerSecond).toBeLessThan(0.8 * plain.summary.flopsPerSecond);
    expect(raised.summary.config.alpha).toBe(3);
  });

  // The budget is a constraint C ≤ budget with α its Lagrange multiplier, so α ≥ 0: a run under
  // budget gets no pressure, and the widths' momentum carries them a little below it (see
  // BudgetController in src/train/session.ts).
  it('budget mode steers α (never below 0) until FLOP/s are within 75–105 % of the budget', async () => {
    const full = 2 * 32 * 32 + 32 + 2 * 32;
    const budget = 0.4 * full;
    const { events, summary } = await run({ ...base, steps: 500, budgetFlopsPerSecond: budget });
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e.event] : []));
    expect(Math.min(...progress.map((e) => e.alpha))).toBeGreaterThanOrEqual(0);
    expect(progress.at(-1)!.flopsPerSecond / budget).toBeLessThan(1.05);
    expect(progress.at(-1)!.flopsPerSecond / budget).toBeGreaterThan(0.75);
    expect(summary.flopsPerSecond / budget).toBeLessThan(1.08);
    expect(summary.flopsPerSecond / budget).toBeGreaterThan(0.75);
    console.log(`budget ${budget} FLOP/s: ended at ${summary.flopsPerSecond} FLOP/s (${((100 * summary.flopsPerSecond) / budget).toFixed(0)} % of the budget)`);
  });

  it('reports validation MSE, measured FLOP/s and latency at the end', async () => {
    const { events, summary } = await run({ ...base, steps: 120, evalEvery: 60 });
    const evaluations = events.filter((e) => e.type === 'progress' && e.event.evaluation);
    expect(evaluations.length).toBe(2);
    expect(summary.evaluation.metric).toBe('MSE');
    expect(summary.evaluation.value).toBeGreaterThan(0);
    expect(summary.parameters).toBeLessThanOrEqual(summary.fullParameters);
    expect(summary.latencyMsPerSecond).toBeGreaterThan(0);
    expect(summary.stoppedEarly).toBe(false);
  });

  it('stop ends the run early with a summary', async () => {
    const { summary } = await run(base, (step, control) => {
      if (step >= 20) control.stop();
    });
    expect(summary.stoppedEarly).toBe(true);
    expect(summary.steps).toBeLessThan(40);
  });

  it('times a model faster than the clock resolves (a browser worker clock is 0.1 ms coarse or worse)', async () => {
    const task = createSyntheticTask(base);
    const coarseClock = () => Math.floor(performance.now()); // 1 ms steps; one call takes far less
    const coarse = (await latencyMs(task.network, task, coarseClock)).median;
    const fine = (await latencyMs(task.network, task, () => performance.now())).median;
    task.dispose();
    expect(coarse).toBeGreaterThan(0);
    expect(coarse).toBeLessThan(1);
    expect(fine).toBeGreaterThan(0);
  });
});
