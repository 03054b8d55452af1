/**
 * One IndexedDB object store keyed by `runId`, opened for each transaction and closed after it
 * (the page holds no connection open). Rejects where IndexedDB cannot be opened; callers decide
 * what to keep in memory instead.
 */
export interface IndexedStore {
  /** Resolves once the database opens (and closes it again); rejects with why it cannot. */
  check(): Promise<void>;
  transact<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T>;
}

export function indexedStore(dbName: string, storeName: string): IndexedStore {
  const open = () =>
    new Promise<IDBDatabase>((resolve, reject) => {
      if (typeof indexedDB === 'undefined' || indexedDB === null) {
        reject(new Error('this browser offers no IndexedDB here'));
        return;
      }
      const request = indexedDB.open(dbName, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(storeName, { keyPath: 'runId' });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('could not open IndexedDB'));
    });
  return {
    check: () => open().then((db) => db.close()),
    async transact<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
      const db = await open();
      try {
        return await new Promise<T>((resolve, reject) => {
          const transaction = db.transaction(storeName, mode);
          const request = work(transaction.objectStore(storeName));
          transaction.oncomplete = () => resolve(request.result);
          transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction failed'));
        });
      } finally {
        db.close();
      }
    },
  };
}
