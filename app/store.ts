/** UI state: everything the page shows, fed by messages from the trainer worker. Plain numbers only. */
import { create } from 'zustand';
import type { BackendCheckResult, BackendMeasurement, BackendName, FromWorker, ModelId, ProgressEvent, RunConfig, RunState, RunSummary } from '../src/protocol';
import { appendBounded } from './history';
import type { PretrainedAvailability } from './train/pretrained';
import { DEFAULT_SETUP } from './urlState';

export type WorkerStatus = 'starting' | 'ready' | 'crashed';

/** A validation point of the running model: x = FLOP/s at that step, y = metric as plotted. */
export interface TrajectoryPoint {
  x: number;
  y: number;
  step: number;
}

/** κ = K/N of every learnable width at one step, keyed by width name. */
export type WidthRow = { step: number } & Record<string, number>;

export interface LossRow {
  step: number;
  taskLoss: number;
  complexityTerm: number;
}

/** Name and κ_min of each learnable width of the running model: changes only when they do. */
export interface WidthLegendEntry {
  name: string;
  kappaMin: number;
}

export interface TensorSample {
  step: number;
  numTensors: number;
}

export interface AppState {
  workerStatus: WorkerStatus;
  backend: BackendName | null;
  /** Why this backend (why earlier ones were not used, or what was measured); '' when WebGPU was simply first. */
  backendReason: string;
  /** Each backend's measured training speed for the current family, when chosen by measurement. */
  backendMeasurements: BackendMeasurement[] | null;
  /** The worker's note on what a loading run is doing (e.g. timing the backends), '' when none. */
  runDetail: string;
  /** The last backend check (the same computation on each backend), null before one ran. */
  backendCheck: { modelId: ModelId; results: BackendCheckResult[] } | null;
  /** Errors reported by the worker or by its crash, newest last. */
  errors: string[];
  /** The setup in the controls (and the URL); the next Train uses it. */
  setup: RunConfig;
  runState: RunState;
  runId: string | null;
  /** The setup the current (or last) run started with. */
  runConfig: RunConfig | null;
  latest: ProgressEvent | null;
  trajectory: TrajectoryPoint[];
  widthHistory: WidthRow[];
  widthLegend: WidthLegendEntry[];
  lossHistory: LossRow[];
  tensorHistory: TensorSample[];
  finishedRuns: RunSummary[];
  lastSummary: RunSummary | null;
  /**
   * C(K_max) per model: written only by the worker's startup count ('fullFlops' message).
   * Runs do not write it: a uniform baseline's own network is smaller than the family's full width.
   */
  fullFlops: Partial<Record<ModelId, number>>;
  /** Whether each VAD family's full-width weights are served (checked at startup and on choosing it). */
  pretrained: Partial<Record<ModelId, PretrainedAvailability>>;
  /** Form fields whose text is not an allowed value, by field id: the message shown beside each. Train waits for none. */
  fieldErrors: Readonly<Record<string, string>>;
  /** Things the user should know that are not errors (rejected URL parameters, runs kept only in memory), newest last. */
  notices: string[];
  receive(message: FromWorker): void;
  /** Takes progress events into the given parts of the state (all by default). */
  receiveProgress(events: ProgressEvent[], parts?: readonly ProgressPart[]): void;
  reportError(message: string): void;
  reportCrash(message: string): void;
  /** The worker died and a new one is starting: any run in progress is gone, finished runs stay. */
  workerRestarting(message: string): void;
  dismissErrors(): void;
  setSetup(patch: Partial<RunConfig>): void;
  /** A run starts: with the setup in the controls, or the one given (a sweep's run). */
  beginRun(runId: string, config?: RunConfig): void;
  resetCharts(): void;
  setFinishedRuns(runs: RunSummary[]): void;
  /** A run finished: its summary panel ('runFinished' does this and addFinishedRun at once). */
  showSummary(summary: RunSummary): void;
  /** A run finished: its row in the table and its point on the accuracy chart. */
  addFinishedRun(summary: RunSummary): void;
  removeFinishedRun(runId: string): void;
  setPretrained(modelId: ModelId, availability: PretrainedAvailability): void;
  setFieldError(fieldId: string, message: string | null): void;
  addNotice(message: string): void;
  dismissNotices(): void;
}

/**
 * The parts of the state progress events feed. Each chart reads one part, so the
 * host can update them in separate tasks and no single task renders every chart.
 */
export const PROGRESS_PARTS = ['stats', 'trajectory', 'widths', 'losses'] as const;
export type ProgressPart = (typeof PROGRESS_PARTS)[number];

/** The y value plotted for an evaluation: EER in %, MSE as is. */
export function plottedMetric(evaluation: { metric: 'EER' | 'MSE'; value: number }): number {
  return evaluation.metric === 'EER' ? 100 * evaluation.value : evaluation.value;
}

const emptyCharts = { latest: null, trajectory: [], widthHistory: [], widthLegend: [], lossHistory: [], tensorHistory: [] };

function sameLegend(legend: readonly WidthLegendEntry[], widths: readonly { name: string; kappaMin: number }[]): boolean {
  return legend.length === widths.length && legend.every((entry, i) => entry.name === widths[i]!.name && entry.kappaMin === widths[i]!.kappaMin);
}

export const useAppStore = create<AppState>()((set, get) => ({
  workerStatus: 'starting',
  backend: null,
  backendReason: '',
  backendMeasurements: null,
  runDetail: '',
  backendCheck: null,
  errors: [],
  setup: DEFAULT_SETUP,
  runState: 'idle',
  runId: null,
  runConfig: null,
  ...emptyCharts,
  finishedRuns: [],
  lastSummary: null,
  fullFlops: {},
  pretrained: {},
  fieldErrors: {},
  notices: [],
  receive(message) {
    switch (message.type) {
      case 'ready':
        set({ workerStatus: 'ready', backend: message.backend, backendReason: message.reason, backendMeasurements: message.measurements ?? null });
        return;
      case 'backendCheck':
        set({ backendCheck: { modelId: message.modelId, results: message.results } });
        return;
      case 'fullFlops':
        set((state) => ({ fullFlops: { ...state.fullFlops, ...message.flopsPerSecond } }));
        return;
      case 'error':
        get().reportError(message.message);
        return;
      case 'state':
        if (message.state === 'idle') set({ runState: 'idle', runDetail: '' });
        else if (message.runId === get().runId) set({ runState: message.state, runDetail: message.detail ?? '' });
        return;
      case 'progress':
        get().receiveProgress([message.event]);
        return;
      case 'runFinished':
        get().showSummary(message.summary);
        get().addFinishedRun(message.summary);
        return;
    }
  },
  receiveProgress(events, parts = PROGRESS_PARTS) {
    const state = get();
    const mine = events.filter((event) => event.runId === state.runId);
    const latest = mine.at(-1);
    if (latest === undefined || state.runConfig === null) return;
    const patch: Partial<AppState> = {};
    if (parts.includes('stats')) {
      patch.latest = latest;
      patch.tensorHistory = appendBounded(
        state.tensorHistory,
        mine.map((event) => ({ step: event.step, numTensors: event.numTensors })),
      );
    }
    if (parts.includes('trajectory')) {
      patch.trajectory = appendBounded(
        state.trajectory,
        mine.flatMap((event) =>
          event.evaluation === null ? [] : [{ x: event.flopsPerSecond, y: plottedMetric(event.evaluation), step: event.step }],
        ),
      );
    }
    if (parts.includes('widths')) {
      patch.widthHistory = appendBounded(
        state.widthHistory,
        mine.map((event) => Object.fromEntries([['step', event.step], ...event.widths.map((w) => [w.name, w.units / w.full])]) as WidthRow),
      );
      // A new array only when the names or κ_min change, so the chart does not re-render for it.
      if (!sameLegend(state.widthLegend, latest.widths)) {
        patch.widthLegend = latest.widths.map((w) => ({ name: w.name, kappaMin: w.kappaMin }));
      }
    }
    if (parts.includes('losses')) {
      patch.lossHistory = appendBounded(
        state.lossHistory,
        // The step-0 point (the model scored before training) has no loss yet.
        mine.filter((event) => event.step > 0).map((event) => ({ step: event.step, taskLoss: event.taskLoss, complexityTerm: event.complexityTerm })),
      );
    }
    set(patch);
  },
  reportError(message) {
    set((state) => ({ errors: [...state.errors, message] }));
  },
  reportCrash(message) {
    set((state) => ({ workerStatus: 'crashed', errors: [...state.errors, message] }));
  },
  workerRestarting(message) {
    set((state) => ({ workerStatus: 'starting', backend: null, runState: 'idle', errors: [...state.errors, message] }));
  },
  dismissErrors() {
    set({ errors: [] });
  },
  setSetup(patch) {
    set((state) => ({ setup: { ...state.setup, ...patch } }));
  },
  beginRun(runId, config) {
    set((state) => ({ runId, runState: 'loading', runConfig: config ?? state.setup, ...emptyCharts }));
  },
  resetCharts() {
    set(emptyCharts);
  },
  setFinishedRuns(runs) {
    set({ finishedRuns: runs, lastSummary: runs.at(-1) ?? null });
  },
  showSummary(summary) {
    set({ lastSummary: summary });
  },
  addFinishedRun(summary) {
    set((state) => ({ finishedRuns: [...state.finishedRuns.filter((run) => run.runId !== summary.runId), summary] }));
  },
  removeFinishedRun(runId) {
    set((state) => ({
      finishedRuns: state.finishedRuns.filter((run) => run.runId !== runId),
      lastSummary: state.lastSummary?.runId === runId ? null : state.lastSummary,
    }));
  },
  setPretrained(modelId, availability) {
    set((state) => ({ pretrained: { ...state.pretrained, [modelId]: availability } }));
  },
  setFieldError(fieldId, message) {
    const current = get().fieldErrors;
    if ((current[fieldId] ?? null) === message) return;
    const next = { ...current };
    if (message === null) delete next[fieldId];
    else next[fieldId] = message;
    set({ fieldErrors: next });
  },
  addNotice(message) {
    set((state) => ({ notices: [...state.notices, message] }));
  },
  dismissNotices() {
    set({ notices: [] });
  },
}));
