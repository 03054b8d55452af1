/// <reference lib="webworker" />
/**
 * Trainer worker: owns every tensor. For now it picks the tfjs backend and
 * reports it; training runs are added on top of the same message protocol.
 */
import { chooseBackend } from '../src/backend';
import type { BackendName, FromWorker, ToWorker } from '../src/protocol';

declare const self: DedicatedWorkerGlobalScope;

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

let initialised: Promise<void> | null = null;

async function initialise(order: BackendName[] | undefined): Promise<void> {
  const { backend, reason } = await chooseBackend({ wasmPath: wasmDirectory(), order });
  post({ type: 'ready', backend, reason });
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init':
      initialised ??= initialise(message.backends);
      await initialised;
      return;
    case 'start':
    case 'pause':
    case 'resume':
    case 'stop':
    case 'setAlpha':
      post({ type: 'error', message: `'${message.type}' is not implemented yet in the trainer worker` });
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
