/**
 * "Draw the curve" on the page: starts, cancels and resumes the worker's sweep, keeps its status
 * (in localStorage, so a reload finds it and says what is left), and takes its runs' messages.
 *
 * A sweep's finished runs are saved at once, but join the finished-runs table and the big
 * accuracy chart only when the sweep ends: that chart's re-render takes longer than 50 ms, and
 * the sweep keeps the main thread free of such tasks. The sweep's own chart shows them at once.
 */
import { create } from 'zustand';
import type { FromWorker, RunSummary } from '../../src/protocol';
import { countSavedCurrentRun, sweepSize, type SweepSpec, type SweepStatus } from '../../src/train/sweepPlan';
import { saveRun } from '../runs/runStore';
import { useAppStore } from '../store';
import { sendToWorker } from '../worker';

const STORAGE_KEY = 'width-tradeoff-explorer:sweep';

export interface SweepState {
  status: SweepStatus | null;
  /** The stored status said "running" when the page loaded: the worker that ran it is gone. */
  interrupted: boolean;
}

export const useSweepStore = create<SweepState>()(() => ({ status: null, interrupted: false }));

/** Runs of the current sweep that finished and wait for its end to join the table. */
let deferred: RunSummary[] = [];

/**
 * Keeps the status for a reload, in order, and only once the saves of the runs finished before it
 * have settled: a kept status never counts a run that a reload would not find saved.
 */
let keeping: Promise<void> = Promise.resolve();
function keep(status: SweepStatus | null): void {
  keeping = keeping.then(() => persist(status));
}

function persist(status: SweepStatus | null): void {
  try {
    if (status === null) localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, JSON.stringify(status));
  } catch (error) {
    useAppStore.getState().reportError(`Could not keep the sweep's progress for a reload: ${String(error)}`);
  }
}

function isStatus(value: unknown): value is SweepStatus {
  const status = value as Partial<SweepStatus> | null;
  return typeof status === 'object' && status !== null && typeof status.sweepId === 'string' && Array.isArray(status.done) && Array.isArray(status.spec?.alphas);
}

/**
 * At page load, once the saved runs are known: the last sweep, if one was kept; one that was
 * running is reported as interrupted, its run in progress counted if that run was saved.
 */
export function loadStoredSweep(savedRuns: readonly RunSummary[]): void {
  // A sweep started while the saved runs were loading is newer than the kept one.
  if (useSweepStore.getState().status !== null) return;
  let raw: string | null = null;
  try {
    raw = localStorage.getItem(STORAGE_KEY);
  } catch {
    return;
  }
  if (raw === null) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = null;
  }
  if (!isStatus(parsed)) {
    useAppStore.getState().reportError('The kept sweep progress could not be read; it was dropped.');
    keep(null);
    return;
  }
  const interrupted = parsed.state === 'running';
  const counted = countSavedCurrentRun(parsed, savedRuns);
  if (counted !== parsed) keep(counted);
  useSweepStore.setState({ status: { ...counted, current: null }, interrupted });
}

const sweepRunning = (): boolean => useSweepStore.getState().status?.state === 'running' && !useSweepStore.getState().interrupted;

export function startSweep(spec: SweepSpec): void {
  const sweepId = `sweep-${Date.now().toString(36)}`;
  deferred = [];
  const status: SweepStatus = { sweepId, spec, total: sweepSize(spec), done: [], failed: [], current: null, state: 'running' };
  useSweepStore.setState({ status, interrupted: false });
  keep(status);
  sendToWorker({ type: 'startSweep', sweepId, spec, done: [] });
}

/** Continues an interrupted sweep: the worker makes only the runs it has no result for. */
export function resumeSweep(): void {
  const { status } = useSweepStore.getState();
  if (status === null) return;
  deferred = [];
  useSweepStore.setState({ status: { ...status, state: 'running', current: null }, interrupted: false });
  sendToWorker({ type: 'startSweep', sweepId: status.sweepId, spec: status.spec, done: status.done });
}

export function cancelSweep(): void {
  sendToWorker({ type: 'cancelSweep' });
}

/** Forgets the kept sweep (its finished runs stay in the table). */
export function discardSweep(): void {
  useSweepStore.setState({ status: null, interrupted: false });
  keep(null);
}

function joinTable(): void {
  if (deferred.length === 0) return;
  const runs = deferred;
  deferred = [];
  const { finishedRuns, setFinishedRuns } = useAppStore.getState();
  const ids = new Set(runs.map((run) => run.runId));
  setFinishedRuns([...finishedRuns.filter((run) => !ids.has(run.runId)), ...runs]);
}

function receiveStatus(status: SweepStatus): void {
  const previous = useSweepStore.getState().status;
  // A new run of the sweep: the live charts follow it, with its own setup (method, α).
  if (status.current !== null && status.current.runId !== previous?.current?.runId) {
    useAppStore.getState().beginRun(status.current.runId, status.current.config);
  }
  useSweepStore.setState({ status, interrupted: false });
  keep(status);
  // In a task of its own, after the sweep's last status has rendered: the big chart re-renders for it.
  if (status.state !== 'running') setTimeout(joinTable, 0);
}

/** Takes the worker's sweep messages and the finished runs of a sweep; false for anything else. */
export function receiveSweepMessage(message: FromWorker): boolean {
  if (message.type === 'sweep') {
    receiveStatus(message.status);
    return true;
  }
  if (message.type !== 'runFinished' || !sweepRunning()) return false;
  const { summary } = message;
  useAppStore.getState().showSummary(summary);
  deferred.push(summary);
  const saved = saveRun(summary).catch((error: unknown) => useAppStore.getState().reportError(`Could not save the finished run: ${String(error)}`));
  keeping = keeping.then(() => saved);
  return true;
}
