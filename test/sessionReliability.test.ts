/** A run that diverges, is paused, changes budget or is a uniform baseline still ends with a truthful summary. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent, RunConfig, RunSummary } from '../src/protocol';
import { DIVERGENCE_PATIENCE, DivergenceWatch } from '../src/train/divergence';
import { RunControl, trainSession, type SessionEvent } from '../src/train/session';
import { createSyntheticTask } from '../src/train/syntheticTask';
import { syntheticConfig } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const base = syntheticConfig({ steps: 200, batchSize: 64, evalEvery: 50 });

/** Full width of the synthetic MLP 32 → 32 → 1, counted by hand: 2·32·32 + 32 (ReLU) + 2·32. */
const SYNTHETIC_FULL = 2 * 32 * 32 + 32 + 2 * 32;

interface Hooks {
  /** Called on every progress event, with the fake clock it may advance. */
  onProgress?(event: ProgressEvent, control: RunControl, clock: { ms: number }): void;
  onPaused?(control: RunControl, clock: { ms: number }): void;
}

async function run(config: RunConfig, hooks: Hooks = {}) {
  const task = createSyntheticTask(config);
  const control = new RunControl(config);
  const clock = { ms: 0 };
  const events: SessionEvent[] = [];
  const gen = trainSession({ runId: 'r', config, task, control, backend: 'cpu', progressEvery: 1, now: () => (clock.ms += 1) });
  for await (const e of gen) {
    events.push(e);
    if (e.type === 'progress') hooks.onProgress?.(e.event, control, clock);
    if (e.type === 'paused') hooks.onPaused?.(control, clock);
  }
  task.dispose();
  const progress = events.flatMap((e) => (e.type === 'progress' ? [e.event] : []));
  return { progress, summary: (events.at(-1) as { summary: RunSummary }).summary };
}

describe('divergence', () => {
  it('is declared after the set number of bad steps in a row, not before, and not after a recovery', () => {
    const watch = new DivergenceWatch();
    expect(watch.observe(1, true)).toBe(true);
    for (let i = 0; i < DIVERGENCE_PATIENCE - 1; i++) expect(watch.observe(5000, true)).toBe(false);
    expect(watch.verdict(5)).toBeNull();
    expect(watch.observe(2, true)).toBe(true);
    for (let i = 0; i < DIVERGENCE_PATIENCE - 1; i++) watch.observe(NaN, false);
    expect(watch.verdict(10)).toBeNull();
    watch.observe(3000, true);
    expect(watch.verdict(11)).toEqual({ step: 11, reason: '5 steps in a row were bad; from step 7 on, the loss or a gradient was not finite (NaN or ∞)' });
  });

  it('lr = 1000 stops the run, keeps its history, and summarises the last good weights marked as diverged', async () => {
    const { progress, summary } = await run({ ...base, learningRate: 1000 });
    expect(summary.diverged).not.toBeNull();
    expect(summary.diverged!.reason).toMatch(/exceeded 1000× the starting loss|not finite/);
    expect(summary.steps).toBeLessThan(20);
    expect(summary.stoppedEarly).toBe(false);
    // The history up to the divergence is there, step by step.
    expect(progress.map((e) => e.step)).toEqual(Array.from({ length: summary.steps }, (_, i) => i + 1));
    // The exploded steps' task loss is huge; the summary's model is the last good one.
    const first = progress[0]!.taskLoss;
    expect(Math.max(...progress.map((e) => e.taskLoss))).toBeGreaterThan(1000 * first);
    expect(Number.isFinite(summary.evaluation.value)).toBe(true);
    expect(summary.evaluation.value).toBeLessThan(10 * first);
    console.log(`lr=1000: diverged at step ${summary.diverged!.step} (${summary.diverged!.reason}); first loss ${first.toPrecision(3)}, summary MSE ${summary.evaluation.value.toPrecision(3)}`);
  });

  it('a healthy run is not marked', async () => {
    const { summary } = await run({ ...base, steps: 100 });
    expect(summary.diverged).toBeNull();
    expect(summary.steps).toBe(100);
  });
});

describe('run records', () => {
  it("a uniform 0.5 run reports the family's full width (2144 FLOP/s), not its own network's", async () => {
    const { progress, summary } = await run({ ...base, method: 'uniform', uniformFraction: 0.5, steps: 20, evalEvery: 20 });
    expect(summary.fullFlopsPerSecond).toBe(SYNTHETIC_FULL);
    expect(progress.at(-1)!.fullFlopsPerSecond).toBe(SYNTHETIC_FULL);
    expect(summary.flopsPerSecond).toBeLessThan(0.5 * SYNTHETIC_FULL);
    expect(summary.parameters).toBeLessThan(summary.fullParameters);
  });

  it('budget mode: α in use never below 0, and the summary keeps the last budget and when it changed', async () => {
    const alphas: number[] = [];
    const { summary } = await run({ ...base, steps: 300, budgetFlopsPerSecond: 0.3 * SYNTHETIC_FULL }, {
      onProgress(event, control) {
        alphas.push(event.alpha);
        if (event.step === 150) control.budgetFlopsPerSecond = 0.9 * SYNTHETIC_FULL;
      },
    });
    expect(Math.min(...alphas)).toBeGreaterThanOrEqual(0);
    expect(summary.config.budgetFlopsPerSecond).toBe(0.9 * SYNTHETIC_FULL);
    expect(summary.budgetHistory).toEqual([
      { step: 0, flopsPerSecond: 0.3 * SYNTHETIC_FULL },
      { step: 151, flopsPerSecond: 0.9 * SYNTHETIC_FULL },
    ]);
    console.log(`budget 643 → 1930 FLOP/s at step 151: α from ${Math.min(...alphas).toFixed(3)} to ${Math.max(...alphas).toFixed(3)}, ended at ${summary.flopsPerSecond} FLOP/s`);
  });

  it('elapsed time leaves out pauses', async () => {
    const pauseMs = 3_600_000;
    const { progress, summary } = await run({ ...base, steps: 40, evalEvery: 40 }, {
      onProgress(event, control) {
        if (event.step === 20) control.pause();
      },
      onPaused(control, clock) {
        clock.ms += pauseMs; // an hour away from the tab
        control.resume();
      },
    });
    expect(summary.steps).toBe(40);
    // The fake clock ticks 1 ms per reading: a few hundred ms of training, not an hour.
    expect(summary.wallSeconds).toBeLessThan(60);
    expect(progress.at(-1)!.elapsedSeconds).toBeLessThan(60);
  });

  it('a resume asked for while the paused run is held (its export) waits until the hold ends; a pause meanwhile cancels it', async () => {
    let holding = false;
    const stepsDuringHold: number[] = [];
    const resumedWhileHolding: boolean[] = [];
    let held: Promise<void> = Promise.resolve();
    const { progress, summary } = await run({ ...base, steps: 40, evalEvery: 40 }, {
      onProgress(event, control) {
        if (holding) stepsDuringHold.push(event.step);
        if (event.step === 20) control.pause();
      },
      onPaused(control) {
        control.onResumed = () => resumedWhileHolding.push(holding);
        held = control.hold(async () => {
          holding = true;
          expect(control.resume()).toBe(false);
          expect(control.isPaused).toBe(true);
          // Long enough for many synthetic steps, were the resume not held back.
          await new Promise((wake) => setTimeout(wake, 200));
          holding = false;
        });
      },
    });
    await held;
    expect(stepsDuringHold).toEqual([]);
    // The host hears of the resume once, when it happens: after the hold.
    expect(resumedWhileHolding).toEqual([false]);
    expect(summary.steps).toBe(40);
    expect(progress.at(-1)!.step).toBe(40);

    const control = new RunControl(base);
    control.pause();
    await control.hold(async () => {
      control.resume();
      control.pause();
    });
    expect(control.isPaused).toBe(true);
  });

  it('latency comes with the range of its timing rounds', async () => {
    const { summary } = await run({ ...base, steps: 10, evalEvery: 10 });
    const [low, high] = summary.latencyRangeMsPerSecond!;
    expect(low).toBeLessThanOrEqual(summary.latencyMsPerSecond);
    expect(high).toBeGreaterThanOrEqual(summary.latencyMsPerSecond);
    const [fullLow, fullHigh] = summary.fullLatencyRangeMsPerSecond!;
    expect(fullLow).toBeLessThanOrEqual(summary.fullLatencyMsPerSecond);
    expect(fullHigh).toBeGreaterThanOrEqual(summary.fullLatencyMsPerSecond);
  });
});
