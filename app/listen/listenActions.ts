/** What the listening panels do: talk to the listen worker, the trainer worker and the microphone. */
import type { FromWorker, LaneId } from '../../src/protocol';
import type { ExportedModel } from '../../src/runtime/exportModel';
import type { BundledSmallModelName } from '../../src/models/catalog';
import { audioFileFormat } from '../../src/audio/fileFormat';
import { sendToWorker } from '../worker';
import { download } from '../download';
import { micClock, micHistory, newMicSession, setPendingFile, useListenStore } from './listenStore';
import { requestRecording, sendToListener } from './listenWorker';
import { microphoneErrorMessage } from './micErrors';
import { audioInputs, startMicrophone, type MicrophoneSession } from './microphone';

// ---- consolidation, export, import ----------------------------------------------------

/** Asks the trainer worker for the paused (or last finished) run's consolidated model. */
export function consolidateRun(): void {
  useListenStore.getState().set({ consolidating: true, consolidateError: null });
  sendToWorker({ type: 'exportModel' });
}

/** The trainer's answer (app/worker.ts hands it over): the model goes to the consolidated lane and is measured. */
export function receiveRunModel(message: Extract<FromWorker, { type: 'runModel' | 'noRunModel' }>): void {
  const store = useListenStore.getState();
  if (message.type === 'noRunModel') {
    store.set({ consolidating: false, consolidateError: message.reason });
    return;
  }
  store.set({ consolidating: false, comparison: null, comparing: true, modelSource: message.paused ? `run ${message.runId}, paused` : `run ${message.runId}, finished` });
  sendToListener({ type: 'setModel', lane: 'consolidated', model: message.model });
  sendToListener({ type: 'compare' });
}

/** A finished run's kept consolidated model ("Test this model" in its details): to the consolidated lane, measured like a consolidated run. */
export function testKeptModel(runId: string, model: ExportedModel): void {
  useListenStore.getState().set({ consolidateError: null, comparison: null, comparing: true, modelSource: `run ${runId}, from its kept weights` });
  sendToListener({ type: 'setModel', lane: 'consolidated', model });
  sendToListener({ type: 'compare' });
}

/** One of the app's bundled small models to the consolidated lane, measured like an import. */
export function loadBundledSmallModel(name: BundledSmallModelName): void {
  useListenStore.getState().set({ bundledError: null, consolidateError: null, comparison: null, comparing: true });
  sendToListener({ type: 'loadBundled', name });
  sendToListener({ type: 'compare' });
}

export function compareModels(): void {
  useListenStore.getState().set({ comparing: true, comparison: null, consolidateError: null });
  sendToListener({ type: 'compare' });
}

export function exportModelZip(): void {
  sendToListener({ type: 'exportZip' });
}

/** Files dropped or picked: one .zip, or the four files of an exported folder. */
export async function importModelFiles(files: readonly File[]): Promise<void> {
  if (files.length === 0) return;
  const source = files.length === 1 ? files[0]!.name : (files[0]!.webkitRelativePath.split('/')[0] || `${files.length} files`);
  useListenStore.getState().set({ importError: null, comparison: null, comparing: true, modelSource: `imported from ${source}` });
  const contents = await Promise.all(files.map(async (file) => ({ name: file.webkitRelativePath || file.name, data: new Uint8Array(await file.arrayBuffer()) })));
  sendToListener({ type: 'importModel', source, files: contents }, contents.map((c) => c.data.buffer));
  sendToListener({ type: 'compare' });
}

// ---- microphone -----------------------------------------------------------------------

let session: MicrophoneSession | null = null;

export async function refreshDevices(): Promise<void> {
  try {
    const devices = await audioInputs();
    const { deviceId } = useListenStore.getState();
    useListenStore.getState().set({ devices, deviceId: devices.some((d) => d.deviceId === deviceId) ? deviceId : '' });
  } catch {
    // Listing devices is a convenience: the default input still works without it.
  }
}

export async function startMic(): Promise<void> {
  const store = useListenStore.getState();
  if (store.micStatus !== 'off') return;
  store.set({ micStatus: 'starting', micError: null, micTensors: null, micTiming: {}, micLatencyMs: null });
  const channel = new MessageChannel();
  sendToListener({ type: 'micStart', port: channel.port2, session: newMicSession() }, [channel.port2]);
  try {
    session = await startMicrophone(store.deviceId, channel.port1, (message) => {
      endSession();
      useListenStore.getState().set({ micStatus: 'off', micError: message });
    });
    micClock.now = () => session?.context.currentTime ?? NaN;
    useListenStore.getState().set({ micStatus: 'on' });
    void refreshDevices();
  } catch (error) {
    channel.port1.close();
    sendToListener({ type: 'micStop' });
    useListenStore.getState().set({ micStatus: 'off', micError: microphoneErrorMessage(error) });
  }
}

function endSession(): void {
  session?.stop();
  session = null;
  micClock.now = null;
  sendToListener({ type: 'micStop' });
}

export function stopMic(): void {
  endSession();
  useListenStore.getState().set({ micStatus: 'off' });
}

export async function saveRecording(): Promise<void> {
  const { wav } = await requestRecording();
  download('microphone-16k.wav', 'audio/wav', wav);
}

/** The kept microphone frames: the first one's absolute number and every lane's probabilities from there. */
export function micFrames(): { firstFrame: number; probabilities: Partial<Record<LaneId, Float32Array>> } {
  const history = micHistory.current;
  const probabilities = Object.fromEntries(history.laneIds().map((lane) => [lane, history.probabilities(lane, history.first, history.endFrame)]));
  return { firstFrame: history.first, probabilities };
}

// ---- files ----------------------------------------------------------------------------

let nextFileId = 1;

/** Decodes a dropped/opened audio file (WAV, FLAC and Ogg Opus in the worker, anything else by the browser) and runs every lane over it. */
export async function openAudioFile(file: File): Promise<void> {
  const fileId = nextFileId++;
  const previous = useListenStore.getState().file;
  if (previous !== null) URL.revokeObjectURL(previous.url);
  const url = URL.createObjectURL(file);
  setPendingFile({ fileId, url });
  useListenStore.getState().set({ fileStatus: 'decoding', fileProgress: 0, fileError: null, file: null });
  try {
    const bytes = await file.arrayBuffer();
    if (audioFileFormat(bytes) !== null) {
      sendToListener({ type: 'analyseFile', fileId, name: file.name, source: { encoded: bytes } }, [bytes]);
      return;
    }
    const audio = await decodeWithBrowser(bytes);
    const channels = Array.from({ length: audio.numberOfChannels }, (_, c) => audio.getChannelData(c));
    sendToListener({ type: 'analyseFile', fileId, name: file.name, source: { sampleRate: audio.sampleRate, channels } }, channels.map((c) => c.buffer));
  } catch (error) {
    setPendingFile(null);
    URL.revokeObjectURL(url);
    const reason = error instanceof Error ? error.message : String(error);
    useListenStore.getState().set({ fileStatus: 'idle', fileError: `${file.name} could not be decoded: this browser cannot read it as audio (${reason || 'unknown format'}).` });
  }
}

/** The browser's decoders (MP3, AAC, Ogg Vorbis, …), straight to 16 kHz with its own resampler. */
function decodeWithBrowser(bytes: ArrayBuffer): Promise<AudioBuffer> {
  const context = new OfflineAudioContext({ numberOfChannels: 1, length: 1, sampleRate: 16000 });
  return context.decodeAudioData(bytes);
}
