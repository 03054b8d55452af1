/**
 * State of the listening panels (consolidate, microphone, file), fed by the listen worker.
 * Kept apart from the trainer's store: listening has its own worker and its own life.
 * The microphone's frames live in a FrameHistory outside the state (a ring of typed
 * arrays); the state only counts its updates, so a batch costs one small re-render.
 */
import { create } from 'zustand';
import type { FromListener, LaneId, LaneInfo, LaneTiming, ModelMeasurement } from '../../src/protocol';
import { FrameHistory } from './frameHistory';

/** Seconds of microphone frames the page keeps (the chart shows the last VIEW_SECONDS). */
export const MIC_HISTORY_SECONDS = 120;
export const MIC_VIEW_SECONDS = 10;
export const FRAMES_PER_SECOND = 100;

/** Defaults: 0.5 is the midpoint of a calibrated probability; 200 ms of hang-over bridges the gaps between words. */
export const DEFAULT_THRESHOLD = 0.5;
export const DEFAULT_HANGOVER_SECONDS = 0.2;

export type MicStatus = 'off' | 'starting' | 'on';

/** modelSource of a bundled small model (public/models/<family>-small.zip): the one the consolidated lane starts with, or one the user picked. */
export const BUNDLED_SOURCE = 'bundled';

export interface FileAnalysis {
  fileId: number;
  name: string;
  seconds: number;
  level: Float32Array;
  probabilities: Partial<Record<LaneId, Float32Array>>;
  timing: Partial<Record<LaneId, LaneTiming>>;
  /** Object URL of the file for playback (the browser's <audio> decodes it). */
  url: string;
}

export interface ListenState {
  lanes: LaneInfo[];
  threshold: number;
  hangoverSeconds: number;
  /** The consolidated lane's model, as the listen worker loaded it. */
  model: { name: string; family: string; trainingSetup: Record<string, unknown> } | null;
  /** Where it came from ("bundled", "run …, paused", "imported from …"); '' before any model. */
  modelSource: string;
  /** The bundled small model could not be fetched or read (the consolidated lane stays empty). */
  bundledError: string | null;
  comparison: { full: ModelMeasurement; consolidated: ModelMeasurement } | null;
  comparing: boolean;
  consolidating: boolean;
  consolidateError: string | null;
  importError: string | null;
  /** The Silero lane or the worker itself failed (the other lanes keep working). */
  listenError: string | null;
  micStatus: MicStatus;
  micError: string | null;
  devices: { deviceId: string; label: string }[];
  deviceId: string;
  /** Bumped on every batch of microphone frames (the frames are in `micHistory`). */
  micVersion: number;
  micTiming: Partial<Record<LaneId, LaneTiming>>;
  /** Capture → probabilities on the page, in ms (AudioContext clock). */
  micLatencyMs: number | null;
  /** Listen worker tensor counts while streaming (first and latest), to see that they stay flat. */
  micTensors: { first: number; latest: number; max: number } | null;
  fileStatus: 'idle' | 'decoding' | 'analysing' | 'done';
  fileProgress: number;
  fileError: string | null;
  file: FileAnalysis | null;
  receive(message: FromListener): void;
  set(patch: Partial<ListenState>): void;
}

export const micHistory = { current: new FrameHistory(MIC_HISTORY_SECONDS * FRAMES_PER_SECOND) };

/** The running stream's number: batches of an earlier one are dropped. */
export const micSession = { current: 0 };

/** A new stream starts at frame 0; returns its number. */
export function newMicSession(): number {
  micHistory.current = new FrameHistory(MIC_HISTORY_SECONDS * FRAMES_PER_SECOND);
  return ++micSession.current;
}

/** The running microphone's AudioContext clock (seconds), to turn a batch's capture time into a latency. */
export const micClock: { now: (() => number) | null } = { now: null };

export const useListenStore = create<ListenState>()((set, get) => ({
  lanes: [],
  threshold: DEFAULT_THRESHOLD,
  hangoverSeconds: DEFAULT_HANGOVER_SECONDS,
  model: null,
  modelSource: '',
  bundledError: null,
  comparison: null,
  comparing: false,
  consolidating: false,
  consolidateError: null,
  importError: null,
  listenError: null,
  micStatus: 'off',
  micError: null,
  devices: [],
  deviceId: '',
  micVersion: 0,
  micTiming: {},
  micLatencyMs: null,
  micTensors: null,
  fileStatus: 'idle',
  fileProgress: 0,
  fileError: null,
  file: null,
  receive(message) {
    switch (message.type) {
      case 'lanes':
        set({ lanes: message.lanes });
        return;
      case 'micFrames': {
        if (message.session !== micSession.current) return;
        micHistory.current.append(message.firstFrame, message.level, message.probabilities);
        const tensors = get().micTensors;
        const clock = micClock.now?.() ?? NaN;
        const timed = Object.keys(message.timing).length > 0;
        const counted = { first: tensors?.first ?? message.numTensors, latest: message.numTensors, max: Math.max(tensors?.max ?? 0, message.numTensors) };
        const sameCount = tensors !== null && tensors.first === counted.first && tensors.latest === counted.latest && tensors.max === counted.max;
        set((state) => ({
          micVersion: state.micVersion + 1,
          // Text on the page changes with the timings, once a second.
          micLatencyMs: timed && Number.isFinite(clock) ? 1000 * (clock - message.capturedAt) : state.micLatencyMs,
          micTiming: timed ? { ...state.micTiming, ...message.timing } : state.micTiming,
          micTensors: sameCount ? tensors : counted,
        }));
        return;
      }
      case 'micStopped':
        return;
      case 'fileProgress':
        if (message.fileId === currentFileId()) set({ fileStatus: 'analysing', fileProgress: message.fraction });
        return;
      case 'fileResult': {
        const pending = pendingFile;
        if (pending === null || message.fileId !== pending.fileId) return;
        set({
          fileStatus: 'done',
          fileProgress: 1,
          file: { ...message, url: pending.url },
        });
        return;
      }
      case 'comparison':
        set({ comparison: { full: message.full, consolidated: message.consolidated }, comparing: false });
        return;
      case 'recording':
      case 'modelZip':
        return;
      case 'consolidatedModel': {
        const model = { name: message.name, family: message.family, trainingSetup: message.trainingSetup };
        if (message.bundled === null) set({ model, importError: null, bundledError: null });
        else if (message.bundled === 'asked') set({ model, modelSource: BUNDLED_SOURCE, importError: null, bundledError: null });
        // The bundled small model fills the lane at start, unless the user already asked for another one.
        else if (get().modelSource === '') set({ model, modelSource: BUNDLED_SOURCE, bundledError: null });
        return;
      }
      case 'error':
        if (message.scope === 'mic') set({ micError: message.message });
        else if (message.scope === 'file') set({ fileError: message.message, fileStatus: 'idle' });
        else if (message.scope === 'compare') set({ consolidateError: message.message, comparing: false });
        else if (message.scope === 'model') set({ importError: message.message });
        else if (message.scope === 'bundled') set({ bundledError: message.message });
        else set({ listenError: message.message });
        return;
    }
  },
  set(patch) {
    set(patch);
  },
}));

/** The file being analysed: results for an older file are dropped. */
let pendingFile: { fileId: number; url: string } | null = null;
export function setPendingFile(file: { fileId: number; url: string } | null): void {
  pendingFile = file;
}
function currentFileId(): number | null {
  return pendingFile?.fileId ?? null;
}
