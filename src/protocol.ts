/**
 * Messages between the UI thread and the trainer worker.
 * One discriminated union each way; payloads are plain numbers, strings and
 * arrays of them, so they structured-clone cheaply and never carry tensors.
 */

export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export function isBackendName(value: string): value is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(value);
}

/** How the widths are trained in a run: learned (DCL) or one of the baselines. */
export type WidthMethod = 'dcl' | 'uniform' | 'straightThrough';

export interface RunConfig {
  /** Model registry id, e.g. 'crnn-vad' or 'transformer-vad'. */
  modelId: string;
  method: WidthMethod;
  /** Complexity weight α in L = L_task + α · C(K) / C(K_max). */
  alpha: number;
  steps: number;
  batchSize: number;
  learningRate: number;
  /** Separate learning rate for the width parameters κ = K / N. */
  kappaLearningRate: number;
  kappaMin: number;
  /** Fixed width fraction for the 'uniform' baseline; ignored otherwise. */
  uniformWidth: number;
  seed: number;
}

/** Validation metrics; NaN where not measured yet. */
export interface ValMetrics {
  /** Equal error rate, fraction in [0, 1]. */
  eer: number;
  auc: number;
  /** Per-SNR EER, parallel arrays (snrDb[i] ↔ eerBySnr[i]). */
  snrDb: number[];
  eerBySnr: number[];
}

/** One point of live training state, sent at most 10 times a second. */
export interface ProgressEvent {
  runId: string;
  step: number;
  totalSteps: number;
  loss: number;
  taskLoss: number;
  /** C(K) / C(K_max), in [0, 1]. */
  complexity: number;
  /** C(K): FLOP/s of the model at its current (continuous) widths. */
  flopsPerSecond: number;
  /** Current learnable width K of each DCL, in units. */
  widths: number[];
  /** Full width N of each DCL, parallel to `widths`. */
  maxWidths: number[];
  layerNames: string[];
  /** Present when this step ran a validation pass. */
  valMetrics: ValMetrics | null;
  stepsPerSecond: number;
  /** tf.memory().numTensors in the worker. */
  numTensors: number;
  /** tf.memory().numBytes in the worker. */
  memoryBytes: number;
  alpha: number;
}

export interface RunSummary {
  runId: string;
  config: RunConfig;
  steps: number;
  /** Final widths K per DCL and their full widths N. */
  widths: number[];
  maxWidths: number[];
  layerNames: string[];
  flopsPerSecond: number;
  params: number;
  valMetrics: ValMetrics;
  wallSeconds: number;
  /** True if the user stopped it before `config.steps`. */
  stoppedEarly: boolean;
}

export type RunState = 'idle' | 'running' | 'paused' | 'stopping';

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
  | { type: 'setAlpha'; alpha: number };

export type FromWorker =
  | {
      type: 'ready';
      backend: BackendName;
      /** Why WebGPU was not used; '' when it was. */
      reason: string;
    }
  | { type: 'state'; state: RunState; runId: string | null }
  | { type: 'progress'; event: ProgressEvent }
  | { type: 'runFinished'; summary: RunSummary }
  | { type: 'error'; message: string };

/** Upper bound on progress messages per second from the worker. */
export const MAX_PROGRESS_HZ = 10;

export function isFromWorker(value: unknown): value is FromWorker {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}
