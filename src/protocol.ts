/**
 * Messages between the UI thread and the trainer worker.
 * One discriminated union each way; payloads are plain numbers, strings and
 * arrays of them, so they structured-clone cheaply and never carry tensors.
 */

import type { ExportedModel } from './runtime/exportModel';
import type { BundledSmallModelName } from './models/catalog';
import type { KeptWeights } from './train/keptWeights';
import type { SweepResult, SweepSpec, SweepStatus } from './train/sweepPlan';

export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/**
 * Backends whose kernels run synchronously on the CPU (cpu, wasm): reading a tensor back is a
 * cheap copy, and a small kernel costs more in overhead than in arithmetic.
 */
export function runsOnCpu(backend: string): boolean {
  return backend === 'cpu' || backend === 'wasm';
}

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
   * Distillation weight β (VAD models started from the bundled full-width weights): each
   * frame's target is (1 − β)·label + β·the full-width model's speech probability, so a
   * shrinking model also learns what the full one hears. 0 or absent: labels alone.
   */
  distillation?: number;
  /**
   * The VAD family whose bundled full-width model teaches a distilled run (absent: the run's own,
   * which the run then starts from). Another family's teacher also teaches a run from scratch.
   */
  distillationTeacher?: ModelId;
  /**
   * Straight-through baseline of a sweep: a penalty band on C(K)/C(K_max) instead of α
   * (matched to the FLOP/s a DCL run reached). Absent for runs started from the controls.
   */
  budgetInterval?: BudgetInterval;
  /**
   * The run whose kept weights (and widths) this run started from ("Continue training" in its
   * details). Never in the URL or the controls: the weights travel in the 'start' message.
   */
  continuedFrom?: string;
  /**
   * The run whose consolidated model this run trains on at its fixed widths ("Train on at these
   * widths" in its details): method 'uniform' at fraction 1 of that smaller model, init 'scratch',
   * α 0. `learnedBy`: the method that chose those widths (the finished run's, or its own source's),
   * so the run is plotted with that method's models. Never in the URL or the controls: the model
   * travels in the 'start' message.
   */
  trainedAtWidthsOf?: { runId: string; learnedBy: WidthMethod };
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
  /** Validation accuracy of the final model (of the model at evaluationStep when that is set). */
  evaluation: Evaluation;
  /** Set when Stop ended the run: the step of the last completed validation pass, which stands in for the final model's. */
  evaluationStep?: number;
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
  /**
   * The logit shift folded into a VAD's output bias when its run ended, so that 0.5 is the
   * pooled best-F1 threshold of its validation pass (src/train/calibration.ts); the kept
   * weights and the exported model carry it. Absent: not calibrated (synthetic runs).
   */
  calibrationShift?: number;
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
  /**
   * `startWeights`: a continued run's kept weights (with config.continuedFrom naming their run);
   * `startModel`: the consolidated model a run trains on at its widths (config.trainedAtWidthsOf).
   */
  | { type: 'start'; runId: string; config: RunConfig; startWeights?: KeptWeights; startModel?: ExportedModel }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'setAlpha'; alpha: number }
  | { type: 'setBudget'; flopsPerSecond: number | null }
  /** Run src/backendCheck.ts for the family on each backend (between runs) and report the results. */
  | { type: 'checkBackends'; modelId: ModelId; backends: BackendName[] }
  /** Hand the page the consolidated model of the paused run, or else of the last finished VAD run. */
  | { type: 'exportModel' }
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
  /**
   * Right after 'runFinished': the run's training weights and widths (to continue it), and for a
   * VAD its consolidated model (to listen to it), for the page to keep beside the run.
   */
  | { type: 'runWeights'; runId: string; weights: KeptWeights; model: ExportedModel | null }
  /** Answer to 'checkBackends'. */
  | { type: 'backendCheck'; modelId: ModelId; results: BackendCheckResult[] }
  /** Answer to 'exportModel': the run's consolidated model (C1's export format, plain data). */
  | { type: 'runModel'; runId: string; paused: boolean; model: ExportedModel }
  /** Answer to 'exportModel' when there is no VAD run to consolidate. */
  | { type: 'noRunModel'; reason: string }
  /** A sweep started, made a run or ended. */
  | { type: 'sweep'; status: SweepStatus }
  | { type: 'error'; message: string };

/** Upper bound on progress messages per second from the worker. */
export const MAX_PROGRESS_HZ = 10;

export function isFromWorker(value: unknown): value is FromWorker {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/*
 * Listening (app/listen/, workers/listen.worker.ts): the page, the listen worker and the
 * capture worklet. The listen worker is separate from the trainer, so listening is never
 * blocked by training. Audio moves worklet → listen worker over a MessagePort; the page
 * gets frames' levels and probabilities, batched.
 */

/** The lanes of the listening panels: the full-width model, the consolidated one, Silero VAD. */
export const LANE_IDS = ['full', 'consolidated', 'silero'] as const;
export type LaneId = (typeof LANE_IDS)[number];
export type ModelLaneId = Exclude<LaneId, 'silero'>;

/** What a lane runs: shown beside it. */
export interface LaneInfo {
  lane: LaneId;
  name: string;
  /** Units per width name; null for Silero. */
  widths: Record<string, number> | null;
  flopsPerSecond: number | null;
  parameters: number | null;
}

/** A lane's measured speed while streaming: compute time per 10 ms frame and its real-time factor. */
export interface LaneTiming {
  msPerFrame: number;
  /** Compute time / audio time (< 1 keeps up with the microphone). */
  realTimeFactor: number;
}

/** Capture worklet ← page: where to send the microphone's samples, or stop. */
export type ToCapture = { type: 'connect'; port: MessagePort } | { type: 'stop' };

/**
 * Capture worklet → listen worker: mono samples at the AudioContext's rate; the worker
 * resamples them to 16 kHz (src/listen/captureResampler.ts).
 */
export interface CaptureChunk {
  type: 'samples';
  samples: Float32Array;
  /** The AudioContext's sample rate, in Hz. */
  sampleRate: number;
  /** Index of samples[0] in the capture, counted at sampleRate (a gap means audio was lost). */
  firstSample: number;
  /** The AudioContext's time when the chunk was complete, in seconds. */
  capturedAt: number;
}

/** Per-frame latency of one model, streamed on the listen worker's backend, repeated until stable. */
export interface LatencyMeasurement {
  /** Median over rounds of a round's mean time per 10 ms frame. */
  medianMs: number;
  /** Lower and upper quartile of the round means (the spread). */
  lowMs: number;
  highMs: number;
  rounds: number;
}

export interface ModelMeasurement {
  name: string;
  widths: Record<string, number>;
  flopsPerSecond: number;
  parameters: number;
  latency: LatencyMeasurement;
  /** Frame EER and AUC on the trainer's held-out validation scenes, streamed by the runtime's kernels. */
  validation: Evaluation;
}

/** How a bundled small model came into the consolidated lane (null: it is not a bundled one). */
export type BundledOrigin = 'start' | 'asked' | null;

export type ToListener =
  | { type: 'init' }
  | { type: 'setModel'; lane: ModelLaneId; model: ExportedModel }
  /** An exported model's files (a dropped folder's files, or one .zip) for the consolidated lane; `source` names them in errors. */
  | { type: 'importModel'; source: string; files: { name: string; data: Uint8Array }[] }
  /** One of the app's bundled small models (public/models/<family>-small.zip) for the consolidated lane. */
  | { type: 'loadBundled'; name: BundledSmallModelName }
  /** The consolidated lane's model as a zip (model.json, weights.bin, flops.json, setup.json). */
  | { type: 'exportZip' }
  /** `session` numbers the stream, so the page can drop a stopped stream's last batches. */
  | { type: 'micStart'; port: MessagePort; session: number }
  | { type: 'micStop' }
  /** A WAV, FLAC or Ogg Opus file's bytes (decoded in the worker: src/audio/decodeFile.ts) or audio the browser decoded. */
  | { type: 'analyseFile'; fileId: number; name: string; source: { encoded: ArrayBuffer } | { sampleRate: number; channels: Float32Array[] } }
  /** Measure the full and the consolidated lane's models side by side. */
  | { type: 'compare' }
  /** The microphone audio captured so far (16 kHz, the last RECORDING_SECONDS at most). */
  | { type: 'recording' };

/** Seconds of microphone audio the listen worker keeps for "save recording". */
export const RECORDING_SECONDS = 120;

export type FromListener =
  | { type: 'lanes'; lanes: LaneInfo[] }
  | {
      type: 'micFrames';
      session: number;
      /** Absolute frame number (since the stream started) of the first frame here. */
      firstFrame: number;
      /** Peak |sample| per frame hop. */
      level: Float32Array;
      probabilities: Partial<Record<LaneId, Float32Array>>;
      timing: Partial<Record<LaneId, LaneTiming>>;
      /** capturedAt of the newest chunk in this batch (AudioContext seconds). */
      capturedAt: number;
      /** tf.memory().numTensors in the listen worker. */
      numTensors: number;
    }
  | { type: 'micStopped' }
  | { type: 'fileProgress'; fileId: number; fraction: number }
  | {
      type: 'fileResult';
      fileId: number;
      name: string;
      /** Length of the decoded audio. */
      seconds: number;
      level: Float32Array;
      probabilities: Partial<Record<LaneId, Float32Array>>;
      timing: Partial<Record<LaneId, LaneTiming>>;
    }
  | { type: 'comparison'; full: ModelMeasurement; consolidated: ModelMeasurement }
  | { type: 'recording'; wav: ArrayBuffer; seconds: number }
  | { type: 'modelZip'; name: string; zip: Uint8Array }
  /**
   * The consolidated lane's model changed: its description. `bundled`: 'start' for the bundled
   * small model the lane starts with, 'asked' for one the user picked, null for a run or an import.
   */
  | { type: 'consolidatedModel'; name: string; family: string; trainingSetup: Record<string, unknown>; bundled: BundledOrigin }
  /** 'bundled': a bundled small model could not be loaded (the lane keeps what it had, or stays empty until the user gives one). */
  | { type: 'error'; scope: 'mic' | 'file' | 'model' | 'bundled' | 'silero' | 'compare' | 'worker'; message: string };
