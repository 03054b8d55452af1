/**
 * The training curves of each finished run (widths, losses, validation trajectory), kept beside
 * the run in their own IndexedDB database so a run's details can show how it got there. Bounded
 * (history.ts), so a run's curves are a few kilobytes. Without IndexedDB they live in memory.
 */
import { useEffect, useState } from 'react';
import { indexedStore } from './indexedStore';
import { useAppStore, type LossRow, type TrajectoryPoint, type WidthLegendEntry, type WidthRow } from '../store';

export interface RunCurves {
  runId: string;
  trajectory: TrajectoryPoint[];
  widthHistory: WidthRow[];
  widthLegend: WidthLegendEntry[];
  lossHistory: LossRow[];
}

const database = indexedStore('width-tradeoff-explorer-curves', 'curves');
const memory = new Map<string, RunCurves>();

/** Keeps the live charts' curves of `runId` (the run that just finished), if the page still shows them. */
export function saveRunCurves(runId: string): void {
  const state = useAppStore.getState();
  if (state.runId !== runId) return;
  const curves: RunCurves = { runId, trajectory: state.trajectory, widthHistory: state.widthHistory, widthLegend: state.widthLegend, lossHistory: state.lossHistory };
  memory.set(runId, curves);
  database.transact('readwrite', (store) => store.put(curves)).catch(() => undefined);
}

/** Forgets the curves of one run (deleted), or of every run (null: cleared). */
export async function forgetRunCurves(runId: string | null): Promise<void> {
  if (runId === null) memory.clear();
  else memory.delete(runId);
  // Without IndexedDB the curves lived in memory only.
  await database.transact('readwrite', (store) => (runId === null ? store.clear() : store.delete(runId))).catch(() => undefined);
}

/** The curves kept for a run, or null (a run from before curves were kept, imported, or deleted). */
export async function loadRunCurves(runId: string): Promise<RunCurves | null> {
  const known = memory.get(runId);
  if (known !== undefined) return known;
  const found = await database.transact<RunCurves | undefined>('readonly', (store) => store.get(runId) as IDBRequest<RunCurves | undefined>).catch(() => undefined);
  return found ?? null;
}

/** The curves kept for a run, or null (see loadRunCurves). */
export function useRunCurves(runId: string): RunCurves | null | 'loading' {
  const [curves, setCurves] = useState<RunCurves | null | 'loading'>(() => memory.get(runId) ?? 'loading');
  useEffect(() => {
    const known = memory.get(runId);
    if (known !== undefined) {
      setCurves(known);
      return;
    }
    let live = true;
    void loadRunCurves(runId).then((found) => live && setCurves(found));
    return () => {
      live = false;
    };
  }, [runId]);
  return curves;
}
