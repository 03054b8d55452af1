/** Finished runs kept across reloads in IndexedDB (plain RunSummary objects). */
import type { RunSummary } from '../src/protocol';

const DB_NAME = 'width-tradeoff-explorer';
const STORE = 'runs';

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
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

export async function loadRuns(): Promise<RunSummary[]> {
  const runs = await transact<RunSummary[]>('readonly', (store) => store.getAll() as IDBRequest<RunSummary[]>);
  return runs.sort((a, b) => a.finishedAt - b.finishedAt);
}

export async function saveRun(summary: RunSummary): Promise<void> {
  await transact('readwrite', (store) => store.put(summary));
}

export async function clearRuns(): Promise<void> {
  await transact('readwrite', (store) => store.clear());
}
