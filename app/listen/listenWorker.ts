/** Starts the listen worker (on first use) and wires its messages into the listening store. */
import type { FromListener, ToListener } from '../../src/protocol';
import { download } from '../download';
import { useListenStore } from './listenStore';

let worker: Worker | null = null;
const recordingWaiters: ((message: Extract<FromListener, { type: 'recording' }>) => void)[] = [];

function isFromListener(value: unknown): value is FromListener {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function listenWorker(): Worker {
  if (worker !== null) return worker;
  const started = new Worker(new URL('../../workers/listen.worker.ts', import.meta.url), { type: 'module' });
  started.onmessage = (event: MessageEvent<unknown>) => {
    if (!isFromListener(event.data)) return;
    if (event.data.type === 'recording') recordingWaiters.shift()?.(event.data);
    if (event.data.type === 'modelZip') download(`${event.data.name.replace(/[^\w.-]+/g, '_') || 'model'}.zip`, 'application/zip', event.data.zip as BlobPart);
    useListenStore.getState().receive(event.data);
  };
  started.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    useListenStore.getState().set({ listenError: `Listen worker crashed: ${event.message || 'failed to load'}` });
  };
  worker = started;
  started.postMessage({ type: 'init' } satisfies ToListener);
  return started;
}

export function sendToListener(message: ToListener, transfer: Transferable[] = []): void {
  listenWorker().postMessage(message, transfer);
}

/** The microphone audio the worker kept, as a 16 kHz WAV. */
export function requestRecording(): Promise<{ wav: ArrayBuffer; seconds: number }> {
  return new Promise((resolve) => {
    recordingWaiters.push(resolve);
    sendToListener({ type: 'recording' });
  });
}

/** Starts the worker now (it loads the full-width model, the bundled small one and Silero while the user looks around). */
export function startListenWorker(): void {
  listenWorker();
}
