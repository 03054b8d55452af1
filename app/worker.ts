/** Starts the trainer worker and wires its messages into the store. */
import type { BackendName, ToWorker } from '../src/protocol';
import { isBackendName, isFromWorker } from '../src/protocol';
import { useAppStore } from './store';

let worker: Worker | null = null;

export function sendToWorker(message: ToWorker): void {
  worker?.postMessage(message);
}

/**
 * `?backend=wasm` (or a comma-separated list, e.g. `webgl,cpu`) restricts the
 * backends the worker tries, to compare them on one machine.
 */
function requestedBackends(search: string): BackendName[] | undefined {
  const value = new URLSearchParams(search).get('backend');
  if (value === null) return undefined;
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !isBackendName(name));
  if (unknown.length > 0) {
    useAppStore.getState().reportError(`Ignoring unknown backend(s) in ?backend=: ${unknown.join(', ')}`);
  }
  const known = names.filter(isBackendName);
  return known.length > 0 ? known : undefined;
}

export function startWorker(): void {
  if (worker !== null) return;
  const { receive, reportCrash } = useAppStore.getState();
  try {
    worker = new Worker(new URL('../workers/trainer.worker.ts', import.meta.url), { type: 'module' });
  } catch (error) {
    reportCrash(`Could not start the trainer worker: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  worker.onmessage = (event: MessageEvent<unknown>) => {
    if (isFromWorker(event.data)) receive(event.data);
  };
  worker.onerror = (event: ErrorEvent) => {
    // A load or top-level error in the worker: there is no message, only this event.
    event.preventDefault();
    const where = event.filename ? ` (${event.filename}:${event.lineno})` : '';
    reportCrash(`Trainer worker crashed: ${event.message || 'failed to load'}${where}`);
  };
  worker.onmessageerror = () => {
    reportCrash('Trainer worker sent a message that could not be deserialised');
  };
  const backends = requestedBackends(window.location.search);
  sendToWorker(backends === undefined ? { type: 'init' } : { type: 'init', backends });
}
