/**
 * The training curves of each finished run (widths, losses, validation trajectory), kept beside
 * the run in their own IndexedDB database so a run's details can show how it got there. Bounded
 * (history.ts), so a run's curves are a few kilobytes. Without IndexedDB they live in memory.
 */
import { useEffect, useState } from 'react';
import { useAppStore, type LossRow, type TrajectoryPoint, type WidthLegendEntry, type WidthRow } from '../store';

export interface RunCurves {
  runId: string;
  trajectory: TrajectoryPoint[];
  widthHistory: WidthRow[];
  widthLegend: WidthLegendEntry[];
  lossHistory: LossRow[];
}

const DB_NAME = 'width-tradeoff-explorer-curves';
const STORE = 'curves';
const memory = new Map<string, RunCurves>();

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined' || indexedDB === null) {
      reject(new Error('no IndexedDB'));
      return;
    }
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'runId' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('could not open IndexedDB'));
  });
}

async function transact<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = work(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction failed'));
    });
  } finally {
    db.close();
  }
}

/** Keeps the live charts' curves of `runId` (the run that just finished), if the page still shows them. */
export function saveRunCurves(runId: string): void {
  const state = useAppStore.getState();
  if (state.runId !== runId) return;
  const curves: RunCurves = { runId, trajectory: state.trajectory, widthHistory: state.widthHistory, widthLegend: state.widthLegend, lossHistory: state.lossHistory };
  memory.set(runId, curves);
  transact('readwrite', (store) => store.put(curves)).catch(() => undefined);
}

/** The curves kept for a run, or null (a run from before curves were kept, or imported). */
export function useRunCurves(runId: string): RunCurves | null | 'loading' {
  const [curves, setCurves] = useState<RunCurves | null | 'loading'>(() => memory.get(runId) ?? 'loading');
  useEffect(() => {
    const known = memory.get(runId);
    if (known !== undefined) {
      setCurves(known);
      return;
    }
    let live = true;
    transact<RunCurves | undefined>('readonly', (store) => store.get(runId) as IDBRequest<RunCurves | undefined>)
      .then((found) => live && setCurves(found ?? null))
      .catch(() => live && setCurves(null));
    return () => {
      live = false;
    };
  }, [runId]);
  return curves;
}
