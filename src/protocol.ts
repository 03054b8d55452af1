/**
 * Messages between the UI thread and the trainer worker.
 * One discriminated union each way; payloads are plain numbers, strings and
 * arrays of them, so they structured-clone cheaply and never carry tensors.
 */

import type { SweepResult, SweepSpec, SweepStatus } from './train/sweepPlan';

export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export function isBackendName(value: string): value is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(value);
}

/** One backend's result of the same training computation (src/backendCheck.ts). */
export interface BackendCheckResult {
  backend: BackendName;
  loss: number;
  /** α·C(K)/C(K_max) at the check's α. */
  complexityTerm: number;
  /** C(K) at the check's fractional widths. */
  flopsPerSecond: number;
  fullFlopsPerSecond: number;
  /** dL/dκ of every learnable width, in network order. */
  kappaGradients: number[];
  /** Set when the backend could not run the check (the other fields are then NaN). */
  error?: string;
}

/** One backend's measured training speed for a model family (src/backendMeasure.ts). */
export interface BackendMeasurement {
  backend: BackendName;
  /** Null when it was not timed (it failed, or was skipped: see note). */
  stepsPerSecond: number | null;
  timedSteps: number;
  note: string;
}

export const MODEL_IDS = ['synthetic', 'crnn', 'transformer'] as const;
export type ModelId = (typeof MODEL_IDS)[number];

/**
 * How the widths are trained: learned by noise injection (the seed paper's DCL), fixed
 * smaller widths trained from scratch ('uniform'), or a straight-through hard mask.
 */
export const WIDTH_METHODS = ['dcl', 'uniform', 'straightThrough'] as const;
export type WidthMethod = (typeof WIDTH_METHODS)[number];

export interface RunConfig {
  modelId: ModelId;
  method: WidthMethod;
  /** Complexity weight α in L = L_task + α · C(K) / C(K_max). */
  alpha: number;
  /** FLOP/s target; when set the worker steers α itself (dual ascent) to reach it. */
  budgetFlopsPerSecond: number | null;
  steps: number;
  batchSize: number;
  learningRate: number;
  /** Separate learning rate for the width parameters κ = K / N. */
  kappaLearningRate: number;
  /** Lower bound κ_min per width name (missing names use the model default). */
  kappaMin: Record<string, number>;
  /** Fraction of every width kept by the 'uniform' baseline. */
  uniformFraction: number;
  seed: number;
  /** Validation pass every this many steps. */
  evalEvery: number;
  /** Start from random weights or from the bundled full-width weights (VAD models). */
  init: 'scratch' | 'pretrained';
  /**
   * Straight-through baseline of a sweep: a penalty band on C(K)/C(K_max) instead of α
   * (matched to the FLOP/s a DCL run reached). Absent for runs started from the controls.
   */
  budgetInterval?: BudgetInterval;
}

/** weight · (relu(r − high) + relu(low − r)) on r = C(K)/C(K_max). */
export interface BudgetInterval {
  low: number;
  high: number;
  weight: number;
}

/** Accuracy on held-out data: lower is better for both metrics. */
export interface Evaluation {
  metric: 'EER' | 'MSE';
  /** EER as a fraction in [0, 1], or mean squared error. */
  value: number;
  /** Frame-level AUC (VAD only). */
  auc: number | null;
  /** EER per SNR bin (< 5, 5–15, 15–25, ≥ 25 dB), VAD only. */
  eerBySnr: number[] | null;
}

export interface WidthState {
  name: string;
  /** Continuous width K, in units. */
  units: number;
  /** Full width N. */
  full: number;
  kappaMin: number;
}

/** One point of live training state, sent at most 10 times a second. */
export interface ProgressEvent {
  runId: string;
  step: number;
  totalSteps: number;
  loss: number;
  taskLoss: number;
  /** The complexity term's value, α·C(K)/C(K_max). */
  complexityTerm: number;
  /** C(K) / C(K_max). */
  complexityRatio: number;
  /** C(K): FLOP/s at the current (continuous) widths. */
  flopsPerSecond: number;
  fullFlopsPerSecond: number;
  widths: WidthState[];
  /** Present when this step ran a validation pass. */
  evaluation: Evaluation | null;
  stepsPerSecond: number;
  elapsedSeconds: number;
  etaSeconds: number;
  /** tf.memory() in the worker. */
  numTensors: number;
  memoryBytes: number;
  /** Bytes held on the GPU (webgl, webgpu backends); null elsewhere. */
  gpuBytes: number | null;
  alpha: number;
  /** Steps skipped so far because the loss or a gradient was not finite. */
  skippedSteps: number;
}

export interface RunSummary {
  runId: string;
  config: RunConfig;
  backend: string;
  steps: number;
  widths: WidthState[];
  /** FLOP/s of the consolidated model, counted independently from its layer shapes. */
  flopsPerSecond: number;
  fullFlopsPerSecond: number;
  parameters: number;
  fullParameters: number;
  /** Validation accuracy of the final model. */
  evaluation: Evaluation;
  /** Wall time of the consolidated model's inference per second of input, in ms, on this backend. */
  latencyMsPerSecond: number;
  /** The same for the full-width model before consolidation. */
  fullLatencyMsPerSecond: number;
  wallSeconds: number;
  finishedAt: number;
  /** True if the user stopped it before `config.steps`. */
  stoppedEarly: boolean;
  /** The fastest and slowest timing round of each latency (absent in runs stored before they were kept). */
  latencyRangeMsPerSecond?: [number, number];
  fullLatencyRangeMsPerSecond?: [number, number];
  /** Set when the run diverged: it stopped there and was summarised from its last good weights. */
  diverged?: { step: number; reason: string } | null;
  /** The FLOP/s budget from step 0 and at each step it changed (null: steered by α). */
  budgetHistory?: BudgetChange[];
}

/** From `step` on, the run was steered to this FLOP/s budget (null: by α alone). */
export interface BudgetChange {
  step: number;
  flopsPerSecond: number | null;
}

export type RunState = 'idle' | 'loading' | 'running' | 'paused';

export type ToWorker =
  | {
      type: 'init';
      /** Backends to try, in order; omitted = webgpu, webgl, wasm, cpu. */
      backends?: BackendName[];
    }
  | { type: 'start'; runId: string; config: RunConfig }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'setAlpha'; alpha: number }
  | { type: 'setBudget'; flopsPerSecond: number | null }
  /** Run src/backendCheck.ts for the family on each backend (between runs) and report the results. */
  | { type: 'checkBackends'; modelId: ModelId; backends: BackendName[] }
  /** Run a trade-off sweep (src/train/sweepPlan.ts), skipping the runs in `done` (a resumed sweep). */
  | { type: 'startSweep'; sweepId: string; spec: SweepSpec; done: SweepResult[] }
  /** Stop the sweep and its current run; finished runs stay. */
  | { type: 'cancelSweep' };

export type FromWorker =
  | {
      type: 'ready';
      backend: BackendName;
      /** Why this backend: why earlier ones were not used, or what the measurement found; '' when WebGPU was simply first. */
      reason: string;
      /** Each candidate's measured training speed, when the backend was chosen by measurement. */
      measurements?: BackendMeasurement[];
    }
  /** Each model's full-width FLOP/s, counted once after 'ready' (the page's axes and budget default). */
  | { type: 'fullFlops'; flopsPerSecond: Record<ModelId, number> }
  | { type: 'state'; state: RunState; runId: string | null; detail?: string }
  | { type: 'progress'; event: ProgressEvent }
  | { type: 'runFinished'; summary: RunSummary }
  /** Answer to 'checkBackends'. */
  | { type: 'backendCheck'; modelId: ModelId; results: BackendCheckResult[] }
  /** A sweep started, made a run or ended. */
  | { type: 'sweep'; status: SweepStatus }
  | { type: 'error'; message: string };

/** Upper bound on progress messages per second from the worker. */
export const MAX_PROGRESS_HZ = 10;

export function isFromWorker(value: unknown): value is FromWorker {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
