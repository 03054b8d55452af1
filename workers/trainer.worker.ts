/// <reference lib="webworker" />
/**
 * Trainer worker: owns every tensor. It picks the tfjs backend, then runs one
 * training session at a time, streaming plain-number progress to the page and
 * taking live controls (pause, α, FLOP/s budget) between steps.
 */
import * as tf from '@tensorflow/tfjs';
import { chooseBackend, describeWebgpuAdapter, trySetBackend } from '../src/backend';
import { chooseBackendByMeasurement, type MeasuredChoice } from '../src/backendMeasure';
import { backendCheck } from '../src/backendCheck';
import type { BackendCheckResult, Evaluation, ModelId } from '../src/protocol';
import { BACKEND_NAMES, type BackendName, type FromWorker, type RunConfig, type RunSummary, type ToWorker } from '../src/protocol';
import { RunControl, trainSession } from '../src/train/session';
import type { SavedWeights } from '../src/dcl/weights';
import type { Corpus, LoadProgress } from '../src/data/corpus';
import { fetchCorpus } from '../src/data/fetchCorpus';
import { BatchClient, workerEndpoint, type FromBatchWorker, type ToBatchWorker } from '../src/data/batchServer';
import { pretrainedWeightsPath } from '../src/models/catalog';
import { fullFlopsOfModels } from '../src/models/registry';
import { createTask, PAGE_HELD_OUT, type TaskSources } from '../src/train/tasks';
import { atWidthsOptions } from '../src/train/vadTask';
import { runSweep, SweepControl } from '../src/train/sweepRunner';
import type { Network } from '../src/dcl/network';
import { MODEL_CATALOG } from '../src/models/catalog';
import { exportModel, type ExportedModel } from '../src/runtime/exportModel';
import { applyKeptWeights, keepWeights, keptAttentionContext, startingWeightsProblem, type KeptWeights } from '../src/train/keptWeights';
import { withCalibration } from '../src/train/calibration';

declare const self: DedicatedWorkerGlobalScope;

// Held for this worker's whole life: the page is granted the same lock once the worker has died
// (crash, killed for memory, close()), and restarts it (app/worker.ts).
if (self.name !== '' && navigator.locks !== undefined) void navigator.locks.request(self.name, () => new Promise<never>(() => {}));

function post(message: FromWorker): void {
  self.postMessage(message);
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

/** Resolved URL of the directory the tfjs-wasm binaries are served from (same origin). */
function wasmDirectory(): string {
  return new URL(`${import.meta.env.BASE_URL}tfjs-wasm/`, self.location.origin).href;
}

/** The app's base URL, where the bundled corpus and other assets are served. */
export function appBaseUrl(): string {
  return new URL(import.meta.env.BASE_URL, self.location.origin).href;
}

/**
 * Decoding the corpus takes seconds on a slow machine: the page shows how far it is. This
 * worker decodes the held-out splits while the training-scene worker decodes the training split.
 */
const corpusProgress = { heldOut: { files: 0, totalFiles: 0 }, training: { files: 0, totalFiles: 0 } };
function reportCorpusProgress(part: keyof typeof corpusProgress, { files, totalFiles }: LoadProgress): void {
  corpusProgress[part] = { files, totalFiles };
  const done = corpusProgress.heldOut.files + corpusProgress.training.files;
  const total = corpusProgress.heldOut.totalFiles + corpusProgress.training.totalFiles;
  if (active !== null && (files % 50 === 0 || files === totalFiles || part === 'training')) {
    post({ type: 'state', state: 'loading', runId: active.runId, detail: `loading the speech/noise corpus: ${done} of ${total} files` });
  }
}

/**
 * The training split lives in a worker of its own (workers/batch.worker.ts), which makes each
 * run's training batches while this one trains on the previous ones. Started with the first
 * VAD run; if it crashes, the run fails with the reason and the next run starts a new one.
 */
let trainingScenes: BatchClient | null = null;
function trainingSceneWorker(): BatchClient {
  if (trainingScenes === null) {
    const worker = new Worker(new URL('./batch.worker.ts', import.meta.url), { type: 'module', name: 'training scenes' });
    const client = new BatchClient(
      workerEndpoint<FromBatchWorker, ToBatchWorker>(worker),
      (progress) => reportCorpusProgress('training', progress),
    );
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      client.fail(`the training-scene worker stopped (${event.message || 'it crashed, perhaps out of memory'})`);
      if (trainingScenes === client) trainingScenes = null;
      worker.terminate();
    });
    trainingScenes = client;
  }
  return trainingScenes;
}

/** The held-out splits are fetched once per worker (from the app's own origin) and kept; the training split is the scene worker's. */
let corpus: Promise<Corpus> | null = null;
const browserSources: TaskSources = {
  loadCorpus() {
    corpus ??= Promise.all([
      fetchCorpus(appBaseUrl(), { splits: ['validation', 'test'], onProgress: (p) => reportCorpusProgress('heldOut', p) }),
      trainingSceneWorker().load(),
    ])
      .then(([heldOut]) => heldOut)
      .catch((error: unknown) => {
        corpus = null;
        throw error;
      });
    return corpus;
  },
  trainingBatches: (spec) => trainingSceneWorker().open(spec),
  async loadPretrained(modelId) {
    const url = new URL(pretrainedWeightsPath(modelId), appBaseUrl()).href;
    const response = await fetch(url);
    if (!response.ok) throw new Error(`pretrained weights ${url}: HTTP ${response.status}`);
    return (await response.json()) as SavedWeights;
  },
};

/**
 * Lets queued messages (pause, α, stop) run between training steps. A
 * MessageChannel round trip is a macrotask without setTimeout's 4 ms clamp.
 */
const hostChannel = new MessageChannel();
const hostWaiters: (() => void)[] = [];
hostChannel.port1.onmessage = () => hostWaiters.shift()?.();
function yieldToHost(): Promise<void> {
  return new Promise((resolve) => {
    hostWaiters.push(resolve);
    hostChannel.port2.postMessage(null);
  });
}

let initialised: Promise<BackendName> | null = null;
/** The backends this worker may use, in order of preference. */
let backendOrder: readonly BackendName[] = BACKEND_NAMES;
/** Why faster backends are not in use, shown in the status bar. */
let backendReason = '';

/** True when the page named the backends (?backend=…): then each named one is timed. */
let backendsByHand = false;

async function initialise(order: BackendName[] | undefined): Promise<BackendName> {
  backendOrder = order ?? BACKEND_NAMES;
  backendsByHand = order !== undefined;
  const { backend, reason } = await chooseBackend({ wasmPath: wasmDirectory(), order: backendOrder });
  backendReason = reason;
  post({ type: 'ready', backend, reason });
  try {
    post({ type: 'fullFlops', flopsPerSecond: fullFlopsOfModels() });
  } catch (error) {
    // Not fatal: training works without it; the page shows the full width as not counted.
    post({ type: 'error', message: `Could not count the models' full-width FLOP/s at startup: ${firstLine(error)}` });
  }
  return backend;
}

/** Measured choices per model family and batch size: a change of either is measured anew. */
const measuredChoices = new Map<string, MeasuredChoice>();

/**
 * The backend a run trains on: with more than one candidate (no ?backend= override naming a
 * single one), the fastest for the run's family and batch size, timed over a few real
 * training steps on each (src/backendMeasure.ts). A software WebGPU adapter is not timed
 * unless the page named it (?backend=webgpu,…): one of its steps can take longer than all
 * the other backends' timing together.
 */
async function measuredBackend(config: RunConfig, runId: string, current: BackendName): Promise<BackendName> {
  if (backendOrder.length < 2) return current;
  const key = `${config.modelId}/${config.batchSize}`;
  let choice = measuredChoices.get(key);
  if (choice === undefined) {
    post({ type: 'state', state: 'loading', runId, detail: 'timing training steps on each backend…' });
    const skip = new Map<BackendName, string>();
    const adapter = backendOrder.includes('webgpu') && !backendsByHand ? await describeWebgpuAdapter() : null;
    if (adapter?.software === true) skip.set('webgpu', `software adapter (${adapter.description}), not timed: choose it by hand to compare`);
    choice = await chooseBackendByMeasurement(config, backendOrder, {
      switchTo: (name) => trySetBackend(name, { wasmPath: wasmDirectory() }),
      createTask: (c) => createTask(c, browserSources),
      now: () => performance.now(),
    }, skip);
    measuredChoices.set(key, choice);
  } else if (tf.getBackend() !== choice.backend) {
    const failure = await trySetBackend(choice.backend, { wasmPath: wasmDirectory() });
    if (failure !== '') throw new Error(`switching to the measured backend ${choice.backend} failed: ${failure}`);
  }
  backendReason = choice.reason;
  post({ type: 'ready', backend: choice.backend, reason: choice.reason, measurements: choice.measurements });
  return choice.backend;
}

/**
 * The same training computation on each requested backend (src/backendCheck.ts), then back to
 * the backend in use. Refused during a run: switching backends under it would move its tensors.
 */
async function checkBackends(modelId: ModelId, backends: BackendName[]): Promise<void> {
  if (active !== null) {
    post({ type: 'error', message: 'Stop the run before checking the backends.' });
    return;
  }
  await (initialised ??= initialise(undefined));
  // The backend in use now (a measured choice may have moved it since startup).
  const current = tf.getBackend() as BackendName;
  const results: BackendCheckResult[] = [];
  for (const backend of backends) {
    const failure = await trySetBackend(backend, { wasmPath: wasmDirectory() });
    const failed = (error: string) => ({ backend, loss: NaN, complexityTerm: NaN, flopsPerSecond: NaN, fullFlopsPerSecond: NaN, kappaGradients: [], error });
    if (failure !== '') {
      results.push(failed(failure));
      continue;
    }
    try {
      results.push({ backend, ...(await backendCheck(modelId)) });
    } catch (error) {
      results.push(failed(firstLine(error)));
    }
  }
  const back = await trySetBackend(current, { wasmPath: wasmDirectory() });
  if (back !== '') post({ type: 'error', message: `Could not switch back to ${current} after the backend check: ${back}` });
  post({ type: 'backendCheck', modelId, results });
}

/**
 * A run failed on `failed`: moves on to the next backend in the order (never a silent
 * failure: the status bar shows the switch and why). Null when none is left.
 */
async function fallBackFrom(failed: BackendName, why: string): Promise<BackendName | null> {
  const rest = backendOrder.slice(backendOrder.indexOf(failed) + 1);
  if (rest.length === 0) return null;
  const { backend, reason } = await chooseBackend({ wasmPath: wasmDirectory(), order: rest });
  backendOrder = rest;
  // chooseBackend's note that webgpu was not requested would hide that it failed.
  const skipped = reason.split('; ').filter((part) => part !== '' && !part.startsWith('webgpu not among'));
  backendReason = [backendReason, `${failed} failed during training (${why}), run restarted on ${backend}`, ...skipped].filter((r) => r !== '').join('; ');
  post({ type: 'ready', backend, reason: backendReason });
  return backend;
}

interface ActiveRun {
  runId: string;
  control: RunControl;
  config: RunConfig;
  stepsDone: number;
  /** The run's last validation pass and its step: a paused run's model is calibrated on it. */
  lastEvaluation?: { evaluation: Evaluation; step: number };
  /** The run's network while its task lives (the listening page consolidates a paused run from it). */
  network?: Network;
}

let active: ActiveRun | null = null;
/** The last finished VAD run's consolidated model, kept as plain data for the listening page. */
let lastRunModel: { runId: string; model: ExportedModel } | null = null;

function exportRunModel(runId: string, config: RunConfig, network: Network, steps: number, calibration: Record<string, unknown> = {}): Promise<ExportedModel> {
  const method = config.trainedAtWidthsOf === undefined ? config.method : `trained at the widths of ${config.trainedAtWidthsOf.runId},`;
  return exportModel(network, { name: `${config.modelId} ${method} ${runId}`, trainingSetup: { runId, steps, config, ...calibration } });
}

/**
 * 'exportModel': the paused run's consolidated model now, else the last finished one's. A
 * paused run's model leaves calibrated on its last validation pass, as a finished run's is on
 * its final one, so that 0.5 means the same in Listen and in the export.
 */
async function postRunModel(): Promise<void> {
  if (active?.network !== undefined && active.control.isPaused) {
    const { runId, network, config, stepsDone, lastEvaluation } = active;
    const uncalibrated = lastEvaluation === undefined ? 'none: no validation pass of this run to calibrate on yet' : `none: the validation pass at step ${lastEvaluation.step} has no threshold to move`;
    // Held: a resume while the bias is shifted would train one step on the calibrated bias.
    const model = await active.control.hold(() =>
      withCalibration(network, lastEvaluation?.evaluation ?? null, (shift) =>
        exportRunModel(runId, config, network, stepsDone, shift === undefined ? { calibration: uncalibrated } : { calibrationShift: shift, calibratedOnValidationAtStep: lastEvaluation!.step }),
      ),
    );
    post({ type: 'runModel', runId, paused: true, model });
  } else if (lastRunModel !== null) {
    post({ type: 'runModel', runId: lastRunModel.runId, paused: false, model: lastRunModel.model });
  } else {
    post({ type: 'noRunModel', reason: 'No paused VAD run, and no VAD run has finished since the page was opened: train a CRNN or transformer VAD first (or pause one).' });
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).split('\n')[0]!;
}

/** Where a run starts other than from its setup: a finished run's kept weights, or its consolidated model to train on at its widths. */
interface RunStart {
  weights?: KeptWeights;
  model?: ExportedModel;
}

async function trainOnce(runId: string, config: RunConfig, control: RunControl, backend: BackendName, { weights: startWeights, model: startModel }: RunStart): Promise<RunSummary | null> {
  let summary: RunSummary | null = null;
  // A continued run's kept weights replace any others: the bundled ones are not fetched for it.
  const task = await createTask(
    startWeights === undefined ? config : { ...config, init: 'scratch' },
    browserSources,
    startModel !== undefined
      ? { ...PAGE_HELD_OUT, ...atWidthsOptions(startModel, config.seed) }
      : startWeights === undefined
        ? PAGE_HELD_OUT
        : { ...PAGE_HELD_OUT, attentionContext: keptAttentionContext(startWeights) },
  );
  try {
    if (startWeights !== undefined) applyKeptWeights(task.network, startWeights, `the kept weights of run ${config.continuedFrom}`);
  } catch (error) {
    task.dispose();
    throw error;
  }
  const isVad = MODEL_CATALOG[config.modelId].output === 'speechProbability';
  if (active !== null && isVad) active.network = task.network;
  try {
    post({ type: 'state', state: 'running', runId });
    const onStatus = ({ state, detail }: { state: 'running' | 'paused'; detail: string }) => post({ type: 'state', state, runId, detail });
    for await (const event of trainSession({ runId, config, task, control, backend, yieldToHost, evaluateAtStart: true, onStatus })) {
      if (event.type === 'progress') {
        if (active !== null) {
          active.stepsDone = event.event.step;
          if (event.event.evaluation !== null) active.lastEvaluation = { evaluation: event.event.evaluation, step: event.event.step };
        }
        post({ type: 'progress', event: event.event });
      } else if (event.type === 'paused') post({ type: 'state', state: 'paused', runId });
      else {
        summary = event.summary;
        post({ type: 'runFinished', summary: event.summary });
        const model = isVad ? await exportRunModel(runId, config, task.network, event.summary.steps) : null;
        if (model !== null) lastRunModel = { runId, model };
        // A diverged run's network holds its last good weights again (the session restored them).
        post({ type: 'runWeights', runId, weights: await keepWeights(task.network), model });
      }
    }
  } finally {
    if (active !== null) delete active.network;
    task.dispose();
  }
  return summary;
}

/** Trains one run; its summary, or null when it failed (reported) or could not start. */
async function runTraining(runId: string, config: RunConfig, start: RunStart = {}): Promise<RunSummary | null> {
  if (active !== null) {
    post({ type: 'error', message: `A run (${active.runId}) is already in progress; stop it first.` });
    return null;
  }
  const weightsProblem = startingWeightsProblem(config, start.weights, start.model);
  if (weightsProblem !== null) {
    post({ type: 'error', message: `Run ${runId} not started: ${weightsProblem}.` });
    post({ type: 'state', state: 'idle', runId: null });
    return null;
  }
  const control = new RunControl(config);
  control.onResumed = () => post({ type: 'state', state: 'running', runId });
  active = { runId, control, config, stepsDone: 0 };
  post({ type: 'state', state: 'loading', runId });
  try {
    let backend = await (initialised ??= initialise(undefined));
    backend = await measuredBackend(config, runId, backend);
    for (;;) {
      try {
        return await trainOnce(runId, config, control, backend, start);
      } catch (error) {
        // A failure on a GPU backend restarts the run on the next backend; elsewhere it is reported.
        const next = backend === 'webgpu' || backend === 'webgl' ? await fallBackFrom(backend, firstLine(error)) : null;
        if (next === null) throw error;
        backend = next;
        initialised = Promise.resolve(next);
        post({ type: 'state', state: 'running', runId, detail: `restarted on ${next}` });
      }
    }
  } catch (error) {
    post({ type: 'error', message: `Run ${runId} failed: ${errorMessage(error)}` });
  } finally {
    active = null;
    post({ type: 'state', state: 'idle', runId: null, detail: `tensors left: ${tf.memory().numTensors}` });
  }
  return null;
}

/** The sweep in progress ("Draw the curve"): one at a time, its runs one after another. */
let sweep: SweepControl | null = null;

async function startSweep(message: Extract<ToWorker, { type: 'startSweep' }>): Promise<void> {
  if (sweep !== null || active !== null) {
    post({ type: 'error', message: 'A run or sweep is already in progress; stop it before drawing the curve.' });
    return;
  }
  const control = new SweepControl();
  sweep = control;
  const runOne = async (runId: string, config: RunConfig): Promise<RunSummary> => {
    const summary = await runTraining(runId, config);
    if (summary === null) throw new Error('the run failed (its error is shown above)');
    return summary;
  };
  try {
    await runSweep(message.sweepId, message.spec, message.done, { runOne, report: (status) => post({ type: 'sweep', status }) }, control);
  } finally {
    sweep = null;
  }
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init':
      initialised ??= initialise(message.backends);
      await initialised;
      return;
    case 'start':
      if (sweep !== null) post({ type: 'error', message: 'A sweep is drawing the curve: cancel it before starting a run.' });
      else await runTraining(message.runId, message.config, { weights: message.startWeights, model: message.startModel });
      return;
    case 'startSweep':
      await startSweep(message);
      return;
    case 'cancelSweep':
      if (sweep !== null) sweep.cancelled = true;
      active?.control.stop();
      return;
    case 'pause':
      active?.control.pause();
      return;
    case 'resume':
      if (active !== null && active.control.isPaused && !active.control.resume()) {
        post({ type: 'state', state: 'paused', runId: active.runId, detail: 'resumes once its model has been exported' });
      }
      return;
    case 'stop':
      // Stop during a sweep stops the sweep too (its finished runs stay).
      if (sweep !== null) sweep.cancelled = true;
      active?.control.stop();
      return;
    case 'setAlpha':
      if (active !== null) active.control.alpha = message.alpha;
      return;
    case 'setBudget':
      if (active !== null) active.control.budgetFlopsPerSecond = message.flopsPerSecond;
      return;
    case 'checkBackends':
      await checkBackends(message.modelId, message.backends);
      return;
    case 'exportModel':
      await postRunModel();
      return;
    default: {
      const unknown: never = message;
      post({ type: 'error', message: `Unknown message: ${JSON.stringify(unknown)}` });
    }
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  handle(event.data).catch((error: unknown) => {
    post({ type: 'error', message: errorMessage(error) });
  });
};

self.addEventListener('error', (event: ErrorEvent) => {
  // Handled here, so it does not also reach the page's worker.onerror, which
  // means the worker could not load at all. Still logged for the console.
  event.preventDefault();
  const message = `Uncaught error in trainer worker: ${event.error !== undefined ? errorMessage(event.error) : event.message}`;
  console.error(message);
  post({ type: 'error', message });
});

self.addEventListener('unhandledrejection', (event: PromiseRejectionEvent) => {
  post({ type: 'error', message: `Unhandled rejection in trainer worker: ${errorMessage(event.reason)}` });
});
