/**
 * Finished runs kept across reloads in IndexedDB (plain RunSummary objects). Where IndexedDB
 * cannot be opened (some private modes, storage disabled) they are kept in memory for this
 * page's life instead, and `loadRuns` says so. Records that cannot be read are skipped and named.
 */
import type { RunSummary } from '../src/protocol';
import { indexedStore } from './indexedStore';
import { readStoredRuns } from './runs/storedRun';

const database = indexedStore('width-tradeoff-explorer', 'runs');

export interface LoadedRuns {
  runs: RunSummary[];
  /** One line per stored record that was skipped (corrupt or an older format). */
  skipped: string[];
  /** Set when runs are kept in memory only, and why. */
  notice: string | null;
}

/** Runs of this page's life when IndexedDB cannot be opened; null while it can. */
let memory: Map<string, RunSummary> | null = null;
let storageChecked: Promise<string | null> | null = null;

/** Opens IndexedDB once; on failure switches to memory. Resolves to the notice (null with IndexedDB). */
function checkStorage(): Promise<string | null> {
  storageChecked ??= database.check().then(
    () => null,
    (error: unknown) => {
      memory = new Map();
      const why = error instanceof Error ? error.message : String(error);
      return `Finished runs are kept only until this page is reloaded: IndexedDB is unavailable (${why}).`;
    },
  );
  return storageChecked;
}

export async function loadRuns(): Promise<LoadedRuns> {
  const notice = await checkStorage();
  const records: unknown[] = memory !== null ? [...memory.values()] : await database.transact<unknown[]>('readonly', (store) => store.getAll());
  return { ...readStoredRuns(records), notice };
}

export async function saveRun(summary: RunSummary): Promise<void> {
  await checkStorage();
  if (memory !== null) memory.set(summary.runId, summary);
  else await database.transact('readwrite', (store) => store.put(summary));
}

export async function deleteRun(runId: string): Promise<void> {
  await checkStorage();
  if (memory !== null) memory.delete(runId);
  else await database.transact('readwrite', (store) => store.delete(runId));
}

export async function clearRuns(): Promise<void> {
  await checkStorage();
  if (memory !== null) memory.clear();
  else await database.transact('readwrite', (store) => store.clear());
}
