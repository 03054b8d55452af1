/** Starts the trainer worker and wires its messages into the store (progress batched to ≤ 10 Hz). */
import type { BackendName, ProgressEvent, ToWorker } from '../src/protocol';
import { isBackendName, isFromWorker, MAX_PROGRESS_HZ, type FromWorker } from '../src/protocol';
import { receiveSweepMessage } from './curve/sweepClient';
import { saveRunCurves } from './runs/runCurves';
import { receiveRunModel } from './listen/listenActions';
import { saveRun, saveRunWeights } from './runs/runStore';
import { PROGRESS_PARTS, useAppStore } from './store';

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

/**
 * Progress arrives at ≤ 10/s plus one per validation pass; the store (and so the
 * charts) takes them in batches at most MAX_PROGRESS_HZ times a second.
 */
let pending: ProgressEvent[] = [];
let flushTimer: ReturnType<typeof setTimeout> | null = null;
let lastFlush = 0;

/** Hands a batch to the store one part per task, so each task re-renders at most one chart. */
function flushProgress(): void {
  flushTimer = null;
  lastFlush = performance.now();
  const events = pending;
  pending = [];
  if (events.length === 0) return;
  const [first, ...rest] = PROGRESS_PARTS;
  useAppStore.getState().receiveProgress(events, [first]);
  for (const part of rest) setTimeout(() => useAppStore.getState().receiveProgress(events, [part]), 0);
}

function queueProgress(event: ProgressEvent): void {
  pending.push(event);
  if (flushTimer !== null) return;
  const wait = Math.max(0, lastFlush + 1000 / MAX_PROGRESS_HZ - performance.now());
  flushTimer = setTimeout(flushProgress, wait);
}

function receive(message: FromWorker): void {
  if (message.type === 'progress') {
    queueProgress(message.event);
    return;
  }
  // Anything else may end the run: show the last progress first (its parts are queued
  // tasks), then this message in a task after them.
  if (flushTimer !== null) clearTimeout(flushTimer);
  flushProgress();
  setTimeout(() => handle(message), 0);
}

function handle(message: FromWorker): void {
  // Before anything moves the live charts on: they hold this run's curves.
  if (message.type === 'runFinished') saveRunCurves(message.summary.runId);
  if (message.type === 'runWeights') {
    const { runId, weights, model } = message;
    saveRunWeights({ runId, weights, model }).catch((error: unknown) => {
      useAppStore.getState().reportError(`Could not keep the weights of run ${runId} (it cannot be continued or tested later): ${String(error)}`);
    });
    return;
  }
  if (receiveSweepMessage(message)) return;
  if (message.type === 'runModel' || message.type === 'noRunModel') {
    receiveRunModel(message);
    return;
  }
  if (message.type !== 'runFinished') {
    useAppStore.getState().receive(message);
    return;
  }
  // A finished run updates the summary, then the table and the accuracy chart, in separate
  // tasks; then it is saved.
  const { summary } = message;
  useAppStore.getState().showSummary(summary);
  setTimeout(() => {
    useAppStore.getState().addFinishedRun(summary);
    saveRun(summary).catch((error: unknown) => {
      useAppStore.getState().reportError(`Could not save the finished run: ${String(error)}`);
    });
  }, 0);
}

/** Restarts in a row without the worker becoming ready before the page gives up (a worker that cannot start). */
const MAX_RESTARTS = 3;
let restartsInARow = 0;
let launches = 0;

/**
 * The page learns that a worker has died (a crash, the browser killing it for memory, close())
 * from a Web Lock: the worker holds the lock named after it for its whole life (see
 * workers/trainer.worker.ts), so the page is granted the same lock only once the worker is gone.
 * Asked for after the worker's first 'ready', when its own request is long queued.
 */
function watchForDeath(watched: Worker, lockName: string): void {
  if (typeof navigator === 'undefined' || navigator.locks === undefined) return;
  void navigator.locks.request(lockName, () => {
    if (worker === watched) restartAfterDeath(watched);
  });
}

/** The page is going away (reload, navigation): its worker ends with it, which is no crash. */
let leaving = false;
if (typeof window !== 'undefined') window.addEventListener('pagehide', () => (leaving = true));

function restartAfterDeath(dead: Worker): void {
  if (leaving) return;
  dead.terminate();
  worker = null;
  pending = [];
  if (flushTimer !== null) clearTimeout(flushTimer);
  flushTimer = null;
  const state = useAppStore.getState();
  const lost = state.runState !== 'idle' && state.runId !== null ? ` The run in progress (${state.runId}) was lost: start it again.` : '';
  if (restartsInARow >= MAX_RESTARTS) {
    state.reportCrash(`Trainer worker stopped ${restartsInARow + 1} times in a row; reload the page.${lost}`);
    return;
  }
  restartsInARow++;
  state.workerRestarting(`The trainer worker stopped unexpectedly and was restarted. Finished runs are intact.${lost}`);
  launch();
}

function launch(): void {
  const { reportCrash } = useAppStore.getState();
  const lockName = `trainer-alive-${Date.now().toString(36)}-${++launches}`;
  let started: Worker;
  try {
    started = new Worker(new URL('../workers/trainer.worker.ts', import.meta.url), { type: 'module', name: lockName });
  } catch (error) {
    reportCrash(`Could not start the trainer worker: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  worker = started;
  let ready = false;
  started.onmessage = (event: MessageEvent<unknown>) => {
    if (worker !== started || !isFromWorker(event.data)) return;
    if (event.data.type === 'ready' && !ready) {
      ready = true;
      restartsInARow = 0;
      watchForDeath(started, lockName);
    }
    receive(event.data);
  };
  started.onerror = (event: ErrorEvent) => {
    // A load or top-level error in the worker: there is no message, only this event.
    event.preventDefault();
    const where = event.filename ? ` (${event.filename}:${event.lineno})` : '';
    reportCrash(`Trainer worker crashed: ${event.message || 'failed to load'}${where}`);
  };
  started.onmessageerror = () => {
    reportCrash('Trainer worker sent a message that could not be deserialised');
  };
  const backends = requestedBackends(window.location.search);
  sendToWorker(backends === undefined ? { type: 'init' } : { type: 'init', backends });
}

export function startWorker(): void {
  if (worker === null) launch();
}
