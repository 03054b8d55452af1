/**
 * Finished runs kept across reloads in IndexedDB (plain RunSummary objects). Where IndexedDB
 * cannot be opened (some private modes, storage disabled) they are kept in memory for this
 * page's life instead, and `loadRuns` says so. Records that cannot be read are skipped and named.
 */
import type { RunSummary } from '../src/protocol';
import { readStoredRuns } from './runs/storedRun';

const DB_NAME = 'width-tradeoff-explorer';
const STORE = 'runs';

export interface LoadedRuns {
  runs: RunSummary[];
  /** One line per stored record that was skipped (corrupt or an older format). */
  skipped: string[];
  /** Set when runs are kept in memory only, and why. */
  notice: string | null;
}

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined' || indexedDB === null) {
      reject(new Error('this browser offers no IndexedDB here'));
      return;
    }
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'runId' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('could not open IndexedDB'));
  });
}

/** Runs of this page's life when IndexedDB cannot be opened; null while it can. */
let memory: Map<string, RunSummary> | null = null;
let storageChecked: Promise<string | null> | null = null;

/** Opens IndexedDB once; on failure switches to memory. Resolves to the notice (null with IndexedDB). */
function checkStorage(): Promise<string | null> {
  storageChecked ??= openDb().then(
    (db) => {
      db.close();
      return null;
    },
    (error: unknown) => {
      memory = new Map();
      const why = error instanceof Error ? error.message : String(error);
      return `Finished runs are kept only until this page is reloaded: IndexedDB is unavailable (${why}).`;
    },
  );
  return storageChecked;
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

export async function loadRuns(): Promise<LoadedRuns> {
  const notice = await checkStorage();
  const records: unknown[] = memory !== null ? [...memory.values()] : await transact<unknown[]>('readonly', (store) => store.getAll());
  return { ...readStoredRuns(records), notice };
}

export async function saveRun(summary: RunSummary): Promise<void> {
  await checkStorage();
  if (memory !== null) memory.set(summary.runId, summary);
  else await transact('readwrite', (store) => store.put(summary));
}

export async function deleteRun(runId: string): Promise<void> {
  await checkStorage();
  if (memory !== null) memory.delete(runId);
  else await transact('readwrite', (store) => store.delete(runId));
}

export async function clearRuns(): Promise<void> {
  await checkStorage();
  if (memory !== null) memory.clear();
  else await transact('readwrite', (store) => store.clear());
}
