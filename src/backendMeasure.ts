/**
 * Backend choice by measurement: time a few real training steps of the run's model family
 * (its batch size, its scenes and front end, awaited to the step's read-back) on each
 * candidate backend and train on the fastest. Which backend wins depends on the machine and on
 * the model (a software WebGPU adapter can be 7× slower than WebGL for the CRNN while a GPU
 * wins by far), so nothing here is assumed: the page shows each backend's steps/s.
 * Framework-free: the worker passes in how to switch backends and build a task.
 */
import * as tf from '@tensorflow/tfjs';
import { formatRate } from './formatRate';
import type { BackendMeasurement, BackendName, RunConfig } from './protocol';
import type { TrainingTask } from './train/task';
import { WidthTrainer } from './train/trainer';

/** Timed steps per backend after the warm-up step (which compiles GPU shaders and fills caches). */
export const TIMED_STEPS = 3;
/** A backend stops being timed once its timed steps have taken this long (it has at least MIN_TIMED_STEPS). */
export const TIMING_BUDGET_MS = 1500;
/** One step alone is at the mercy of a burst of load on a shared machine (measured: wasm read 0.29 steps/s once, 0.62 the next run). */
export const MIN_TIMED_STEPS = 2;
/**
 * A backend whose warm-up step alone takes longer than this many times the best step so far
 * (and more than CUT_FLOOR_MS) is scored from that one step: it would not win, and timing
 * more of its steps would hold the run up for seconds.
 */
export const CUT_FACTOR = 3;
export const CUT_FLOOR_MS = 2000;

export interface MeasureHost {
  /** Switches tfjs to the backend: '' when it works, else why not. */
  switchTo(backend: BackendName): Promise<string>;
  /** A fresh task for the run's setup on the current backend (disposed after timing). */
  createTask(config: RunConfig): Promise<TrainingTask>;
  now(): number;
}

export interface MeasuredChoice {
  backend: BackendName;
  measurements: BackendMeasurement[];
  /** Why this backend: the measured steps/s, or why it was the only one. */
  reason: string;
}

/** Times training steps of `config` on the current backend; `cutAfterMs`: stop after the warm-up if it took longer. */
export async function timeTrainingSteps(
  config: RunConfig,
  host: MeasureHost,
  cutAfterMs = Infinity,
): Promise<{ stepsPerSecond: number; timedSteps: number; warmupMs: number }> {
  const task = await host.createTask(config);
  const trainer = new WidthTrainer(task.network, task.taskLoss, {
    alpha: config.alpha,
    learningRate: config.learningRate,
    kappaLearningRate: config.kappaLearningRate,
    seed: config.seed,
  });
  const step = async () => {
    const { input, target } = await task.nextBatch();
    try {
      await trainer.step(input, target);
    } finally {
      tf.dispose([input, target]);
    }
  };
  try {
    let start = host.now();
    await step();
    const warmupMs = host.now() - start;
    if (warmupMs > cutAfterMs) return { stepsPerSecond: 1000 / warmupMs, timedSteps: 0, warmupMs };
    start = host.now();
    let timedSteps = 0;
    do {
      await step();
      timedSteps++;
    } while (timedSteps < MIN_TIMED_STEPS || (timedSteps < TIMED_STEPS && host.now() - start < TIMING_BUDGET_MS));
    return { stepsPerSecond: (1000 * timedSteps) / (host.now() - start), timedSteps, warmupMs };
  } finally {
    trainer.dispose();
    task.dispose();
  }
}

/**
 * Measures every candidate (skipping those in `skip`, with their reason) and switches to the
 * fastest. wasm goes first when it is a candidate: it needs no shader compilation and is
 * never very slow, so a slow backend measured after it is cut short after its first step.
 * Throws when no candidate works.
 */
export async function chooseBackendByMeasurement(
  config: RunConfig,
  candidates: readonly BackendName[],
  host: MeasureHost,
  skip: ReadonlyMap<BackendName, string> = new Map(),
): Promise<MeasuredChoice> {
  const measurements: BackendMeasurement[] = [];
  let bestStepMs = Infinity;
  const order = candidates.includes('wasm') ? ['wasm' as const, ...candidates.filter((c) => c !== 'wasm')] : candidates;
  for (const backend of order) {
    const skipped = skip.get(backend);
    if (skipped !== undefined) {
      measurements.push({ backend, stepsPerSecond: null, timedSteps: 0, note: skipped });
      continue;
    }
    const failure = await host.switchTo(backend);
    if (failure !== '') {
      measurements.push({ backend, stepsPerSecond: null, timedSteps: 0, note: failure });
      continue;
    }
    try {
      const timed = await timeTrainingSteps(config, host, Math.max(CUT_FLOOR_MS, CUT_FACTOR * bestStepMs));
      const note =
        timed.timedSteps === 0
          ? `from its first step only (${(timed.warmupMs / 1000).toFixed(1)} s, over ${CUT_FACTOR}× the fastest step so far)`
          : `${timed.timedSteps} steps after a warm-up step of ${(timed.warmupMs / 1000).toFixed(1)} s`;
      measurements.push({ backend, stepsPerSecond: timed.stepsPerSecond, timedSteps: timed.timedSteps, note });
      bestStepMs = Math.min(bestStepMs, 1000 / timed.stepsPerSecond);
    } catch (error) {
      measurements.push({ backend, stepsPerSecond: null, timedSteps: 0, note: `a training step failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  const timed = measurements.filter((m) => m.stepsPerSecond !== null);
  if (timed.length === 0) throw new Error(`No backend could train: ${measurements.map((m) => `${m.backend}: ${m.note}`).join('; ')}`);
  const best = timed.reduce((a, b) => (b.stepsPerSecond! > a.stepsPerSecond! ? b : a));
  const failure = await host.switchTo(best.backend);
  if (failure !== '') throw new Error(`switching back to ${best.backend} failed: ${failure}`);
  const list = timed.map((m) => `${m.backend} ${formatRate(m.stepsPerSecond!)}`).join(', ');
  return { backend: best.backend, measurements, reason: `fastest for ${config.modelId} at batch ${config.batchSize}, measured here: ${list}` };
}
